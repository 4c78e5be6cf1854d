"""Demo data for the interested-parties register (ISO 9001 clause 4.2).

About thirty stakeholders of a 120-person precision-machining company, each with specific
requirements (source and the process that addresses them) and an engagement history over
the past two years. Parties with a story (a customer recovering from a quality escape, one
drifting away) carry their own engagements; the others draw theirs from a pool for their
category. Saved only through ``parties.save_party`` and ``parties.archive_party``.

The data itself lives in ``data/parties.json`` next to this module (shipped as package
data, and next to the module in a PyInstaller bundle too): ``"pools"`` maps a pool name to
its engagement templates, ``"parties"`` lists one object per ``PartySpec`` in saving order.
A party object holds the ``PartySpec`` fields, leaving out those at their default; its
``requirements`` and ``engagements`` are objects keyed like ``REQUIREMENT_KEYS`` and
``ENGAGEMENT_KEYS``. The order of parties, requirements, engagements and templates matters:
the random draws follow it.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from qmsdesk.models.db import Database
from qmsdesk.services.dates import add_months
from qmsdesk.services.demo.history import Story, Timeline, started_on
from qmsdesk.services.demo.spec import DemoSection
from qmsdesk.services.parties import rules
from qmsdesk.services.parties.records import EngagementRecord, PartyRecord, RequirementRecord
from qmsdesk.services.parties.service import archive_party, get_party, save_party

# Where a party's next review falls relative to today.
ON_PLAN = "on plan"       # reviewed recently, next review more than a month away
DUE_SOON = "due soon"     # next review within the coming 30 days
OVERDUE = "overdue"       # next review already passed
_REVIEWS = (ON_PLAN, DUE_SOON, OVERDUE)

# (description, kind, obligation, source, addressed by)
Req = tuple[str, str, str, str, str]
# (months ago, kind, summary, satisfaction, follow-up); the summary may use {q}, {year},
# {next_year} (of the engagement date) and {contact}
Eng = tuple[int, str, str, int | None, str]

# The keys of a requirement and of an engagement in the JSON file, in tuple order.
REQUIREMENT_KEYS = ("description", "kind", "obligation", "source", "addressed_by")
ENGAGEMENT_KEYS = ("months_ago", "kind", "summary", "satisfaction", "follow_up")

DATA_FILE = Path(__file__).parent / "data" / "parties.json"
# The fields a change in the story may give earlier values: what makes a party relevant.
CHANGEABLE = ("category", "internal", "influence", "interest")


@dataclass(frozen=True)
class PartySpec:
    name: str
    category: str
    influence: int
    interest: int
    owner: str  # a role in demo.STAFF
    description: str
    contact: str
    email: str
    phone: str
    method: str
    frequency: str
    requirements: tuple[Req, ...]
    engagements: tuple[Eng, ...] = ()
    pool: str = ""  # "customer" or "supplier": engagements drawn from that pool instead
    satisfaction: tuple[int, int] = (4, 4)  # first and last score of pool engagements
    internal: bool = False
    interval: int = 12
    review: str = ON_PLAN
    focus: str = "long-term"
    notes: str = ""
    added_months_ago: int | None = None  # None: in the register since it was set up
    changes: tuple[PartyChange, ...] = ()  # oldest first
    archived_months_ago: int | None = None  # None: still active
    archive_reason: str = ""  # why it was archived (required when archived)

    @property
    def archived(self) -> bool:
        return self.archived_months_ago is not None


@dataclass(frozen=True)
class PartyChange:
    """A change of the party's record in the story, ``months_ago``: relevance fields that
    had other values before (``was``, field -> value) and requirements added then (their
    descriptions, among the party's requirements)."""

    months_ago: int
    was: Mapping[str, Any] = field(default_factory=dict)
    adds: tuple[str, ...] = ()
    why: str = ""  # the story, for whoever edits the data file


@dataclass(frozen=True)
class _Template:
    kind: str
    summary: str
    follow_up: str = ""
    repeatable: bool = False  # may occur more than once in one party's history


def _row(item: dict[str, Any], keys: tuple[str, ...], where: str) -> tuple[Any, ...]:
    """The values of a JSON object with exactly ``keys``, in that order."""
    if set(item) != set(keys):
        raise ValueError(f"{DATA_FILE.name}: {where} needs exactly the keys {', '.join(keys)}")
    return tuple(item[key] for key in keys)


def _party(item: dict[str, Any], pools: Mapping[str, object]) -> PartySpec:
    where = f"party {item.get('name', '?')!r}"
    fields = dict(item)
    fields["requirements"] = tuple(_row(row, REQUIREMENT_KEYS, f"a requirement of {where}")
                                   for row in fields.get("requirements", ()))
    fields["engagements"] = tuple(_row(row, ENGAGEMENT_KEYS, f"an engagement of {where}")
                                  for row in fields.get("engagements", ()))
    if "satisfaction" in fields:
        fields["satisfaction"] = tuple(fields["satisfaction"])
    try:
        fields["changes"] = tuple(PartyChange(**{**change, "adds": tuple(change.get("adds", ()))})
                                  for change in fields.get("changes", ()))
        spec = PartySpec(**fields)
    except TypeError as exc:
        raise ValueError(f"{DATA_FILE.name}: {where}: {exc}") from exc
    descriptions = {requirement[0] for requirement in spec.requirements}
    for change in spec.changes:
        if set(change.was) - set(CHANGEABLE) or set(change.adds) - descriptions:
            raise ValueError(f"{DATA_FILE.name}: {where}: a change names fields other than "
                             f"{', '.join(CHANGEABLE)} or requirements the party does not have")
    if spec.review not in _REVIEWS:
        raise ValueError(f"{DATA_FILE.name}: {where}: unknown review {spec.review!r}")
    if spec.pool and spec.pool not in pools:
        raise ValueError(f"{DATA_FILE.name}: {where}: unknown pool {spec.pool!r}")
    if len(spec.satisfaction) != 2:
        raise ValueError(f"{DATA_FILE.name}: {where}: satisfaction needs a first and last score")
    return spec


def _load(path: Path) -> tuple[dict[str, tuple[_Template, ...]], tuple[PartySpec, ...]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    pools = {name: tuple(_Template(**template) for template in templates)
             for name, templates in data["pools"].items()}
    return pools, tuple(_party(item, pools) for item in data["parties"])


_POOLS, PARTIES = _load(DATA_FILE)

# How many pool engagements a party gets, by quadrant: close relationships are busier.
_POOL_SIZES = {rules.MANAGE_CLOSELY: (5, 8), rules.KEEP_SATISFIED: (3, 5),
               rules.KEEP_INFORMED: (2, 4), rules.MONITOR: (0, 3)}
HISTORY_MONTHS = 24


def step_count() -> int:
    """One step per party saved, plus one per party archived."""
    return len(PARTIES) + sum(spec.archived for spec in PARTIES)


def _weekday(day: date) -> date:
    """The same day, or the Friday before when it falls on a weekend."""
    return day - timedelta(days=max(0, day.weekday() - 4))


def _review_dates(spec: PartySpec, today: date, rng: random.Random) -> tuple[date, date]:
    months = spec.interval
    if spec.review == OVERDUE:
        offset = -rng.randint(10, 45)
    elif spec.review == DUE_SOON:
        offset = rng.randint(7, 25)
    else:
        # reviewed between one month and (interval - 2) months ago: next review >= ~5 weeks off
        ago = rng.randint(1, max(1, months - 2))
        offset = (add_months(today, months - ago) - today).days - rng.randint(0, 20)
    last = _weekday(add_months(today + timedelta(days=offset), -months))
    return last, rules.suggested_next_review(last, months, today)


def _text(template: str, on: date, contact: str) -> str:
    return template.format(q=f"Q{(on.month - 1) // 3 + 1} {on.year}", year=on.year,
                           next_year=on.year + 1, contact=contact)


def _on(today: date, months_ago: int, rng: random.Random) -> date:
    return _weekday(add_months(today, -months_ago) - timedelta(days=rng.randint(0, 12)))


def _score(trend: tuple[int, int], index: int, count: int, rng: random.Random) -> int:
    first, last = trend
    if first == last:
        value = first + rng.choice((-1, 0, 0, 0, 1))
    else:
        value = round(first + (last - first) * index / max(1, count - 1))
    return min(5, max(1, value))


def _pool_engagements(spec: PartySpec, today: date, rng: random.Random,
                      contact: str) -> list[EngagementRecord]:
    low, high = _POOL_SIZES[rules.quadrant(spec.influence, spec.interest)]
    count = rng.randint(low, high)
    pool = _POOLS[spec.pool]
    picks = rng.sample(pool, min(count, len(pool)))
    repeatable = [template for template in pool if template.repeatable]
    picks += [rng.choice(repeatable) for _ in range(count - len(picks))]
    months = sorted(rng.sample(range(1, HISTORY_MONTHS), count), reverse=True)
    records = []
    for index, (template, months_ago) in enumerate(zip(picks, months, strict=True)):
        on = _on(today, months_ago, rng)
        score = _score(spec.satisfaction, index, count, rng)
        if template.kind == "complaint":
            score = max(1, score - 1)  # a complaint is never the best moment of a relationship
        records.append(EngagementRecord(on_date=on, kind=template.kind,
                                        summary=_text(template.summary, on, contact),
                                        satisfaction=None if template.kind == "call" else score,
                                        follow_up=template.follow_up))
    return records


def _engagements(spec: PartySpec, today: date, rng: random.Random) -> list[EngagementRecord]:
    contact = spec.contact.split(" (")[0]
    if spec.pool:
        return _pool_engagements(spec, today, rng, contact)
    records = []
    for months_ago, kind, summary, satisfaction, follow_up in spec.engagements:
        on = _on(today, months_ago, rng)
        records.append(EngagementRecord(on_date=on, kind=kind,
                                        summary=_text(summary, on, contact),
                                        satisfaction=satisfaction, follow_up=follow_up))
    return records


def party_record(spec: PartySpec, today: date, rng: random.Random,
                 staff: Mapping[str, str]) -> PartyRecord:
    """The record the demo saves for one spec (always active; archiving is a later step)."""
    last, next_review = _review_dates(spec, today, rng)
    return PartyRecord(
        name=spec.name, category=spec.category, internal=spec.internal,
        description=spec.description, contact_person=spec.contact, email=spec.email,
        phone=spec.phone, influence=spec.influence, interest=spec.interest,
        owner=staff[spec.owner], monitoring_method=spec.method,
        monitoring_frequency=spec.frequency, review_interval_months=spec.interval,
        last_review=last, next_review=next_review, focus=spec.focus, notes=spec.notes,
        requirements=[RequirementRecord(description=d, kind=k, obligation=o, source=s,
                                        addressed_by=a)
                      for d, k, o, s, a in spec.requirements],
        engagements=_engagements(spec, today, rng),
    )


def added_on(spec: PartySpec, number: int, today: date) -> date:
    """When the party entered the register: the founding parties over the first weeks of
    the QMS (four a day, in file order), a later one ``added_months_ago`` months ago."""
    if spec.added_months_ago is None:
        return _weekday(started_on(today) + timedelta(days=number // 4))
    return _weekday(add_months(today, -spec.added_months_ago))


def _as_added(final: PartyRecord, spec: PartySpec, added: date) -> PartyRecord:
    """The record as first saved: relevance as it was before any change, without the
    requirements added later or the engagements after that day, reviewed that day."""
    later = {text for change in spec.changes for text in change.adds}
    first = replace(final, requirements=[r for r in final.requirements
                                         if r.description not in later],
                    engagements=[e for e in final.engagements if e.on_date and e.on_date <= added],
                    last_review=added, next_review=add_months(added, spec.interval))
    for change in reversed(spec.changes):  # the earliest change holds the first values
        for name, value in change.was.items():
            setattr(first, name, value)
    return first


def _values_after(spec: PartySpec, index: int, final: PartyRecord) -> dict[str, Any]:
    """The fields a change sets: as the next change of each found them, else as final."""
    def after(name: str) -> Any:
        return next((later.was[name] for later in spec.changes[index + 1:]
                     if name in later.was), getattr(final, name))

    return {name: after(name) for name in spec.changes[index].was}


def plan_party(timeline: Timeline, db: Database, spec: PartySpec, final: PartyRecord,
               added: date, today: date) -> None:
    """Add one party's history to ``timeline``: added, engagements logged, changes of
    relevance and requirements, its latest review, archived; each on its day."""
    saved: list[PartyRecord] = []

    def create() -> str:
        saved.append(save_party(db, _as_added(final, spec, added), today))
        return f"{saved[-1].ref} {saved[-1].name}"

    def change(edit: Callable[[PartyRecord], None]) -> None:
        assert saved[-1].id is not None
        record = get_party(db, saved[-1].id)
        edit(record)
        saved.append(save_party(db, record, today))

    def archive() -> str:
        assert saved[-1].id is not None
        archived = archive_party(db, saved[-1].id, saved[-1].version, today,
                                 spec.archive_reason)
        return f"{archived.ref} {archived.name} archived"

    timeline.add(added, create)
    for engagement in final.engagements:
        if engagement.on_date is not None and engagement.on_date > added:
            timeline.add(engagement.on_date, partial(change, partial(_log, engagement)))
    for index, story in enumerate(spec.changes):
        values = _values_after(spec, index, final)
        adds = [r for r in final.requirements if r.description in story.adds]
        timeline.add(max(added, _weekday(add_months(today, -story.months_ago))),
                     partial(change, partial(_apply, values, adds)))
    if final.last_review is not None and final.last_review > added:
        timeline.add(final.last_review, partial(change, partial(
            _apply, {"last_review": final.last_review, "next_review": final.next_review}, [])))
    if spec.archived_months_ago is not None:
        timeline.add(max(added, _weekday(add_months(today, -spec.archived_months_ago))),
                     archive)


def _log(engagement: EngagementRecord, record: PartyRecord) -> None:
    record.engagements.append(engagement)


def _apply(values: Mapping[str, Any], requirements: list[RequirementRecord],
           record: PartyRecord) -> None:
    for name, value in values.items():
        setattr(record, name, value)
    record.requirements.extend(requirements)


def build(db: Database, today: date, rng: random.Random,
          staff: Mapping[str, str]) -> Story:
    """Each party's history, in the order of the days (see history.play)."""
    timeline = Timeline()
    for number, spec in enumerate(PARTIES):
        plan_party(timeline, db, spec, party_record(spec, today, rng, staff),
                   added_on(spec, number, today), today)
    yield from timeline.run()


def section() -> DemoSection:
    """This register's share of the demo (the register catalogue names it)."""
    return DemoSection("parties", "Interested parties", step_count(), build)
