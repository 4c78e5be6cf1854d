"""What is due: one list of everything overdue or due soon across the registers."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from qmsdesk.models.db import Database
from qmsdesk.models.objectives import Action, Measurement, Objective
from qmsdesk.models.parties import Party
from qmsdesk.models.suppliers import Certificate, Supplier
from qmsdesk.services.actions import rules as action_rules
from qmsdesk.services.objectives import rules
from qmsdesk.services.suppliers import rules as supplier_rules

HORIZON_DAYS = 30
PARTY_REVIEW = "Interested-party review"
MEASUREMENT = "Objective measurement"
ACTION = "Action"
SUPPLIER_REVIEW = "Supplier review"
CERTIFICATE = "Supplier certificate"
KINDS = (PARTY_REVIEW, MEASUREMENT, ACTION, SUPPLIER_REVIEW, CERTIFICATE)


@dataclass(frozen=True)
class DueItem:
    """One thing to do: ``register`` and ``record_id`` say which editor opens it."""

    kind: str
    register: str  # parties, objectives, actions, suppliers
    record_id: int
    ref: str
    title: str
    due: date
    owner: str
    today: date

    @property
    def id(self) -> int:
        """A key for keeping the selection (one supplier may have several items)."""
        return hash((self.kind, self.record_id, self.title))

    @property
    def overdue(self) -> bool:
        return self.due < self.today

    @property
    def days(self) -> int:
        """Days until due (negative: days overdue)."""
        return (self.due - self.today).days


def _next_measurement_due(start: date, due: date, frequency: str, measured: list[date],
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


def due_items(db: Database, today: date, horizon_days: int = HORIZON_DAYS) -> list[DueItem]:
    """Everything overdue or due within ``horizon_days``, most urgent first."""
    # A query's ``date <= until`` leaves out rows without that date (NULL never compares
    # true), hence the ``is not None`` asserts: they only tell the type checker.
    until = today + timedelta(days=horizon_days)
    items: list[DueItem] = []
    with db.read() as session:
        for pid, ref, name, owner, due in session.execute(
                select(Party.id, Party.ref, Party.name, Party.owner, Party.next_review)
                .where(Party.status == "active", Party.next_review <= until)):
            assert due is not None
            items.append(DueItem(PARTY_REVIEW, "parties", pid, ref, name, due, owner, today))
        measured: dict[int, list[date]] = defaultdict(list)
        for oid, on_date in session.execute(select(Measurement.objective_id,
                                                   Measurement.on_date)):
            measured[oid].append(on_date)
        for oid, ref, title, owner, start, due, frequency in session.execute(
                select(Objective.id, Objective.ref, Objective.title, Objective.owner,
                       Objective.start_date, Objective.due_date, Objective.frequency)
                .where(Objective.status == "active")):
            next_due = _next_measurement_due(start, due, frequency, measured[oid], today)
            if next_due is not None and next_due <= until:
                items.append(DueItem(MEASUREMENT, "objectives", oid, ref, title, next_due,
                                     owner, today))
        for aid, ref, title, owner, due in session.execute(
                select(Action.id, Action.ref, Action.title, Action.owner, Action.due_date)
                .where(Action.status.in_(action_rules.OPEN_STATUSES),
                       Action.due_date <= until)):
            assert due is not None
            items.append(DueItem(ACTION, "actions", aid, ref, title, due, owner, today))
        for sid, ref, name, due in session.execute(
                select(Supplier.id, Supplier.ref, Supplier.name, Supplier.next_review)
                .where(Supplier.status != "disqualified", Supplier.next_review <= until)):
            assert due is not None
            items.append(DueItem(SUPPLIER_REVIEW, "suppliers", sid, ref, name, due, "", today))
        for sid, ref, name, standard, valid_until in session.execute(
                select(Supplier.id, Supplier.ref, Supplier.name, Certificate.standard,
                       Certificate.valid_until)
                .join(Certificate, Certificate.supplier_id == Supplier.id)
                .where(Supplier.status != "disqualified", Certificate.valid_until <= until)):
            assert valid_until is not None
            items.append(DueItem(CERTIFICATE, "suppliers", sid, ref, f"{standard} — {name}",
                                 valid_until, "", today))
    return sorted(items, key=lambda item: (item.due, KINDS.index(item.kind), item.ref))


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

    @property
    def objectives_needing_attention(self) -> int:
        return sum(n for health, n in self.objectives_by_health.items()
                   if rules.needs_attention(health))


def _month_starts(today: date, months: int) -> list[date]:
    from qmsdesk.services.dates import add_months

    first = today.replace(day=1)
    return [add_months(first, -offset) for offset in range(months - 1, -1, -1)]


def overview(db: Database, today: date, months: int = 12) -> Overview:
    from qmsdesk.services.objectives.service import list_objectives
    from qmsdesk.services.suppliers.reviews import load_bands
    from qmsdesk.services.suppliers.service import list_suppliers

    health = {word: 0 for word in rules.HEALTHS if word != rules.NOT_TRACKED}
    for row in list_objectives(db, today):
        if row.health in health:
            health[row.health] += 1
    standings = supplier_rules.ranked(load_bands(db))
    bands = {band.name: 0 for band in standings}
    bands["No data"] = 0
    weak = 0
    for supplier in list_suppliers(db, today):
        if supplier.status != "disqualified":
            band = supplier_rules.current_band(supplier.latest_band, supplier.latest_total,
                                               standings)
            bands[band or "No data"] += 1
            weak += supplier_rules.is_weak_band(band, standings)
    starts = _month_starts(today, months)
    index = {(d.year, d.month): i for i, d in enumerate(starts)}
    opened, closed = [0] * months, [0] * months
    statuses = {status: 0 for status in action_rules.STATUSES}
    with db.read() as session:
        for status, start, created, completed in session.execute(
                select(Action.status, Action.start_date, Action.created_at,
                       Action.completed_on)):
            statuses[status] = statuses.get(status, 0) + 1
            begun = start or created.date()
            if (slot := index.get((begun.year, begun.month))) is not None:
                opened[slot] += 1
            if completed and (slot := index.get((completed.year, completed.month))) is not None:
                closed[slot] += 1
    labels = tuple(f"{d:%b}" + (f"\n{d:%Y}" if d.month == 1 or i == 0 else "")
                   for i, d in enumerate(starts))
    weak_bands = tuple(band.name for band in standings
                       if supplier_rules.is_weak_band(band.name, standings))
    return Overview(health, bands, statuses, labels, tuple(opened), tuple(closed),
                    weak_bands, weak)
