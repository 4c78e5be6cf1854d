"""Editor for one management-review meeting (ISO 9001 9.3): when, which period, who,
what was concluded, and the actions it decided."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date

from PySide6.QtWidgets import QLineEdit, QPlainTextEdit, QSizePolicy, QWidget

from qmsdesk.services.management_reviews import ReviewMeeting
from qmsdesk.ui.dialogs.record_dialog import RecordDialog
from qmsdesk.ui.linked_actions import LinkedActions
from qmsdesk.ui.widgets import DateEdit


class MeetingDialog(RecordDialog):
    def __init__(self, record: ReviewMeeting, save: Callable[[ReviewMeeting], object],
                 today: date, actions: LinkedActions,
                 parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Management review"), save, parent)
        self._record = record
        self.resize(960, 620)
        form = self.new_form_tab(self.tr("&Meeting"))
        self.held_on = self.add_field(form, self.tr("&Held on *"), DateEdit(), "held_on")
        self.period_from = self.add_field(form, self.tr("Period &from *"), DateEdit(),
                                          "period_from")
        self.period_to = self.add_field(form, self.tr("Period &to *"), DateEdit(), "period_to")
        self.chair = self.add_field(form, self.tr("&Chair"), QLineEdit(), "chair")
        self.attendees = self.add_field(form, self.tr("&Attendees"), QPlainTextEdit(),
                                        "attendees")
        self.attendees.setFixedHeight(84)
        box = self.attendees.parentWidget()  # the field's box from add_field
        if box is not None:
            box.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.conclusions = self.add_field(
            form, self.tr("C&onclusions and decisions"), QPlainTextEdit(), "conclusions")
        self.conclusions.setPlaceholderText(self.tr(
            "Outputs of the review (9.3.3): improvement opportunities, changes needed to the "
            "quality management system, resource needs. Record each decided action on the "
            "Actions tab, with an owner and a due date."))
        for edit in (self.attendees, self.conclusions):
            edit.setTabChangesFocus(True)
        self.add_actions_tab(actions, self.tr("&Actions decided"))
        self.heading.setText(
            f"{record.ref} — held {record.held_on.isoformat()}" if record.ref and record.held_on
            else self.tr("New management review"))
        self.held_on.set_value(record.held_on, today)
        self.period_from.set_value(record.period_from, today)
        self.period_to.set_value(record.period_to, today)
        self.chair.setText(record.chair)
        self.attendees.setPlainText(record.attendees)
        self.conclusions.setPlainText(record.conclusions)
        self.start_tracking()
        self.held_on.setFocus()

    def value(self) -> ReviewMeeting:
        return replace(self._record, held_on=self.held_on.value(),
                       period_from=self.period_from.value(), period_to=self.period_to.value(),
                       chair=self.chair.text(), attendees=self.attendees.toPlainText(),
                       conclusions=self.conclusions.toPlainText())
