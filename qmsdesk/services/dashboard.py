"""The dashboard: one list of everything overdue or due soon across the registers (each
register's due list, from the catalogue) and the counts behind its charts."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import groupby
from operator import attrgetter
from typing import Any

from sqlalchemy import ColumnElement, SQLColumnExpression, func, select
from sqlalchemy.orm import Session

from qmsdesk import registers as catalogue
from qmsdesk.models.base import day_of
from qmsdesk.models.db import Database
from qmsdesk.models.objectives import Action
from qmsdesk.services.actions import rules as action_rules
from qmsdesk.services.dates import add_months
from qmsdesk.services.due import DueItem, DueList
from qmsdesk.services.objectives import rules
from qmsdesk.services.suppliers import rules as supplier_rules

HORIZON_DAYS = 30


def due_lists() -> tuple[DueList, ...]:
    """Every register's due list, in the catalogue's order."""
    return tuple(catalogue.load(register.due) for register in catalogue.REGISTERS
                 if register.due)


def kinds() -> tuple[str, ...]:
    """Every kind of due item, in the order same-day items are listed."""
    return tuple(kind for due in due_lists() for kind in due.kinds)


def due_items(db: Database, today: date, horizon_days: int = HORIZON_DAYS,
              limit: int | None = None) -> list[DueItem]:
    """Everything overdue or due within ``horizon_days``, most urgent first; with a
    ``limit``, only the ``limit`` most urgent (the first screenful, read at once however
    long the list)."""
    until = today + timedelta(days=horizon_days)
    lists = due_lists()
    with db.read() as session:
        items = [item for due in lists for item in due.find(session, today, until, limit)]
    return most_urgent_first(items, [kind for due in lists for kind in due.kinds])[:limit]


def most_urgent_first(items: list[DueItem], kinds: list[str]) -> list[DueItem]:
    """``items`` by due date; on the same day by their kind's place in ``kinds``, then by
    reference. Sorted by one key at a time, each read in C (stable sorts keep the order
    of the last), not by a tuple made per item: at 100x there are about 80 000."""
    by_kind: dict[str, list[DueItem]] = {kind: [] for kind in kinds}
    for kind, run in groupby(items, key=attrgetter("kind")):  # a finder's items come in runs
        by_kind[kind].extend(run)
    ordered: list[DueItem] = []
    for same_kind in by_kind.values():
        same_kind.sort(key=attrgetter("ref"))
        ordered.extend(same_kind)
    ordered.sort(key=attrgetter("due"))
    return ordered


@dataclass(frozen=True)
class Overview:
    """Counts for the dashboard's charts and figures."""

    objectives_by_health: dict[str, int]
    suppliers_by_band: dict[str, int]
    actions_by_status: dict[str, int]
    flow_months: tuple[str, ...]
    opened: tuple[int, ...]
    closed: tuple[int, ...]
    weak_bands: tuple[str, ...] = ()  # the lowest standings, as the bands are named now
    weak_suppliers: int = 0  # suppliers whose latest approved result is in one of them
    high_risks_without_action: int = 0  # risks.rules.needs_action: rated high, no open action
    # suppliers approved or preferred with an expired certificate (expired_while_approved)
    approved_expired: int = 0

    @property
    def objectives_needing_attention(self) -> int:
        return sum(n for health, n in self.objectives_by_health.items()
                   if rules.needs_attention(health))


def _month_starts(today: date, months: int) -> list[date]:
    first = today.replace(day=1)
    return [add_months(first, -offset) for offset in range(months - 1, -1, -1)]


def _per_month(session: Session, day: SQLColumnExpression[Any], starts: list[date],
               *where: ColumnElement[bool]) -> list[int]:
    """How many actions ``day`` puts in each month of ``starts``, of those ``where`` keeps
    (none outside the months). The database counts them per day, walking an index (a few
    hundred rows, whatever the size of the log); the days are summed into months here."""
    counts = [0] * len(starts)
    for value, n in session.execute(select(day, func.count()).where(*where).group_by(day)):
        counts[bisect_right(starts, value) - 1] += n
    return counts


def _action_counts(session: Session, starts: list[date]
                   ) -> tuple[dict[str, int], list[int], list[int]]:
    """Actions by status, and opened (start date, else the day recorded) and completed
    per month."""
    statuses = {status: 0 for status in action_rules.STATUSES}
    # Archived actions have left the working lists: the chart counts the live log.
    for status, n in session.execute(select(Action.status, func.count())
                                     .where(Action.archived_on.is_(None))
                                     .group_by(Action.status)):
        statuses[status] = statuses.get(status, 0) + n
    first, end = starts[0], add_months(starts[-1], 1)
    started = _per_month(session, Action.start_date, starts,
                         Action.start_date >= first, Action.start_date < end)
    recorded = _per_month(session, day_of(Action.created_at), starts,
                          Action.start_date.is_(None), Action.created_at >= _midnight(first),
                          Action.created_at < _midnight(end))
    completed = _per_month(session, Action.completed_on, starts,
                           Action.completed_on >= first, Action.completed_on < end)
    return statuses, [a + b for a, b in zip(started, recorded, strict=True)], completed


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), UTC)


def overview(db: Database, today: date, months: int = 12) -> Overview:
    """The counts, each made by the database (grouped, or per record with an index)
    rather than from the registers' rows: in one read, but for the risks register (a few
    hundred lines, read on its own as its page reads it)."""
    from qmsdesk.services.objectives.service import health_counts
    from qmsdesk.services.risks import rules as risk_rules
    from qmsdesk.services.risks.service import list_risks
    from qmsdesk.services.suppliers.reviews import bands_in
    from qmsdesk.services.suppliers.service import (
        approved_with_expired_certificate,
        standing_counts,
    )

    starts = _month_starts(today, months)
    with db.read() as session:
        counted = health_counts(session, today)
        standings = supplier_rules.ranked(bands_in(session))
        bands, weak = standing_counts(session, standings)
        approved_expired = approved_with_expired_certificate(session, today)
        statuses, opened, closed = _action_counts(session, starts)
    health = {word: counted[word] for word in rules.HEALTHS if word != rules.NOT_TRACKED}
    labels = tuple(f"{d:%b}" + (f"\n{d:%Y}" if d.month == 1 or i == 0 else "")
                   for i, d in enumerate(starts))
    weak_bands = tuple(band.name for band in standings
                       if supplier_rules.is_weak_band(band.name, standings))
    unaddressed = sum(map(risk_rules.row_needs_action, list_risks(db, today)))
    return Overview(health, bands, statuses, labels, tuple(opened), tuple(closed),
                    weak_bands, weak, unaddressed, approved_expired)
