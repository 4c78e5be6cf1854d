"""Starts the GUI: QApplication, logging, excepthook, then the main window (shown first)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEventLoop, QSettings, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMainWindow

from qmsdesk import __version__, paths


def init_settings() -> None:
    """The application's names, and the per-user settings of an earlier version (kept in
    QSettings, an INI file in our config folder) moved into services.user_settings."""
    from qmsdesk.ui.window_state import adopt_qsettings

    QCoreApplication.setOrganizationName("QMSDesk")
    QCoreApplication.setApplicationName("QMS Desk")
    QCoreApplication.setApplicationVersion(__version__)
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                      str(paths.config_dir()))
    adopt_qsettings()


def _report_shown_and_quit(app: QApplication) -> None:
    import time

    print(f"shown {time.time()}", flush=True)
    app.quit()


# A repaint calls into Python once a cell painted (175 times for a screenful of actions),
# and each call waits for the interpreter lock while a worker holds it (ordering 200 000
# actions, reading a register): up to one switch interval a call. At 1 ms, the window
# froze for 370-490 ms while the action log was ordered on a worker; at 50 us, 100-120
# ms. The interval matters only when a thread is waiting: two workers alone go through
# the same work in the same time at 5 ms, 1 ms or 50 us.
GUI_SWITCH_INTERVAL = 0.00005  # seconds
# The cyclic garbage collector's passes hold the interpreter lock while they visit every
# object of the generations collected. A full pass visits everything the process holds:
# with the 100x org's registers in memory it takes 150-400 ms, and a worker reading 200 000
# actions allocates enough to set one off every few thousand rows. Opening Actions on the
# 100x org under Python's defaults (700, 10, 10): ten full passes of 62-389 ms, ten
# event-loop gaps over 100 ms; with these: no full pass, two middle ones of 55-85 ms, four
# gaps over 100 ms (those left have other causes). Objects are still freed by reference
# counting at once; only reference cycles that outlive a pass wait longer.
GC_THRESHOLDS = (20_000, 20, 100)


def keep_gui_responsive() -> None:
    """Interpreter settings for a GUI thread sharing the interpreter with workers: workers
    read registers and draw charts in Python, and the GUI thread waits for the interpreter
    lock each time it calls into Python (a repaint, a keystroke). The default 5 ms switch
    interval stretched each such call; see GUI_SWITCH_INTERVAL. Garbage collection as
    above."""
    import gc

    sys.setswitchinterval(GUI_SWITCH_INTERVAL)
    gc.set_threshold(*GC_THRESHOLDS)


def announce_wait(window: QMainWindow, message: str) -> None:
    """Say why opening a database waits (another QMS Desk upgrading it): in the window's
    status bar and in an open dialog that has a message line (File › Connect to server…),
    painted now, since the wait that follows holds this thread."""
    window.statusBar().showMessage(message)
    dialog = QApplication.activeModalWidget()
    show = getattr(dialog, "show_notice", None)
    if callable(show):
        show(message)
    QApplication.processEvents(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)


# What opening a database and showing the first page import: SQLAlchemy, the models and
# the dashboard's reads, about 0.45 s; then the models' mappings are resolved (their first
# query did it, on the GUI thread: 60-115 ms). On a worker, so the shown window keeps
# painting and answering meanwhile instead of freezing; the GUI thread then finds them
# imported (a module being imported by the worker makes an importer wait for it, so the
# GUI thread never sees one half-made).
FIRST_MODULES = ("qmsdesk.services.workspace", "qmsdesk.services.dashboard")


def import_first_modules() -> None:
    import importlib

    for name in FIRST_MODULES:
        importlib.import_module(name)
    importlib.import_module("qmsdesk.services.workspace").prepare_models()


def run_gui(target: str | Path | None, demo: bool = False) -> int:
    from qmsdesk.ui.errors import install_excepthook, setup_logging
    from qmsdesk.ui.main_window import MainWindow
    from qmsdesk.ui.widgets import install_button_enter, install_dialog_on_screen

    keep_gui_responsive()
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv)
    app.setWindowIcon(QIcon(str(paths.resource_path("icons", "qmsdesk.png"))))
    # Wayland app id and X11 hint: ties the window to the installed qmsdesk.desktop entry.
    app.setDesktopFileName("qmsdesk")
    init_settings()
    install_excepthook()
    install_button_enter(app)
    install_dialog_on_screen(app)
    window = MainWindow(automatic_backups=True)
    window.show()
    if os.environ.get("QMSDESK_EXIT_WHEN_SHOWN") == "1":  # bench/frozen_startup.py
        QTimer.singleShot(0, lambda: _report_shown_and_quit(app))

    def open_first() -> None:
        from qmsdesk.services.workspace import set_wait_notice

        set_wait_notice(lambda message: announce_wait(window, message))
        window.install_shortcuts()
        window.open_initial(target, demo)

    def after_shown() -> None:
        # The window appears first; logging comes right after, then the database.
        setup_logging()
        from qmsdesk.ui.tasks import call, start_task

        # Whether the imports succeed or not, the GUI thread goes on: a module that failed
        # here fails again there, where opening the database reports it.
        start_task(lambda: call(import_first_modules), lambda _: open_first(),
                   lambda _exc: open_first(), owner=window)

    QTimer.singleShot(0, after_shown)
    quit_after = os.environ.get("QMSDESK_QUIT_AFTER_MS")  # smoke tests of the bundle
    if quit_after and quit_after.isdigit():
        # Close the window (it saves and closes the database), then quit: a first start's
        # question may still be open, and the application must end all the same.
        QTimer.singleShot(int(quit_after), lambda: (window.close(), app.quit()))
    return app.exec()
