"""Editor for one action of the shared action log (ISO 9001 6.1, 10.2)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QPlainTextEdit, QSpinBox, QWidget

from qmsdesk.services.actions import rules
from qmsdesk.services.actions.plausibility import action_warnings
from qmsdesk.services.actions.records import ActionRecord
from qmsdesk.services.labels import label
from qmsdesk.ui.dialogs.record_dialog import RecordDialog
from qmsdesk.ui.widgets import DateEdit, choice_box, select_value

SOURCE_LABELS = {"none": "None (stands alone)", "objective": "Quality objective",
                 "supplier review": "Supplier review",
                 "management review": "Management review",
                 "party": "Interested party"}
EFFECTIVENESS_LABELS = {"": "Not checked yet", "effective": "Effective",
                        "partly": "Partly effective", "not effective": "Not effective"}

# source -> [(record id, "REF — title")], supplied by the page from the services.
SourceChoices = dict[str, Sequence[tuple[int, str]]]


def _text(parent: QWidget, height: int) -> QPlainTextEdit:
    edit = QPlainTextEdit(parent)
    edit.setFixedHeight(height)
    edit.setTabChangesFocus(True)
    return edit


class ActionDialog(RecordDialog):
    def __init__(self, record: ActionRecord, save: Callable[[ActionRecord], ActionRecord],
                 today: date, sources: SourceChoices, owners: Sequence[str] = (),
                 parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Action"), save, parent)
        self._record = record
        self._today = today
        self._sources = sources
        self.resize(720, 640)
        self._build_plan(owners)
        self._build_closure()
        self._load(record)
        self.start_tracking()
        self.title.setFocus()

    def _build_plan(self, owners: Sequence[str]) -> None:
        form = self.new_form_tab(self.tr("&Action"))
        self.title = self.add_field(form, self.tr("&Title *"), QLineEdit(), "title")
        self.description = self.add_field(form, self.tr("Description"), _text(self, 70),
                                          "description")
        self.kind = self.add_field(form, self.tr("T&ype"), choice_box(
            [(k, label(k)) for k in rules.KINDS]), "kind")
        self.source = self.add_field(form, self.tr("&Source"), choice_box(
            [(s, SOURCE_LABELS.get(s, label(s))) for s in rules.SOURCES]), "source")
        self.link = self.add_field(form, self.tr("Linked record"), QComboBox(), "link")
        for field_name in rules.LINK_FIELDS:
            self._error_labels[field_name] = self._error_labels["link"]
        self.source.currentIndexChanged.connect(self._fill_links)
        self.owner = self.add_field(form, self.tr("&Owner"), QLineEdit(), "owner")
        if owners:
            from PySide6.QtWidgets import QCompleter

            self.owner.setCompleter(QCompleter(sorted(set(owners)), self))
        self.start = self.add_field(form, self.tr("Start date"), DateEdit(optional=True),
                                    "start_date")
        self.due = self.add_field(form, self.tr("&Due date"), DateEdit(optional=True),
                                  "due_date")

    def _build_closure(self) -> None:
        form = self.new_form_tab(self.tr("&Progress && effectiveness"))
        self.status = self.add_field(form, self.tr("Stat&us"), choice_box(
            [(s, label(s)) for s in rules.STATUSES]), "status")
        self.progress = QSpinBox()
        self.progress.setRange(0, 100)
        self.progress.setSuffix(" %")
        self.add_field(form, self.tr("Progress"), self.progress, "progress")
        self.completed = self.add_field(form, self.tr("Completed on"), DateEdit(optional=True),
                                        "completed_on")
        self.effectiveness = self.add_field(form, self.tr("Effectiveness check"), choice_box(
            list(EFFECTIVENESS_LABELS.items())), "effectiveness")
        self.checked_by = self.add_field(form, self.tr("Checked by"), QLineEdit(),
                                         "effectiveness_by")
        self.checked_on = self.add_field(form, self.tr("Checked on"), DateEdit(optional=True),
                                         "effectiveness_on")
        self.check_signature = QLabel()  # the check as signed (an approval), if it was
        self.check_signature.setWordWrap(True)
        self.check_signature.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow(self.tr("Signed"), self.check_signature)
        self.evidence = self.add_field(form, self.tr("Evidence notes"), _text(self, 90),
                                       "evidence")
        self.status.currentIndexChanged.connect(self._status_changed)

    def _fill_links(self) -> None:
        source = self.source.currentData()
        self.link.clear()
        choices = self._sources.get(source, [])
        for record_id, text in choices:
            self.link.addItem(text, record_id)
        self.link.setEnabled(bool(choices))
        if source != rules.NO_SOURCE and not choices:
            self.link.addItem(self.tr("(nothing to link to yet)"), None)

    def _status_changed(self) -> None:
        # Marking done fills the obvious: today's date and 100 %; the user can still edit.
        if self.status.currentData() == "done":
            if self.completed.value() is None:
                self.completed.set_value(self._today)
            self.progress.setValue(100)

    def _load(self, record: ActionRecord) -> None:
        heading = f"{record.ref} — {record.title}" if record.ref else self.tr("New action")
        self.heading.setText(heading)
        self.title.setText(record.title)
        self.description.setPlainText(record.description)
        select_value(self.kind, record.kind)
        self.source.blockSignals(True)
        select_value(self.source, record.source)
        self.source.blockSignals(False)
        self._fill_links()
        link_field = rules.SOURCE_LINKS.get(record.source)
        if link_field:
            select_value(self.link, getattr(record, link_field))
        self.owner.setText(record.owner)
        self.start.set_value(record.start_date)
        self.due.set_value(record.due_date)
        self.status.blockSignals(True)
        select_value(self.status, record.status)
        self.status.blockSignals(False)
        self.progress.setValue(record.progress)
        self.completed.set_value(record.completed_on)
        select_value(self.effectiveness, record.effectiveness)
        self.checked_by.setText(record.effectiveness_by)
        self.checked_on.set_value(record.effectiveness_on)
        self.check_signature.setText(record.effectiveness_signature or self.tr(
            "Not signed: saving a check asks an approver to sign it"))
        self.evidence.setPlainText(record.evidence)

    def set_checker(self, refusal: str, signer: str = "") -> None:
        """Recording the effectiveness check is an approval: without the approver role its
        fields are disabled and say why (``refusal``); on a team's server the checker is
        ``signer``, the staff name of the server login, not typed."""
        if refusal:
            for widget in (self.effectiveness, self.checked_by, self.checked_on):
                widget.setEnabled(False)
                widget.setToolTip(refusal)
        elif signer:
            self.checked_by.setPlaceholderText(signer)
            self.checked_by.setReadOnly(True)
            self.checked_by.setToolTip(self.tr(
                "On a team's server the checker is the person signed in; saving the check "
                "signs it with their login, the time and a hash of the action."))

    def plausibility(self, record: ActionRecord) -> dict[str, str]:
        return action_warnings(record, self.stored(), self._today)

    def value(self) -> ActionRecord:
        source = self.source.currentData()
        # Any: mypy cannot match keys known only at run time to the record's fields.
        links: dict[str, Any] = {field_name: None for field_name in rules.LINK_FIELDS}
        if source in rules.SOURCE_LINKS:
            links[rules.SOURCE_LINKS[source]] = self.link.currentData()
        return dataclasses.replace(
            self._record, title=self.title.text(), description=self.description.toPlainText(),
            kind=self.kind.currentData(), source=source, **links, owner=self.owner.text(),
            start_date=self.start.value(), due_date=self.due.value(),
            status=self.status.currentData(), progress=self.progress.value(),
            completed_on=self.completed.value(), effectiveness=self.effectiveness.currentData(),
            effectiveness_by=self.checked_by.text(), effectiveness_on=self.checked_on.value(),
            evidence=self.evidence.toPlainText())
