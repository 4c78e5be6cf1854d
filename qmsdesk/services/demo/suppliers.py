"""Demo data for the supplier register and supplier reviews (ISO 9001 clause 8.4).

The supply base of the precision-machining company (bar stock to cleaning), each supplier
with certificates and three years of reviews: critical every 6 months, major 12, minor 24.
The stories: a heat treater improving from conditional to preferred, an anodiser declining
to conditional with corrective actions (one overdue), a foundry disqualified after repeated
failures and replaced, a carrier kept approved against the band's recommendation, a period
without deliveries ("no data"), two reviews awaiting sign-off, two reviews overdue.
Suppliers in the parties register are linked to their party. Saved only through the
services (``save_supplier``, ``save_review``, ``save_action``), after the parties.

The data lives in ``data/suppliers.json``: ``"suppliers"`` in saving order, keyed like
``SupplierSpec`` (``reviews`` like ``ReviewSpec``, oldest first; ``actions`` like
``ActionSpec``), and the phrase pools of the generated strengths, weaknesses and comments.
A linked supplier (``"party": true``) takes its contact from the parties data. Scores are
1-5 entries per default criterion (null: not scored) turned into 0-100 by
``supplier_rules.likert_to_score``; the period's KPIs are drawn to match the quality and
delivery entries. Dates are relative to ``today``: the latest review ``last`` days ago, each
earlier one ``gap`` months (default: the criticality's interval) before the next;
certificates expire ``valid_days`` from today; actions are dated in days from their review.
Everything is written on its day, in calendar order (see history.play), so the references
of reviews and actions follow the calendar; the suppliers on the register as first drawn up
keep the file's order (``registration_days``).
"""

from __future__ import annotations

import json
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import Any, TypedDict

from qmsdesk.models.db import Database
from qmsdesk.services.actions.records import ActionRecord
from qmsdesk.services.actions.service import new_action
from qmsdesk.services.dates import add_months
from qmsdesk.services.demo import parties as demo_parties
from qmsdesk.services.demo.history import Story, Timeline, save_in_stages
from qmsdesk.services.demo.spec import DemoSection, build_spec
from qmsdesk.services.parties.service import list_parties
from qmsdesk.services.suppliers import rules
from qmsdesk.services.suppliers.records import (
    CertificateRecord,
    CriterionScore,
    ReviewRecord,
    SupplierRecord,
)
from qmsdesk.services.suppliers.reviews import get_review, new_review, save_review
from qmsdesk.services.suppliers.service import new_supplier, save_supplier

DATA_FILE = Path(__file__).parent / "data" / "suppliers.json"
CRITERIA = tuple(criterion.name for criterion in rules.DEFAULT_CRITERIA)
QUALITY, DELIVERY = 0, 1  # positions of the two criteria the KPIs evidence
JITTER_DAYS = 7  # earlier reviews are held up to a week either side of their due month
NEW_SUPPLIER_MONTHS = 24  # first reviewed since then: not on the register as first drawn up

# A quality or delivery entry (1-5) -> the range its period's KPI is drawn from.
_ON_TIME = {5: (97.0, 100.0), 4: (93.0, 97.0), 3: (86.0, 93.0), 2: (75.0, 86.0),
            1: (55.0, 75.0)}  # % of deliveries on time
_LOTS_REJECTED = {5: (0.0, 0.5), 4: (0.5, 2.0), 3: (2.0, 5.0), 2: (5.0, 10.0),
                  1: (15.0, 25.0)}  # % of lots
_PPM = {5: (0, 150), 4: (150, 800), 3: (800, 3000), 2: (3000, 9000), 1: (9000, 25000)}
# A certificate in the JSON file; valid until ``valid_days`` from today (negative: expired).
CERTIFICATE_KEYS = ("standard", "number", "issuer", "valid_days")


@dataclass(frozen=True)
class Volume:  # what a supplier delivers in a month; services have no lots or units
    per_month: float
    lots: float | None = None   # lots per delivery
    units: float | None = None  # units per lot
    noun: str = "deliveries"


@dataclass(frozen=True)
class ActionSpec:
    title: str
    kind: str
    owner: str  # a role in demo.STAFF, like checked_by
    start: int  # days from the review date, like due, completed and checked
    due: int
    status: str
    description: str = ""
    progress: int = 0
    completed: int | None = None
    effectiveness: str = ""
    checked_by: str = ""
    checked: int | None = None
    evidence: str = ""


