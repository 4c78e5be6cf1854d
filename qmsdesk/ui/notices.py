"""A notice the user sees even when the window is behind others: a message from the
system tray where the desktop has one, else the window's status bar."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMainWindow, QSystemTrayIcon

TRAY_SECONDS = 15


def notify(window: QMainWindow, title: str, text: str, seconds: int = TRAY_SECONDS) -> str:
    """Show ``text``; returns where it went ("tray" or "status bar"). The status bar always
    carries it too, so it can still be read after the tray message has gone."""
    window.statusBar().showMessage(text, seconds * 1000 + 5000)
    if not QSystemTrayIcon.isSystemTrayAvailable() or \
            not QSystemTrayIcon.supportsMessages():
        return "status bar"
    tray = QSystemTrayIcon(window.windowIcon(), window)
    tray.setToolTip(title)
    tray.show()
    tray.showMessage(title, text, QSystemTrayIcon.MessageIcon.Information, seconds * 1000)
    QTimer.singleShot(seconds * 1000, tray.deleteLater)  # no icon left behind
    tray.messageClicked.connect(lambda: _bring_forward(window))
    return "tray"


def _bring_forward(window: QMainWindow) -> None:
    window.showNormal()
    window.activateWindow()
