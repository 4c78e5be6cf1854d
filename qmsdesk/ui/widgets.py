"""Small widgets the editors share."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDateEdit, QWidget

from qmsdesk.ui.formatting import date_format, from_qdate, to_qdate

UNSET = QDate(2000, 1, 1)


class DateEdit(QDateEdit):
    """A date field in the user's format with a calendar; optionally allowed to be empty.

    An empty optional date shows ``empty_text`` (e.g. "Not set") and reads back as None.
    """

    def __init__(self, optional: bool = False, empty_text: str = "Not set",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setCalendarPopup(True)
        self.setDisplayFormat(date_format())
        self._optional = optional
        if optional:
            self.setMinimumDate(UNSET)
            self.setSpecialValueText(empty_text)

    def value(self) -> date | None:
        current = self.date()
        return None if self._optional and current == UNSET else from_qdate(current)

    def set_value(self, value: date | None, default: date | None = None) -> None:
        if value is None and self._optional:
            self.setDate(UNSET)
        else:
            self.setDate(to_qdate(value or default or date.today()))
