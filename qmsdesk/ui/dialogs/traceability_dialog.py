"""The traceability matrix on screen: each requirement that matters most, down its chain of
risks and opportunities, objectives and actions, with the gaps named and counted; the same
data as `report traceability` (services.risks.traceability)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from qmsdesk.services.labels import label
from qmsdesk.services.numbers import NOTHING
from qmsdesk.services.risks.traceability import (
    GAPS,
    Traceability,
    TraceAction,
    TraceRisk,
    TraceRow,
)

ALL, COMPLETE = "all", "complete"
GAP_COLOUR = QColor("#B3261E")  # the gap is also written out: colour is not the only cue
HEADERS = ("Requirement / risk / objective / action", "Why traced / status", "Gaps")


def _gaps(gaps: tuple[str, ...]) -> str:
    return "; ".join(label(gap) for gap in gaps) or NOTHING


def _item(parent: QTreeWidget | QTreeWidgetItem, texts: tuple[str, str, str],
          gaps: tuple[str, ...] = ()) -> QTreeWidgetItem:
    item = QTreeWidgetItem(parent, list(texts))
    for column, text in enumerate(texts):
        item.setToolTip(column, text)
    if gaps:
        item.setForeground(2, QBrush(GAP_COLOUR))
    return item


def _action(parent: QTreeWidgetItem, action: TraceAction) -> None:
    due = f"due {action.due_date.isoformat()}" if action.due_date else "no due date"
    status = f"{label(action.status)}, {due}" + (" · Overdue" if action.overdue else "")
    if action.effectiveness:
        status += f" · {label(action.effectiveness)}"
    _item(parent, (f"{action.ref} — {action.title} (via {action.via})", status, ""))


def _risk(parent: QTreeWidgetItem, risk: TraceRisk) -> None:
    rating = label(risk.residual_rating or risk.rating)
    status = f"{label(risk.treatment) or 'Not treated'} · {rating}"
    if risk.effectiveness:
        status += f" · {label(risk.effectiveness)}"
    item = _item(parent, (f"{risk.ref} — {risk.title}", status, _gaps(risk.gaps)),
                 risk.gaps)
    for objective in risk.objectives:
        _item(item, (f"{objective.ref} — {objective.title}", label(objective.status), ""))
    for action in risk.actions:
        _action(item, action)


class TraceabilityDialog(QDialog):
    """Read-only: the chain as it stands; a gap filter narrows it to what needs work."""

    def __init__(self, data: Traceability, print_report: Callable[[], None] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data = data
        self.setWindowTitle(self.tr("Traceability matrix"))
        self.resize(980, 620)
        layout = QVBoxLayout(self)
        counts = data.counts
        gaps = ", ".join(f"{n} {label(gap).lower()}" for gap, n in counts.by_gap().items())
        self.summary = QLabel(self.tr(
            "As of %1: %2 requirements traced (compliance obligations and parties to manage "
            "closely), %3 complete. Gaps: %4.").replace("%1", data.as_of.isoformat())
            .replace("%2", str(counts.requirements)).replace("%3", str(counts.complete))
            .replace("%4", gaps))
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        row = QHBoxLayout()
        show = QLabel(self.tr("&Show:"))
        self.filter = QComboBox()
        self.filter.addItem(self.tr("Every traced requirement"), ALL)
        for gap in GAPS:
            self.filter.addItem(self.tr("With a gap: %s") % label(gap).lower(), gap)
        self.filter.addItem(self.tr("Complete chains"), COMPLETE)
        show.setBuddy(self.filter)
        self.filter.currentIndexChanged.connect(self._fill)
        row.addWidget(show)
        row.addWidget(self.filter)
        row.addStretch(1)
        layout.addLayout(row)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels([self.tr(text) for text in HEADERS])
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        header.resizeSection(1, 260)
        header.resizeSection(2, 220)
        layout.addWidget(self.tree, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        if print_report is not None:
            self.print_button = buttons.addButton(self.tr("&Report PDF…"),
                                                  QDialogButtonBox.ButtonRole.ActionRole)
            self.print_button.clicked.connect(print_report)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._fill()

    def shown_rows(self) -> list[TraceRow]:
        wanted = self.filter.currentData()
        if wanted == ALL:
            return list(self.data.rows)
        if wanted == COMPLETE:
            return [row for row in self.data.rows if not row.gaps]
        return [row for row in self.data.rows if wanted in row.gaps]

    def _fill(self) -> None:
        self.tree.clear()
        for trace in self.shown_rows():
            why = trace.why
            top = _item(self.tree, (f"{trace.party_ref} {trace.party_name} — "
                                    f"{trace.requirement}", why, _gaps(trace.gaps)),
                        trace.gaps)
            if not trace.risks:
                _item(top, (self.tr("No risk or opportunity cites this requirement"), "", ""))
            for risk in trace.risks:
                _risk(top, risk)
            top.setExpanded(bool(trace.gaps))
        self.tree.setFocus(Qt.FocusReason.OtherFocusReason)
