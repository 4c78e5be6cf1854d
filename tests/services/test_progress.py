"""Tasks: a step of a task run with the cycle collector paused gets it back afterwards."""

from __future__ import annotations

import gc

import pytest

from qmsdesk.services.progress import Progress, collector_paused, run_task


def _task(seen: list[bool], closed: list[bool]):
    try:
        for step in range(3):
            seen.append(gc.isenabled())
            yield Progress(step, 3)
        seen.append(gc.isenabled())
        return "done"
    finally:
        closed.append(True)


def test_each_step_runs_paused_and_the_collector_runs_between_steps():
    seen: list[bool] = []
    task = collector_paused(_task(seen, []))
    between = []
    assert run_task(task, lambda progress: between.append(gc.isenabled())) == "done"
    assert seen == [False] * 4 and between == [True] * 3 and gc.isenabled()


def test_closing_the_task_closes_the_work_and_a_failure_leaves_the_collector_on():
    closed: list[bool] = []
    task = collector_paused(_task([], closed))
    next(task)
    task.close()
    assert closed == [True] and gc.isenabled()

    def failing():
        yield Progress(0, 1)
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        run_task(collector_paused(failing()))
    assert gc.isenabled()


def test_a_collector_paused_before_stays_paused():
    gc.disable()
    try:
        seen: list[bool] = []
        run_task(collector_paused(_task(seen, [])))
        assert not gc.isenabled() and seen == [False] * 4
    finally:
        gc.enable()
