"""Demo data for the quality policy (5.2), the quality objectives (6.2) and the action log (10.2).

The four objectives of the quality-planning guidance, one per segment: Right First Time
99.8 % and On Time In Full per customer (linked to the customer's interested-party record),
customer returns value -50 % per site, and 90 % of returns turned round in 20 working days.
Each runs twelve months and has a value for every elapsed period (but one, on purpose); two
have a completed predecessor, so their history reaches back about two years. Around them: a
policy with two revisions, and an action log with every status, overdue actions and
effectiveness checks. Saved only through ``policy.revise_policy``,
``objectives.save_objective`` and ``actions.save_action``, after the parties (segments and
action sources are found by name).

The data lives in ``data/objectives.json``: ``"policy"``, ``"objectives"`` and
``"actions"``, keyed like the specs below, saved in file order except the actions, which are
entered in the order they were raised so that their references follow the calendar. Dates
are relative to ``today``: the policy and the objectives' start in whole months, actions in
days. An objective's values are not in the file: its ``story`` says where its series ends
against the straight line from baseline to target, so that its health on ``today`` is the
one ``STORIES`` names whatever day the demo is created; ``noise`` (in the KPI's unit) and
``events`` (a dip and/or a comment at one period) make the way there look measured.
"""

from __future__ import annotations

import json
import random
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from qmsdesk.models.db import Database
from qmsdesk.services.actions.records import ActionRecord
from qmsdesk.services.actions.service import new_action
from qmsdesk.services.dates import add_months
from qmsdesk.services.demo.history import Story, Timeline, save_in_stages
from qmsdesk.services.demo.spec import DemoSection, build_spec
from qmsdesk.services.objectives import rules
from qmsdesk.services.objectives.policy import revise_policy
from qmsdesk.services.objectives.records import MeasurementRecord, ObjectiveRecord
from qmsdesk.services.objectives.service import get_objective, new_objective, save_objective
from qmsdesk.services.parties.service import list_parties

DATA_FILE = Path(__file__).parent / "data" / "objectives.json"

# story -> (status saved, health on today). Active stories end relative to the straight line;
# "overdue" is on track but its latest completed period has no value yet.
STORIES: dict[str, tuple[str, str]] = {
    "on track": ("active", rules.ON_TRACK),
    "at risk": ("active", rules.AT_RISK),
    "off track": ("active", rules.OFF_TRACK),
    "overdue": ("active", rules.MEASUREMENT_OVERDUE),
    "achieved": ("achieved", rules.ACHIEVED),
    "missed": ("missed", rules.MISSED),
}
DURATION_MONTHS = 12


@dataclass(frozen=True)
class PolicySpec:
    months_ago: int
    approved_by: str  # a role in demo.STAFF
    statement: str
    commitments: tuple[str, ...]


@dataclass(frozen=True)
class Event:
    at: int          # index of the measurement (0 = the first period)
    shift: float     # added to that value's progress (fraction of baseline -> target)
    comment: str


@dataclass(frozen=True)
class ObjectiveSpec:
    key: str  # how actions refer to it
    title: str
    segment: str | None  # the interested party's name, or None (e.g. per site)
    description: str
    process: str
    commitment: str  # one of the current policy revision's commitments
    kpi: str
    unit: str
    baseline: float
    target: float
    direction: str
    frequency: str
    months_ago: int  # starts on the first day of the period holding that month
    owner: str  # a role in demo.STAFF
    resources: str
    evaluation: str
    story: str
    noise: float
    decimals: int
    events: tuple[Event, ...] = ()


@dataclass(frozen=True)
class ActionSpec:
    title: str
    kind: str
    owner: str  # a role in demo.STAFF
    start: int  # days relative to today, like due, completed and checked
    due: int
    status: str
    description: str = ""
    objective: str = ""  # an ObjectiveSpec key, or
    party: str = ""      # an interested party's name (at most one of the two)
    progress: int = 0
    completed: int | None = None
    effectiveness: str = ""
    checked_by: str = ""  # a role in demo.STAFF
    checked: int | None = None
    evidence: str = ""