@dataclass(frozen=True)
class ReviewSpec:
    scores: tuple[int | None, ...]  # a 1-5 entry per default criterion, None: not scored
    gap: int | None = None  # months since the previous review (default: the interval)
    kind: str = "periodic"  # the first review is always the initial one
    draft: bool = False  # not approved yet
    kpis: str = ""  # "none": nothing was delivered in the period
    decision: str = ""  # only to override the band's recommendation (say why in comments)
    strengths: str = ""  # written for the story; otherwise generated from the scores
    weaknesses: str = ""
    comments: str = ""
    actions: tuple[ActionSpec, ...] = ()


@dataclass(frozen=True)
class SupplierSpec:
    name: str
    category: str
    criticality: str
    owner: str  # a role in demo.STAFF: reviews the supplier
    scope: str
    volume: Volume
    certificates: tuple[tuple[str, str, str, int], ...]  # like CERTIFICATE_KEYS
    reviews: tuple[ReviewSpec, ...]
    party: bool = False  # linked to the interested party of the same name
    contact: str = ""
    email: str = ""
    phone: str = ""
    notes: str = ""
    highlights: tuple[str, ...] = ()
    last: int | None = None  # days since the latest review
    created: int | None = None  # days since it was registered, for a supplier never reviewed


def _spec(cls: type, item: dict[str, Any], where: str) -> Any:
    return build_spec(cls, item, where, DATA_FILE)


def _review(item: dict[str, Any], where: str) -> ReviewSpec:
    actions = tuple(_spec(ActionSpec, a, f"an action of {where}") for a in item.get("actions", ()))
    spec: ReviewSpec = _spec(ReviewSpec, {**item, "scores": tuple(item["scores"]),
                                          "actions": actions}, where)
    problems = {
        "one 1-5 entry (or null) per criterion": len(spec.scores) != len(CRITERIA)
        or any(p is not None and p not in rules.LIKERT for p in spec.scores),
        "an overriding decision is a status, explained in the comments": bool(spec.decision)
        and (spec.decision not in rules.STATUSES or not spec.comments),
        'quality and delivery go unscored only with "kpis": "none"': spec.kpis != "none"
        and (spec.kpis != "" or None in spec.scores[:2]),
        f"unknown kind {spec.kind!r}": spec.kind not in rules.REVIEW_KINDS}
    if found := [problem for problem, failed in problems.items() if failed]:
        raise ValueError(f"{DATA_FILE.name}: {where}: {'; '.join(found)}")
    return spec


def _supplier(item: dict[str, Any], parties: Mapping[str, demo_parties.PartySpec]) -> SupplierSpec:
    where = f"supplier {item.get('name', '?')!r}"
    fields_ = dict(item)
    fields_["volume"] = _spec(Volume, item.get("volume", {"per_month": 0}), where)
    if any(set(c) != set(CERTIFICATE_KEYS) for c in item.get("certificates", ())):
        raise ValueError(f"{DATA_FILE.name}: {where}: certificates need {CERTIFICATE_KEYS}")
    fields_["certificates"] = tuple(tuple(c[k] for k in CERTIFICATE_KEYS)
                                    for c in item.get("certificates", ()))
    fields_["reviews"] = tuple(_review(r, f"review {n} of {where}")
                               for n, r in enumerate(item.get("reviews", ()), start=1))
    fields_["highlights"] = tuple(item.get("highlights", ()))
    if item.get("party"):
        party = parties.get(item["name"])
        if party is None:
            raise ValueError(f"{DATA_FILE.name}: {where}: no interested party of that name")
        fields_.update(contact=party.contact, email=party.email, phone=party.phone)
    spec: SupplierSpec = _spec(SupplierSpec, fields_, where)
    if spec.criticality not in rules.CRITICALITIES:
        raise ValueError(f"{DATA_FILE.name}: {where}: unknown criticality")
    if (spec.last is None) != (not spec.reviews) or (spec.created is None) != bool(spec.reviews):
        raise ValueError(f"{DATA_FILE.name}: {where}: 'last' with reviews, 'created' without")
    return spec


