"""Settings: organisation, logo, evidence file size and document numbers (per database),
your name (per user)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QWidget,
)

from qmsdesk.reports.catalog import REPORT_KINDS
from qmsdesk.services import evidence, org_settings, user_settings
from qmsdesk.services.errors import ValidationError
from qmsdesk.services.outreach import questions
from qmsdesk.services.risks import matrix as risk_matrix
from qmsdesk.services.risks import rules as risk_rules
from qmsdesk.services.suppliers import reviews as supplier_reviews
from qmsdesk.ui.dialogs.evaluation_settings import EvaluationSettings, EvaluationSettingsPanel
from qmsdesk.ui.dialogs.identity_dialog import role_box
from qmsdesk.ui.dialogs.questions_settings import QuestionsPanel
from qmsdesk.ui.dialogs.record_dialog import RecordDialog
from qmsdesk.ui.dialogs.risk_matrix_settings import RiskMatrixPanel
from qmsdesk.ui.logo_preview import LogoPreview

if TYPE_CHECKING:
    from qmsdesk.services.workspace import Database
    from qmsdesk.ui.dialogs.team_panel import TeamPanel

LOGO_PREVIEW = (240, 96)


@dataclass
class SettingsValue:
    organisation: org_settings.OrgSettings
    user_name: str
    evaluation: EvaluationSettings
    risk_matrix: risk_rules.Matrix = risk_rules.DEFAULT_MATRIX
    user_role: str = ""
    evidence_limit_mb: int = evidence.DEFAULT_LIMIT_MB
    questions: dict[str, list[str]] = field(default_factory=dict)  # kind -> questions


class SettingsDialog(RecordDialog):
    def __init__(self, value: SettingsValue, save: Callable[[SettingsValue], SettingsValue],
                 parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Settings"), save, parent)
        self._value = value
        self.team: TeamPanel | None = None  # Settings › Team, added by edit_settings
        self.heading.setText(self.tr("Settings"))
        form = self.new_form_tab(self.tr("&Organisation"))
        self.organisation = self.add_field(form, self.tr("Organisation name *"), QLineEdit(
            value.organisation.organisation), "organisation")
        self.approved_by = self.add_field(form, self.tr("Report approvers"), QLineEdit(
            value.organisation.approved_by), "approved_by")
        self.approved_by.setPlaceholderText(self.tr("e.g. Helen Whitfield; Anna Kowalska"))
        self.approved_by.setToolTip(self.tr(
            "Who may approve issued reports (Reports › Report log › Approve revision), "
            "supplier reviews and policy revisions, names separated by semicolons. Empty: "
            "anyone who has given their name. On a team's server the approver role decides "
            "(Settings › Team)."))
        self._logo = value.organisation.logo
        self.add_field(form, self.tr("Logo on reports"), self._logo_row(), "logo")
        self._show_logo()
        self.evidence_limit = QSpinBox()
        self.evidence_limit.setRange(1, evidence.MAX_LIMIT_MB)
        self.evidence_limit.setSuffix(" MB")
        self.evidence_limit.setValue(value.evidence_limit_mb)
        self.evidence_limit.setToolTip(self.tr(
            "The largest file that may be attached to a record as evidence; the files are "
            "kept inside the database, so keep it small enough for backups."))
        self.add_field(form, self.tr("Largest evidence file"), self.evidence_limit,
                       "evidence_limit")
        self.numbers: dict[str, QLineEdit] = {}
        for report, kind in REPORT_KINDS.items():
            edit = QLineEdit(value.organisation.document_number(report))
            self.numbers[report] = self.add_field(
                form, self.tr("Document number: %s") % kind.title, edit,
                f"document_number.{report}")
        you = self.new_form_tab(self.tr("&You"))
        self.user_name = self.add_field(you, self.tr("Your name *"), QLineEdit(value.user_name),
                                        "user_name")
        self.user_name.setToolTip(self.tr("Written to the audit trail with every change you "
                                          "make, and printed as 'prepared by' on reports."))
        self.user_role = self.add_field(you, self.tr("Your &role"), role_box(value.user_role),
                                        "user_role")
        self.user_role.setToolTip(self.tr("Printed after your name as 'prepared by' on "
                                          "reports, e.g. Quality Manager."))
        self.evaluation = EvaluationSettingsPanel(value.evaluation, self)
        self.tabs.addTab(self.evaluation, self.tr("Supplier &evaluation"))
        self.risk_matrix = RiskMatrixPanel(value.risk_matrix, self)
        self.tabs.addTab(self.risk_matrix, self.tr("Risk &matrix"))
        self.questions = QuestionsPanel(value.questions, self)
        self.tabs.addTab(self.questions, self.tr("&Questionnaires"))
        self.resize(720, 560)
        self.start_tracking()

    def _logo_row(self) -> QWidget:
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        self.logo_preview = LogoPreview(*LOGO_PREVIEW)  # the window's colours, light or dark
        self.choose_logo = QPushButton(self.tr("Choose…"))
        self.remove_logo = QPushButton(self.tr("Remove"))
        self.choose_logo.clicked.connect(self._choose_logo)
        self.remove_logo.clicked.connect(lambda: self.set_logo(None))
        layout.addWidget(self.logo_preview)
        layout.addWidget(self.choose_logo, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.remove_logo, 0, Qt.AlignmentFlag.AlignTop)
        layout.addStretch(1)
        return row

    def _choose_logo(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, self.tr("Logo for reports"), "",
            self.tr("Images (*.png *.jpg *.jpeg *.gif *.bmp *.tif *.tiff *.webp)"))
        if name:
            self.load_logo(name)

    def load_logo(self, path: str) -> None:
        """Read a logo file; a file that is no usable image leaves the old logo in place."""
        from pathlib import Path

        try:
            self.set_logo(org_settings.read_logo(Path(path)))
        except ValidationError as exc:
            self.show_errors(exc.errors)

    def set_logo(self, logo: bytes | None) -> None:
        self._logo = logo
        self.clear_errors()
        self._show_logo()

    def _show_logo(self) -> None:
        self.remove_logo.setEnabled(self._logo is not None)
        self.logo_preview.show_logo(self._logo)

    def value(self) -> SettingsValue:
        organisation = dataclasses.replace(
            self._value.organisation,
            logo=self._logo,
            organisation=self.organisation.text(),
            approved_by=self.approved_by.text(),
            document_numbers={k: e.text() for k, e in self.numbers.items()})
        return SettingsValue(organisation, self.user_name.text(), self.evaluation.value(),
                             self.risk_matrix.value(), self.user_role.currentText(),
                             self.evidence_limit.value(), self.questions.value())

    def has_changes(self) -> bool:
        """The fields, or the team's changes waiting for Save (Settings › Team)."""
        return super().has_changes() or (self.team is not None and self.team.has_changes())

    def show_child_errors(self, errors: dict[str, str]) -> None:
        mine = {k: v for k, v in errors.items()
                if k.startswith(("criteria", "weights", "bands", "interval"))}
        self.evaluation.show_errors(mine)
        if mine:
            self.tabs.setCurrentWidget(self.evaluation)
        matrix = {k: v for k, v in errors.items() if k.startswith("matrix")}
        self.risk_matrix.show_errors(matrix)
        if matrix and not mine:
            self.tabs.setCurrentWidget(self.risk_matrix)
        asked = {k: v for k, v in errors.items() if k.startswith("questions.")}
        self.questions.show_errors(asked)
        if asked and not mine and not matrix:
            self.tabs.setCurrentWidget(self.questions)
        super().show_child_errors({k: v for k, v in errors.items()
                                   if k not in mine and k not in matrix and k not in asked})


