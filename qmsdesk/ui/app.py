"""Starts the GUI: QApplication, logging, excepthook, then the main window (shown first)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QSettings, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from qmsdesk import __version__, paths


def init_settings() -> None:
    """QSettings as an INI file in our config folder (so --data-dir and tests isolate it)."""
    QCoreApplication.setOrganizationName("QMSDesk")
    QCoreApplication.setApplicationName("QMS Desk")
    QCoreApplication.setApplicationVersion(__version__)
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                      str(paths.config_dir()))


def run_gui(target: str | Path | None, demo: bool = False) -> int:
    from qmsdesk.ui.errors import install_excepthook, setup_logging
    from qmsdesk.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv)
    app.setWindowIcon(QIcon(str(paths.resource_path("icons", "qmsdesk.png"))))
    init_settings()
    install_excepthook()
    window = MainWindow()
    window.show()

    def after_shown() -> None:
        # The window appears first; logging, the database (and SQLAlchemy) come right after.
        setup_logging()
        window.install_shortcuts()
        window.open_initial(target, demo)

    QTimer.singleShot(0, after_shown)
    quit_after = os.environ.get("QMSDESK_QUIT_AFTER_MS")  # smoke tests of the bundle
    if quit_after and quit_after.isdigit():
        QTimer.singleShot(int(quit_after), window.close)
    return app.exec()
