"""Objectives use cases: list, load, save with measurements, returning dataclasses."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Generator, Sequence
from datetime import date

from sqlalchemy import ScalarSelect, func, select
from sqlalchemy.orm import Session, aliased, selectinload

from qmsdesk.models.db import Database
from qmsdesk.models.objectives import Action, Measurement, Objective, ObjectiveRisk
from qmsdesk.models.parties import Party
from qmsdesk.models.risks import Risk
from qmsdesk.services.archiving import archive_problems
from qmsdesk.services.batch import (
    BATCH,
    add_error,
    check_new_refs,
    existing_ids,
    finish,
    new_refs,
    store_all,
)
from qmsdesk.services.dates import add_months
from qmsdesk.services.errors import BatchValidationError, NotFoundError
from qmsdesk.services.objectives import rules
from qmsdesk.services.objectives.records import MeasurementRecord, ObjectiveRecord, ObjectiveRow
from qmsdesk.services.records import conflict_guard, sync_children, sync_links, touch
from qmsdesk.services.validation import tidy_text

_FIELDS = ("title", "description", "process", "policy_commitment", "kpi_name", "unit",
           "baseline", "target", "target_max", "direction", "frequency", "start_date",
           "due_date", "owner", "resources", "evaluation", "segment_party_id", "status",
           "archived_on", "archive_reason")
_MEASUREMENT_FIELDS = ("on_date", "value", "comment", "recorded_by", "period")
OPEN_STATUSES = ("open", "in progress")


def new_objective(today: date) -> ObjectiveRecord:
    """A blank draft objective over the coming twelve months."""
    return ObjectiveRecord(start_date=today, due_date=add_months(today, 12))


def target_of(record: ObjectiveRecord | ObjectiveRow) -> rules.Target:
    return rules.Target(record.direction, float(record.baseline or 0.0),
                        float(record.target or 0.0), record.target_max)


def health_of(record: ObjectiveRecord, today: date) -> str:
    """The health of an objective as loaded or edited (same rule as the table)."""
    points = [rules.Point(m.on_date, float(m.value)) for m in record.measurements
              if m.on_date is not None and isinstance(m.value, int | float)]
    if record.start_date is None or record.due_date is None or record.baseline is None \
            or record.target is None:
        return rules.NO_DATA
    return rules.health(target_of(record), record.start_date, record.due_date,
                        record.frequency, points, today, record.status)


def list_objectives(db: Database, today: date, limit: int | None = None,
                    include_archived: bool = False) -> list[ObjectiveRow]:
    """The register by reference, archived objectives only if asked (the page's "Show
    archived", a report's archived list); ``limit``: its first rows only (a page shows
    them while the rest are read)."""
    query = (select(Objective.id, Objective.ref, Objective.title, Objective.kpi_name,
                    Objective.owner, Objective.unit, Objective.direction, Objective.baseline,
                    Objective.target, Objective.target_max, Objective.due_date,
                    Objective.status, Party.name, Objective.start_date, Objective.frequency,
                    Objective.archived_on, Objective.archive_reason)
             .outerjoin(Party, Party.id == Objective.segment_party_id)
             .order_by(Objective.ref).limit(limit))
    if not include_archived:
        query = query.where(Objective.archived_on.is_(None))
    with db.read() as session:
        objectives = session.execute(query).all()
        ids = [row[0] for row in objectives] if limit is not None else None
        known = latest_points(session, ids, today)  # what the health is judged on
        # What the table shows: a measurement dated after today (rare) is the latest value.
        ahead = (select(Measurement.objective_id, Measurement.on_date, Measurement.value)
                 .where(Measurement.on_date > today)
                 .order_by(Measurement.on_date, Measurement.id))
        if ids is not None:
            ahead = ahead.where(Measurement.objective_id.in_(ids))
        latest = known | {oid: rules.Point(on_date, value)
                          for oid, on_date, value in session.execute(ahead)}
        open_actions = _open_actions(session, ids)
    rows = []
    for (oid, ref, title, kpi, owner, unit, direction, baseline, target, target_max, due,
         status, segment, start, frequency, archived_on, archive_reason) in objectives:
        health = _health(direction, baseline, target, target_max, start, due, frequency,
                         status, known.get(oid), today)
        shown = latest.get(oid)
        rows.append(ObjectiveRow(
            oid, ref, title, kpi, owner, unit, direction, baseline, target, target_max, due,
            status, segment or "", shown.value if shown else None,
            shown.on_date if shown else None, health, open_actions.get(oid, 0),
            rules.target_text(direction, target, target_max, unit), archived_on,
            archive_reason))
    return rows


def _open_actions(session: Session, ids: Sequence[int] | None) -> dict[int, int]:
    """How many open actions each objective (of ``ids``; None: every one) has."""
    if ids is None:  # the whole register: one pass over the open actions
        return {oid: n for oid, n in session.execute(
            select(Action.objective_id, func.count())
            .where(Action.objective_id.is_not(None), Action.status.in_(OPEN_STATUSES))
            .group_by(Action.objective_id)) if oid is not None}
    # A screenful: each objective's actions looked up by it. Filtered by ids and status in
    # one query, SQLite (no statistics kept) read every open action through the status
    # index for a hundred objectives: 50-120 ms at 100x, against 2.
    count = (select(func.count())
             .where(Action.objective_id == Objective.id, Action.status.in_(OPEN_STATUSES))
             .correlate(Objective).scalar_subquery())
    return {oid: n for oid, n in session.execute(
        select(Objective.id, count).where(Objective.id.in_(ids))) if n}


def _health(direction: str, baseline: float, target: float,
            target_max: float | None, start: date, due: date, frequency: str, status: str,
            point: rules.Point | None, today: date) -> str:
    """:func:`rules.health` of a register row, judged on its latest known point."""
    return rules.health(rules.Target(direction, baseline, target, target_max), start, due,
                        frequency, [point] if point else [], today, status)


def health_counts(session: Session, today: date) -> Counter[str]:
    """How many objectives of the register (archived ones aside) stand at each health, as
    the register judges them: each objective's own columns and its latest known point,
    without the columns the table shows or the actions linked to it. One pass: each
    objective comes with its latest point, looked up beside it by the database."""
    point = aliased(Measurement)
    counts: Counter[str] = Counter()
    for (direction, baseline, target, target_max, start, due, frequency, status, on_date,
         value) in session.execute(
            select(Objective.direction, Objective.baseline, Objective.target,
                   Objective.target_max, Objective.start_date, Objective.due_date,
                   Objective.frequency, Objective.status, point.on_date, point.value)
            .outerjoin(point, point.id == _latest_point_id(today))
            .where(Objective.archived_on.is_(None))):
        known = rules.Point(on_date, value) if on_date is not None else None
        counts[_health(direction, baseline, target, target_max, start, due, frequency,
                       status, known, today)] += 1
    return counts


def _latest_point_id(today: date | None) -> ScalarSelect[int]:
    """The id of an objective's latest measurement (dated on or before ``today``, if given;
    for equal dates the one recorded last): one indexed look-up per objective (a correlated
    subquery on the measurements of that objective) instead of ranking every measurement."""
    other = aliased(Measurement)
    pick = (select(other.id).where(other.objective_id == Objective.id)
            .order_by(other.on_date.desc(), other.id.desc()).limit(1))
    if today is not None:
        pick = pick.where(other.on_date <= today)
    return pick.correlate(Objective).scalar_subquery()


def latest_points(session: Session, ids: Sequence[int] | None = None,
                  today: date | None = None) -> dict[int, rules.Point]:
    """Each objective's latest measurement (see :func:`_latest_point_id`), read by the
    database rather than every measurement: :func:`rules.health` judges an objective on
    its latest known value alone (about 3x less work at 100x than ranking them all)."""
    query = (select(Measurement.objective_id, Measurement.on_date, Measurement.value)
             .join(Objective, Measurement.id == _latest_point_id(today)))
    if ids is not None:
        query = query.where(Objective.id.in_(ids))
    return {oid: rules.Point(on_date, value)
            for oid, on_date, value in session.execute(query)}


def to_record(objective: Objective) -> ObjectiveRecord:
    record = ObjectiveRecord(**{name: getattr(objective, name) for name in _FIELDS})
    record.id, record.ref, record.version = objective.id, objective.ref, objective.version
    record.updated_at = objective.updated_at
    record.measurements = [
        MeasurementRecord(id=m.id, **{n: getattr(m, n) for n in _MEASUREMENT_FIELDS})
        for m in objective.measurements]
    record.risk_ids = [link.risk_id for link in objective.risks]
    return record


def objectives_by_id(session: Session, ids: Sequence[int]) -> dict[int, ObjectiveRecord]:
    """The records of ``ids`` (those that exist) with their measurements and risk links, in
    one read: records.records_in_batches loads a report's objectives with it."""
    return {objective.id: to_record(objective) for objective in session.scalars(
        select(Objective).where(Objective.id.in_(ids)).options(
            selectinload(Objective.measurements), selectinload(Objective.risks)))}


