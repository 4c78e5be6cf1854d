"""The inputs of a management review (ISO 9001 9.3.2) for a period, as plain dataclasses.

``review_inputs(db, period_from, period_to, today)`` gathers what the review pack prints:
the status of actions from previous reviews, changes in interested parties, satisfaction
and feedback, the extent objectives were met, the performance of external providers, the
effectiveness of actions taken, opportunities for improvement and the audit trail's state.

``today`` only validates the period. Every "as of" judgement (overdue, health, certificate
expiry, supplier status) is made on ``period_to``, so the same data and the same period give
the same result on whatever day it runs. Statuses of records are the stored ones (an action
closed after the period shows as done), and lists are sorted by date, then reference.
Parties, satisfaction and providers are read in :mod:`qmsdesk.services.review_inputs_parts`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from qmsdesk.models.audit import verify_chain
from qmsdesk.models.db import Database
from qmsdesk.models.objectives import Action, Measurement, Objective
from qmsdesk.models.parties import Party
from qmsdesk.models.reviews import ManagementReview
from qmsdesk.models.suppliers import Supplier
from qmsdesk.services import action_rules, objective_rules, supplier_rules
from qmsdesk.services.actions import ActionRow, list_actions
from qmsdesk.services.errors import ValidationError
from qmsdesk.services.labels import label
from qmsdesk.services.objectives import format_number, target_text
from qmsdesk.services.review_inputs_parts import (
    CertificateAlert,
    EngagementItem,
    MonthlySatisfaction,
    PartyChanges,
    PartyEvent,
    PartyFieldChange,
    PartyPoint,
    PartySatisfaction,
    ProviderPerformance,
    ProviderReview,
    ProviderStanding,
    ProviderStatusChange,
    RequirementChange,
    Satisfaction,
    SatisfactionTrend,
    party_changes,
    provider_performance,
    satisfaction,
)
from qmsdesk.services.supplier_reviews import load_bands

__all__ = [
    "ActionEffectiveness", "AwaitingCheck", "CertificateAlert", "EffectivenessCheck",
    "EngagementItem", "MonthlySatisfaction", "ObjectiveResult", "ObjectivesMet", "Opportunity",
    "PartyChanges", "PartyEvent", "PartyFieldChange", "PartyPoint", "PartySatisfaction",
    "PreviousReview", "PreviousReviews", "ProviderPerformance", "ProviderReview",
    "ProviderStanding", "ProviderStatusChange", "RequirementChange", "ReviewAction",
    "ReviewInputs", "Satisfaction", "SatisfactionTrend", "review_inputs", "validate_period",
]

CHECK_RESULTS = tuple(result for result in action_rules.EFFECTIVENESS if result)
_UNTRACKED = ("draft", "cancelled")  # never ran, or stopped: no extent met to report
_RESULT_WORDS = {"effective": "effective", "partly": "partly effective",
                 "not effective": "not effective"}


# --- 9.3.2 a: status of actions from previous management reviews -------------------------

@dataclass(frozen=True)
class ReviewAction:
    """An action decided at a management review; ``overdue`` as of the period's end."""

    ref: str
    title: str
    owner: str
    due_date: date | None
    status: str
    overdue: bool
    effectiveness: str


@dataclass(frozen=True)
class PreviousReview:
    ref: str
    held_on: date
    period_from: date
    period_to: date
    chair: str
    attendees: str
    conclusions: str
    actions: tuple[ReviewAction, ...]  # in the order entered


@dataclass(frozen=True)
class PreviousReviews:
    """Every review held on or before the period's end, most recent first."""

    reviews: tuple[PreviousReview, ...]
    by_status: dict[str, int]  # every action_rules.STATUSES, in its order
    overdue: int


# --- 9.3.2 c 2: extent to which quality objectives have been met ------------------------------

@dataclass(frozen=True)
class ObjectiveResult:
    """One objective running in the period, judged as of its last day."""

    ref: str
    title: str
    kpi_name: str
    owner: str
    status: str
    due_date: date
    target_text: str
    latest_value: float | None
    latest_text: str  # the value with its unit, "" when none
    latest_on: date | None
    health: str
    open_actions: int


@dataclass(frozen=True)
class ObjectivesMet:
    objectives: tuple[ObjectiveResult, ...]
    by_health: dict[str, int]  # in objective_rules.HEALTHS order, worst first


