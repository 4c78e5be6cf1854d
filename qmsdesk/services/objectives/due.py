"""What is due in the objectives register: the next measurement of each active objective."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from qmsdesk.models.objectives import Objective
from qmsdesk.services.due import DueItem, DueList
from qmsdesk.services.objectives import rules
from qmsdesk.services.objectives.service import latest_points

MEASUREMENT = "Objective measurement"


def next_measurement_due(start: date, due: date, frequency: str, latest: date | None
                         ) -> date | None:
    """When the next measurement is expected: the end (+ grace) of the first period after
    the one of the ``latest`` measurement (dated on or before today); None when every
    period up to the due date has its value."""
    if due < start:
        return None
    first = rules.period_span(start, frequency)[0]
    if latest is not None and latest >= first:
        last_measured = rules.period_span(latest, frequency)[1]
        if last_measured >= date.max:
            return None  # the calendar's last period is measured: nothing comes after
        first = last_measured + timedelta(days=1)
    if first > due:
        return None
    return rules.period_span(first, frequency)[1] + timedelta(days=rules.GRACE_DAYS)


def _find(session: Session, today: date, until: date, _limit: int | None
          ) -> Iterator[DueItem]:
    # Each objective's next due date is worked out here, not by the database: every one is
    # read, with or without a limit (the due list keeps the soonest).
    latest = {oid: point.on_date for oid, point in latest_points(session, today=today).items()}
    for oid, ref, title, owner, start, due, frequency in session.execute(
            select(Objective.id, Objective.ref, Objective.title, Objective.owner,
                   Objective.start_date, Objective.due_date, Objective.frequency)
            .where(Objective.status == "active", Objective.archived_on.is_(None))):
        next_due = next_measurement_due(start, due, frequency, latest.get(oid))
        if next_due is not None and next_due <= until:
            yield DueItem(MEASUREMENT, "objectives", oid, ref, title, next_due, owner, today)


DUE = DueList((MEASUREMENT,), _find)
