"""A start-up notice reaches the user: the tray where the desktop has one, the status bar
in any case."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import QMainWindow, QSystemTrayIcon

from qmsdesk.ui.notices import notify


def test_without_a_tray_the_status_bar_says_it(qtbot, monkeypatch):
    window = QMainWindow()
    qtbot.addWidget(window)
    monkeypatch.setattr(QSystemTrayIcon, "isSystemTrayAvailable", staticmethod(lambda: False))
    assert notify(window, "QMS Desk", "2 items of yours overdue") == "status bar"
    assert window.statusBar().currentMessage() == "2 items of yours overdue"


@pytest.mark.qt_log_ignore("No such signal QPlatformNativeInterface")  # offscreen: no tray
def test_with_a_tray_a_message_is_shown_there_too(qtbot, monkeypatch):
    window = QMainWindow()
    qtbot.addWidget(window)
    pixmap = QPixmap(16, 16)
    pixmap.fill()
    window.setWindowIcon(QIcon(pixmap))
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(QSystemTrayIcon, "isSystemTrayAvailable", staticmethod(lambda: True))
    monkeypatch.setattr(QSystemTrayIcon, "supportsMessages", staticmethod(lambda: True))
    monkeypatch.setattr(QSystemTrayIcon, "showMessage",
                        lambda _self, title, text, *_args: shown.append((title, text)))
    assert notify(window, "QMS Desk", "1 item of yours overdue") == "tray"
    assert shown == [("QMS Desk", "1 item of yours overdue")]
    assert window.statusBar().currentMessage() == "1 item of yours overdue"
