"""Signing an approval: one dialog for the four (a supplier review approved, a policy
revision issued, a report revision approved, an action's effectiveness checked).

It says who signs, takes what they mean by it ("Approved as reviewer"), and on a team's
server asks for the login's password again and has the server confirm it (services.signoff)
before anything is approved; the password is used once and forgotten.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import TypeVar

from PySide6.QtCore import QCoreApplication
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
from qmsdesk.services import approvals, signoff, user_settings
from qmsdesk.services.errors import ValidationError
from qmsdesk.services.report_log import LoggedReport
from qmsdesk.ui.dialogs.record_dialog import error_style

T = TypeVar("T")


class SignDialog(QDialog):
    """Who signs, the meaning, the password on a server; Sign confirms the password and
    then calls ``act(meaning)`` (which a subclass may override), whose result is kept in
    ``result_value``. A refusal (the approver role, a wrong password, the act's own rules)
    is shown in the dialog, which stays open."""

    def __init__(self, db: Database, title: str, what: str,
                 act: Callable[[str], object] | None = None, parent: QWidget | None = None,
                 refusal: str = "") -> None:
        super().__init__(parent)
        # A plain function, never a method of the dialog: a dialog that refers to itself
        # is freed by Python's cycle collector, on whichever thread runs it (Qt objects
        # must go on theirs).
        self.db, self._act = db, act
        self.result_value: object = None
        self.setWindowTitle(title)
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        intro = QLabel(what + "<br>" + self.tr(
            "Signing records your login and name, the time and a fingerprint (sha256) of "
            "what you approve, with the meaning you give; reports print it."))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.form = QFormLayout()
        self.who = QLabel(escape(signoff.signer(db)))
        self.form.addRow(self.tr("Signed by"), self.who)
        self.meaning = QLineEdit()
        self.meaning.setMaxLength(signoff.MEANING_LIMIT)
        self.meaning.setPlaceholderText(self.tr("e.g. %s") % signoff.MEANING_EXAMPLE)
        self.meaning.setToolTip(self.tr("Optional: what you mean by signing, printed with "
                                        "the approval."))
        self._add_row(self.tr("&Meaning"), self.meaning)
        self.password: QLineEdit | None = None
        if signoff.needs_password(db):
            self.password = QLineEdit()
            self.password.setEchoMode(QLineEdit.EchoMode.Password)
            self.password.setToolTip(self.tr(
                "Your password on the server, asked again so that the signature is yours; "
                "it is checked once and not kept."))
            self._add_row(self.tr("&Password"), self.password)
        layout.addLayout(self.form)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(error_style())
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.approve_button = buttons.addButton(self.tr("&Sign"),
                                                QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.sign)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        refusal = refusal or signoff.role_refusal(db)
        self._refused(refusal)
        self.approve_button.setEnabled(not refusal)
        (self.password or self.meaning).setFocus()

    def _add_row(self, text: str, field: QWidget) -> None:
        label = QLabel(text)
        label.setBuddy(field)
        self.form.addRow(label, field)

    def sign(self) -> None:
        """Confirm the password (on a server), then approve; refusals stay in the dialog."""
        try:
            if self.password is not None:
                typed = self.password.text()
                self.password.clear()  # used once: a refusal asks for it again
                signoff.confirm(self.db, typed)
            self.result_value = self.act(self.meaning.text())
        except ValidationError as refused:
            self._refused(" ".join(refused.errors.values()))
            return
        except UserFacingError as fault:  # a wrong password, a server refusal, offline
            self._refused(str(fault))
            if self.password is not None:
                self.password.setFocus()
            return
        self.accept()

    def act(self, meaning: str) -> object:
        """The approval itself, once the password is confirmed (by default ``act``, or the
        meaning itself when there is none: the caller approves)."""
        return self._act(meaning) if self._act is not None else meaning

    def _refused(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))


def ask_signature(parent: QWidget | None, db: Database, title: str, what: str) -> str | None:
    """The meaning the person signs with (after their password is confirmed on a server),
    or None when they cancel."""
    dialog = SignDialog(db, title, what, parent=parent)
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return str(dialog.result_value)
    finally:
        dialog.deleteLater()


def signed_save(parent: QWidget | None, db: Database, title: str, what: str,
                approving: bool, field: str, save: Callable[[str], T],
                precheck: Callable[[], dict[str, str]] | None = None) -> T:
    """``save(meaning)`` for an editor's Save: when it approves, the signature is asked
    first (after the form's own rules, ``precheck``, find nothing to correct, so nobody
    signs a form that cannot be saved); cancelling it leaves the editor open with the
    reason under ``field``."""
    if not approving:
        return save("")
    if precheck is not None and (errors := precheck()):
        raise ValidationError(errors)
    meaning = ask_signature(parent, db, title, what)
    if meaning is None:
        raise ValidationError({field: "Not signed, so not saved: sign to approve, or leave "
                                      "the approval empty to save a draft."})
    return save(meaning)


class ApprovalDialog(SignDialog):
    """Signs the approval of ``entry``'s revision; ``approval`` holds it once accepted."""

    def __init__(self, db: Database, entry: LoggedReport, parent: QWidget | None = None) -> None:
        self.entry = entry
        self.approval: approvals.Approval | None = None
        self.name = user_settings.get(user_settings.USER_NAME).strip()
        self.role = user_settings.get(user_settings.USER_ROLE).strip()
        what = QCoreApplication.translate(
            "ApprovalDialog", "<b>%1</b>, revision %2 (issued %3). Every later issue of this "
            "revision prints the approval in its control block.")
        super().__init__(
            db, QCoreApplication.translate("ApprovalDialog", "Approve report revision"),
            what.replace("%1", escape(entry.title)).replace("%2", str(entry.revision))
            .replace("%3", entry.issue_date.isoformat()), parent=parent,
            refusal=approvals.refusal(db, self.name))
        if not db.identity().on_server:  # the name and role given in Settings › You
            who = ", ".join(part for part in (self.name, self.role) if part)
            self.who.setText(escape(who) if who else self.tr("<i>Not set (Settings › You)</i>"))
        with db.read() as session:
            summary = approvals.change_summary(session, entry.report_type, entry.revision)
        self.change = QLineEdit(summary)
        self.change.setMaxLength(approvals.NOTE_LIMIT)
        self.change.setToolTip(self.tr("One line for the revision history; the audit trail's "
                                       "count of changed records is filled in."))
        label = QLabel(self.tr("&What changed"))
        label.setBuddy(self.change)
        self.form.insertRow(1, label, self.change)

    def act(self, meaning: str) -> approvals.Approval:
        self.approval = approvals.approve(self.db, self.entry.report_type,
                                          self.entry.revision, self.name, self.role,
                                          self.change.text(), meaning)
        return self.approval
