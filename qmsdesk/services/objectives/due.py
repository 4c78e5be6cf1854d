"""What is due in the objectives register: the next measurement of each active objective."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from qmsdesk.models.objectives import Measurement, Objective
from qmsdesk.services.due import DueItem, DueList
from qmsdesk.services.objectives import rules

MEASUREMENT = "Objective measurement"


def next_measurement_due(start: date, due: date, frequency: str, measured: list[date],
                         today: date) -> date | None:
    """When the next measurement is expected: the end (+ grace) of the first period after
    the last one measured; None when every period up to the due date has its value."""
    grace = timedelta(days=rules.GRACE_DAYS)
    latest = max((d for d in measured if d <= today), default=None)
    for period in rules.periods_between(start, due, frequency):
        first, last = rules.period_bounds(period)
        if latest is None or first > latest:
            return last + grace
    return None


def _find(session: Session, today: date, until: date) -> Iterator[DueItem]:
    measured: dict[int, list[date]] = defaultdict(list)
    for oid, on_date in session.execute(select(Measurement.objective_id,
                                               Measurement.on_date)):
        measured[oid].append(on_date)
    for oid, ref, title, owner, start, due, frequency in session.execute(
            select(Objective.id, Objective.ref, Objective.title, Objective.owner,
                   Objective.start_date, Objective.due_date, Objective.frequency)
            .where(Objective.status == "active", Objective.archived_on.is_(None))):
        next_due = next_measurement_due(start, due, frequency, measured[oid], today)
        if next_due is not None and next_due <= until:
            yield DueItem(MEASUREMENT, "objectives", oid, ref, title, next_due, owner, today)


DUE = DueList((MEASUREMENT,), _find)
