"""The risk part of Settings: the 5 x 5 rating matrix (likelihood x impact -> level)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from qmsdesk.services.labels import label
from qmsdesk.services.risks import rules
from qmsdesk.ui import colours
from qmsdesk.ui.dialogs.record_dialog import error_style
from qmsdesk.ui.dialogs.risk_dialog import IMPACT_WORDS, LIKELIHOOD_WORDS
from qmsdesk.ui.widgets import select_value

SCALE = tuple(rules.SCALE)


class RiskMatrixPanel(QWidget):
    """One drop-down per cell, likelihood 5 at the top as on the heat map; ``value()`` the
    matrix ([likelihood - 1][impact - 1] -> level)."""

    def __init__(self, matrix: rules.Matrix, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        intro = QLabel(self.tr(
            "<b>Rating matrix</b> — the level each likelihood and impact pair is rated. "
            "A cell never rates lower than one with a smaller likelihood or impact. Risks "
            "and opportunities are rated again with the new matrix as soon as it is saved."))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        grid = QGridLayout()
        grid.setHorizontalSpacing(6)
        self.cells: dict[tuple[int, int], QComboBox] = {}
        for column, impact in enumerate(SCALE, start=1):
            heading = QLabel(f"{impact}\n{IMPACT_WORDS[impact - 1]}")
            heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
            grid.addWidget(heading, 0, column)
        for row, likelihood in enumerate(reversed(SCALE), start=1):
            grid.addWidget(QLabel(f"{likelihood} {LIKELIHOOD_WORDS[likelihood - 1]}"), row, 0)
            for column, impact in enumerate(SCALE, start=1):
                combo = QComboBox()
                combo.setObjectName(f"matrix_{likelihood}_{impact}")
                combo.setAccessibleName(self.tr("Likelihood %1, impact %2")
                                        .replace("%1", str(likelihood))
                                        .replace("%2", str(impact)))
                for level in rules.LEVELS:
                    combo.addItem(label(level), level)
                combo.currentIndexChanged.connect(lambda _i, c=combo: self._colour(c))
                self.cells[(likelihood, impact)] = combo
                grid.addWidget(combo, row, column)
        axis = QLabel(self.tr("Likelihood ↑   Impact →"))
        axis.setStyleSheet(colours.text_style(colours.MUTED))
        grid.addWidget(axis, len(SCALE) + 1, 0, 1, len(SCALE) + 1)
        layout.addLayout(grid)
        buttons = QHBoxLayout()
        self.reset = QPushButton(self.tr("Reset to the &default"))
        self.reset.setToolTip(self.tr("By score: up to 4 low, up to 9 medium, else high"))
        self.reset.clicked.connect(lambda: self.set_matrix(rules.DEFAULT_MATRIX))
        buttons.addWidget(self.reset)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.errors = QLabel()
        self.errors.setStyleSheet(error_style())
        self.errors.setWordWrap(True)
        layout.addWidget(self.errors)
        layout.addStretch(1)
        self.set_matrix(matrix)

    def _colour(self, combo: QComboBox) -> None:
        tone = colours.RISK_TONES.get(combo.currentData(), colours.NEUTRAL)
        combo.setStyleSheet(f"QComboBox {{ {colours.cell_style(tone)} }}")

    def set_matrix(self, matrix: rules.Matrix) -> None:
        for (likelihood, impact), combo in self.cells.items():
            select_value(combo, matrix[likelihood - 1][impact - 1])
            self._colour(combo)
        self.show_errors({})

    def value(self) -> rules.Matrix:
        return tuple(tuple(str(self.cells[(likelihood, impact)].currentData())
                           for impact in SCALE) for likelihood in SCALE)

    def show_errors(self, errors: dict[str, str]) -> None:
        """Messages keyed "matrix" or "matrix[likelihood][impact]"; the cells named get a
        red outline as well as the message."""
        self.errors.setText("\n".join(dict.fromkeys(errors.values())))
        for (likelihood, impact), combo in self.cells.items():
            wrong = f"matrix[{likelihood}][{impact}]" in errors
            tone = colours.RISK_TONES.get(combo.currentData(), colours.NEUTRAL)
            border = f" border: 2px solid {colours.text(colours.BAD).name()};" if wrong else ""
            combo.setStyleSheet(f"QComboBox {{ {colours.cell_style(tone)}{border} }}")