def _objectives_met(session: Session, period_from: date, period_to: date,
                    open_actions: Mapping[int, int]) -> ObjectivesMet:
    """Objectives that ran in the period: started by its end, tracked (not draft or
    cancelled) and still active or due on or after its start. ``open_actions`` per id."""
    running = (Objective.status.not_in(_UNTRACKED), Objective.start_date <= period_to,
               or_(Objective.status == "active", Objective.due_date >= period_from))
    objectives = session.execute(
        select(Objective.id, Objective.ref, Objective.title, Objective.kpi_name,
               Objective.owner, Objective.status, Objective.unit, Objective.direction,
               Objective.baseline, Objective.target, Objective.target_max,
               Objective.start_date, Objective.due_date, Objective.frequency)
        .where(*running).order_by(Objective.ref)).all()
    points: dict[int, list[objective_rules.Point]] = defaultdict(list)
    for objective_id, on_date, value in session.execute(
            select(Measurement.objective_id, Measurement.on_date, Measurement.value)
            .join(Objective, Objective.id == Measurement.objective_id)
            .where(*running, Measurement.on_date <= period_to)
            .order_by(Measurement.on_date, Measurement.id)):
        points[objective_id].append(objective_rules.Point(on_date, value))
    by_health = {word: 0 for word in objective_rules.HEALTHS
                 if word != objective_rules.NOT_TRACKED}
    results = []
    for o in objectives:
        series = points[o.id]
        health = objective_rules.health(
            objective_rules.Target(o.direction, o.baseline, o.target, o.target_max),
            o.start_date, o.due_date, o.frequency, series, period_to, o.status)
        by_health[health] = by_health.get(health, 0) + 1
        latest = series[-1] if series else None
        results.append(ObjectiveResult(
            o.ref, o.title, o.kpi_name, o.owner, o.status, o.due_date,
            target_text(o.direction, o.target, o.target_max, o.unit),
            latest.value if latest else None,
            format_number(latest.value, o.unit) if latest else "",
            latest.on_date if latest else None, health, open_actions.get(o.id, 0)))
    return ObjectivesMet(tuple(results), by_health)


# --- 9.3.2 c 4 and e: effectiveness of actions taken -----------------------------------

@dataclass(frozen=True)
class EffectivenessCheck:
    """An action whose effectiveness was checked in the period."""

    checked_on: date
    ref: str
    title: str
    kind: str
    source: str  # action_rules.SOURCES
    source_ref: str
    result: str  # effective, partly, not effective
    checked_by: str


@dataclass(frozen=True)
class AwaitingCheck:
    """An action completed in the period whose effectiveness was not checked by its end."""

    completed_on: date
    ref: str
    title: str
    owner: str
    source: str
    source_ref: str


@dataclass(frozen=True)
class ActionEffectiveness:
    checks: tuple[EffectivenessCheck, ...]
    by_result: dict[str, int]  # effective, partly, not effective
    awaiting: tuple[AwaitingCheck, ...]
    # corrections, corrective and preventive actions still open (10.2, 9.3.2 c 4), except
    # those from earlier management reviews (section 1 lists them)
    still_open: tuple[ActionRow, ...] = ()


# --- 9.3.2 f: opportunities for improvement and the whole pack --------------------------

@dataclass(frozen=True)
class Opportunity:
    """One opportunity for improvement derived from the registers, with the reason."""

    source_ref: str
    what: str
    why: str


@dataclass(frozen=True)
class DueReview:
    """A party or supplier whose periodic review was overdue at the period's end."""

    ref: str
    name: str
    due: date


@dataclass(frozen=True)
class ReviewInputs:
    period_from: date
    period_to: date
    previous_reviews: PreviousReviews
    parties: PartyChanges
    satisfaction: Satisfaction
    objectives: ObjectivesMet
    providers: ProviderPerformance
    effectiveness: ActionEffectiveness
    opportunities: tuple[Opportunity, ...]
    audit_status: str
    # Due before the period's end by the current schedule: a review done since has already
    # moved its date on, so it is not listed.
    party_reviews_overdue: tuple[DueReview, ...] = ()
    supplier_reviews_overdue: tuple[DueReview, ...] = ()


def _is_date(value: object) -> bool:
    return isinstance(value, date) and not isinstance(value, datetime)


def validate_period(period_from: date | None, period_to: date | None,
                    today: date) -> dict[str, str]:
    """Field -> message for a period that cannot be reviewed (incomplete, reversed, future)."""
    errors: dict[str, str] = {}
    if not _is_date(period_from):
        errors["period_from"] = "Period start is required."
    if not _is_date(period_to):
        errors["period_to"] = "Period end is required."
    if errors:
        return errors
    assert period_from is not None and period_to is not None
    if period_from > period_to:
        errors["period_to"] = "The period must end on or after its start."
    elif period_to > today:
        errors["period_to"] = f"The period cannot end after today ({today.isoformat()})."
    return errors


