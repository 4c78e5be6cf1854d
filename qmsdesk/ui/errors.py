"""Logging to the log folder, and an excepthook that shows an error dialog instead of dying."""

from __future__ import annotations

import logging
import sys
import traceback
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMessageBox

from qmsdesk import paths

log = logging.getLogger("qmsdesk")


def setup_logging() -> Path:
    log_file = paths.log_dir() / "qmsdesk.log"
    handler = RotatingFileHandler(log_file, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return log_file


def show_error(parent: object, title: str, message: str, details: str = "") -> None:
    box = QMessageBox(QMessageBox.Icon.Critical, title, message,
                      QMessageBox.StandardButton.Ok, parent)  # type: ignore[arg-type]
    if details:
        box.setDetailedText(details)
    box.exec()


def _excepthook(kind: type[BaseException], value: BaseException,
                tb: TracebackType | None) -> None:
    text = "".join(traceback.format_exception(kind, value, tb))
    log.error("unhandled exception\n%s", text)
    if QApplication.instance() is None:
        sys.__excepthook__(kind, value, tb)
        return
    show_error(QApplication.activeWindow(), "QMS Desk — unexpected error",
               f"Something went wrong: {value}\n\nYour data was not changed by this error. "
               f"The details were written to the log folder:\n{paths.log_dir()}", text)


def install_excepthook() -> None:
    sys.excepthook = _excepthook
