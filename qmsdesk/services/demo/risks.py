"""Demo data for the context (ISO 9001 4.1) and the risks and opportunities (6.1).

The machine shop's context as a dozen SWOT issues (the external ones sorted by PESTLE),
each naming the interested parties it concerns; about twenty risks and eight opportunities
raised by those issues, by the parties' requirements (many of them compliance obligations)
and by a few suppliers, rated, treated (every treatment of both kinds), reviewed and
evaluated. The actions that treat them are in the shared action log: most done and checked,
some open, one overdue, one done and awaiting its check, and one (visual sampling of
anodised parts) not effective: the risk's evaluation says so, a second action re-treats it
and a later evaluation finds that one effective. A few objectives cite the risks they
address. Saved only through the services (``save_issues``, ``save_risks``,
``save_actions``, ``save_objectives``), after the parties, objectives and suppliers it
refers to (``DemoSection.after``).

The data lives in ``data/risks.json``: ``"issues"`` and ``"risks"`` keyed like ``IssueSpec``
and ``RiskSpec`` (a risk's ``actions`` like ``ActionSpec``, its ``evaluation`` and
``reevaluation`` like ``EvaluationSpec``), and ``"objectives"``: an objective's key in
``objectives.json`` -> the keys of the risks it addresses. Parties, requirements (a party's
name and the requirement's exact description) and suppliers are named as in their own
data files, which the loader checks. Dates are days relative to ``today``; reviews fall
on plan, due soon or overdue as ``review`` says, whatever day the demo is created.
"""

from __future__ import annotations

import json
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from qmsdesk.models.db import Database
from qmsdesk.services.actions.records import ActionRecord
from qmsdesk.services.actions.service import new_action
from qmsdesk.services.batch import finish
from qmsdesk.services.context.records import ContextIssueRecord
from qmsdesk.services.context.service import get_issue, save_issue, save_issues
from qmsdesk.services.dates import add_months
from qmsdesk.services.demo import objectives as demo_objectives
from qmsdesk.services.demo import parties as demo_parties
from qmsdesk.services.demo import suppliers as demo_suppliers
from qmsdesk.services.demo.history import Story, Timeline, save_in_stages
from qmsdesk.services.demo.spec import DemoSection, build_spec
from qmsdesk.services.objectives.service import get_objective, list_objectives, save_objectives
from qmsdesk.services.parties.service import get_party, list_parties
from qmsdesk.services.risks.records import RiskRecord
from qmsdesk.services.risks.service import get_risk, save_risks
from qmsdesk.services.suppliers.service import list_suppliers

DATA_FILE = Path(__file__).parent / "data" / "risks.json"

ON_PLAN, DUE_SOON, OVERDUE = "on plan", "due soon", "overdue"
# The context and risk registers were set up this many days before ``today``: before the
# first action a risk raised (480 days), after the suppliers the risks name (526 days).
SET_UP_DAYS = 500
REVIEWS = (ON_PLAN, DUE_SOON, OVERDUE)


@dataclass(frozen=True)
class IssueSpec:
    key: str  # how risks refer to it
    title: str
    origin: str
    swot: str
    pestle: str
    description: str
    effect: str
    owner: str  # a role in demo.STAFF
    parties: tuple[str, ...]  # interested parties' names
    interval: int = 12
    review: str = ON_PLAN


@dataclass(frozen=True)
class EvaluationSpec:
    """The evaluation of a treatment's effectiveness (6.1.2 b); days relative to today."""

    due: int | None = None
    on: int | None = None
    by: str = ""  # a role in demo.STAFF
    result: str = ""
    notes: str = ""
    residual: tuple[int, int] | None = None  # a re-evaluation's new residual rating


