"""The dashboard's action counts come from GROUP BY queries; they must equal counting
every action one by one."""

from __future__ import annotations

from collections import Counter
from datetime import date

from sqlalchemy import select

from qmsdesk.models.objectives import Action
from qmsdesk.services import dashboard


def test_action_counts_by_the_database_match_counting_each_action(demo_db, today: date):
    view = dashboard.overview(demo_db, today)
    starts = dashboard._month_starts(today, 12)
    index = {(d.year, d.month): i for i, d in enumerate(starts)}
    statuses: Counter[str] = Counter()
    opened, closed = [0] * 12, [0] * 12
    with demo_db.read() as session:
        for status, start, created, completed in session.execute(
                select(Action.status, Action.start_date, Action.created_at,
                       Action.completed_on)):
            statuses[status] += 1
            begun = start or created.date()
            if (slot := index.get((begun.year, begun.month))) is not None:
                opened[slot] += 1
            if completed and (slot := index.get((completed.year, completed.month))) is not None:
                closed[slot] += 1
    assert sum(opened) > 0 and sum(closed) > 0  # the demo has a year of actions
    assert {k: v for k, v in view.actions_by_status.items() if v} == dict(statuses)
    assert list(view.opened) == opened
    assert list(view.closed) == closed
