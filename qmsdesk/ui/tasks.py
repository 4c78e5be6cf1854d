"""Runs a Progress generator on the thread pool; progress, result and errors return as signals."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Generator
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

log = logging.getLogger(__name__)


class TaskCancelled(Exception):
    """The user pressed Cancel; the task's generator has been closed."""


class _Signals(QObject):
    progress = Signal(int, int, str)
    finished = Signal(object)
    failed = Signal(object)
    cancelled = Signal()


class BackgroundTask(QRunnable):
    """One long job. The generator must open its own sessions and touch no widget."""

    def __init__(self, factory: Callable[[], Generator[Any, None, Any]]) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.signals = _Signals()
        self._factory = factory
        self._cancel = threading.Event()
        self.done = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def run(self) -> None:
        try:
            generator = self._factory()
            result = None
            while True:
                if self._cancel.is_set():
                    generator.close()
                    self.signals.cancelled.emit()
                    return
                try:
                    progress = next(generator)
                except StopIteration as stop:
                    result = stop.value
                    break
                self.signals.progress.emit(progress.done, progress.total, progress.label)
            self.signals.finished.emit(result)
        except Exception as exc:  # delivered to the GUI thread, which shows it
            log.exception("background task failed")
            self.signals.failed.emit(exc)
        finally:
            self.done.set()


_running: set[BackgroundTask] = set()


def start_task(factory: Callable[[], Generator[Any, None, Any]],
               on_done: Callable[[Any], object],
               on_error: Callable[[BaseException], None],
               on_progress: Callable[[int, int, str], None] | None = None,
               on_cancelled: Callable[[], object] | None = None) -> BackgroundTask:
    """Start a task; the callbacks run on the GUI thread (queued signal connections)."""
    task = BackgroundTask(factory)
    queued = Qt.ConnectionType.QueuedConnection
    if on_progress is not None:
        task.signals.progress.connect(on_progress, queued)
    task.signals.finished.connect(on_done, queued)
    task.signals.failed.connect(on_error, queued)
    if on_cancelled is not None:
        task.signals.cancelled.connect(on_cancelled, queued)
    _running.add(task)
    for signal in (task.signals.finished, task.signals.failed, task.signals.cancelled):
        signal.connect(lambda *_: _running.discard(task), queued)
    QThreadPool.globalInstance().start(task)
    return task


def run_with_progress(parent: QWidget, title: str,
                      factory: Callable[[], Generator[Any, None, Any]],
                      on_done: Callable[[Any], object],
                      on_error: Callable[[BaseException], None]) -> BackgroundTask:
    """Run a task behind a modal progress dialog with a Cancel button."""
    dialog = QProgressDialog(title, parent.tr("Cancel"), 0, 0, parent)
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(300)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.setMinimumWidth(420)

    def progress(done: int, total: int, label: str) -> None:
        dialog.setMaximum(max(total, 0))
        dialog.setValue(min(done, total) if total > 0 else 0)
        if label:
            dialog.setLabelText(label)

    def finish(result: Any) -> None:
        dialog.close()
        on_done(result)

    def fail(exc: BaseException) -> None:
        dialog.close()
        on_error(exc)

    task = start_task(factory, finish, fail, progress, dialog.close)
    dialog.canceled.connect(task.cancel)
    dialog.setValue(0)
    return task