def get_objective(db: Database, objective_id: int) -> ObjectiveRecord:
    with db.read() as session:
        objective = session.scalar(select(Objective).where(Objective.id == objective_id)
                                   .options(selectinload(Objective.measurements),
                                            selectinload(Objective.risks)))
        if objective is None:
            raise NotFoundError(f"Objective #{objective_id} does not exist.")
        return to_record(objective)


def normalise(record: ObjectiveRecord, user: str) -> None:
    """Tidy a record before the rules see it: trimmed names, no upper limit unless a band,
    each measurement's period from its date; an empty "Recorded by" becomes ``user``
    (pass "" to keep it empty)."""
    tidy_text(record, ("title", "kpi_name", "unit", "owner", "process"))
    record.risk_ids = list(dict.fromkeys(record.risk_ids))
    if record.direction != "band":
        record.target_max = None
    for measurement in record.measurements:
        measurement.comment = measurement.comment.strip()
        if measurement.on_date is not None and record.frequency in rules.FREQUENCIES:
            measurement.period = rules.period_of(measurement.on_date, record.frequency)
        if not measurement.recorded_by:
            measurement.recorded_by = user


def check_objectives(session: Session, records: Sequence[ObjectiveRecord],
                     today: date) -> dict[int, dict[str, str]]:
    """Every rule for objectives about to be stored together (tidied first, an empty
    "Recorded by" kept), by position in ``records``: the form's rules
    (rules.validate_objective) and the database's: the segment's interested party exists,
    a new record's given reference is free."""
    errors: dict[int, dict[str, str]] = {}
    for index, record in enumerate(records):
        normalise(record, "")
        if found := rules.validate_objective(record, today):
            errors[index] = found
    parties = existing_ids(session, Party, (r.segment_party_id for r in records))
    risks = existing_ids(session, Risk, (i for r in records for i in r.risk_ids))
    for index, record in enumerate(records):
        if record.segment_party_id is not None and record.segment_party_id not in parties:
            add_error(errors, index, "segment_party_id",
                      "The segment's interested party no longer exists.")
        if any(risk_id not in risks for risk_id in record.risk_ids):
            add_error(errors, index, "risk_ids",
                      "A risk or opportunity chosen no longer exists. Choose again.")
    for index, record in enumerate(records):
        if problems := _archive_problems(session, record):
            errors.setdefault(index, {}).update(problems)
    check_new_refs(session, Objective, records, errors)
    return errors


