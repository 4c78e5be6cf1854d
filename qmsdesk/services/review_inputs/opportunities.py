"""Management-review input 9.3.2 f: opportunities for improvement, derived from the registers.

Objectives off track or at risk, actions checked and risk or opportunity treatments
evaluated and found not (fully) effective, suppliers to watch, parties whose satisfaction
declined, open improvement actions and overdue ones, each with the reason it is listed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from qmsdesk.services.actions import rules as action_rules
from qmsdesk.services.labels import label
from qmsdesk.services.numbers import format_score
from qmsdesk.services.objectives import rules as objective_rules
from qmsdesk.services.review_inputs.actions import ActionEffectiveness, LoggedAction
from qmsdesk.services.review_inputs.feedback import Satisfaction
from qmsdesk.services.review_inputs.objectives import ObjectivesMet
from qmsdesk.services.review_inputs.providers import ProviderPerformance
from qmsdesk.services.review_inputs.risks import RiskEffectiveness

_RESULT_WORDS = {"effective": "effective", "partly": "partly effective",
                 "not effective": "not effective"}


@dataclass(frozen=True)
class Opportunity:
    """One opportunity for improvement derived from the registers, with the reason."""

    source_ref: str
    what: str
    why: str


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


def opportunities(period_to: date, actions: Sequence[LoggedAction], objectives: ObjectivesMet,
                   checks: ActionEffectiveness, providers: ProviderPerformance,
                   feedback: Satisfaction,
                   risks: RiskEffectiveness) -> tuple[Opportunity, ...]:
    """Objectives, actions, risk treatments, suppliers and parties that call for improvement,
    in that order."""
    found = _objective_opportunities(objectives, period_to)
    for check in checks.checks:
        if check.result != "effective":
            source = f" (raised from {check.source_ref})" if check.source_ref else ""
            found.append(Opportunity(check.ref, check.title,
                                     f"Checked {_RESULT_WORDS[check.result]} on "
                                     f"{check.checked_on.isoformat()}{source}."))
    for evaluation in risks.evaluations:
        if evaluation.result != "effective":
            found.append(Opportunity(evaluation.ref, evaluation.title,
                                     f"Treatment ({evaluation.treatment or 'not decided'}) "
                                     f"evaluated {_RESULT_WORDS[evaluation.result]} on "
                                     f"{evaluation.evaluated_on.isoformat()}."))
    found += _supplier_opportunities(providers)
    for party in feedback.declined:
        found.append(Opportunity(party.ref, party.name,
                                 "Average satisfaction fell from "
                                 f"{format_score(party.previous_average)} to "
                                 f"{format_score(party.average)} against the previous period."))
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
