"""What every register page offers the window: its actions, and a heading."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QUrl
from PySide6.QtGui import QAction, QDesktopServices
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

if TYPE_CHECKING:
    from qmsdesk.services.workspace import Database
    from qmsdesk.ui.main_window import MainWindow


class RegisterPage(QWidget):
    def __init__(self, window: MainWindow, title: str, subtitle: str) -> None:
        super().__init__(window)
        self.window_ = window
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(16, 12, 16, 8)
        heading = QLabel(title)
        heading.setStyleSheet("font-size: 18px; font-weight: 600;")
        sub = QLabel(subtitle)
        sub.setStyleSheet("color: #5f6368;")
        sub.setWordWrap(True)
        self.layout_.addWidget(heading)
        self.layout_.addWidget(sub)

    @property
    def db(self) -> Database:
        assert self.window_.db is not None
        return self.window_.db

    @property
    def today(self) -> date:
        return self.window_.today

    def register_actions(self) -> list[QAction]:
        return []

    def report_actions(self) -> list[QAction]:
        return []

    def activated(self) -> None:
        """Called when the page becomes visible."""

    def open_file(self, path: str) -> None:
        """Open a generated file with the system viewer (tests replace this)."""
        QDesktopServices.openUrl(QUrl.fromLocalFile(path))
