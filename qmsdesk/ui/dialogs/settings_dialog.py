"""Settings: organisation name and document numbers (per database), your name (per user)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QLineEdit, QWidget

from qmsdesk.services import org_settings, supplier_reviews, user_settings
from qmsdesk.services.errors import ValidationError
from qmsdesk.ui.dialogs.evaluation_settings import EvaluationSettings, EvaluationSettingsPanel
from qmsdesk.ui.dialogs.record_dialog import RecordDialog

if TYPE_CHECKING:
    from qmsdesk.services.workspace import Database

REPORT_LABELS = {"parties": "Interested parties register",
                 "objectives": "Quality policy and objectives",
                 "suppliers": "Approved supplier list"}


@dataclass
class SettingsValue:
    organisation: org_settings.OrgSettings
    user_name: str
    evaluation: EvaluationSettings


class SettingsDialog(RecordDialog):
    def __init__(self, value: SettingsValue, save: Callable[[SettingsValue], SettingsValue],
                 parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Settings"), save, parent)
        self._value = value
        self.heading.setText(self.tr("Settings"))
        form = self.new_form_tab(self.tr("&Organisation"))
        self.organisation = self.add_field(form, self.tr("Organisation name *"), QLineEdit(
            value.organisation.organisation), "organisation")
        self.approved_by = self.add_field(form, self.tr("Reports approved by"), QLineEdit(
            value.organisation.approved_by), "approved_by")
        self.numbers: dict[str, QLineEdit] = {}
        for report, label in REPORT_LABELS.items():
            edit = QLineEdit(value.organisation.document_number(report))
            self.numbers[report] = self.add_field(
                form, self.tr("Document number: %s") % label, edit, f"document_number.{report}")
        you = self.new_form_tab(self.tr("&You"))
        self.user_name = self.add_field(you, self.tr("Your name *"), QLineEdit(value.user_name),
                                        "user_name")
        self.user_name.setToolTip(self.tr("Written to the audit trail with every change you "
                                          "make, and printed as 'prepared by' on reports."))
        self.evaluation = EvaluationSettingsPanel(value.evaluation, self)
        self.tabs.addTab(self.evaluation, self.tr("Supplier &evaluation"))
        self.resize(720, 560)
        self.start_tracking()

    def value(self) -> SettingsValue:
        organisation = dataclasses.replace(
            self._value.organisation,
            organisation=self.organisation.text(),
            approved_by=self.approved_by.text(),
            document_numbers={k: e.text() for k, e in self.numbers.items()})
        return SettingsValue(organisation, self.user_name.text(), self.evaluation.value())

    def show_child_errors(self, errors: dict[str, str]) -> None:
        mine = {k: v for k, v in errors.items()
                if k.startswith(("criteria", "weights", "bands", "interval"))}
        self.evaluation.show_errors(mine)
        if mine:
            self.tabs.setCurrentWidget(self.evaluation)
        super().show_child_errors({k: v for k, v in errors.items() if k not in mine})


def edit_settings(parent: QWidget, db: Database) -> bool:
    def save(value: SettingsValue) -> SettingsValue:
        if not value.user_name.strip():
            raise ValidationError({"user_name": "Your name is required for the audit trail."})
        evaluation = value.evaluation
        supplier_reviews.save_evaluation_settings(db, evaluation.criteria, evaluation.bands,
                                                  evaluation.intervals)
        org_settings.save_settings(db, value.organisation)
        user_settings.set_user_name(value.user_name)
        db.user = value.user_name.strip()
        return value

    current = SettingsValue(org_settings.load_settings(db), user_settings.user_name(),
                            EvaluationSettings(supplier_reviews.load_criteria(db),
                                               supplier_reviews.load_bands(db),
                                               supplier_reviews.load_intervals(db)))
    dialog = SettingsDialog(current, save, parent)
    return bool(dialog.exec())
