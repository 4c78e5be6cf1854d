"""The worker processes that draw charts: started on first need, one per core, shared by
every report of this process (an auditor pack's reports draw in the same pool), and shut
down when the process exits."""

from __future__ import annotations

import atexit
import multiprocessing
import multiprocessing.connection
import os
import sys
import threading
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from qmsdesk import paths

T = TypeVar("T")

WORKERS_VARIABLE = "QMSDESK_CHART_WORKERS"
_pool: ProcessPoolExecutor | None = None
_lock = threading.Lock()


def workers() -> int:
    """One worker per core this process may use; none where there is a single core or in
    a frozen bundle (whose entry point would have to hand over to each worker it starts).
    QMSDESK_CHART_WORKERS sets the number (0: draw in this process), e.g. for a test run
    that already uses every core."""
    chosen = os.environ.get(WORKERS_VARIABLE, "")
    if chosen.isdigit():
        return int(chosen)
    if getattr(sys, "frozen", False):
        return 0
    if hasattr(os, "sched_getaffinity"):
        cores = len(os.sched_getaffinity(0))
    else:
        cores = os.cpu_count() or 1
    return cores if cores > 1 else 0


def _start_worker(data_dir: str | None) -> None:
    """In a new worker: the same data folder (fonts cache, matplotlib cache) as the app,
    and an end with the program's."""
    paths.set_data_dir(data_dir)
    paths.configure_matplotlib_cache()
    _end_with_parent()


def _end_with_parent() -> None:
    """End this worker when the process that started it ends, even when that one was killed
    and could not stop its workers (they would wait for work for good, each holding its
    memory): a thread waits for the parent's end."""
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def wait() -> None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(0)

    threading.Thread(target=wait, name="qmsdesk-parent-watch", daemon=True).start()


def started() -> bool:
    return _pool is not None


def submit(function: Callable[..., T], *args: Any) -> Future[T] | None:
    """Run ``function(*args)`` in a worker; None where there are no workers (the caller
    runs it itself)."""
    global _pool
    count = workers()
    if not count:
        return None
    with _lock:
        if _pool is None:
            # "spawn": a fork of a process running Qt and database threads is not safe.
            base = paths._base_dir()
            _pool = ProcessPoolExecutor(count, mp_context=multiprocessing.get_context("spawn"),
                                        initializer=_start_worker,
                                        initargs=(str(base) if base else None,))
        pool = _pool
    try:
        return pool.submit(function, *args)
    except (BrokenProcessPool, RuntimeError):  # a worker died, or shut down at exit
        shutdown()
        return None


def shutdown() -> None:
    """Stop the workers (at exit; tests call it too)."""
    global _pool
    with _lock:
        pool, _pool = _pool, None
    if pool is not None:
        pool.shutdown(wait=True, cancel_futures=True)


atexit.register(shutdown)