@dataclass(frozen=True)
class ActionSpec:
    title: str
    kind: str
    owner: str  # a role in demo.STAFF, like checked_by
    start: int  # days relative to today, like due, completed and checked
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
class RiskSpec:
    key: str  # how objectives refer to it
    kind: str
    title: str
    description: str
    processes: tuple[str, ...]
    cause: str
    consequence: str
    likelihood: int
    impact: int
    treatment: str
    rationale: str
    owner: str  # a role in demo.STAFF
    interval: int = 12
    review: str = ON_PLAN
    residual: tuple[int, int] | None = None
    issues: tuple[str, ...] = ()  # IssueSpec keys
    requirements: tuple[tuple[str, str], ...] = ()  # (party name, requirement description)
    suppliers: tuple[str, ...] = ()  # suppliers' names
    evaluation: EvaluationSpec = EvaluationSpec()
    reevaluation: EvaluationSpec | None = None  # after a re-treatment
    actions: tuple[ActionSpec, ...] = ()


def _spec(cls: type, item: dict[str, Any], where: str) -> Any:
    return build_spec(cls, item, where, DATA_FILE)


def _evaluation(item: dict[str, Any] | None, where: str) -> EvaluationSpec | None:
    if item is None:
        return None
    residual = item.get("residual")
    return _spec(EvaluationSpec, {**item, "residual": tuple(residual) if residual else None},
                 where)


def _risk(item: dict[str, Any], issues: set[str]) -> RiskSpec:
    where = f"risk {item.get('key', '?')!r}"
    fields = dict(item)
    for name in ("processes", "issues", "suppliers"):
        fields[name] = tuple(fields.get(name, ()))
    fields["requirements"] = tuple(tuple(pair) for pair in fields.get("requirements", ()))
    if fields.get("residual"):
        fields["residual"] = tuple(fields["residual"])
    fields["evaluation"] = _evaluation(fields.get("evaluation", {}), f"the evaluation of {where}")
    fields["reevaluation"] = _evaluation(fields.get("reevaluation"),
                                         f"the re-evaluation of {where}")
    fields["actions"] = tuple(_spec(ActionSpec, action, f"an action of {where}")
                              for action in fields.get("actions", ()))
    spec: RiskSpec = _spec(RiskSpec, fields, where)
    _check_names(spec, issues, where)
    return spec


def _check_names(spec: RiskSpec, issues: set[str], where: str) -> None:
    """Every name the risk uses is in the demo's other data files."""
    requirements = {(party.name, requirement[0]) for party in demo_parties.PARTIES
                    for requirement in party.requirements}
    suppliers = {supplier.name for supplier in demo_suppliers.SUPPLIERS}
    for problem, bad in (("unknown context issues", set(spec.issues) - issues),
                         ("unknown suppliers", set(spec.suppliers) - suppliers),
                         ("requirements no party has", {f"{p}: {d}" for p, d in
                                                        set(spec.requirements) - requirements})):
        if bad:
            raise ValueError(f"{DATA_FILE.name}: {where}: {problem}: {', '.join(sorted(bad))}")
    if spec.review not in REVIEWS:
        raise ValueError(f"{DATA_FILE.name}: {where}: unknown review {spec.review!r}")


