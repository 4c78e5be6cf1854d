"""Runs a Progress generator on the thread pool; progress, result and errors return as signals."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Generator, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from PySide6.QtCore import QCoreApplication, QObject, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from qmsdesk.errors import UserFacingError

log = logging.getLogger(__name__)
T = TypeVar("T")


def call(function: Callable[[], T]) -> Generator[Any, None, T]:
    """A task for one plain function call, without progress: ``start_task(lambda:
    call(work), ...)``."""
    yield from ()
    return function()


class TaskCancelled(Exception):
    """The user pressed Cancel; the task's generator has been closed."""


class _Signals(QObject):
    progress = Signal(int, int, str)
    finished = Signal(object)
    failed = Signal(object)
    cancelled = Signal()


class BackgroundTask:
    """One long job. The generator must open its own sessions and touch no widget.

    Not a QRunnable: the binding keeps a QRunnable that does not delete itself referenced
    for as long as the thread pool lives, so every task (and its QObject) would stay; the
    pool runs ``run`` through a runnable of its own that it deletes when done.
    """

    def __init__(self, factory: Callable[[], Generator[Any, None, Any]]) -> None:
        # Owned by the application object (the GUI thread), not by this Python object:
        # whichever thread drops the last reference to the task, the QObject is deleted only
        # on the GUI thread, by _release.
        self.signals = _Signals(QCoreApplication.instance())
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
            if isinstance(exc, UserFacingError):  # an expected refusal, e.g. an import's
                log.warning("task refused: %s", exc)
            else:
                log.exception("background task failed")
            self.signals.failed.emit(exc)
        finally:
            self.done.set()


_running: set[BackgroundTask] = set()
# Tasks that read the open database: the window waits for them before it closes it (a
# read still under way would keep the file open, its -wal and -shm beside it).
READS = "reads"
_groups: dict[str, set[BackgroundTask]] = {}
_pools: dict[str, QThreadPool] = {}


def own_pool(name: str, threads: int = 2) -> QThreadPool:
    """A thread pool of its own, for quick work that must not queue behind long work on
    the global pool (charts, whole-file checks, reports): a register's rows, say."""
    pool = _pools.get(name)
    if pool is None:
        pool = _pools[name] = QThreadPool(QCoreApplication.instance())
        pool.setMaxThreadCount(threads)
    return pool


def wait_for(group: str, timeout_s: float = 30.0) -> None:
    """Block until the tasks started in ``group`` have finished (short ones: reads)."""
    for task in list(_groups.get(group, ())):
        task.done.wait(timeout_s)


def _release(task: BackgroundTask) -> None:
    """The task's last signal has been delivered: let go of it, on the GUI thread.

    The signal object lives on the GUI thread. It used to belong to its Python wrapper, so
    it died where the last reference to the task died, and the worker's run() frame holds
    the task until it returns: a GUI-thread QObject could be deleted from the worker thread
    while its queued calls were still pending. (Meanwhile the binding held every task for
    good, so each export left a task and its QObject behind.) Now the QObject belongs to the
    application; the GUI thread waits until the worker has stopped touching it (``done`` is
    set right after the last emit returns) and deletes it with deleteLater.
    """
    task.done.wait(5)
    _running.discard(task)
    task.signals.deleteLater()


# When the GUI thread's current step began (a page switch, say), while it lasts.
_step_began: list[float] = []


@contextmanager
def gui_step() -> Iterator[None]:
    """One step of the GUI thread, such as opening a page: building the page and waiting
    for a quick read of its rows share one budget (:func:`time_left`)."""
    _step_began.append(time.perf_counter())
    try:
        yield
    finally:
        _step_began.pop()


def time_left(budget_s: float) -> float:
    """What is left of ``budget_s`` in the current step (all of it outside one): a wait for
    a quick read takes no more, so the window is never held longer in all."""
    if not _step_began:
        return budget_s
    return max(0.0, budget_s - (time.perf_counter() - _step_began[0]))


def after(earlier: Sequence[BackgroundTask], work: Callable[[], T]) -> Callable[[], T]:
    """``work``, done once the tasks ``earlier`` have ended: reads that should come one
    after another, though started at once. Each of ``earlier`` must have been started
    before the task that waits, on the same pool: a pool starts its tasks in that order, so
    each one waited for holds a thread already and none waits for a task still queued."""
    def run() -> T:
        for task in earlier:
            task.done.wait()
        return work()

    return run


def start_task(factory: Callable[[], Generator[Any, None, Any]],
               on_done: Callable[[Any], object],
               on_error: Callable[[BaseException], object],
               on_progress: Callable[[int, int, str], None] | None = None,
               on_cancelled: Callable[[], object] | None = None,
               owner: QObject | None = None, group: str | None = None,
               pool: QThreadPool | None = None) -> BackgroundTask:
    """Start a task; the callbacks run on the GUI thread (queued signal connections).
    With an ``owner`` (the widget that asked), they are dropped once it has been deleted.
    ``pool``: where it runs (the global pool by default)."""
    if owner is not None:
        on_done, on_error = _while_alive(owner, on_done), _while_alive(owner, on_error)
    task = BackgroundTask(factory)
    queued = Qt.ConnectionType.QueuedConnection
    if on_progress is not None:
        task.signals.progress.connect(on_progress, queued)
    task.signals.finished.connect(on_done, queued)
    task.signals.failed.connect(on_error, queued)
    if on_cancelled is not None:
        task.signals.cancelled.connect(on_cancelled, queued)
    _running.add(task)
    if group is not None:
        members = _groups.setdefault(group, set())
        members.add(task)
        task.signals.finished.connect(lambda *_: members.discard(task), queued)
        task.signals.failed.connect(lambda *_: members.discard(task), queued)
        task.signals.cancelled.connect(lambda *_: members.discard(task), queued)
    # Connected last, so it runs after the caller's callback of the same signal.
    for signal in (task.signals.finished, task.signals.failed, task.signals.cancelled):
        signal.connect(lambda *_: _release(task), queued)
    (pool or QThreadPool.globalInstance()).start(task.run)
    return task


def _while_alive(owner: QObject, callback: Callable[[Any], object]) -> Callable[[Any], None]:
    from shiboken6 import isValid

    def deliver(value: Any) -> None:
        if isValid(owner):
            callback(value)

    return deliver


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

    def dismiss() -> None:
        # Deleted, not just closed: each run made a new dialog under the page that stayed
        # there, hidden, with its timer and its Cancel still wired to the finished task.
        dialog.canceled.disconnect(task.cancel)
        dialog.close()
        dialog.deleteLater()

    def finish(result: Any) -> None:
        dismiss()
        on_done(result)

    def fail(exc: BaseException) -> None:
        dismiss()
        on_error(exc)

    task = start_task(factory, finish, fail, progress, dismiss)
    dialog.canceled.connect(task.cancel)
    dialog.setValue(0)
    return task
