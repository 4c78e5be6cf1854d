"""The traceability matrix (ISO 9001 4.2 -> 6.1 -> 6.2 -> 10.2): for each interested-party
requirement that matters most, the chain requirement -> risks and opportunities ->
objectives -> actions -> effectiveness, with its gaps named.

A requirement is traced when it is a compliance obligation (legal, contractual) or its party
is to be managed closely (high influence, high interest). Its chain follows the active
risks and opportunities raised from it, the objectives citing those (cancelled ones left
out), and the actions raised from the risk or from those objectives (cancelled ones left
out). The gaps, each counted once per thing it concerns:

- "no risk assessed": a traced requirement that no active risk or opportunity cites;
- "no action": a risk or opportunity whose treatment is not to accept or decline (both need
  a rationale instead) and that has no action, directly or through an objective;
- "action overdue": an action of the chain past its due date;
- "effectiveness not checked": a risk or opportunity without an evaluation result whose
  evaluation date has come, or with an action done whose effectiveness was not checked.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from qmsdesk.models.db import Database
from qmsdesk.models.objectives import Action, Objective, ObjectiveRisk
from qmsdesk.models.parties import Party, PartyRequirement
from qmsdesk.models.risks import Risk, RiskSource
from qmsdesk.services.actions import rules as action_rules
from qmsdesk.services.parties import rules as party_rules
from qmsdesk.services.risks import rules
from qmsdesk.services.risks.matrix import matrix_in

NO_RISK = "no risk assessed"
NO_ACTION = "no action"
ACTION_OVERDUE = "action overdue"
NOT_CHECKED = "effectiveness not checked"
GAPS = (NO_RISK, NO_ACTION, ACTION_OVERDUE, NOT_CHECKED)  # the order of the chain


@dataclass(frozen=True)
class TraceAction:
    """An action of a chain, raised from the risk itself or from an objective citing it."""

    ref: str
    title: str
    owner: str
    due_date: date | None
    status: str
    overdue: bool
    effectiveness: str  # the action's own check (10.2): "" until checked
    via: str  # the reference of the risk or objective it was raised from


@dataclass(frozen=True)
class TraceObjective:
    ref: str
    title: str
    status: str


@dataclass(frozen=True)
class TraceRisk:
    """A risk or opportunity of a chain, with what answers it and what it lacks."""

    ref: str
    kind: str
    title: str
    rating: str  # the level before treatment
    residual_rating: str  # "" until rated after treatment
    treatment: str
    rationale: str
    effectiveness: str  # the evaluation's result (6.1.2 b): "" until evaluated
    evaluated_on: date | None
    evaluation_due: date | None
    objectives: tuple[TraceObjective, ...]
    actions: tuple[TraceAction, ...]
    gaps: tuple[str, ...]  # in GAPS order, each once


@dataclass(frozen=True)
class TraceRow:
    """One traced requirement and its chain."""

    party_ref: str
    party_name: str
    requirement_id: int
    requirement: str
    obligation: str  # "", "legal" or "contractual"
    quadrant: str  # the party's place on the power/interest grid
    risks: tuple[TraceRisk, ...]
    gaps: tuple[str, ...]  # every gap of the chain, in GAPS order, each once

    @property
    def why(self) -> str:
        """Why the requirement is traced: "Legal obligation", "Manage closely" or both."""
        reasons = [f"{self.obligation.capitalize()} obligation"] if self.obligation else []
        if self.quadrant == party_rules.MANAGE_CLOSELY:
            reasons.append(self.quadrant)
        return "; ".join(reasons)


@dataclass(frozen=True)
class GapCounts:
    """How many of each gap the matrix shows, each thing counted once (a risk cited by two
    requirements lacks its action once)."""

    requirements: int  # traced requirements
    complete: int  # traced requirements whose chain has no gap
    no_risk: int  # requirements
    no_action: int  # risks and opportunities
    action_overdue: int  # actions
    not_checked: int  # risks and opportunities

    def by_gap(self) -> dict[str, int]:
        """Gap -> count, in GAPS order."""
        return dict(zip(GAPS, (self.no_risk, self.no_action, self.action_overdue,
                               self.not_checked), strict=True))


@dataclass(frozen=True)
class Traceability:
    as_of: date
    rows: tuple[TraceRow, ...]
    counts: GapCounts


def is_traced(obligation: str, quadrant: str) -> bool:
    """A compliance obligation, or a requirement of a party to manage closely."""
    return bool(obligation) or quadrant == party_rules.MANAGE_CLOSELY


def treatment_needs_action(treatment: str) -> bool:
    """Every treatment but accepting a risk or declining an opportunity (which ask for a
    rationale, not an action) is carried out by actions; so is an undecided one."""
    return treatment not in rules.NEEDS_RATIONALE


def _actions(session: Session, today: date) -> tuple[dict[int, list[TraceAction]],
                                                    dict[int, list[TraceAction]]]:
    """Actions not cancelled, by the risk and by the objective they were raised from."""
    by_risk: dict[int, list[TraceAction]] = defaultdict(list)
    by_objective: dict[int, list[TraceAction]] = defaultdict(list)
    query = (select(Action.ref, Action.title, Action.owner, Action.due_date, Action.status,
                    Action.effectiveness, Risk.id, Risk.ref, Objective.id, Objective.ref)
             .outerjoin(Risk, Risk.id == Action.risk_id)
             .outerjoin(Objective, Objective.id == Action.objective_id)
             .where(Action.status != "cancelled",
                    Action.risk_id.is_not(None) | Action.objective_id.is_not(None))
             .order_by(Action.ref))
    for ref, title, owner, due, status, effectiveness, risk_id, risk_ref, objective_id, \
            objective_ref in session.execute(query):
        action = TraceAction(ref, title, owner, due, status,
                             action_rules.is_overdue(due, status, today), effectiveness,
                             risk_ref or objective_ref)
        (by_risk[risk_id] if risk_id is not None else by_objective[objective_id]).append(
            action)
    return by_risk, by_objective


def _risk_gaps(risk: Risk, actions: list[TraceAction], today: date) -> tuple[str, ...]:
    gaps = []
    if not actions and treatment_needs_action(risk.treatment):
        gaps.append(NO_ACTION)
    if any(action.overdue for action in actions):
        gaps.append(ACTION_OVERDUE)
    unchecked_done = any(a.status == "done" and not a.effectiveness for a in actions)
    due = risk.evaluation_due is not None and risk.evaluation_due <= today
    if not risk.effectiveness and (due or unchecked_done):
        gaps.append(NOT_CHECKED)
    return tuple(gaps)


def _trace_risks(session: Session, today: date) -> dict[int, TraceRisk]:
    """Every active risk and opportunity raised from a requirement, with its chain."""
    matrix = matrix_in(session)
    risks = session.scalars(
        select(Risk).where(Risk.status == "active", Risk.id.in_(
            select(RiskSource.risk_id).where(RiskSource.requirement_id.is_not(None))))).all()
    objectives: dict[int, list[tuple[int, TraceObjective]]] = defaultdict(list)
    for risk_id, objective_id, ref, title, status in session.execute(
            select(ObjectiveRisk.risk_id, Objective.id, Objective.ref, Objective.title,
                   Objective.status)
            .join(Objective, Objective.id == ObjectiveRisk.objective_id)
            .where(Objective.status != "cancelled")
            .order_by(Objective.ref)):
        objectives[risk_id].append((objective_id, TraceObjective(ref, title, status)))
    by_risk, by_objective = _actions(session, today)
    traced = {}
    for risk in risks:
        actions = by_risk[risk.id] + [a for oid, _o in objectives[risk.id]
                                      for a in by_objective[oid]]
        residual = ""
        if risk.residual_likelihood is not None and risk.residual_impact is not None:
            residual = rules.rating(risk.residual_likelihood, risk.residual_impact, matrix)
        traced[risk.id] = TraceRisk(
            risk.ref, risk.kind, risk.title, rules.rating(risk.likelihood, risk.impact, matrix),
            residual, risk.treatment, risk.treatment_rationale, risk.effectiveness,
            risk.evaluated_on, risk.evaluation_due,
            tuple(objective for _oid, objective in objectives[risk.id]), tuple(actions),
            _risk_gaps(risk, actions, today))
    return traced


def objectives_citing(db: Database) -> dict[int, list[str]]:
    """Risk id -> "REF title" of each objective (not cancelled) that cites it, by reference."""
    found: dict[int, list[str]] = defaultdict(list)
    with db.read() as session:
        for risk_id, ref, title in session.execute(
                select(ObjectiveRisk.risk_id, Objective.ref, Objective.title)
                .join(Objective, Objective.id == ObjectiveRisk.objective_id)
                .where(Objective.status != "cancelled").order_by(Objective.ref)):
            found[risk_id].append(f"{ref} {title}")
    return dict(found)


def _in_order(gaps: set[str]) -> tuple[str, ...]:
    return tuple(gap for gap in GAPS if gap in gaps)


def _counts(rows: list[TraceRow]) -> GapCounts:
    risks = {risk.ref: risk for row in rows for risk in row.risks}
    overdue = {action.ref for risk in risks.values() for action in risk.actions
               if action.overdue}
    return GapCounts(
        requirements=len(rows), complete=sum(1 for row in rows if not row.gaps),
        no_risk=sum(1 for row in rows if NO_RISK in row.gaps),
        no_action=sum(1 for risk in risks.values() if NO_ACTION in risk.gaps),
        action_overdue=len(overdue),
        not_checked=sum(1 for risk in risks.values() if NOT_CHECKED in risk.gaps))


def traceability(db: Database, today: date) -> Traceability:
    """The matrix as of ``today`` (overdue, evaluations due), active parties in reference
    order, each party's requirements in the order entered, each chain's risks by reference."""
    with db.read() as session:
        requirements = session.execute(
            select(PartyRequirement.id, PartyRequirement.description,
                   PartyRequirement.obligation, Party.ref, Party.name, Party.influence,
                   Party.interest)
            .join(Party, Party.id == PartyRequirement.party_id)
            .where(Party.status == "active")
            .order_by(Party.ref, PartyRequirement.id)).all()
        risks = _trace_risks(session, today)
        cited: dict[int, list[int]] = defaultdict(list)
        for requirement_id, risk_id in session.execute(
                select(RiskSource.requirement_id, RiskSource.risk_id)
                .join(Risk, Risk.id == RiskSource.risk_id)
                .where(RiskSource.requirement_id.is_not(None))
                .order_by(Risk.ref)):
            if requirement_id is not None and risk_id in risks:  # active
                cited[requirement_id].append(risk_id)
    rows = []
    for r in requirements:
        quadrant = party_rules.quadrant(r.influence, r.interest)
        if not is_traced(r.obligation, quadrant):
            continue
        chain = tuple(risks[risk_id] for risk_id in cited[r.id])
        gaps = {gap for risk in chain for gap in risk.gaps} if chain else {NO_RISK}
        rows.append(TraceRow(r.ref, r.name, r.id, r.description, r.obligation, quadrant,
                             chain, _in_order(gaps)))
    return Traceability(today, tuple(rows), _counts(rows))
