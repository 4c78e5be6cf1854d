"""First launch: start a new QMS (organisation, your name, where the file lives) or the demo."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from qmsdesk.services.user_settings import os_login
from qmsdesk.ui import colours
from qmsdesk.ui.dialogs.identity_dialog import role_box
from qmsdesk.ui.dialogs.record_dialog import error_style


@dataclass(frozen=True)
class WelcomeChoice:
    demo: bool
    organisation: str = ""
    user_name: str = ""
    path: Path = Path()
    user_role: str = ""


class WelcomeDialog(QDialog):
    def __init__(self, default_path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Welcome to QMS Desk"))
        self.setMinimumWidth(560)
        self._demo = False
        layout = QVBoxLayout(self)
        title = QLabel(self.tr("Welcome to QMS Desk"))
        title.setStyleSheet("font-size: 20px; font-weight: 600;")
        layout.addWidget(title)
        intro = QLabel(self.tr(
            "Keep your ISO 9001 registers — interested parties, quality objectives, suppliers — "
            "in one place on this computer, and print audit-ready reports."))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addSpacing(8)
        start = QLabel(self.tr("<b>Start a new QMS</b>"))
        layout.addWidget(start)
        form = QFormLayout()
        self.organisation = QLineEdit()
        self.organisation.setPlaceholderText(self.tr("e.g. Northwind Precision Ltd"))
        self.user_name = QLineEdit(os_login())
        self.path = QLineEdit(str(default_path))
        browse = QPushButton(self.tr("Choose…"))
        browse.clicked.connect(self._browse)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path, 1)
        path_row.addWidget(browse)
        form.addRow(self.tr("&Organisation name"), self.organisation)
        self.user_role = role_box()
        form.addRow(self.tr("&Your name"), self.user_name)
        form.addRow(self.tr("Your &role"), self.user_role)
        form.addRow(self.tr("Database file"), path_row)
        layout.addLayout(form)
        hint = QLabel(self.tr("Your name is written to the audit trail with every change, "
                              "and printed with your role on every report."))
        hint.setStyleSheet(colours.text_style(colours.MUTED))
        layout.addWidget(hint)
        self.error = QLabel()
        self.error.setStyleSheet(error_style())
        self.error.hide()
        layout.addWidget(self.error)
        buttons = QHBoxLayout()
        self.demo_button = QPushButton(self.tr("Explore the &demo"))
        self.demo_button.setToolTip(self.tr("Open a sample company's registers to look around"))
        self.demo_button.clicked.connect(self._choose_demo)
        self.start_button = QPushButton(self.tr("&Start my QMS"))
        self.start_button.setDefault(True)
        self.start_button.clicked.connect(self._start)
        buttons.addWidget(self.demo_button)
        buttons.addStretch(1)
        buttons.addWidget(self.start_button)
        layout.addSpacing(8)
        layout.addLayout(buttons)
        self.organisation.setFocus(Qt.FocusReason.OtherFocusReason)

    def _browse(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, self.tr("Database file"), self.path.text(),
                                              self.tr("QMS Desk database (*.db)"))
        if name:
            self.path.setText(name)

    def _choose_demo(self) -> None:
        if not self.user_name.text().strip():
            self.error.setText(self.tr("Enter your name: the demo records it too."))
            self.error.show()
            return
        self._demo = True
        self.accept()

    def _start(self) -> None:
        problems = []
        if not self.organisation.text().strip():
            problems.append(self.tr("Enter your organisation's name."))
        if not self.user_name.text().strip():
            problems.append(self.tr("Enter your name."))
        path = Path(self.path.text().strip()).expanduser()
        if not self.path.text().strip():
            problems.append(self.tr("Choose where to keep the database file."))
        elif path.exists() and path.stat().st_size > 0:
            problems.append(self.tr("That file already exists; choose a new name "
                                    "or use File › Open."))
        if problems:
            self.error.setText("\n".join(problems))
            self.error.show()
            return
        self._demo = False
        self.accept()

    def value(self) -> WelcomeChoice:
        name, role = self.user_name.text().strip(), self.user_role.currentText().strip()
        if self._demo:
            return WelcomeChoice(demo=True, user_name=name, user_role=role)
        return WelcomeChoice(False, self.organisation.text().strip(), name,
                             Path(self.path.text().strip()).expanduser(), role)