def _load(path: Path) -> tuple[tuple[IssueSpec, ...], tuple[RiskSpec, ...],
                               dict[str, tuple[str, ...]]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    parties = {party.name for party in demo_parties.PARTIES}
    issues = []
    for item in data["issues"]:
        where = f"issue {item.get('key', '?')!r}"
        spec: IssueSpec = _spec(IssueSpec, {**item, "parties": tuple(item["parties"])}, where)
        if unknown := set(spec.parties) - parties:
            raise ValueError(f"{DATA_FILE.name}: {where}: unknown parties "
                             f"{', '.join(sorted(unknown))}")
        if spec.review not in REVIEWS:
            raise ValueError(f"{DATA_FILE.name}: {where}: unknown review {spec.review!r}")
        issues.append(spec)
    issue_keys = {spec.key for spec in issues}
    risks = tuple(_risk(item, issue_keys) for item in data["risks"])
    risk_keys = {spec.key for spec in risks}
    if len(issue_keys) != len(issues) or len(risk_keys) != len(risks):
        raise ValueError(f"{DATA_FILE.name}: issue and risk keys must be unique")
    objectives = {key: tuple(cited) for key, cited in data["objectives"].items()}
    known = {spec.key for spec in demo_objectives.OBJECTIVES}
    for key, cited in objectives.items():
        if key not in known or not set(cited) <= risk_keys:
            raise ValueError(f"{DATA_FILE.name}: objective {key!r}: unknown objective or "
                             "risk key")
    return tuple(issues), risks, objectives


ISSUES, RISKS, OBJECTIVES = _load(DATA_FILE)


def step_count() -> int:
    """One step per issue, risk, action, re-evaluation and objective citing risks saved."""
    return (len(ISSUES) + len(RISKS) + sum(len(spec.actions) for spec in RISKS)
            + sum(spec.reevaluation is not None for spec in RISKS) + len(OBJECTIVES))


def _weekday(day: date) -> date:
    """The same day, or the Friday before when it falls on a weekend."""
    return day - timedelta(days=max(0, day.weekday() - 4))


def _day(today: date, offset: int | None) -> date | None:
    return None if offset is None else _weekday(today + timedelta(days=offset))


def review_dates(review: str, months: int, today: date,
                 rng: random.Random) -> tuple[date, date]:
    """Last and next review, one interval apart, the next one where ``review`` says."""
    if review == OVERDUE:
        offset = -rng.randint(10, 45)
    elif review == DUE_SOON:
        offset = rng.randint(7, 25)
    else:  # more than a month away, the last review at least a month ago
        offset = rng.randint(40, max(41, (add_months(today, months) - today).days - 30))
    last = _weekday(add_months(today + timedelta(days=offset), -months))
    return last, add_months(last, months)


def issue_record(spec: IssueSpec, today: date, rng: random.Random, staff: Mapping[str, str],
                 party_ids: Mapping[str, int]) -> ContextIssueRecord:
    last, next_review = review_dates(spec.review, spec.interval, today, rng)
    return ContextIssueRecord(
        title=spec.title, origin=spec.origin, swot=spec.swot, pestle=spec.pestle,
        description=spec.description, effect=spec.effect, owner=staff[spec.owner],
        review_interval_months=spec.interval, last_review=last, next_review=next_review,
        party_ids=[party_ids[name] for name in spec.parties])


def _evaluate(record: RiskRecord, evaluation: EvaluationSpec, today: date,
              staff: Mapping[str, str]) -> None:
    record.evaluation_due = _day(today, evaluation.due)
    record.evaluated_on = _day(today, evaluation.on)
    record.evaluated_by = staff[evaluation.by] if evaluation.by else ""
    record.effectiveness, record.evaluation_notes = evaluation.result, evaluation.notes
    if evaluation.residual is not None:
        record.residual_likelihood, record.residual_impact = evaluation.residual


def risk_record(spec: RiskSpec, today: date, rng: random.Random, staff: Mapping[str, str],
                ids: Mapping[str, Mapping[Any, int]]) -> RiskRecord:
    """The record the demo saves first for one spec (before any re-evaluation); ``ids``
    maps "issues" (keys), "requirements" ((party, description)) and "suppliers" (names)
    to database ids."""
    last, next_review = review_dates(spec.review, spec.interval, today, rng)
    record = RiskRecord(
        kind=spec.kind, title=spec.title, description=spec.description,
        processes="\n".join(spec.processes), cause=spec.cause, consequence=spec.consequence,
        likelihood=spec.likelihood, impact=spec.impact, treatment=spec.treatment,
        treatment_rationale=spec.rationale, owner=staff[spec.owner],
        review_interval_months=spec.interval, last_review=last, next_review=next_review,
        context_issue_ids=[ids["issues"][key] for key in spec.issues],
        requirement_ids=[ids["requirements"][pair] for pair in spec.requirements],
        supplier_ids=[ids["suppliers"][name] for name in spec.suppliers])
    if spec.residual is not None:
        record.residual_likelihood, record.residual_impact = spec.residual
    _evaluate(record, spec.evaluation, today, staff)
    return record


def action_record(spec: ActionSpec, today: date, staff: Mapping[str, str],
                  risk_id: int) -> ActionRecord:
    """The action the demo saves, raised from the risk or opportunity ``risk_id``."""
    record = new_action(today, risk_id=risk_id)
    record.title, record.description, record.kind = spec.title, spec.description, spec.kind
    record.owner, record.status, record.progress = staff[spec.owner], spec.status, \
        spec.progress
    record.start_date, record.due_date = _day(today, spec.start), _day(today, spec.due)
    record.completed_on, record.effectiveness = _day(today, spec.completed), spec.effectiveness
    record.effectiveness_by = staff[spec.checked_by] if spec.checked_by else ""
    record.effectiveness_on, record.evidence = _day(today, spec.checked), spec.evidence
    return record


def _requirement_ids(db: Database, today: date,
                     party_ids: Mapping[str, int]) -> dict[tuple[str, str], int]:
    """(party name, requirement description) -> id, for the requirements risks name."""
    wanted = {party for spec in RISKS for party, _ in spec.requirements}
    found: dict[tuple[str, str], int] = {}
    for name in sorted(wanted):
        for requirement in get_party(db, party_ids[name]).requirements:
            assert requirement.id is not None
            found[(name, requirement.description)] = requirement.id
    return found


def _save_risks(db: Database, today: date, records: Sequence[RiskRecord]) -> list[tuple[int, str]]:
    with db.session() as session:
        return [(risk.id, risk.ref) for risk in finish(save_risks(session, records, today))]


def set_up_on(today: date) -> date:
    """The day the context and risk registers were set up: before the first action any
    risk raised, after every supplier and party the risks name was registered."""
    return _weekday(today - timedelta(days=SET_UP_DAYS))


def build(db: Database, today: date, rng: random.Random,
          staff: Mapping[str, str]) -> Story:
    """The issues and risks as first assessed on the day the registers were set up; then
    on their days the actions they raised (opened, closed, checked), the evaluations of
    the treatments, the latest reviews and the objectives citing them (see history.play).
    """
    set_up = set_up_on(today)
    timeline = Timeline()
    ids: dict[str, dict[Any, int]] = {}
    timeline.add(set_up, partial(_set_up, timeline, db, today, rng, staff, ids))
    yield from timeline.run()


def _set_up(timeline: Timeline, db: Database, today: date, rng: random.Random,
            staff: Mapping[str, str], ids: dict[str, dict[Any, int]]) -> list[str]:
    """Save every issue, then every risk, each in one batch as first assessed (reviewed on
    the day, the treatment not yet evaluated); add what happened to them later."""
    set_up = set_up_on(today)
    party_ids = {row.name: row.id for row in list_parties(db, today, include_archived=True)}
    issues = [issue_record(spec, today, rng, staff, party_ids) for spec in ISSUES]
    with db.session() as session:
        saved_issues = [(issue.id, issue.ref, issue.title) for issue in finish(save_issues(
            session, [_first_review(issue, set_up) for issue in issues], today))]
    ids["issues"] = {spec.key: issue_id for spec, (issue_id, _, _) in
                     zip(ISSUES, saved_issues, strict=True)}
    ids["requirements"] = _requirement_ids(db, today, party_ids)
    ids["suppliers"] = {row.name: row.id for row in list_suppliers(db, today)}
    risks = [risk_record(spec, today, rng, staff, ids) for spec in RISKS]
    saved = _save_risks(db, today, [_as_assessed(risk, set_up) for risk in risks])
    labels = [*(f"{ref} {title}" for _, ref, title in saved_issues),
              *(f"{ref} {spec.title}" for spec, (_, ref) in zip(RISKS, saved, strict=True))]
    ids["risks"] = {spec.key: risk_id for spec, (risk_id, _) in zip(RISKS, saved, strict=True)}
    for issue, (issue_id, _, _) in zip(issues, saved_issues, strict=True):
        if issue.last_review is not None and issue.last_review > set_up:
            timeline.add(issue.last_review, partial(_review_issue, db, issue_id, issue, today))
    for spec, risk in zip(RISKS, risks, strict=True):
        risk_id = ids["risks"][spec.key]
        if risk.last_review is not None and risk.last_review > set_up:
            timeline.add(risk.last_review, partial(_update_risk, db, risk_id, today, {
                "last_review": risk.last_review, "next_review": risk.next_review}))
        for evaluation, label in ((spec.evaluation, ""), (spec.reevaluation, "re-evaluated")):
            if evaluation is not None and evaluation.on is not None:
                timeline.add(_day(today, evaluation.on) or today, partial(
                    _evaluate_risk, db, risk_id, evaluation, today, staff, label))
    # Raised in this order, so the references follow the calendar.
    for action, risk_key in sorted(((action, spec.key) for spec in RISKS
                                    for action in spec.actions),
                                   key=lambda item: item[0].start):
        save_in_stages(timeline, db, action_record(action, today, staff,
                                                   ids["risks"][risk_key]), today)
    windows = {spec.key: demo_objectives.objective_window(spec, today)
               for spec in demo_objectives.OBJECTIVES}
    for key, cited in OBJECTIVES.items():
        timeline.add(max(set_up, windows[key][0]),
                     partial(_cite, db, today, key, [ids["risks"][r] for r in cited]))
    return labels


def _first_review(issue: ContextIssueRecord, set_up: date) -> ContextIssueRecord:
    return replace(issue, last_review=set_up,
                   next_review=add_months(set_up, issue.review_interval_months))


def _as_assessed(risk: RiskRecord, set_up: date) -> RiskRecord:
    """The risk on the day it was first assessed: reviewed then, not yet evaluated."""
    return replace(risk, last_review=set_up,
                   next_review=add_months(set_up, risk.review_interval_months),
                   evaluated_on=None, evaluated_by="", effectiveness="", evaluation_notes="")


def _review_issue(db: Database, issue_id: int, final: ContextIssueRecord, today: date) -> None:
    record = get_issue(db, issue_id)
    record.last_review, record.next_review = final.last_review, final.next_review
    save_issue(db, record, today)


def _update_risk(db: Database, risk_id: int, today: date, values: Mapping[str, Any]) -> None:
    record = get_risk(db, risk_id)
    for name, value in values.items():
        setattr(record, name, value)
    _save_risks(db, today, [record])


def _evaluate_risk(db: Database, risk_id: int, evaluation: EvaluationSpec, today: date,
                   staff: Mapping[str, str], label: str) -> str | None:
    """The treatment evaluated (again, after a re-treatment) on the day of the check; a
    re-evaluation is a step of its own (``label``)."""
    record = get_risk(db, risk_id)
    _evaluate(record, evaluation, today, staff)
    ref = _save_risks(db, today, [record])[0][1]
    return f"{ref} {label}" if label else None


def _cite(db: Database, today: date, key: str, risk_ids: list[int]) -> str:
    """The objective ``key`` cites the risks it addresses, from the day it is set (or the
    day the risks are, for an objective older than them)."""
    title = next(spec.title for spec in demo_objectives.OBJECTIVES if spec.key == key)
    by_title = {row.title: row for row in list_objectives(db, today)}
    record = get_objective(db, by_title[title].id)
    record.risk_ids = [*record.risk_ids, *risk_ids]
    with db.session() as session:
        ref = finish(save_objectives(session, [record], today))[0].ref
    return f"{ref} cites the risks it addresses"


def section() -> DemoSection:
    """This register's share of the demo, for the context and the risks registers (the
    register catalogue names it); it links to parties, objectives and suppliers."""
    return DemoSection("risks", "Context, risks and opportunities", step_count(), build,
                       after=("parties", "objectives", "suppliers"))