def _load(path: Path) -> tuple[dict[str, Any], tuple[SupplierSpec, ...]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    parties = {party.name: party for party in demo_parties.PARTIES}
    suppliers = tuple(_supplier(item, parties) for item in data["suppliers"])
    if len({spec.name for spec in suppliers}) != len(suppliers):
        raise ValueError(f"{DATA_FILE.name}: supplier names must be unique")
    return {"phrases": data["phrases"], "comments": tuple(data["comments"])}, suppliers


_TEXT, SUPPLIERS = _load(DATA_FILE)


def step_count() -> int:
    """One step per supplier, review and action saved."""
    return sum(1 + len(spec.reviews) + sum(len(r.actions) for r in spec.reviews)
               for spec in SUPPLIERS)


_HOLIDAYS = ((12, 25), (12, 26), (1, 1))  # (month, day): nobody reviews or signs on these


def _weekday(day: date) -> date:
    """The same day, or the working day before when it falls on a weekend or a holiday."""
    while day.weekday() > 4 or (day.month, day.day) in _HOLIDAYS:
        day -= timedelta(days=1)
    return day


def review_dates(spec: SupplierSpec, today: date, rng: random.Random) -> list[date]:
    """Review dates, oldest first: ``last`` days ago, then ``gap`` months before, ± a week."""
    if spec.last is None:
        return []
    interval = rules.DEFAULT_INTERVALS[spec.criticality]
    dates = [_weekday(today - timedelta(days=spec.last))]
    for later in reversed(spec.reviews[1:]):
        jitter = timedelta(days=rng.randint(-JITTER_DAYS, JITTER_DAYS))
        dates.append(_weekday(add_months(dates[-1], -(later.gap or interval)) + jitter))
    return dates[::-1]


@dataclass
class PlannedReview:  # a review as the demo saves it (no supplier yet), its actions' specs
    record: ReviewRecord
    actions: tuple[ActionSpec, ...]


@dataclass
class PlannedSupplier:
    spec: SupplierSpec
    record: SupplierRecord  # no party link yet
    created_on: date
    reviews: list[PlannedReview] = field(default_factory=list)


class Kpis(TypedDict):
    """A review period's counts, as the review records them (None: not counted)."""

    deliveries_total: int | None
    deliveries_on_time: int | None
    lots_received: int | None
    lots_rejected: int | None
    units_received: int | None
    units_rejected: int | None


def _kpis(spec: SupplierSpec, review: ReviewSpec, start: date, end: date,
          rng: random.Random) -> Kpis:
    """The period's counts, drawn to match the review's quality and delivery entries."""
    volume, quality, delivery = spec.volume, review.scores[QUALITY], review.scores[DELIVERY]
    if review.kpis == "none" or quality is None or delivery is None:  # nothing delivered
        lots, units = (None if n is None else 0 for n in (volume.lots, volume.units))
        return {"deliveries_total": 0, "deliveries_on_time": 0, "lots_received": lots,
                "lots_rejected": lots, "units_received": units, "units_rejected": units}
    months = (end - start).days / 30.44
    deliveries = max(2, round(volume.per_month * months * rng.uniform(0.85, 1.15)))
    on_time = round(deliveries * rng.uniform(*_ON_TIME[delivery]) / 100)
    on_time = min(on_time, deliveries - (delivery <= 3))
    lots = rejected = None
    if volume.lots is not None:
        lots = max(1, round(deliveries * volume.lots))
        least = {4: int(lots >= 50), 3: 1 + (lots >= 40), 2: 2, 1: 2}.get(quality, 0)
        rejected = min(lots, max(round(lots * rng.uniform(*_LOTS_REJECTED[quality]) / 100), least))
    units = units_rejected = None
    if lots is not None and volume.units is not None:
        units = max(1, round(lots * volume.units * rng.uniform(0.8, 1.2)))
        units_rejected = round(units * rng.uniform(*_PPM[quality]) / 1_000_000)
        units_rejected = min(units, max(units_rejected, rejected)) if rejected else 0
    return {"deliveries_total": deliveries, "deliveries_on_time": on_time,
            "lots_received": lots, "lots_rejected": rejected, "units_received": units,
            "units_rejected": units_rejected}


def _kpi_sentence(spec: SupplierSpec, criterion: int, good: bool, kpis: Kpis) -> str:
    """What the KPIs say about quality or delivery; "" when they were not counted."""
    if criterion == DELIVERY and kpis.get("deliveries_total"):
        total, on_time = kpis["deliveries_total"], kpis["deliveries_on_time"] or 0
        pct = rules.on_time_delivery_pct(total, on_time) or 0.0
        counts = f"{on_time} of {total} {spec.volume.noun}"
        return (f"{pct:.1f} % on time ({counts})." if good else
                f"On time only {pct:.1f} % ({counts}); target 95 %.")
    lots = kpis["lots_received"]
    if criterion == QUALITY and lots:
        rejected = kpis["lots_rejected"] or 0
        ppm = rules.defect_ppm(kpis.get("units_received"), kpis.get("units_rejected"))
        tail = "" if ppm is None else f" ({ppm:,.0f} ppm)"
        return (f"{lots - rejected} of {lots} lots accepted{tail}." if good else
                f"{rejected} of {lots} lots rejected at goods-in{tail}.")
    return ""


def _texts(spec: SupplierSpec, review: ReviewSpec, kpis: Kpis,
           total: float | None, on: date, rng: random.Random) -> tuple[str, str, str]:
    """Strengths, weaknesses and comments: the story's where written, else generated."""
    contact = spec.contact.split(" (")[0]
    scored = [(point, i) for i, point in enumerate(review.scores) if point is not None]

    def sentence(i: int, point: int) -> str:
        level = "high" if point >= 4 else "mid" if point == 3 else "low"
        pool = _TEXT["phrases"][CRITERIA[i]][level]
        return _kpi_sentence(spec, i, point >= 4, kpis) or \
            rng.choice(pool).format(contact=contact)

    strengths = [sentence(i, point) for point, i in sorted(scored, key=lambda s: -s[0])
                 if point >= 4][:2]
    if spec.highlights and total is not None and total >= 70 and rng.random() < 0.7:
        strengths.append(rng.choice(spec.highlights))
    weaknesses = [sentence(i, point) for point, i in sorted(scored) if point <= 3][:2]
    comment = rng.choice(_TEXT["comments"]).format(
        contact=contact, q=f"Q{(on.month - 1) // 3 + 1} {on.year}")
    return (review.strengths or " ".join(strengths),
            review.weaknesses or " ".join(weaknesses) or "No significant weakness in the period.",
            review.comments or comment)


def _review_record(spec: SupplierSpec, review: ReviewSpec, index: int, on: date,
                   period_from: date, period_to: date, today: date, rng: random.Random,
                   staff: Mapping[str, str]) -> ReviewRecord:
    scores = [CriterionScore(c.name, c.weight, None if p is None else rules.likert_to_score(p))
              for c, p in zip(rules.DEFAULT_CRITERIA, review.scores, strict=True)]
    total = rules.weighted_score(scores).total
    kpis = _kpis(spec, review, period_from, period_to, rng)
    strengths, weaknesses, comments = _texts(spec, review, kpis, total, on, rng)
    approver = "md" if spec.criticality == "critical" or spec.owner == "quality" else "quality"
    record = ReviewRecord(
        period_from=period_from, period_to=period_to, review_date=on,
        reviewer=staff[spec.owner], kind="initial" if index == 0 else review.kind,
        scores=scores, decision=review.decision or rules.recommended_decision(
            rules.band_for(total)) or "", strengths=strengths, weaknesses=weaknesses,
        comments=comments, **kpis)
    if not review.draft:
        record.approved_by = staff[approver]
        record.approved_on = min(today, _weekday(on + timedelta(days=rng.randint(3, 9))))
    return record


def plan(spec: SupplierSpec, today: date, rng: random.Random,
         staff: Mapping[str, str]) -> PlannedSupplier:
    """The supplier record and its reviews, as saved (without database ids)."""
    dates = review_dates(spec, today, rng)
    created = dates[0] if dates else _weekday(today - timedelta(days=spec.created or 0))
    record = new_supplier(created)
    record.name, record.scope, record.category = spec.name, spec.scope, spec.category
    record.criticality, record.contact_person = spec.criticality, spec.contact
    record.email, record.phone, record.notes = spec.email, spec.phone, spec.notes
    record.certificates = [CertificateRecord(standard, number, issuer,
                                             today + timedelta(days=days))
                           for standard, number, issuer, days in spec.certificates]
    planned = PlannedSupplier(spec, record, created)
    previous_end, interval = None, rules.DEFAULT_INTERVALS[spec.criticality]
    for index, (review, on) in enumerate(zip(spec.reviews, dates, strict=True)):
        period_to = on.replace(day=1) - timedelta(days=1)
        period_from = previous_end + timedelta(days=1) if previous_end else \
            add_months(period_to + timedelta(days=1), -(review.gap or interval))
        previous_end = period_to
        planned.reviews.append(PlannedReview(
            _review_record(spec, review, index, on, period_from, period_to, today, rng, staff),
            review.actions))
    return planned


def action_record(spec: ActionSpec, review_date: date, review_id: int, today: date,
                  staff: Mapping[str, str]) -> ActionRecord:
    """The action the demo saves, raised from the review ``review_id`` held on that date."""
    def day(offset: int | None) -> date | None:
        return None if offset is None else _weekday(review_date + timedelta(days=offset))

    record = new_action(today, supplier_review_id=review_id)
    record.title, record.description, record.kind = spec.title, spec.description, spec.kind
    record.owner, record.status, record.progress = staff[spec.owner], spec.status, \
        spec.progress
    record.start_date, record.due_date = day(spec.start), day(spec.due)
    record.completed_on, record.effectiveness = day(spec.completed), spec.effectiveness
    record.effectiveness_by = staff[spec.checked_by] if spec.checked_by else ""
    record.effectiveness_on, record.evidence = day(spec.checked), spec.evidence
    return record


_PLANNED_FIELDS = tuple(f.name for f in fields(ReviewRecord) if f.name not in (
    "supplier_id", "scores", "id", "ref", "version", "updated_at"))


def _copy_review(target: ReviewRecord, source: ReviewRecord) -> None:
    """Fill a review from ``new_review`` (today's criteria) with the planned one."""
    planned = {score.criterion: score.score for score in source.scores}
    for score in target.scores:
        score.score = planned.get(score.criterion)
    for name in _PLANNED_FIELDS:
        setattr(target, name, getattr(source, name))


def registration_days(planned: Sequence[PlannedSupplier], today: date) -> list[date]:
    """When each supplier was registered. The suppliers in use when the register was drawn
    up (first reviewed more than ``NEW_SUPPLIER_MONTHS`` ago) were entered in file order,
    each on or before its first review (so their references follow the file); a newer one
    on the day of its first review (or of its registration, never reviewed)."""
    newer_than = add_months(today, -NEW_SUPPLIER_MONTHS)
    days = [p.created_on for p in planned]
    latest = max(days)
    for index in reversed(range(len(planned))):
        if days[index] <= newer_than:
            days[index] = latest = min(days[index], latest)
    return days


def build(db: Database, today: date, rng: random.Random,
          staff: Mapping[str, str]) -> Story:
    """Each supplier registered (see registration_days), each review written on its date
    and approved on its approval date, the actions opened, closed and checked on their
    days (see history.play)."""
    timeline = Timeline()
    planned = [plan(spec, today, rng, staff) for spec in SUPPLIERS]
    for supplier, day in zip(planned, registration_days(planned, today), strict=True):
        timeline.add(day, partial(_register, timeline, db, supplier, day, today, staff))
    yield from timeline.run()


def _register(timeline: Timeline, db: Database, planned: PlannedSupplier, day: date,
              today: date, staff: Mapping[str, str]) -> str:
    if planned.spec.party:  # the loader checked that the parties demo holds the name
        parties = {row.name: row.id for row in list_parties(db, today, include_archived=True)}
        planned.record.party_id = parties[planned.spec.name]
    saved = save_supplier(db, planned.record, day)  # its status history starts that day
    assert saved.id is not None
    for review in planned.reviews:
        assert review.record.review_date is not None  # _review_record dates every review
        timeline.add(review.record.review_date, partial(
            _write_review, timeline, db, saved.id, saved.name, review, today, staff))
    return f"{saved.ref} {saved.name}"


def _write_review(timeline: Timeline, db: Database, supplier_id: int, name: str,
                  review: PlannedReview, today: date, staff: Mapping[str, str]) -> str:
    """Save the review as its reviewer wrote it; its approval and actions follow."""
    on = review.record.review_date
    assert on is not None
    record = new_review(db, supplier_id, on)
    _copy_review(record, replace(review.record, approved_by="", approved_on=None))
    record.supplier_id = supplier_id
    saved = save_review(db, record, today)
    assert saved.id is not None
    if review.record.approved_on is not None:
        timeline.add(review.record.approved_on, partial(
            _approve, db, saved, review.record, today))
    for spec in review.actions:
        save_in_stages(timeline, db, action_record(spec, on, saved.id, today, staff), today)
    return f"{saved.ref} {name}"


def _approve(db: Database, saved: ReviewRecord, planned: ReviewRecord, today: date) -> None:
    assert saved.id is not None
    record = get_review(db, saved.id)
    record.approved_by, record.approved_on = planned.approved_by, planned.approved_on
    save_review(db, record, today)


def section() -> DemoSection:
    """This register's share of the demo (the register catalogue names it)."""
    return DemoSection("suppliers", "Suppliers and supplier reviews", step_count(), build)
