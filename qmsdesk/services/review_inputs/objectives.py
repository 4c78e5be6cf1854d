"""Management-review input 9.3.2 c 2: the extent to which quality objectives have been met.

Every objective that ran in the period, judged by the one health rule as of its last day.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from qmsdesk.models.objectives import Measurement, Objective
from qmsdesk.services.objectives import rules as objective_rules
from qmsdesk.services.objectives.rules import format_number, target_text

_UNTRACKED = ("draft", "cancelled")  # never ran, or stopped: no extent met to report


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


def objectives_met(session: Session, period_from: date, period_to: date,
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