def edit_settings(parent: QWidget, db: Database) -> bool:
    def save(value: SettingsValue) -> SettingsValue:
        if not value.user_name.strip():
            raise ValidationError({"user_name": "Your name is required for the audit trail."})
        if len(value.user_role) > 200:  # checked before anything is written
            raise ValidationError({"user_role": "Your role is too long (200 at most)."})
        if matrix_errors := risk_rules.validate_matrix(value.risk_matrix):
            raise ValidationError(matrix_errors)  # before anything is written
        if question_errors := {k: m for kind, asked in value.questions.items()
                               for k, m in questions.validate(kind, asked).items()}:
            raise ValidationError(question_errors)
        evaluation = value.evaluation
        supplier_reviews.save_evaluation_settings(db, evaluation.criteria, evaluation.bands,
                                                  evaluation.intervals)
        org_settings.save_settings(db, value.organisation)
        risk_matrix.save_matrix(db, value.risk_matrix)
        if value.questions != current.questions:
            questions.save_questions(db, value.questions)
        if value.evidence_limit_mb != evidence.limit_mb(db):
            evidence.set_limit_mb(db, value.evidence_limit_mb)
        user_settings.set_identity(value.user_name, value.user_role)
        db.user = value.user_name.strip()
        if dialog.team is not None:  # last, in one transaction: the rest was checked first
            saved_team.extend(dialog.team.apply())
        return value

    current = SettingsValue(org_settings.load_settings(db), user_settings.user_name(),
                            EvaluationSettings(supplier_reviews.load_criteria(db),
                                               supplier_reviews.load_bands(db),
                                               supplier_reviews.load_intervals(db)),
                            risk_matrix.load_matrix(db),
                            user_settings.get(user_settings.USER_ROLE),
                            evidence.limit_mb(db),
                            {kind: questions.load_questions(db, kind)
                             for kind in (questions.SUPPLIER, questions.SURVEY)})
    saved_team: list[str] = []
    dialog = SettingsDialog(current, save, parent)
    add_team_tab(dialog, db)
    accepted = bool(dialog.exec())
    if to_run := [message for message in saved_team if "ask the server" in message]:
        QMessageBox.information(parent, dialog.tr("Team saved"), "\n\n".join(to_run))
    return accepted


def add_team_tab(dialog: SettingsDialog, db: Database) -> None:
    """Settings › Team (the staff table); on a team's server your name is the one the
    staff table gives your login, so Settings › You shows it and does not change it."""
    from qmsdesk.ui.dialogs.team_panel import TeamPanel

    dialog.team = TeamPanel(db, dialog)
    dialog.tabs.addTab(dialog.team, dialog.tr("&Team"))
    me = db.identity()
    if me.on_server:
        dialog.user_name.setText(me.name)
        dialog.user_name.setReadOnly(True)
        dialog.user_name.setToolTip(dialog.tr(
            "On a team's server your name is the staff table's name for your login (%s); "
            "an administrator changes it in Settings › Team.") % me.login)
