"""Answering the sign dialog an approval opens from inside an editor's Save."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from qmsdesk.ui.dialogs.approval_dialog import SignDialog


def sign_next(meaning: str = "", password: str | None = None, tries: int = 500) -> list[str]:
    """Sign the next sign dialog that opens with ``meaning`` (and ``password`` on a
    server); returns, once it opened, what it said: who signs and any refusal left."""
    seen: list[str] = []

    def handle(left: int = tries) -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, SignDialog):
            if left:
                QTimer.singleShot(10, lambda: handle(left - 1))
            return
        seen.append(dialog.who.text())
        dialog.meaning.setText(meaning)
        if password is not None and dialog.password is not None:
            dialog.password.setText(password)
        dialog.approve_button.click()
        if dialog.isVisible():  # refused: say why, and close it so the test goes on
            seen.append(dialog.error.text())
            dialog.reject()

    QTimer.singleShot(0, handle)
    return seen
