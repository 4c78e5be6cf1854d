"""The background task runner: progress, result, error and cancel reach the GUI thread."""

from __future__ import annotations

import threading
import time
from collections.abc import Generator

import pytest
from PySide6.QtCore import QThread

from qmsdesk.services.progress import Progress
from qmsdesk.ui.tasks import start_task


def counting(n: int, seen_threads: list, pause: float = 0.0) -> Generator[Progress, None, int]:
    seen_threads.append(threading.get_ident())
    for i in range(n):
        if pause:
            time.sleep(pause)
        yield Progress(i + 1, n, f"step {i + 1}")
    return n * 10


def test_progress_and_result_arrive_on_the_gui_thread(qtbot):
    worker_threads: list[int] = []
    progress: list[tuple[int, int, str, bool]] = []
    results: list[tuple[int, bool]] = []
    gui = QThread.currentThread()
    start_task(lambda: counting(3, worker_threads),
               on_done=lambda r: results.append((r, QThread.currentThread() is gui)),
               on_error=pytest.fail,
               on_progress=lambda d, t, label: progress.append(
                   (d, t, label, QThread.currentThread() is gui)))
    qtbot.waitUntil(lambda: bool(results), timeout=5000)
    assert results == [(30, True)]
    assert progress == [(1, 3, "step 1", True), (2, 3, "step 2", True), (3, 3, "step 3", True)]
    assert worker_threads and worker_threads[0] != threading.get_ident()


def test_errors_are_delivered_not_raised(qtbot):
    def broken() -> Generator[Progress, None, None]:
        yield Progress(0, 1)
        raise ValueError("disk full")

    errors: list[BaseException] = []
    start_task(broken, on_done=lambda r: pytest.fail("no result expected"),
               on_error=errors.append)
    qtbot.waitUntil(lambda: bool(errors), timeout=5000)
    assert isinstance(errors[0], ValueError) and str(errors[0]) == "disk full"


def test_cancel_stops_the_generator_and_runs_its_cleanup(qtbot):
    closed = threading.Event()

    def long_job() -> Generator[Progress, None, str]:
        try:
            for i in range(1000):
                time.sleep(0.01)
                yield Progress(i, 1000)
            return "finished"
        finally:
            closed.set()

    cancelled: list[bool] = []
    task = start_task(long_job, on_done=lambda r: pytest.fail("should not finish"),
                      on_error=pytest.fail, on_cancelled=lambda: cancelled.append(True))
    qtbot.wait(50)
    task.cancel()
    qtbot.waitUntil(lambda: bool(cancelled), timeout=5000)
    assert closed.is_set()
    assert task.done.wait(2)
