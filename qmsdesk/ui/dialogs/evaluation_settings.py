"""The supplier-evaluation part of Settings: criteria and weights, bands, review intervals."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from qmsdesk.services.suppliers import rules
from qmsdesk.ui.child_table import (
    ChildColumn,
    ChildDelegate,
    ChildListModel,
    commit_open_editor,
)
from qmsdesk.ui.dialogs.record_dialog import error_style


@dataclass
class CriterionRow:
    name: str = ""
    description: str = ""
    weight: float | str | None = None
    id: int | None = None


@dataclass
class BandRow:
    name: str = ""
    minimum: float | str | None = None
    id: int | None = None


@dataclass
class EvaluationSettings:
    criteria: list[rules.Criterion]
    bands: list[rules.Band]
    intervals: dict[str, int]


CRITERION_COLUMNS = (ChildColumn("name", "Criterion", width=200),
                     ChildColumn("description", "What is judged", width=300),
                     ChildColumn("weight", "Weight %", "number", width=80))
BAND_COLUMNS = (ChildColumn("name", "Band", width=80),
                ChildColumn("minimum", "From total", "number", width=100))


def _table(columns: tuple[ChildColumn, ...], model: ChildListModel) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setItemDelegate(ChildDelegate(columns, view))
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.verticalHeader().hide()
    for i, column in enumerate(columns):
        view.setColumnWidth(i, column.width)
    view.horizontalHeader().setStretchLastSection(True)
    return view


class EvaluationSettingsPanel(QWidget):
    def __init__(self, value: EvaluationSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("<b>Criteria</b> — weights must add up to 100 %. "
                                        "Earlier reviews keep the weights they were made with.")))
        self.criteria = ChildListModel(
            CRITERION_COLUMNS, [CriterionRow(c.name, c.description, c.weight)
                                for c in value.criteria], CriterionRow, self)
        self.criteria_view = _table(CRITERION_COLUMNS, self.criteria)
        layout.addWidget(self.criteria_view, 2)
        buttons = QHBoxLayout()
        add, remove = QPushButton(self.tr("Add criterion")), QPushButton(self.tr("Remove"))
        add.clicked.connect(self.criteria.add)
        remove.clicked.connect(lambda: self.criteria.remove(
            self.criteria_view.currentIndex().row()))
        self.total = QLabel()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        buttons.addWidget(self.total)
        layout.addLayout(buttons)
        self.criteria.dataChanged.connect(self._show_total)
        self.criteria.rowsRemoved.connect(self._show_total)
        layout.addWidget(QLabel(self.tr("<b>Bands</b> — best first; the last starts at 0.")))
        self.bands = ChildListModel(BAND_COLUMNS, [BandRow(b.name, b.minimum)
                                                   for b in value.bands], BandRow, self)
        self.bands_view = _table(BAND_COLUMNS, self.bands)
        self.bands_view.setMaximumHeight(150)
        layout.addWidget(self.bands_view, 1)
        form = QFormLayout()
        self.intervals: dict[str, QSpinBox] = {}
        for criticality in rules.CRITICALITIES:
            box = QSpinBox()
            box.setRange(1, rules.MAX_INTERVAL_MONTHS)
            box.setSuffix(self.tr(" months"))
            box.setValue(value.intervals.get(criticality, rules.DEFAULT_INTERVALS[criticality]))
            self.intervals[criticality] = box
            form.addRow(self.tr("Review %s suppliers every") % criticality, box)
        layout.addLayout(form)
        self.errors = QLabel()
        self.errors.setStyleSheet(error_style())
        self.errors.setWordWrap(True)
        layout.addWidget(self.errors)
        self._show_total()

    def _show_total(self) -> None:
        weights = [c.weight for c in self.criteria.items() if isinstance(c.weight, int | float)]
        self.total.setText(self.tr("Total %s %%") % f"{sum(weights):g}")

    def value(self) -> EvaluationSettings:
        commit_open_editor(self.criteria_view)
        commit_open_editor(self.bands_view)
        criteria = [rules.Criterion(c.name, c.description, c.weight)
                    for c in self.criteria.items()]
        bands = [rules.Band(b.name, b.minimum)
                 for b in self.bands.items()]
        return EvaluationSettings(criteria, bands,
                                  {c: box.value() for c, box in self.intervals.items()})

    def show_errors(self, errors: dict[str, str]) -> None:
        self.errors.setText("\n".join(errors.values()))
