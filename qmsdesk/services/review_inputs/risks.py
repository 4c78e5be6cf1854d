"""Management-review input 9.3.2 e: the effectiveness of actions taken to address risks and
opportunities, from the risks register (6.1.2 b) and the actions raised from it.

Judged as of the period's end, like every input: evaluations made in the period, those that
fell due by its end without a result, the actions raised from risks and opportunities, and the
high risks that no open action addressed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from qmsdesk.models.risks import Risk
from qmsdesk.services.actions import rules as action_rules
from qmsdesk.services.review_inputs.actions import LoggedAction
from qmsdesk.services.risks import rules
from qmsdesk.services.risks.matrix import matrix_in

SOURCE = "risk or opportunity"  # the action log's name for this source
RESULTS = tuple(result for result in rules.EFFECTIVENESS if result)


@dataclass(frozen=True)
class RiskEvaluation:
    """A treatment whose effectiveness was evaluated in the period (6.1.2 b)."""

    evaluated_on: date
    ref: str
    kind: str
    title: str
    treatment: str
    rating: str  # before treatment
    residual_rating: str  # after treatment; "" when not rated
    result: str  # effective, partly, not effective
    evaluated_by: str
    notes: str


@dataclass(frozen=True)
class EvaluationAwaited:
    """An evaluation planned by the period's end and without a result at its end."""

    due: date
    ref: str
    kind: str
    title: str
    owner: str


@dataclass(frozen=True)
class UnaddressedRisk:
    """A risk rated high before treatment that no open action addressed at the period's end
    (risks.rules.needs_action, as the dashboard counts them)."""

    ref: str
    title: str
    rating: str
    residual_rating: str  # "" when not rated after treatment
    treatment: str
    owner: str


@dataclass(frozen=True)
class RiskEffectiveness:
    risks: int  # active risks
    opportunities: int  # active opportunities
    evaluations: tuple[RiskEvaluation, ...]  # by date, then reference
    by_result: dict[str, int]  # RESULTS, in order
    awaited: tuple[EvaluationAwaited, ...]
    unaddressed: tuple[UnaddressedRisk, ...]
    actions_completed: int  # actions raised from risks, completed in the period
    actions_open: int  # ... open at its end
    actions_overdue: int  # ... overdue at its end



def risk_effectiveness(session: Session, period_from: date, period_to: date,
                       actions: Sequence[LoggedAction]) -> RiskEffectiveness:
    """The 9.3.2 e input for period_from..period_to (both included)."""
    matrix = matrix_in(session)
    risks = session.scalars(select(Risk).where(Risk.status == "active")
                            .order_by(Risk.ref)).all()
    # Raised from a risk or opportunity and started by the period's end.
    from_risks = [a for a in actions if a.row.source == SOURCE
                  and (a.start_date is None or a.start_date <= period_to)]
    open_by_risk: dict[str, int] = {}
    for action in from_risks:
        if action.row.status in action_rules.OPEN_STATUSES:
            open_by_risk[action.row.source_ref] = open_by_risk.get(action.row.source_ref, 0) + 1
    evaluations, awaited, unaddressed = [], [], []
    for risk in risks:
        rating = rules.rating(risk.likelihood, risk.impact, matrix)
        residual = rules.rating(risk.residual_likelihood, risk.residual_impact, matrix) \
            if risk.residual_likelihood is not None and risk.residual_impact is not None \
            else ""
        evaluated = risk.evaluated_on
        if risk.effectiveness and evaluated is not None \
                and period_from <= evaluated <= period_to:
            evaluations.append(RiskEvaluation(
                evaluated, risk.ref, risk.kind, risk.title, risk.treatment, rating, residual,
                risk.effectiveness, risk.evaluated_by, risk.evaluation_notes))
        due = risk.evaluation_due
        if due is not None and due <= period_to and (
                not risk.effectiveness or evaluated is None or evaluated > period_to):
            awaited.append(EvaluationAwaited(due, risk.ref, risk.kind, risk.title, risk.owner))
        if rules.needs_action(risk.kind, rating, open_by_risk.get(risk.ref, 0), residual,
                              risk.treatment):
            unaddressed.append(UnaddressedRisk(risk.ref, risk.title, rating, residual,
                                               risk.treatment, risk.owner))
    by_result = dict.fromkeys(RESULTS, 0)
    for evaluation in evaluations:
        by_result[evaluation.result] += 1
    completed = sum(1 for a in from_risks if a.row.status == "done"
                    and a.completed_on is not None and period_from <= a.completed_on <= period_to)
    return RiskEffectiveness(
        sum(1 for r in risks if r.kind == "risk"), sum(1 for r in risks if r.kind != "risk"),
        tuple(sorted(evaluations, key=lambda e: (e.evaluated_on, e.ref))), by_result,
        tuple(sorted(awaited, key=lambda e: (e.due, e.ref))), tuple(unaddressed), completed,
        sum(1 for a in from_risks if a.row.status in action_rules.OPEN_STATUSES),
        sum(1 for a in from_risks if a.row.overdue))
