"""Progress of long work: a task is a generator yielding Progress, returning its result."""

from __future__ import annotations

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
