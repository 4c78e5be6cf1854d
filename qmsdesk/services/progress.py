"""Progress of long work: a task is a generator yielding Progress, returning its result."""

from __future__ import annotations

import gc
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Progress:
    done: int
    total: int
    label: str = ""

    @property
    def fraction(self) -> float:
        return 1.0 if self.total <= 0 else min(1.0, self.done / self.total)


Task = Generator[Progress, None, T]


def run_task(task: Task[T], sink: Callable[[Progress], None] | None = None) -> T:
    """Run a task to the end in this thread, handing each Progress to ``sink``."""
    while True:
        try:
            progress = next(task)
        except StopIteration as stop:
            return stop.value
        if sink is not None:
            sink(progress)


def collector_paused(task: Task[T]) -> Task[T]:
    """``task`` with Python's cycle collector paused while each of its steps runs (it runs
    again between steps). A step that builds hundreds of thousands of objects that live on
    (an import's rows, records and trail entries) otherwise spends a sixth of its time in
    collections that scan them all, again and again, to free next to nothing: reference
    counting frees them. Closing the task returned closes ``task``."""
    try:
        while True:
            enabled = gc.isenabled()  # another thread's pause is left to that thread
            gc.disable()
            try:
                progress = next(task)
            except StopIteration as stop:
                return stop.value
            finally:
                if enabled:
                    gc.enable()
            yield progress
    finally:
        task.close()
