"""Approving an issued report revision: who (the user's name and role), what changed."""

from __future__ import annotations

from html import escape

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from qmsdesk.errors import UserFacingError
from qmsdesk.models.db import Database
from qmsdesk.services import approvals, user_settings
from qmsdesk.services.errors import ValidationError
from qmsdesk.services.report_log import LoggedReport
from qmsdesk.ui.dialogs.record_dialog import error_style


class ApprovalDialog(QDialog):
    """Records the approval of ``entry``'s revision; ``approval`` holds it once accepted."""

    def __init__(self, db: Database, entry: LoggedReport, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.entry = db, entry
        self.approval: approvals.Approval | None = None
        self.setWindowTitle(self.tr("Approve report revision"))
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        intro = QLabel(self.tr(
            "<b>%1</b>, revision %2 (issued %3).<br>Approving records your name, role and "
            "the time on the audit trail; every later issue of this revision prints the "
            "approval in its control block.")
            .replace("%1", escape(entry.title)).replace("%2", str(entry.revision))
            .replace("%3", entry.issue_date.isoformat()))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.name = user_settings.get(user_settings.USER_NAME).strip()
        self.role = user_settings.get(user_settings.USER_ROLE).strip()
        who = ", ".join(part for part in (self.name, self.role) if part)
        self.who = QLabel(escape(who) if who else self.tr("<i>Not set (Settings › You)</i>"))
        form.addRow(self.tr("Approved by"), self.who)
        with db.read() as session:
            summary = approvals.change_summary(session, entry.report_type, entry.revision)
        self.change = QLineEdit(summary)
        self.change.setMaxLength(approvals.NOTE_LIMIT)
        self.change.setToolTip(self.tr("One line for the revision history; the audit trail's "
                                       "count of changed records is filled in."))
        change_label = QLabel(self.tr("&What changed"))
        change_label.setBuddy(self.change)
        form.addRow(change_label, self.change)
        layout.addLayout(form)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(error_style())
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.approve_button = buttons.addButton(self.tr("&Approve"),
                                                QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self._approve)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        refusal = approvals.refusal(db, self.name)
        self.error.setText(refusal)
        self.error.setVisible(bool(refusal))
        self.approve_button.setEnabled(not refusal)

    def _approve(self) -> None:
        try:
            self.approval = approvals.approve(self.db, self.entry.report_type,
                                              self.entry.revision, self.name, self.role,
                                              self.change.text())
        except ValidationError as refused:
            self._refused(" ".join(refused.errors.values()))
            return
        except UserFacingError as fault:  # a server login without the approver role, offline
            self._refused(str(fault))
            return
        self.accept()

    def _refused(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()
