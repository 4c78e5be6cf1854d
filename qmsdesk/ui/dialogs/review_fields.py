"""The review fields the context and risk editors share: interval, last and next review.

Changing the interval or the last review suggests the next one (the register's rule);
"Reviewed today" records today's review.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QPushButton, QSpinBox, QWidget

from qmsdesk.ui.dialogs.record_dialog import RecordDialog
from qmsdesk.ui.formatting import to_qdate
from qmsdesk.ui.widgets import DateEdit
from qmsdesk.ui.write_access import writes

Suggest = Callable[[date | None, int, date], date]


class ReviewFields:
    def __init__(self, dialog: RecordDialog, form: QFormLayout, today: date,
                 suggest: Suggest, max_months: int) -> None:
        self._today, self._suggest = today, suggest
        tr = dialog.tr
        self.interval = QSpinBox()
        self.interval.setRange(1, max_months)
        self.interval.setSuffix(tr(" months"))
        dialog.add_field(form, tr("Review inter&val"), self.interval, "review_interval_months")
        self.last_review = DateEdit(optional=True, empty_text=tr("Never reviewed"))
        row_widget = QWidget()
        row = QHBoxLayout(row_widget)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.last_review, 1)
        self.mark_reviewed = QPushButton(tr("Reviewed toda&y"))
        writes(self.mark_reviewed)  # records a review, once saved
        self.mark_reviewed.setToolTip(tr(
            "Record today's review; the next review moves one interval on"))
        self.mark_reviewed.clicked.connect(
            lambda: self.last_review.setDate(to_qdate(self._today)))
        row.addWidget(self.mark_reviewed)
        dialog.add_field(form, tr("&Last review"), row_widget, "last_review")
        self.next_review = DateEdit()
        dialog.add_field(form, tr("Ne&xt review"), self.next_review, "next_review")
        self.interval.valueChanged.connect(self._suggest_next)
        self.last_review.dateChanged.connect(self._suggest_next)

    def load(self, interval: int, last: date | None, next_: date | None) -> None:
        for widget in (self.interval, self.last_review):
            widget.blockSignals(True)
        self.interval.setValue(interval)
        self.last_review.set_value(last)
        for widget in (self.interval, self.last_review):
            widget.blockSignals(False)
        self.next_review.set_value(next_, self._today)

    def _suggest_next(self) -> None:
        suggested = self._suggest(self.last_review.value(), self.interval.value(), self._today)
        self.next_review.setDate(to_qdate(suggested))

    def values(self) -> dict[str, object]:
        """The record's fields: review_interval_months, last_review, next_review."""
        return {"review_interval_months": self.interval.value(),
                "last_review": self.last_review.value(),
                "next_review": self.next_review.value()}
