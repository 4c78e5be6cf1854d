"""Unexpected errors become a dialog and a log entry, not a silent exit."""

from __future__ import annotations

import faulthandler
import logging
import sys

from qmsdesk import paths
from qmsdesk.ui import errors


def test_excepthook_logs_and_shows_a_dialog(qapp, monkeypatch):
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(errors, "show_error",
                        lambda parent, title, message, details="": shown.append(
                            (message, details)))
    log_file = errors.setup_logging()
    try:
        raise RuntimeError("boom in a slot")
    except RuntimeError:
        errors._excepthook(*sys.exc_info())
    for handler in logging.getLogger().handlers:
        handler.flush()
    assert shown and "boom in a slot" in shown[0][0]
    assert str(paths.log_dir()) in shown[0][0]
    assert "Traceback" in shown[0][1]
    assert "boom in a slot" in log_file.read_text(encoding="utf-8")
    for handler in list(logging.getLogger().handlers):
        if getattr(handler, "baseFilename", None) == str(log_file):
            logging.getLogger().removeHandler(handler)
            handler.close()
    faulthandler.enable(sys.__stderr__)  # setup_logging pointed it at the log folder
