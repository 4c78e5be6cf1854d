"""Management-review inputs from the registers: interested parties, satisfaction, providers.

Sections 9.3.2 b, c 1 and c 7 of :mod:`qmsdesk.services.review_inputs` (which re-exports
these dataclasses). Each builder reads inside the caller's session with a few whole-register
queries, never one query per row, and judges every "as of" question on ``period_to``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from qmsdesk.models.audit import AuditEntry
from qmsdesk.models.parties import Engagement, Party, PartyRequirement
from qmsdesk.models.suppliers import Certificate, Supplier, SupplierReview, SupplierStatusChange
from qmsdesk.services import party_rules, supplier_rules
from qmsdesk.services.dates import add_months, utc_window
from qmsdesk.services.labels import label, one_decimal, trend_arrow
from qmsdesk.services.suppliers import CertificateRecord

ISSUES_NOTE = ("External and internal issues (ISO 9001 clause 4.1) are not kept in QMS Desk: "
               "review their changes from the organisation's own record of its context.")
ADDED, ARCHIVED, RESTORED = "added", "archived", "restored"
CHANGED, REMOVED = "changed", "removed"
# What makes a party relevant (4.2) and where it sits on the power/interest grid.
RELEVANCE_FIELDS = ("category", "internal", "influence", "interest")
CUSTOMER = "customer"  # the party category whose satisfaction 9.1.2 asks about
TREND_WORDS = {"↑": "improved", "↓": "declined", "→": "unchanged", "": "no comparison"}
NO_BAND = label(supplier_rules.NO_DATA)  # "No data", as on the dashboard
WATCH_STATUSES = ("conditional", "disqualified")
LOW_BANDS = 2  # "the lowest bands": the two lowest of three or more, else the lowest


# Averages of a few 1-5 scores move by chance; a change under this is reported as unchanged.
STABLE_WITHIN = 0.2

T = TypeVar("T")
# Changes are listed by day, then reference, then the order they were made in.
ChangeKey = tuple[date, str, int]


def _shown(value: float | None) -> float | None:
    """An average as printed (one decimal): trends compare what the reader sees."""
    return None if value is None else float(one_decimal(value))


def satisfaction_arrow(average: float | None, previous: float | None) -> str:
    """↑ ↓ as the printed averages differ by STABLE_WITHIN or more, else →; "" without both."""
    latest, before = _shown(average), _shown(previous)
    # in whole tenths: 4.1 - 3.9 is 0.19999... in floating point, and 0.2 must count
    if latest is not None and before is not None and \
            abs(round(latest * 10) - round(before * 10)) < round(STABLE_WITHIN * 10):
        return "→"
    return trend_arrow(latest, before)


def _average(scores: Sequence[int]) -> float | None:
    return sum(scores) / len(scores) if scores else None


# --- 9.3.2 b: interested parties ---------------------------------------------------------

@dataclass(frozen=True)
class PartyEvent:
    """A party added, archived or restored in the period (``event``)."""

    on: date
    ref: str
    name: str
    category: str
    event: str


@dataclass(frozen=True)
class PartyFieldChange:
    """A change of what makes a party relevant: category, internal, influence or interest."""

    on: date
    ref: str
    name: str
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class RequirementChange:
    """A requirement added, changed (``field`` from ``old`` to ``new``) or removed.

    ``requirement`` is its description after the change (before it, when removed).
    """

    on: date
    party_ref: str
    party_name: str
    change: str
    requirement: str
    field: str = ""
    old: str = ""
    new: str = ""


@dataclass(frozen=True)
class PartyPoint:
    """One active party on the power/interest grid: the fields of reports.charts.GridPoint."""

    ref: str
    name: str
    influence: int
    interest: int

    @property
    def quadrant(self) -> str:
        return party_rules.quadrant(self.influence, self.interest)


@dataclass(frozen=True)
class PartyChanges:
    """Changes in interested parties during the period (from the audit trail) and the
    register as it stands now: active parties by category, by quadrant, on the grid."""

    added: tuple[PartyEvent, ...]
    archived_or_restored: tuple[PartyEvent, ...]
    relevance_changes: tuple[PartyFieldChange, ...]
    requirement_changes: tuple[RequirementChange, ...]
    by_category: dict[str, int]
    by_quadrant: dict[str, int]
    grid: tuple[PartyPoint, ...]
    issues_note: str = ISSUES_NOTE


def _in_order(found: list[tuple[ChangeKey, T]]) -> tuple[T, ...]:
    return tuple(item for _, item in sorted(found, key=lambda pair: pair[0]))


def party_changes(session: Session, period_from: date, period_to: date) -> PartyChanges:
    start, end = utc_window(period_from, period_to)
    party, requirement = Party.audit_entity, PartyRequirement.audit_entity
    register = session.execute(select(Party.ref, Party.name, Party.category, Party.status,
                                      Party.influence, Party.interest)
                               .order_by(Party.ref)).all()
    names = {row.ref: row.name for row in register}
    categories = {row.ref: row.category for row in register}
    # A requirement's description over time, to name it in a change of another field.
    descriptions: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for record_id, entry_id, old, new in session.execute(
            select(AuditEntry.record_id, AuditEntry.id, AuditEntry.old_value,
                   AuditEntry.new_value)
            .where(AuditEntry.entity == requirement, AuditEntry.field == "description",
                   AuditEntry.at < end).order_by(AuditEntry.id)):
        descriptions[record_id].append((entry_id, new or old))
    entries = session.execute(
        select(AuditEntry.id, AuditEntry.at, AuditEntry.action, AuditEntry.entity,
               AuditEntry.record_id, AuditEntry.ref, AuditEntry.field, AuditEntry.old_value,
               AuditEntry.new_value)
        .where(AuditEntry.entity.in_((party, requirement)), AuditEntry.at >= start,
               AuditEntry.at < end).order_by(AuditEntry.id)).all()
    added: list[tuple[ChangeKey, PartyEvent]] = []
    archived: list[tuple[ChangeKey, PartyEvent]] = []
    relevance: list[tuple[ChangeKey, PartyFieldChange]] = []
    requirements: list[tuple[ChangeKey, RequirementChange]] = []
    for e in entries:
        on, name = e.at.date(), names.get(e.ref, "")
        key = (on, e.ref, e.id)
        if e.entity == party:
            if e.action == "create" and e.field == "name":
                added.append((key, PartyEvent(on, e.ref, name or e.new_value,
                                              categories.get(e.ref, ""), ADDED)))
            elif e.action in ("archive", "restore"):
                event = ARCHIVED if e.action == "archive" else RESTORED
                archived.append((key, PartyEvent(on, e.ref, name, categories.get(e.ref, ""),
                                                 event)))
            elif e.action == "update" and e.field in RELEVANCE_FIELDS:
                relevance.append((key, PartyFieldChange(on, e.ref, name, e.field, e.old_value,
                                                        e.new_value)))
        elif e.action == "create" and e.field == "description":
            requirements.append((key, RequirementChange(on, e.ref, name, ADDED, e.new_value)))
        elif e.action == "delete" and e.field == "description":
            requirements.append((key, RequirementChange(on, e.ref, name, REMOVED, e.old_value)))
        elif e.action == "update" and e.field != "party_id":
            text = next((value for entry_id, value in reversed(descriptions[e.record_id])
                         if entry_id <= e.id), "")
            requirements.append((key, RequirementChange(on, e.ref, name, CHANGED, text,
                                                        e.field, e.old_value, e.new_value)))
    active = [row for row in register if row.status == "active"]
    by_category = dict.fromkeys(party_rules.CATEGORIES, 0)
    by_quadrant = dict.fromkeys(party_rules.QUADRANTS, 0)
    for row in active:
        by_category[row.category] = by_category.get(row.category, 0) + 1
        by_quadrant[party_rules.quadrant(row.influence, row.interest)] += 1
    return PartyChanges(
        _in_order(added), _in_order(archived), _in_order(relevance), _in_order(requirements),
        by_category, by_quadrant,
        tuple(PartyPoint(r.ref, r.name, r.influence, r.interest) for r in active))


# --- 9.3.2 c 1: customer satisfaction and feedback ----------------------------------------

@dataclass(frozen=True)
class EngagementItem:
    """One exchange with a party in the period; ``satisfaction`` 1-5 or None (not scored)."""

    on: date
    party_ref: str
    party_name: str
    category: str
    kind: str
    summary: str
    satisfaction: int | None


@dataclass(frozen=True)
class SatisfactionTrend:
    """Average satisfaction (1-5) in the period and in the previous period of the same length."""

    average: float | None
    scored: int
    previous_average: float | None
    previous_scored: int

    @property
    def arrow(self) -> str:
        """↑ ↓ → as the printed averages compare (see satisfaction_arrow)."""
        return satisfaction_arrow(self.average, self.previous_average)

    @property
    def word(self) -> str:
        return TREND_WORDS[self.arrow]


@dataclass(frozen=True)
class MonthlySatisfaction:
    month: date  # the first day of the month
    average: float | None
    scored: int


@dataclass(frozen=True)
class PartySatisfaction:
    """A party whose average satisfaction fell against the previous period."""

    ref: str
    name: str
    category: str
    average: float
    previous_average: float


@dataclass(frozen=True)
class Satisfaction:
    engagements: tuple[EngagementItem, ...]
    overall: SatisfactionTrend
    customers: SatisfactionTrend  # parties of category "customer" only
    monthly: tuple[MonthlySatisfaction, ...]
    customer_monthly: tuple[MonthlySatisfaction, ...]
    declined: tuple[PartySatisfaction, ...]
    previous_from: date
    previous_to: date


def previous_period(period_from: date, period_to: date) -> tuple[date, date]:
    """The period of the same number of days that ends the day before ``period_from``."""
    days = (period_to - period_from).days + 1
    return period_from - timedelta(days=days), period_from - timedelta(days=1)


def _monthly(items: Sequence[EngagementItem], period_from: date,
             period_to: date) -> tuple[MonthlySatisfaction, ...]:
    scores: dict[date, list[int]] = defaultdict(list)
    for item in items:
        if item.satisfaction is not None:
            scores[item.on.replace(day=1)].append(item.satisfaction)
    months, month = [], period_from.replace(day=1)
    while month <= period_to:
        months.append(MonthlySatisfaction(month, _average(scores[month]), len(scores[month])))
        month = add_months(month, 1)
    return tuple(months)


def _trend(now: Sequence[int], before: Sequence[int]) -> SatisfactionTrend:
    return SatisfactionTrend(_average(now), len(now), _average(before), len(before))


def satisfaction(session: Session, period_from: date, period_to: date) -> Satisfaction:
    previous_from, previous_to = previous_period(period_from, period_to)
    rows = session.execute(
        select(Engagement.on_date, Party.ref, Party.name, Party.category, Engagement.kind,
               Engagement.summary, Engagement.satisfaction)
        .join(Party, Party.id == Engagement.party_id)
        .where(Engagement.on_date >= previous_from, Engagement.on_date <= period_to)
        .order_by(Engagement.on_date, Party.ref, Engagement.id)).all()
    items = [EngagementItem(*row) for row in rows if row.on_date >= period_from]
    now: dict[str, list[int]] = defaultdict(list)
    before: dict[str, list[int]] = defaultdict(list)
    parties: dict[str, tuple[str, str]] = {}
    for row in rows:
        if row.satisfaction is not None:
            (now if row.on_date >= period_from else before)[row.ref].append(row.satisfaction)
            parties[row.ref] = (row.name, row.category)

    def scores(group: Mapping[str, list[int]], customers: bool = False) -> list[int]:
        return [s for ref, values in sorted(group.items()) for s in values
                if not customers or parties[ref][1] == CUSTOMER]

    declined = []
    for ref in sorted(set(now) & set(before)):
        average, previous = _average(now[ref]), _average(before[ref])
        if average is not None and previous is not None and \
                satisfaction_arrow(average, previous) == "↓":
            declined.append(PartySatisfaction(ref, *parties[ref], average, previous))
    customer_items = [item for item in items if item.category == CUSTOMER]
    return Satisfaction(
        tuple(items), _trend(scores(now), scores(before)),
        _trend(scores(now, True), scores(before, True)),
        _monthly(items, period_from, period_to),
        _monthly(customer_items, period_from, period_to),
        tuple(declined), previous_from, previous_to)


# --- 9.3.2 c 7: performance of external providers ---------------------------------------------

@dataclass(frozen=True)
class ProviderReview:
    """An approved supplier review dated in the period."""

    review_date: date
    supplier_ref: str
    supplier_name: str
    review_ref: str
    total: float | None
    total_text: str  # supplier_rules.format_total: "84.9", "no data"
    band: str
    decision: str


@dataclass(frozen=True)
class ProviderStatusChange:
    on: date
    supplier_ref: str
    supplier_name: str
    from_status: str  # "" for a supplier registered in the period
    to_status: str
    reason: str


@dataclass(frozen=True)
class CertificateAlert:
    """A certificate expired, or expiring within the warning window, on the period's end."""

    valid_until: date
    supplier_ref: str
    supplier_name: str
    standard: str
    number: str
    state: str  # supplier_rules.EXPIRED or EXPIRING
    warning: str  # "ISO 9001 expired on 2026-10-01"


