"""The dashboard: one list of everything overdue or due soon across the registers (each
register's due list, from the catalogue) and the counts behind its charts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import SQLColumnExpression, extract, func, select
from sqlalchemy.orm import Session

from qmsdesk import registers as catalogue
from qmsdesk.models.db import Database
from qmsdesk.models.objectives import Action
from qmsdesk.services.actions import rules as action_rules
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


def due_items(db: Database, today: date, horizon_days: int = HORIZON_DAYS) -> list[DueItem]:
    """Everything overdue or due within ``horizon_days``, most urgent first."""
    until = today + timedelta(days=horizon_days)
    lists = due_lists()
    rank = {kind: n for n, kind in enumerate(kind for due in lists for kind in due.kinds)}
    with db.read() as session:
        items = [item for due in lists for item in due.find(session, today, until)]
    return sorted(items, key=lambda item: (item.due, rank[item.kind], item.ref))


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
    from qmsdesk.services.dates import add_months

    first = today.replace(day=1)
    return [add_months(first, -offset) for offset in range(months - 1, -1, -1)]


def _per_month(session: Session, column: SQLColumnExpression[Any],
               starts: list[date]) -> list[int]:
    """How many actions ``column`` (a date) puts in each month of ``starts``: counted by
    the database, one row per month, not one per action."""
    index = {(d.year, d.month): i for i, d in enumerate(starts)}
    counts = [0] * len(starts)
    year, month = extract("year", column), extract("month", column)
    for y, m, n in session.execute(select(year, month, func.count())
                                   .where(column >= starts[0])
                                   .group_by(year, month)):
        if (slot := index.get((int(y), int(m)))) is not None:
            counts[slot] += n
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
    begun = func.coalesce(Action.start_date, Action.created_at)
    return (statuses, _per_month(session, begun, starts),
            _per_month(session, Action.completed_on, starts))


def overview(db: Database, today: date, months: int = 12) -> Overview:
    from qmsdesk.services.objectives.service import list_objectives
    from qmsdesk.services.risks import rules as risk_rules
    from qmsdesk.services.risks.service import list_risks
    from qmsdesk.services.suppliers.reviews import load_bands
    from qmsdesk.services.suppliers.service import list_suppliers

    health = {word: 0 for word in rules.HEALTHS if word != rules.NOT_TRACKED}
    for row in list_objectives(db, today):
        if row.health in health:
            health[row.health] += 1
    standings = supplier_rules.ranked(load_bands(db))
    bands = {band.name: 0 for band in standings}
    bands["No data"] = 0
    weak = approved_expired = 0
    for supplier in list_suppliers(db, today):
        approved_expired += bool(supplier.approved_expired)
        # The chart counts every supplier, as the register and its report do; the key
        # figure only those still in use (a disqualified or archived one is no longer a
        # risk to manage).
        band = supplier_rules.current_band(supplier.latest_band, supplier.latest_total,
                                           standings)
        bands[band or "No data"] += 1
        if supplier_rules.in_use(supplier.status):
            weak += supplier_rules.is_weak_band(band, standings)
    starts = _month_starts(today, months)
    with db.read() as session:
        statuses, opened, closed = _action_counts(session, starts)
    labels = tuple(f"{d:%b}" + (f"\n{d:%Y}" if d.month == 1 or i == 0 else "")
                   for i, d in enumerate(starts))
    weak_bands = tuple(band.name for band in standings
                       if supplier_rules.is_weak_band(band.name, standings))
    unaddressed = sum(map(risk_rules.row_needs_action, list_risks(db, today)))
    return Overview(health, bands, statuses, labels, tuple(opened), tuple(closed),
                    weak_bands, weak, unaddressed, approved_expired)