@dataclass(frozen=True)
class _Action:
    """An action of the log: its table row (overdue as of the period's end) and the dates
    and links the row does not carry."""

    row: ActionRow
    start_date: date | None
    completed_on: date | None
    effectiveness_by: str
    effectiveness_on: date | None
    management_review_id: int | None
    objective_id: int | None


def _actions(session: Session, rows: Sequence[ActionRow]) -> list[_Action]:
    extra = {row.id: row[1:] for row in session.execute(
        select(Action.id, Action.start_date, Action.completed_on, Action.effectiveness_by,
               Action.effectiveness_on, Action.management_review_id, Action.objective_id))}
    return [_Action(row, *extra[row.id]) for row in rows if row.id in extra]


def _previous_reviews(session: Session, period_to: date,
                      actions: Sequence[_Action]) -> PreviousReviews:
    meetings = session.execute(
        select(ManagementReview.id, ManagementReview.ref, ManagementReview.held_on,
               ManagementReview.period_from, ManagementReview.period_to,
               ManagementReview.chair, ManagementReview.attendees,
               ManagementReview.conclusions)
        .where(ManagementReview.held_on <= period_to)
        .order_by(ManagementReview.held_on.desc(), ManagementReview.ref.desc())).all()
    decided: dict[int, list[ReviewAction]] = {meeting.id: [] for meeting in meetings}
    by_status = dict.fromkeys(action_rules.STATUSES, 0)
    overdue = 0
    for action in actions:
        if action.management_review_id not in decided:
            continue
        r = action.row
        decided[action.management_review_id].append(ReviewAction(
            r.ref, r.title, r.owner, r.due_date, r.status, r.overdue, r.effectiveness))
        by_status[r.status] = by_status.get(r.status, 0) + 1
        overdue += r.overdue
    return PreviousReviews(
        tuple(PreviousReview(*meeting[1:], tuple(decided[meeting.id])) for meeting in meetings),
        by_status, overdue)


def _effectiveness(period_from: date, period_to: date,
                   actions: Sequence[_Action]) -> ActionEffectiveness:
    checks, awaiting = [], []
    for a in actions:
        r = a.row
        checked = a.effectiveness_on
        if r.effectiveness and checked is not None and period_from <= checked <= period_to:
            checks.append(EffectivenessCheck(checked, r.ref, r.title, r.kind, r.source,
                                             r.source_ref, r.effectiveness,
                                             a.effectiveness_by))
        done = a.completed_on
        if r.status == "done" and done is not None and period_from <= done <= period_to \
                and (checked is None or checked > period_to):
            awaiting.append(AwaitingCheck(done, r.ref, r.title, r.owner, r.source,
                                          r.source_ref))
    by_result = dict.fromkeys(CHECK_RESULTS, 0)
    for check in checks:
        by_result[check.result] += 1
    still_open = sorted(
        (a.row for a in actions if a.row.kind != "improvement"
         and a.row.status in action_rules.OPEN_STATUSES and a.management_review_id is None
         and (a.start_date is None or a.start_date <= period_to)),
        key=lambda r: (not r.overdue, r.due_date or period_to, r.ref))
    return ActionEffectiveness(
        tuple(sorted(checks, key=lambda c: (c.checked_on, c.ref))), by_result,
        tuple(sorted(awaiting, key=lambda c: (c.completed_on, c.ref))), tuple(still_open))


def _objective_opportunities(objectives: ObjectivesMet, period_to: date) -> list[Opportunity]:
    found = []
    for o in objectives.objectives:
        if o.health not in (objective_rules.OFF_TRACK, objective_rules.AT_RISK):
            continue
        if o.status == "missed":
            why = f"Closed as missed: the target was {o.target_text}."
        elif o.latest_on is not None:
            why = (f"{label(o.health)} on {period_to.isoformat()}: latest value "
                   f"{o.latest_text} ({o.latest_on.isoformat()}) against a target of "
                   f"{o.target_text}.")
        else:
            why = f"{label(o.health)} on {period_to.isoformat()}: target {o.target_text}."
        found.append(Opportunity(o.ref, o.title, why))
    return found


def _supplier_opportunities(providers: ProviderPerformance) -> list[Opportunity]:
    standings = {s.supplier_ref: s for s in providers.conditional_or_disqualified
                 if s.status != "disqualified"}
    standings |= {s.supplier_ref: s for s in providers.low_band}
    found = []
    for ref in sorted(standings):
        s = standings[ref]
        if s.band in providers.lowest_bands:
            detail = f"latest approved review in band {s.band} (total {s.total_text})"
        else:
            detail = s.reason.rstrip(".") or "no reason recorded"
        if s.status == "conditional":
            why = f"Conditional since {s.since.isoformat()}; {detail}."
        else:
            why = f"{label(detail)}."
        found.append(Opportunity(ref, s.supplier_name, why))
    return found