@dataclass(frozen=True)
class ProviderStanding:
    """A supplier's approval status (since when, why) and latest approved band on the end."""

    supplier_ref: str
    supplier_name: str
    status: str
    since: date
    reason: str
    band: str  # "" when no approved review yet
    total_text: str


@dataclass(frozen=True)
class ProviderPerformance:
    """Suppliers as registered on the period's end (status from their history); bands from
    the latest approved review dated on or before it. Disqualified ones are not counted."""

    reviews: tuple[ProviderReview, ...]
    by_band: dict[str, int]  # the configured bands best first, then "No data"
    status_changes: tuple[ProviderStatusChange, ...]
    certificates: tuple[CertificateAlert, ...]
    conditional_or_disqualified: tuple[ProviderStanding, ...]
    low_band: tuple[ProviderStanding, ...]  # not disqualified, latest band in lowest_bands
    lowest_bands: tuple[str, ...]


def _band(stored: str, total: float | None, bands: Sequence[supplier_rules.Band]) -> str:
    """The band a review recorded; re-derived from its total if the bands were renamed."""
    if stored in {band.name for band in bands}:
        return stored
    return supplier_rules.band_for(total, bands) or ""


def provider_performance(session: Session, period_from: date, period_to: date,
                         bands: Sequence[supplier_rules.Band]) -> ProviderPerformance:
    suppliers = {row.id: (row.ref, row.name) for row in session.execute(
        select(Supplier.id, Supplier.ref, Supplier.name))}
    standing: dict[int, tuple[str, date, str]] = {}  # status, since, reason on period_to
    changes = []
    for sid, on, old, new, reason in session.execute(
            select(SupplierStatusChange.supplier_id, SupplierStatusChange.changed_on,
                   SupplierStatusChange.from_status, SupplierStatusChange.to_status,
                   SupplierStatusChange.reason)
            .where(SupplierStatusChange.changed_on <= period_to)
            .order_by(SupplierStatusChange.changed_on, SupplierStatusChange.id)):
        standing[sid] = (new, on, reason)
        if on >= period_from:
            changes.append(ProviderStatusChange(on, *suppliers[sid], old, new, reason))
    changes.sort(key=lambda c: (c.on, c.supplier_ref))  # stable: same day keeps its order
    latest: dict[int, tuple[str, float | None]] = {}
    reviews = []
    for sid, on, ref, total, stored, decision in session.execute(
            select(SupplierReview.supplier_id, SupplierReview.review_date, SupplierReview.ref,
                   SupplierReview.total_score, SupplierReview.band, SupplierReview.decision)
            .where(SupplierReview.approved_on.is_not(None),
                   SupplierReview.review_date <= period_to)
            .order_by(SupplierReview.review_date, SupplierReview.ref, SupplierReview.id)):
        band = _band(stored, total, bands)
        latest[sid] = (band, total)
        if on >= period_from:
            reviews.append(ProviderReview(on, *suppliers[sid], ref, total,
                                          supplier_rules.format_total(total), band, decision))
    counted = {sid for sid, (status, _, _) in standing.items() if status != "disqualified"}
    by_band = {band.name: 0 for band in bands} | {NO_BAND: 0}
    for sid in counted:
        band = latest.get(sid, ("", None))[0]
        by_band[band if band in by_band else NO_BAND] += 1
    ordered = sorted(bands, key=lambda b: b.minimum)
    lowest = tuple(b.name for b in ordered[:LOW_BANDS if len(bands) > LOW_BANDS else 1])

    def standing_of(sid: int) -> ProviderStanding:
        band, total = latest.get(sid, ("", None))
        (ref, name), (status, since, reason) = suppliers[sid], standing[sid]
        return ProviderStanding(ref, name, status, since, reason, band,
                                supplier_rules.format_total(total) if band else "")

    order = sorted(standing, key=lambda sid: suppliers[sid][0])
    certificates = []
    for sid, standard, number, until in session.execute(
            select(Certificate.supplier_id, Certificate.standard, Certificate.number,
                   Certificate.valid_until)
            .where(Certificate.valid_until <= period_to + timedelta(
                days=supplier_rules.CERTIFICATE_WARNING_DAYS))
            .order_by(Certificate.valid_until, Certificate.id)):
        if sid in counted:
            assert until is not None  # the WHERE clause leaves out undated certificates
            certificates.append(CertificateAlert(
                until, *suppliers[sid], standard, number,
                supplier_rules.certificate_state(until, period_to),
                supplier_rules.certificate_warning(CertificateRecord(standard,
                                                                     valid_until=until),
                                                   period_to)))
    certificates.sort(key=lambda c: (c.valid_until, c.supplier_ref, c.standard))
    return ProviderPerformance(
        tuple(reviews), by_band, tuple(changes), tuple(certificates),
        tuple(standing_of(sid) for sid in order if standing[sid][0] in WATCH_STATUSES),
        tuple(standing_of(sid) for sid in order
              if sid in counted and latest.get(sid, ("",))[0] in lowest), lowest)