def _spec(cls: type, item: dict[str, Any], where: str) -> Any:
    return build_spec(cls, item, where, DATA_FILE)


def _objective(item: dict[str, Any], commitments: tuple[str, ...]) -> ObjectiveSpec:
    where = f"objective {item.get('key', '?')!r}"
    fields_ = dict(item)
    fields_["events"] = tuple(_spec(Event, e, f"an event of {where}")
                              for e in fields_.get("events", ()))
    spec: ObjectiveSpec = _spec(ObjectiveSpec, fields_, where)
    if spec.story not in STORIES:
        raise ValueError(f"{DATA_FILE.name}: {where}: unknown story {spec.story!r}")
    if spec.frequency not in rules.FREQUENCIES or spec.direction not in ("increase",
                                                                           "decrease"):
        raise ValueError(f"{DATA_FILE.name}: {where}: frequency or direction not supported")
    if spec.commitment not in commitments:
        raise ValueError(f"{DATA_FILE.name}: {where}: the commitment is not one of the "
                         "current policy revision's")
    return spec


def _load(path: Path) -> tuple[tuple[PolicySpec, ...], tuple[ObjectiveSpec, ...],
                               tuple[ActionSpec, ...]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    policy = tuple(_spec(PolicySpec, {**item, "commitments": tuple(item["commitments"])},
                         f"policy revision {number}")
                   for number, item in enumerate(data["policy"], start=1))
    objectives = tuple(_objective(item, policy[-1].commitments) for item in data["objectives"])
    actions = tuple(_spec(ActionSpec, item, f"action {item.get('title', '?')!r}")
                    for item in data["actions"])
    keys = {spec.key for spec in objectives}
    if len(keys) != len(objectives):
        raise ValueError(f"{DATA_FILE.name}: objective keys must be unique")
    for action in actions:
        if action.objective and action.objective not in keys:
            raise ValueError(f"{DATA_FILE.name}: action {action.title!r}: unknown objective "
                             f"{action.objective!r}")
        if action.objective and action.party:
            raise ValueError(f"{DATA_FILE.name}: action {action.title!r}: link an objective "
                             "or a party, not both")
    return policy, objectives, actions


POLICY, OBJECTIVES, ACTIONS = _load(DATA_FILE)


def step_count() -> int:
    """One step per policy revision, objective and action saved."""
    return len(POLICY) + len(OBJECTIVES) + len(ACTIONS)


def _weekday(day: date) -> date:
    """The same day, or the Friday before when it falls on a weekend."""
    return day - timedelta(days=max(0, day.weekday() - 4))


def _day(today: date, offset: int | None) -> date | None:
    return None if offset is None else _weekday(today + timedelta(days=offset))


def policy_date(spec: PolicySpec, today: date) -> date:
    return _weekday(add_months(today, -spec.months_ago))


def objective_window(spec: ObjectiveSpec, today: date) -> tuple[date, date]:
    """Start (first day of a period) and due date (twelve months later, the day before)."""
    month = add_months(today, -spec.months_ago).replace(day=1)
    start = rules.period_bounds(rules.period_of(month, spec.frequency))[0]
    return start, add_months(start, DURATION_MONTHS) - timedelta(days=1)


def _measurement_dates(spec: ObjectiveSpec, start: date, due: date, today: date) -> list[date]:
    """The last working day of every period measured by today.

    An overdue story leaves out the latest period whose grace has passed, and every later one.
    """
    dates = []
    missing_from: date | None = None
    periods = rules.periods_between(start, due, spec.frequency)
    if spec.story == "overdue":
        for period in reversed(periods):
            first, last = rules.period_bounds(period)
            if last + timedelta(days=rules.GRACE_DAYS) < today:
                missing_from = first
                break
    for period in periods:
        first, last = rules.period_bounds(period)
        on = _weekday(last)
        if on <= today and (missing_from is None or first < missing_from):
            dates.append(on)
    return dates


def _final_progress(story: str, elapsed: float) -> float:
    """Where the latest value lies, as a fraction of the way from baseline to target.

    Inside the health bands of objective_rules with a margin, so rounding never moves it.
    """
    if story in ("on track", "overdue"):
        return min(elapsed + 0.03, 0.94)  # near the line, never quite the target
    if story == "at risk":
        return elapsed - 0.175  # between the 0.10 and 0.25 tolerances
    if story == "off track":
        return -0.4  # worse than the baseline
    if story == "achieved":
        return 1.1
    return 0.5  # missed: half-way


def measurements(spec: ObjectiveSpec, start: date, due: date, today: date,
                 rng: random.Random, recorded_by: str) -> list[MeasurementRecord]:
    """One value per period measured by today, telling the objective's story."""
    dates = _measurement_dates(spec, start, due, today)
    if not dates:
        return []
    events = {event.at: event for event in spec.events}
    span = spec.target - spec.baseline
    final_elapsed = rules.elapsed_fraction(start, due, dates[-1])
    final = _final_progress(spec.story, final_elapsed)
    records = []
    for index, on in enumerate(dates):
        jitter = rng.uniform(-1.0, 1.0) * spec.noise / abs(span)
        event = events.get(index)
        if index == len(dates) - 1:
            progress = final  # the value the health is judged on: no noise, no dip
            event = event if event is not None and not event.shift else None
        else:
            elapsed = rules.elapsed_fraction(start, due, on)
            progress = final * elapsed / max(final_elapsed, 1e-9) + jitter
            progress += event.shift if event else 0.0
        value = spec.baseline + span * progress
        if spec.unit == "%":
            value = min(value, 100.0)
        value = float(round(max(value, 0.0), spec.decimals))
        records.append(MeasurementRecord(on_date=on, value=value, recorded_by=recorded_by,
                                         comment=event.comment if event else ""))
    return records


def objective_record(spec: ObjectiveSpec, today: date, rng: random.Random,
                     staff: Mapping[str, str],
                     party_ids: Mapping[str, int] | None) -> ObjectiveRecord:
    """The record as it ends for one spec; ``party_ids`` maps party names to ids (None:
    the segment is linked later, by ``link_segment``)."""
    start, due = objective_window(spec, today)
    record = new_objective(today)
    record.title, record.description, record.process = spec.title, spec.description, \
        spec.process
    record.policy_commitment, record.kpi_name, record.unit = spec.commitment, spec.kpi, \
        spec.unit
    record.baseline, record.target = float(spec.baseline), float(spec.target)
    record.direction, record.frequency = spec.direction, spec.frequency
    record.start_date, record.due_date = start, due
    record.owner, record.resources, record.evaluation = staff[spec.owner], spec.resources, \
        spec.evaluation
    if party_ids is not None:
        link_segment(record, spec, party_ids)
    record.status = STORIES[spec.story][0]
    record.measurements = measurements(spec, start, due, today, rng, staff[spec.owner])
    return record


def link_segment(record: ObjectiveRecord, spec: ObjectiveSpec,
                 party_ids: Mapping[str, int]) -> None:
    """Link the objective to its segment's interested party, if it has one."""
    if spec.segment is not None:
        if spec.segment not in party_ids:
            raise ValueError(f"demo objective {spec.key!r}: no interested party named "
                             f"{spec.segment!r}")
        record.segment_party_id = party_ids[spec.segment]


def action_record(spec: ActionSpec, today: date, staff: Mapping[str, str],
                  objective_ids: Mapping[str, int], party_ids: Mapping[str, int]) -> ActionRecord:
    """The record the demo saves for one spec (links by objective key and party name)."""
    if spec.party and spec.party not in party_ids:
        raise ValueError(f"demo action {spec.title!r}: no interested party named {spec.party!r}")
    record = new_action(today, objective_id=objective_ids[spec.objective] if spec.objective
                        else None, party_id=party_ids[spec.party] if spec.party else None)
    record.title, record.description, record.kind = spec.title, spec.description, spec.kind
    record.owner, record.status, record.progress = staff[spec.owner], spec.status, \
        spec.progress
    record.start_date, record.due_date = _day(today, spec.start), _day(today, spec.due)
    record.completed_on = _day(today, spec.completed)
    record.effectiveness = spec.effectiveness
    record.effectiveness_by = staff[spec.checked_by] if spec.checked_by else ""
    record.effectiveness_on = _day(today, spec.checked)
    record.evidence = spec.evidence
    return record


def build(db: Database, today: date, rng: random.Random,
          staff: Mapping[str, str]) -> Story:
    """The policy revisions on their approval dates; each objective set on its start date,
    measured on each measurement's date and closed once due; the actions opened, closed and
    checked on their days (see history.play)."""
    timeline = Timeline()
    for policy in POLICY:
        timeline.add(policy_date(policy, today), partial(_revise, db, policy, today, staff))
    objective_ids: dict[str, int] = {}
    for objective in OBJECTIVES:
        final = objective_record(objective, today, rng, staff, None)
        assert final.start_date is not None
        timeline.add(final.start_date, partial(_set_objective, timeline, db, objective, final,
                                               objective_ids, today))
    # Raised in this order, so the references follow the calendar.
    for planned in sorted(ACTIONS, key=lambda action: action.start):
        start = _day(today, planned.start) or today
        timeline.add(start, partial(_raise, timeline, db, planned, objective_ids, today, staff))
    yield from timeline.run()


def _revise(db: Database, policy: PolicySpec, today: date, staff: Mapping[str, str]) -> str:
    revision = revise_policy(db, policy.statement, list(policy.commitments),
                             staff[policy.approved_by], policy_date(policy, today), today)
    return f"Quality policy revision {revision.revision}"


def _party_ids(db: Database, today: date) -> dict[str, int]:
    return {row.name: row.id for row in list_parties(db, today, include_archived=True)}


def _set_objective(timeline: Timeline, db: Database, spec: ObjectiveSpec,
                   final: ObjectiveRecord, objective_ids: dict[str, int], today: date) -> str:
    """Save the objective as set (active, not yet measured); its measurements and its
    closing follow on their days."""
    first = replace(final, status="active", measurements=[])
    link_segment(first, spec, _party_ids(db, today))
    saved = save_objective(db, first, today)
    assert saved.id is not None and final.due_date is not None
    objective_ids[spec.key] = saved.id
    for measurement in final.measurements:
        assert measurement.on_date is not None
        timeline.add(measurement.on_date, partial(_update_objective, db, saved.id, today,
                                                  measurement=measurement))
    if final.status != "active":
        closed = max([final.due_date, *(m.on_date for m in final.measurements if m.on_date)])
        timeline.add(min(closed + timedelta(days=7), today), partial(
            _update_objective, db, saved.id, today, status=final.status))
    return f"{saved.ref} {saved.title}"


def _update_objective(db: Database, objective_id: int, today: date,
                      measurement: MeasurementRecord | None = None, status: str = "") -> None:
    record = get_objective(db, objective_id)
    if measurement is not None:
        record.measurements.append(measurement)
    record.status = status or record.status
    save_objective(db, record, today)


def _raise(timeline: Timeline, db: Database, spec: ActionSpec, objective_ids: dict[str, int],
           today: date, staff: Mapping[str, str]) -> None:
    """Add the action's stages, linked to its objective or party as they are now."""
    save_in_stages(timeline, db, action_record(spec, today, staff, objective_ids,
                                               _party_ids(db, today)), today)


def section() -> DemoSection:
    """This register's share of the demo (the register catalogue names it)."""
    return DemoSection("objectives", "Policy, objectives and actions", step_count(), build)