def _opportunities(period_to: date, actions: Sequence[_Action], objectives: ObjectivesMet,
                   checks: ActionEffectiveness, providers: ProviderPerformance,
                   feedback: Satisfaction) -> tuple[Opportunity, ...]:
    """Objectives, actions, suppliers and parties that call for improvement, in that order."""
    found = _objective_opportunities(objectives, period_to)
    for check in checks.checks:
        if check.result != "effective":
            source = f" (raised from {check.source_ref})" if check.source_ref else ""
            found.append(Opportunity(check.ref, check.title,
                                     f"Checked {_RESULT_WORDS[check.result]} on "
                                     f"{check.checked_on.isoformat()}{source}."))
    found += _supplier_opportunities(providers)
    for party in feedback.declined:
        found.append(Opportunity(party.ref, party.name,
                                 f"Average satisfaction fell from {party.previous_average:.1f} "
                                 f"to {party.average:.1f} against the previous period."))
    improvements = sorted((a.row for a in actions if a.row.kind == "improvement"
                           and a.row.status in action_rules.OPEN_STATUSES
                           and (a.start_date is None or a.start_date <= period_to)),
                          key=lambda r: r.ref)
    for r in improvements:
        due = f", due {r.due_date.isoformat()}" if r.due_date else ""
        late = " and overdue" if r.overdue else ""
        found.append(Opportunity(r.ref, r.title, f"Improvement action {r.status}{due}{late}."))
    late_actions = sorted((a.row for a in actions if a.row.kind != "improvement"
                           and a.row.overdue), key=lambda r: r.ref)
    for r in late_actions:
        assert r.due_date is not None  # overdue: a due date has passed
        owner = f" ({r.owner}, {r.progress} % done)" if r.owner else f" ({r.progress} % done)"
        found.append(Opportunity(r.ref, r.title, f"{label(r.kind)} action overdue since "
                                                 f"{r.due_date.isoformat()}{owner}."))
    return tuple(found)


def _overdue_reviews(session: Session, model: type[Party] | type[Supplier],
                     active: Iterable[str], period_to: date) -> tuple[DueReview, ...]:
    rows = session.execute(
        select(model.ref, model.name, model.next_review)
        .where(model.next_review < period_to, model.status.in_(tuple(active)))
        .order_by(model.next_review, model.ref)).all()
    # The WHERE clause leaves out records without a next review date.
    return tuple(DueReview(ref, name, due) for ref, name, due in rows if due is not None)


def _audit_status(session: Session) -> str:
    chain = verify_chain(session)
    if chain.intact:
        return f"Audit trail verified: {chain.entries} entries, chain intact."
    return f"Audit trail broken: {chain.problem}."


def review_inputs(db: Database, period_from: date, period_to: date,
                  today: date) -> ReviewInputs:
    """Gather every input of a management review of period_from..period_to (both included).

    Raises ValidationError (period_from / period_to -> message) for a period that is
    incomplete, ends before it starts or ends after ``today``.
    """
    errors = validate_period(period_from, period_to, today)
    if errors:
        raise ValidationError(errors)
    rows = list_actions(db, period_to)  # the whole log, overdue as of the period's end
    bands = load_bands(db)
    with db.session() as session:
        actions = _actions(session, rows)
        open_actions: dict[int, int] = {}
        for a in actions:
            if a.objective_id is not None and a.row.status in action_rules.OPEN_STATUSES:
                open_actions[a.objective_id] = open_actions.get(a.objective_id, 0) + 1
        previous = _previous_reviews(session, period_to, actions)
        parties = party_changes(session, period_from, period_to)
        feedback = satisfaction(session, period_from, period_to)
        objectives = _objectives_met(session, period_from, period_to, open_actions)
        providers = provider_performance(session, period_from, period_to, bands)
        audit_status = _audit_status(session)
        party_due = _overdue_reviews(session, Party, ("active",), period_to)
        supplier_due = _overdue_reviews(
            session, Supplier, (s for s in supplier_rules.STATUSES if s != "disqualified"),
            period_to)
    checks = _effectiveness(period_from, period_to, actions)
    return ReviewInputs(
        period_from, period_to, previous, parties, feedback, objectives, providers, checks,
        _opportunities(period_to, actions, objectives, checks, providers, feedback),
        audit_status, party_due, supplier_due)