def open_action_refs(session: Session, objective_id: int | None) -> list[str]:
    """The references of an objective's open actions (open or in progress)."""
    if objective_id is None:
        return []
    return list(session.scalars(select(Action.ref).where(
        Action.objective_id == objective_id, Action.status.in_(OPEN_STATUSES))
        .order_by(Action.ref)))


def _archive_problems(session: Session, record: ObjectiveRecord) -> dict[str, str]:
    """An archived objective (saved from its editor or imported) still meets the archive
    rule: decided, no open action, a reason."""
    if record.archived_on is None:
        return archive_problems(record, "")
    return archive_problems(record, rules.archive_refusal(
        record.ref, record.status, open_action_refs(session, record.id)))


def save_objectives(session: Session, records: Sequence[ObjectiveRecord], today: date,
                    batch: int = BATCH) -> Generator[int, None, list[Objective]]:
    """The one way objectives are written: check every record (check_objectives), then
    store them all with their measurements in the caller's session, or none
    (BatchValidationError, nothing written).

    A new record gets its given reference or the next free one of its start year
    (OBJ-2026-01); a stored one is loaded for update (ConflictError, NotFoundError). Yields
    how many are stored after each ``batch``; returns the stored rows.
    """
    errors = check_objectives(session, records, today)
    if errors:
        raise BatchValidationError(errors)
    given = {r.ref for r in records if r.ref}
    by_year: dict[int, list[ObjectiveRecord]] = defaultdict(list)
    for record in records:
        if record.id is None and not record.ref and record.start_date is not None:
            by_year[record.start_date.year].append(record)
    refs = {id(record): ref for year, wanted in by_year.items() for record, ref in zip(
        wanted, new_refs(session, Objective, len(wanted), given, width=2,
                         prefix=f"OBJ-{year}-"), strict=True)}
    return (yield from store_all(
        session, Objective, "The objective", records,
        lambda r: Objective(ref=r.ref or refs[id(r)]), store_objective, batch))


def save_objective(db: Database, record: ObjectiveRecord, today: date) -> ObjectiveRecord:
    """Validate and save an objective with its measurements in one transaction."""
    normalise(record, db.user)  # the form's measurements are recorded by the user
    with db.session() as session, conflict_guard(record.ref or "The objective"):
        objective_id = finish(save_objectives(session, [record], today))[0].id
    return get_objective(db, objective_id)


def store_objective(session: Session, objective: Objective, record: ObjectiveRecord) -> None:
    """Copy a checked record onto ``objective`` (new or loaded in ``session``) with its
    measurements; only save_objectives calls it, after check_objectives."""
    for name in _FIELDS:
        setattr(objective, name, getattr(record, name))
    changed = sync_children(
        session, list(objective.measurements), record.measurements, _MEASUREMENT_FIELDS,
        lambda values: objective.measurements.append(Measurement(**values)))
    changed |= sync_links(session, list(objective.risks), record.risk_ids,
                          lambda link: link.risk_id,
                          lambda risk_id: objective.risks.append(ObjectiveRisk(risk_id=risk_id)))
    if objective.id is not None and changed:
        touch(objective)


def objective_choices(db: Database, today: date) -> list[tuple[int, str]]:
    """(id, "REF — title") of every objective, for choosing an action's source; an archived
    one is named so (kept: an action raised from it keeps its link when edited)."""
    with db.read() as session:
        return [(id_, f"{ref} — {title}" + (" (archived)" if archived_on else ""))
                for id_, ref, title, archived_on in session.execute(
                    select(Objective.id, Objective.ref, Objective.title, Objective.archived_on)
                    .order_by(Objective.ref))]
