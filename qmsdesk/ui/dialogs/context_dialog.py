"""Editor for one context issue (ISO 9001 4.1): SWOT, PESTLE, effect, parties, review."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from datetime import date

from PySide6.QtWidgets import (
    QCompleter,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QSizePolicy,
    QWidget,
)

from qmsdesk.services.context import rules
from qmsdesk.services.context.records import ContextIssueRecord
from qmsdesk.ui.dialogs.record_dialog import RecordDialog
from qmsdesk.ui.dialogs.review_fields import ReviewFields
from qmsdesk.ui.pick_list import PickList
from qmsdesk.ui.widgets import choice_box, labelled, select_value

SWOT_HINTS = {"strength": "internal, helps", "weakness": "internal, hinders",
              "opportunity": "external, helps", "threat": "external, hinders"}


def text_box(lines: int = 3) -> QPlainTextEdit:
    """A few lines of text; Tab leaves it (the form is filled by keyboard)."""
    box = QPlainTextEdit()
    box.setFixedHeight(14 + lines * 17)
    box.setTabChangesFocus(True)
    return box


def end_form(form: QFormLayout) -> None:
    """Spare height goes below the last field, not between the fields of a short form."""
    for row in range(form.rowCount()):
        item = form.itemAt(row, QFormLayout.ItemRole.FieldRole)
        field = item.widget() if item is not None else None
        if field is not None:
            policy = field.sizePolicy()
            policy.setVerticalPolicy(QSizePolicy.Policy.Fixed)
            field.setSizePolicy(policy)
    spacer = QWidget()
    spacer.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
    form.addRow(spacer)


class ContextDialog(RecordDialog):
    def __init__(self, record: ContextIssueRecord,
                 save: Callable[[ContextIssueRecord], ContextIssueRecord], today: date,
                 parties: Sequence[tuple[int, str]], owners: Sequence[str] = (),
                 parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Context issue"), save, parent)
        self._record = record
        self._today = today
        self.resize(760, 680)
        form = self.new_form_tab(self.tr("&Details"))
        self.title = self.add_field(form, self.tr("&Title *"), QLineEdit(), "title")
        self.title.setPlaceholderText(self.tr("e.g. Skilled machinists are hard to recruit"))
        self.origin = self.add_field(form, self.tr("&Origin"),
                                     choice_box(labelled(rules.ORIGINS)), "origin")
        self.swot = self.add_field(form, self.tr("S&WOT"), choice_box([]), "swot")
        self.pestle = self.add_field(form, self.tr("&PESTLE"), choice_box(
            labelled(rules.PESTLE)), "pestle")
        self.description = self.add_field(form, self.tr("Descr&iption"), text_box(),
                                          "description")
        self.effect = self.add_field(form, self.tr("&Effect on the QMS"), text_box(),
                                     "effect")
        self.effect.setPlaceholderText(self.tr(
            "How it affects the ability to deliver conforming products and services"))
        self.parties = self.add_field(form, self.tr("Interested p&arties"), PickList(
            (self.tr("party"), self.tr("parties")),
            self.tr("No interested parties yet: record them on the Interested parties page.")),
            "party_ids")
        self.parties.set_choices(parties, record.party_ids)
        self.parties.changed.connect(lambda: self.clear_error("party_ids"))
        self.owner = self.add_field(form, self.tr("Ow&ner"), QLineEdit(), "owner")
        if owners:
            self.owner.setCompleter(QCompleter(sorted(set(owners)), self))
        self.review = ReviewFields(self, form, today, rules.suggested_next_review,
                                   rules.MAX_INTERVAL_MONTHS)
        end_form(form)
        self.origin.currentIndexChanged.connect(lambda _i: self._origin_changed())
        self._load(record)
        self.start_tracking()
        self.title.setFocus()

    def _origin_changed(self, swot: str | None = None) -> None:
        """SWOT offers what fits the origin; PESTLE sorts external issues only."""
        origin = self.origin.currentData()
        keep = swot if swot is not None else self.swot.currentData()
        self.swot.clear()
        for value in rules.SWOT_OF.get(origin, rules.SWOT):
            self.swot.addItem(f"{value.capitalize()} ({SWOT_HINTS[value]})", value)
        select_value(self.swot, keep)
        external = origin == "external"
        self.pestle.setEnabled(external)
        self.pestle.setToolTip("" if external else self.tr("PESTLE sorts external issues only"))

    def _load(self, record: ContextIssueRecord) -> None:
        title = f"{record.ref} — {record.title}" if record.ref else self.tr("New context issue")
        self.heading.setText(title + ("  (archived)" if record.status == "archived" else ""))
        self.title.setText(record.title)
        self.origin.blockSignals(True)
        select_value(self.origin, record.origin)
        self.origin.blockSignals(False)
        self._origin_changed(record.swot)
        select_value(self.pestle, record.pestle or rules.PESTLE[1])
        self.description.setPlainText(record.description)
        self.effect.setPlainText(record.effect)
        self.owner.setText(record.owner)
        self.review.load(record.review_interval_months, record.last_review,
                         record.next_review)

    def value(self) -> ContextIssueRecord:
        external = self.origin.currentData() == "external"
        return dataclasses.replace(
            self._record, title=self.title.text(), origin=self.origin.currentData(),
            swot=self.swot.currentData() or "",
            pestle=(self.pestle.currentData() or "") if external else "",
            description=self.description.toPlainText(), effect=self.effect.toPlainText(),
            party_ids=self.parties.ids(), owner=self.owner.text(),
            **self.review.values())  # type: ignore[arg-type]
