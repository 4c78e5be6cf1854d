"""Export under stress: background tasks, their QObjects and progress dialogs are released on
the GUI thread, and a crash or a Qt warning leaves a trace in the log folder."""

from __future__ import annotations

import faulthandler
import logging
import sys
import threading
import weakref
from collections.abc import Generator, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QThreadPool, qWarning
from PySide6.QtWidgets import QApplication, QProgressDialog

from qmsdesk import paths
from qmsdesk.services.progress import Progress
from qmsdesk.ui import errors, tasks


def _flush_deletions() -> None:
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QCoreApplication.processEvents()


def _job(n: int) -> Generator[Progress, None, int]:
    for i in range(n):
        yield Progress(i + 1, n, f"step {i + 1}")
    return n


def test_many_tasks_release_their_qobjects_on_the_gui_thread(qtbot):
    """Before: the thread pool kept every task (and its signal QObject) for good, and the
    QObject belonged to whichever thread dropped the task last."""
    gui = threading.current_thread()
    destroyed: list[threading.Thread] = []
    finalized: list[threading.Thread] = []
    results: list[int] = []
    for i in range(120):
        task = tasks.start_task(lambda i=i: _job(i % 4), results.append, pytest.fail)
        task.signals.destroyed.connect(lambda *_: destroyed.append(threading.current_thread()))
        weakref.finalize(task, lambda: finalized.append(threading.current_thread()))
        del task
        if i % 7 == 0:  # the event loop spins while tasks start and finish
            QCoreApplication.processEvents()
    qtbot.waitUntil(lambda: len(results) == 120, timeout=20000)
    QThreadPool.globalInstance().waitForDone(5000)
    qtbot.waitUntil(lambda: not tasks._running, timeout=5000)
    _flush_deletions()
    assert sorted(results) == sorted(i % 4 for i in range(120))
    assert len(destroyed) == 120, "every task's signal object is deleted"
    assert set(destroyed) == {gui}, "and only ever on the GUI thread"
    qtbot.waitUntil(lambda: len(finalized) == 120, timeout=5000)


def test_repeated_exports_leave_no_progress_dialog_or_task_behind(window, qtbot, monkeypatch,
                                                                  tmp_path):
    """Register > Export on Interested parties, many times, with the event loop spinning:
    every file written, no dialog or task left over (each used to stay under the page)."""
    written: list[Path] = []

    def ask_save(*_args, **_kwargs):
        written.append(tmp_path / f"parties-{len(written)}.xlsx")
        return str(written[-1]), ""

    monkeypatch.setattr("PySide6.QtWidgets.QFileDialog.getSaveFileName", ask_save)
    window.show_page("parties")
    page = window.page("parties")
    export = next(a for a in window.register_menu.actions()
                  if a.text().replace("&", "").startswith("Export to spreadsheet"))
    for _ in range(15):
        window.statusBar().clearMessage()
        export.trigger()
        qtbot.waitUntil(lambda: "Exported" in window.statusBar().currentMessage(),
                        timeout=20000)
    QThreadPool.globalInstance().waitForDone(5000)
    qtbot.waitUntil(lambda: not tasks._running, timeout=5000)
    _flush_deletions()
    assert all(path.is_file() and path.stat().st_size > 0 for path in written)
    assert len(written) == 15
    assert page.findChildren(QProgressDialog) == []


@pytest.fixture
def restored_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers = list(root.handlers)
    yield
    for handler in root.handlers[:]:
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    faulthandler.enable(sys.__stderr__)  # back to the test runner's terminal


@pytest.mark.qt_log_ignore("export probe")
def test_qt_warnings_and_crashes_are_written_to_the_log_folder(qapp, restored_logging):
    log_file = errors.setup_logging()
    qWarning("export probe: QObject still in use")
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = log_file.read_text(encoding="utf-8")
    assert "WARNING qt: export probe: QObject still in use" in text
    assert faulthandler.is_enabled()
    crash_log = paths.log_dir() / errors.CRASH_LOG
    assert crash_log.is_file()
    faulthandler.dump_traceback(errors._crash_file)  # what a segmentation fault writes
    assert errors._crash_file is not None
    errors._crash_file.flush()
    assert "test_qt_warnings_and_crashes" in crash_log.read_text(encoding="utf-8")
