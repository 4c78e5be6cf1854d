"""A small context-and-risks register built through the services, with one chain of each
kind the traceability matrix knows: complete, and each of its gaps.

Parties and requirements (traced: a compliance obligation, or a party to manage closely):

- IP-0001 Harland Automotive (manage closely)
  - "OTIF ≥ 98 % per delivery" (contractual): RO-0001, reduced by ACT-0001 (done, checked
    effective) and evaluated effective -> complete
  - "Monthly quality report" (none): nothing cites it -> no risk assessed
  - "Free coffee at audits" (none): also traced (manage closely), cited by RO-0005 (accepted
    with a rationale, so no action is needed) -> complete
- IP-0002 Regulator Nord (monitor)
  - "REACH declarations for every alloy" (legal): RO-0002, treatment reduce, no action
    (its one action is cancelled) -> no action
  - "Annual newsletter" (none): not traced
- IP-0003 Ostwind Medical (keep satisfied)
  - "PPAP level 3 before series" (contractual): RO-0003, cited by OBJ-2026-01 whose action
    ACT-0003 is overdue -> action overdue; and RO-0004 (opportunity, pursue), ACT-0004
    done and never checked -> effectiveness not checked
- IP-0004 Archived Partner (archived): a legal requirement, not traced
- RO-0006: a high risk from a context issue only, with no action (the risks report's
  finding), and RO-0007 an opportunity from the issue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from qmsdesk.models.db import Database
from qmsdesk.services.actions import service as actions
from qmsdesk.services.context import service as context
from qmsdesk.services.objectives import service as objectives
from qmsdesk.services.parties import service as parties
from qmsdesk.services.parties.records import RequirementRecord
from qmsdesk.services.risks import service as risks
from tests.factories import make_action, make_party

SOURCE = "risk or opportunity"


@dataclass(frozen=True)
class Chains:
    requirements: dict[str, int]  # short name -> requirement id
    risks: dict[str, int]  # ref -> id
    objective_ref: str


def _requirements(db: Database, today: date, name: str, influence: int, interest: int,
                  *items: tuple[str, str]) -> list[int]:
    party = make_party(today, name, influence=influence, interest=interest,
                       requirements=[RequirementRecord(text, obligation=obligation)
                                     for text, obligation in items])
    return [r.id for r in parties.save_party(db, party, today).requirements
            if r.id is not None]


def _risk(db: Database, today: date, title: str, **values: object) -> int:
    record = risks.new_risk(today)
    record.title, record.owner = title, "Dana Kowalski"
    for key, value in values.items():
        setattr(record, key, value)
    saved = risks.save_risk(db, record, today)
    assert saved.id is not None
    return saved.id


def _action(db: Database, today: date, title: str, **values: object) -> str:
    return actions.save_action(db, make_action(today, title, owner="Marek Nowak", **values),
                               today).ref


def build_chains(db: Database, today: date) -> Chains:
    ago = today - timedelta(days=90)
    otif, report, coffee = _requirements(
        db, today, "Harland Automotive", 4, 4, ("OTIF ≥ 98 % per delivery", "contractual"),
        ("Monthly quality report", ""), ("Free coffee at audits", ""))
    reach, _news = _requirements(db, today, "Regulator Nord", 1, 1,
                                 ("REACH declarations for every alloy", "legal"),
                                 ("Annual newsletter", ""))
    ppap, = _requirements(db, today, "Ostwind Medical", 4, 1,
                          ("PPAP level 3 before series", "contractual"))
    archived = parties.save_party(db, make_party(
        today, "Archived Partner", requirements=[RequirementRecord("Old law", obligation="legal")]),
        today)
    parties.set_party_status(db, archived.id, archived.version, "archived", today, "Gone")
    issue = context.new_issue(today)
    issue.title, issue.swot, issue.pestle = "Energy prices double", "threat", "economic"
    issue.effect = "Heat treatment costs rise; margins on small lots vanish."
    issue = context.save_issue(db, issue, today)
    strength = context.new_issue(today)
    strength.title, strength.origin, strength.swot, strength.pestle = (
        "Five-axis machining skills", "internal", "strength", "")
    context.save_issue(db, strength, today)

    ids = {
        "RO-0001": _risk(db, today, "Late deliveries to Harland", likelihood=4, impact=4,
                         treatment="reduce", requirement_ids=[otif], residual_likelihood=2,
                         residual_impact=2, evaluation_due=today - timedelta(days=5),
                         evaluated_on=today - timedelta(days=6), evaluated_by="Anna Berg",
                         effectiveness="effective", evaluation_notes="OTIF 98.6 % for 3 months"),
        "RO-0002": _risk(db, today, "REACH declaration missing", likelihood=2, impact=4,
                         treatment="reduce", requirement_ids=[reach]),
        "RO-0003": _risk(db, today, "PPAP rejected", likelihood=3, impact=5, treatment="reduce",
                         requirement_ids=[ppap]),
        "RO-0004": _risk(db, today, "Medical series business", kind="opportunity", likelihood=3,
                         impact=4, treatment="pursue", requirement_ids=[ppap]),
        "RO-0005": _risk(db, today, "Coffee machine breaks", likelihood=1, impact=1,
                         treatment="accept", treatment_rationale="Trivial; a kettle will do",
                         requirement_ids=[coffee]),
        "RO-0006": _risk(db, today, "Energy cost overrun", likelihood=5, impact=5,
                         context_issue_ids=[issue.id]),
        "RO-0007": _risk(db, today, "Heat recovery grant", kind="opportunity", likelihood=2,
                         impact=3, treatment="enhance", context_issue_ids=[issue.id]),
    }
    _action(db, today, "Second shift in dispatch", risk_id=ids["RO-0001"], source=SOURCE,
            start_date=ago, due_date=today - timedelta(days=40), status="done",
            completed_on=today - timedelta(days=45), progress=100, effectiveness="effective",
            effectiveness_by="Anna Berg", effectiveness_on=today - timedelta(days=10))
    _action(db, today, "REACH survey (dropped)", risk_id=ids["RO-0002"], source=SOURCE,
            status="cancelled")
    objective = objectives.new_objective(today)
    for key, value in dict(title="PPAP first-time approval", kpi_name="PPAP approvals",
                           unit="%", baseline=60.0, target=95.0, start_date=ago,
                           due_date=today + timedelta(days=200),
                           risk_ids=[ids["RO-0003"]]).items():
        setattr(objective, key, value)
    objective = objectives.save_objective(db, objective, today)
    _action(db, today, "PPAP training for engineers", objective_id=objective.id,
            source="objective", kind="improvement", start_date=ago,
            due_date=today - timedelta(days=12))
    _action(db, today, "Medical fair stand", risk_id=ids["RO-0004"], source=SOURCE,
            kind="improvement", start_date=ago, due_date=today - timedelta(days=30),
            status="done", completed_on=today - timedelta(days=31), progress=100)
    _action(db, today, "Apply for heat recovery grant", risk_id=ids["RO-0007"], source=SOURCE,
            kind="improvement", due_date=today + timedelta(days=60))
    return Chains({"otif": otif, "report": report, "coffee": coffee, "reach": reach,
                   "ppap": ppap}, ids, objective.ref)

