"""Logging to the log folder, and an excepthook that shows an error dialog instead of dying.

What cannot reach Python's logging on its own goes there too: Qt's warnings (a QObject
deleted while still in use is reported by Qt before it crashes) and, for a hard crash, the
Python stack of every thread, written by faulthandler into crash.log.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler
from PySide6.QtWidgets import QApplication, QWidget

from qmsdesk import paths

MAX_LOG_BYTES = 1_000_000
CRASH_LOG = "crash.log"
_crash_file: IO[str] | None = None  # kept open: faulthandler writes to it at the crash
_previous_qt_handler: Any = None


def setup_logging() -> Path:
    """Log to the log folder; a log grown past 1 MB is kept as qmsdesk.log.1 and restarted."""
    import logging

    log_file = paths.log_dir() / "qmsdesk.log"
    try:
        if log_file.stat().st_size > MAX_LOG_BYTES:
            log_file.replace(log_file.with_suffix(".log.1"))
    except OSError:
        pass
    handler = logging.FileHandler(log_file, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    enable_crash_log()
    route_qt_messages()
    return log_file


def enable_crash_log() -> Path:
    """faulthandler into the log folder: a segmentation fault leaves every thread's stack."""
    import faulthandler

    global _crash_file
    path = paths.log_dir() / CRASH_LOG
    if _crash_file is None or _crash_file.closed or Path(_crash_file.name) != path:
        try:
            if path.stat().st_size > MAX_LOG_BYTES:
                path.replace(path.with_suffix(".log.1"))
        except OSError:
            pass
        _crash_file = open(path, "a", encoding="utf-8")  # noqa: SIM115 (open for the run)
    faulthandler.enable(_crash_file, all_threads=True)
    return path


_QT_LEVELS = {QtMsgType.QtDebugMsg: 10, QtMsgType.QtInfoMsg: 20, QtMsgType.QtWarningMsg: 30,
              QtMsgType.QtCriticalMsg: 40, QtMsgType.QtFatalMsg: 50}


def _qt_message(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
    import logging

    where = f" ({context.file}:{context.line})" if context.file else ""
    logging.getLogger("qt").log(_QT_LEVELS.get(kind, 30), "%s%s", message, where)
    if _previous_qt_handler is not None:  # e.g. the test runner's capture
        _previous_qt_handler(kind, context, message)
    elif sys.__stderr__ is not None:  # Qt's default: the terminal, for whoever started us
        print(f"{message}{where}", file=sys.__stderr__)


def route_qt_messages() -> None:
    """Qt's own warnings ("QObject: ... deleted", "QThread: destroyed while ...") into the log
    instead of only a terminal nobody sees."""
    global _previous_qt_handler
    previous = qInstallMessageHandler(_qt_message)
    if previous is not _qt_message:
        _previous_qt_handler = previous


def show_error(parent: QWidget | None, title: str, message: str, details: str = "") -> None:
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(QMessageBox.Icon.Critical, title, message,
                      QMessageBox.StandardButton.Ok, parent)
    if details:
        box.setDetailedText(details)
    box.exec()


def task_failed(parent: QWidget, title: str) -> Callable[[BaseException], None]:
    """A background task's on_error: a refusal (UserFacingError) in its own words, anything
    else in one sentence; the details are in the log, never a traceback on screen."""
    from qmsdesk.errors import UserFacingError

    def show(exc: BaseException) -> None:
        show_error(parent, title, str(exc) if isinstance(exc, UserFacingError) else
                   QApplication.translate("errors", "Something went wrong; the log has "
                                                    "the details."))
    return show


def _excepthook(kind: type[BaseException], value: BaseException,
                tb: TracebackType | None) -> None:
    import logging
    import traceback

    text = "".join(traceback.format_exception(kind, value, tb))
    logging.getLogger("qmsdesk").error("unhandled exception\n%s", text)
    if QApplication.instance() is None:
        sys.__excepthook__(kind, value, tb)
        return
    show_error(QApplication.activeWindow(), "QMS Desk — unexpected error",
               f"Something went wrong: {value}\n\nYour data was not changed by this error. "
               f"The details were written to the log folder:\n{paths.log_dir()}", text)


def install_excepthook() -> None:
    sys.excepthook = _excepthook
