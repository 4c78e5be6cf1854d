"""Management-review inputs from the action log: 9.3.2 a, the status of actions decided at
previous management reviews, and 9.3.2 c 4 and e, the effectiveness of actions taken.

Every action is judged as of the period's end (overdue on ``period_to``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from qmsdesk.models.objectives import Action
from qmsdesk.models.reviews import ManagementReview
from qmsdesk.services.actions import rules as action_rules
from qmsdesk.services.actions.records import ActionRow

CHECK_RESULTS = tuple(result for result in action_rules.EFFECTIVENESS if result)


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
    # every open correction, corrective and preventive action, those of earlier reviews too
    open_corrective: int = 0


@dataclass(frozen=True)
class LoggedAction:
    """An action of the log: its table row (overdue as of the period's end) and the dates
    and links the row does not carry."""

    row: ActionRow
    start_date: date | None
    completed_on: date | None
    effectiveness_by: str
    effectiveness_on: date | None
    management_review_id: int | None
    objective_id: int | None


def logged_actions(session: Session, rows: Sequence[ActionRow]) -> list[LoggedAction]:
    extra = {row.id: row[1:] for row in session.execute(
        select(Action.id, Action.start_date, Action.completed_on, Action.effectiveness_by,
               Action.effectiveness_on, Action.management_review_id, Action.objective_id))}
    return [LoggedAction(row, *extra[row.id]) for row in rows if row.id in extra]


def previous_reviews(session: Session, period_to: date,
                      actions: Sequence[LoggedAction]) -> PreviousReviews:
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


def action_effectiveness(period_from: date, period_to: date,
                   actions: Sequence[LoggedAction]) -> ActionEffectiveness:
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
    open_now = [a for a in actions if action_rules.is_open_corrective(a.row.kind, a.row.status)
                and (a.start_date is None or a.start_date <= period_to)]
    still_open = sorted((a.row for a in open_now if a.management_review_id is None),
                        key=lambda r: (not r.overdue, r.due_date or period_to, r.ref))
    return ActionEffectiveness(
        tuple(sorted(checks, key=lambda c: (c.checked_on, c.ref))), by_result,
        tuple(sorted(awaiting, key=lambda c: (c.completed_on, c.ref))), tuple(still_open),
        len(open_now))
