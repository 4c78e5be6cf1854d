"""Who is working here: asked once, before anything is written or printed in the user's
name (the audit trail records it; reports say "Prepared by: name, role")."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from qmsdesk.services import user_settings
from qmsdesk.ui.dialogs.record_dialog import error_style


def role_box(current: str = "") -> QComboBox:
    """The usual roles offered, any other typed in."""
    box = QComboBox()
    box.setEditable(True)
    box.addItems(["", *user_settings.ROLES])
    box.setCurrentText(current)
    return box


class IdentityDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Who is working here?"))
        self.setMinimumWidth(440)
        layout = QVBoxLayout(self)
        intro = QLabel(self.tr(
            "QMS Desk writes your name to the audit trail with every change and prints it "
            "with your role as “Prepared by” on every report. Change them later in "
            "Settings."))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.name = QLineEdit(user_settings.get(user_settings.USER_NAME))
        self.name.setPlaceholderText(self.tr("e.g. Anna Kowalska"))
        self.role = role_box(user_settings.get(user_settings.USER_ROLE))
        name_label, role_label = QLabel(self.tr("&Your name")), QLabel(self.tr("&Role"))
        name_label.setBuddy(self.name)
        role_label.setBuddy(self.role)
        form.addRow(name_label, self.name)
        form.addRow(role_label, self.role)
        layout.addLayout(form)
        self.error = QLabel()
        self.error.setStyleSheet(error_style())
        self.error.hide()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        buttons.accepted.connect(self._save)
        layout.addWidget(buttons)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.name.setFocus()

    def _save(self) -> None:
        name = " ".join(self.name.text().split())
        if not name:
            self.error.setText(self.tr("Enter your name: the audit trail needs it."))
            self.error.show()
            return
        if len(name) > 200 or len(self.role.currentText()) > 200:
            self.error.setText(self.tr("Keep the name and the role under 200 characters."))
            self.error.show()
            return
        user_settings.set_identity(name, self.role.currentText())
        self.accept()


def ask_identity(parent: QWidget, answered: Callable[[], None]) -> IdentityDialog | None:
    """Ask once, when the user has not said who they are yet: window-modal but without
    holding up the event loop (the window goes on opening its database behind it);
    ``answered`` runs once the name is saved. The dialog, or None when not asked."""
    if user_settings.has_identity():
        return None
    dialog = IdentityDialog(parent)
    dialog.accepted.connect(answered)
    dialog.open()
    return dialog
