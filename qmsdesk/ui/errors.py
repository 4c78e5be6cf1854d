"""Logging to the log folder, and an excepthook that shows an error dialog instead of dying."""

from __future__ import annotations

import sys
from pathlib import Path
from types import TracebackType

from PySide6.QtWidgets import QApplication, QWidget

from qmsdesk import paths

MAX_LOG_BYTES = 1_000_000


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
    return log_file


def show_error(parent: QWidget | None, title: str, message: str, details: str = "") -> None:
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(QMessageBox.Icon.Critical, title, message,
                      QMessageBox.StandardButton.Ok, parent)
    if details:
        box.setDetailedText(details)
    box.exec()


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
