"""Management-review input 9.3.2 e: the effectiveness of actions taken to address risks and
opportunities, judged on the period's end, and what it adds to the opportunities (f)."""

from __future__ import annotations

from datetime import date

from qmsdesk.models.db import Database
from qmsdesk.services import review_inputs as ri
from qmsdesk.services.actions import service as actions
from qmsdesk.services.risks import service as risks
from tests.conftest import TODAY
from tests.factories import make_action

START, END = date(2026, 3, 1), date(2026, 6, 30)
SOURCE = "risk or opportunity"


def _risk(db: Database, title: str, **values: object) -> int:
    record = risks.new_risk(TODAY)
    record.title, record.owner = title, "Dana Kowalski"
    for key, value in values.items():
        setattr(record, key, value)
    saved = risks.save_risk(db, record, TODAY)
    assert saved.id is not None
    return saved.id


def _action(db: Database, title: str, risk_id: int, **values: object) -> None:
    actions.save_action(db, make_action(TODAY, title, risk_id=risk_id, source=SOURCE,
                                        **values), TODAY)


def _build(db: Database) -> None:
    evaluated = _risk(db, "Late deliveries", likelihood=4, impact=4, treatment="reduce",
                      residual_likelihood=2, residual_impact=2,
                      evaluation_due=date(2026, 5, 1), evaluated_on=date(2026, 5, 10),
                      evaluated_by="Anna Berg", effectiveness="effective",
                      evaluation_notes="OTIF 98.6 % three months running")
    _action(db, "Second shift", evaluated, start_date=date(2026, 3, 5),
            due_date=date(2026, 4, 30), status="done", completed_on=date(2026, 4, 20),
            progress=100)
    _risk(db, "Key machinist leaves", likelihood=5, impact=4, treatment="reduce",
          evaluation_due=date(2026, 6, 1))  # no action, evaluation awaited
    _risk(db, "Medical market", kind="opportunity", likelihood=3, impact=3,
          treatment="pursue", evaluated_on=date(2026, 6, 15), evaluated_by="Anna Berg",
          effectiveness="not effective")
    _risk(db, "Coolant supply", likelihood=2, impact=3, treatment="reduce",
          evaluation_due=date(2026, 6, 20), evaluated_on=date(2026, 8, 1),
          evaluated_by="Anna Berg", effectiveness="partly")  # evaluated after the period
    late = _risk(db, "Crane certification lapses", likelihood=4, impact=5, treatment="reduce")
    _action(db, "Book the crane inspection", late, start_date=date(2026, 3, 10),
            due_date=date(2026, 5, 1))
    _action(db, "Later idea", late, start_date=date(2026, 9, 1), due_date=date(2026, 12, 1))


def test_the_risks_register_fills_9_3_2_e(db: Database) -> None:
    _build(db)
    data = ri.review_inputs(db, START, END, TODAY).risks

    assert (data.risks, data.opportunities) == (4, 1)
    assert [(e.ref, e.result, e.rating, e.residual_rating, e.evaluated_by)
            for e in data.evaluations] == [
        ("RO-0001", "effective", "high", "low", "Anna Berg"),
        ("RO-0003", "not effective", "medium", "", "Anna Berg")]
    assert data.by_result == {"effective": 1, "partly": 0, "not effective": 1}
    # Due by the period's end without a result then (RO-0004 was evaluated only in August).
    assert [(a.due, a.ref) for a in data.awaited] == [
        (date(2026, 6, 1), "RO-0002"), (date(2026, 6, 20), "RO-0004")]
    # High as it stands, no open action (the dashboard's rule): RO-0002; not RO-0001 (its
    # action done, rated low after it) nor RO-0005 (an open action).
    assert [(r.ref, r.residual_rating) for r in data.unaddressed] == [("RO-0002", "")]
    assert (data.actions_completed, data.actions_open, data.actions_overdue) == (1, 1, 1)


def test_a_treatment_that_did_not_work_is_an_opportunity_for_improvement(db: Database) -> None:
    _build(db)
    found = {o.source_ref: o.why for o in ri.review_inputs(db, START, END, TODAY).opportunities}
    assert found["RO-0003"] == "Treatment (pursue) evaluated not effective on 2026-06-15."
    assert "RO-0001" not in found


def test_another_period_sees_other_evaluations(db: Database) -> None:
    _build(db)
    data = ri.review_inputs(db, date(2026, 7, 1), date(2026, 9, 30), TODAY).risks
    assert [(e.ref, e.result) for e in data.evaluations] == [("RO-0004", "partly")]
    assert [a.ref for a in data.awaited] == ["RO-0002"]
    # "Later idea" has started by September: the crane risk has two open actions now.
    assert (data.actions_completed, data.actions_open) == (0, 2)


def test_no_risks_recorded_gives_an_empty_section(db: Database) -> None:
    data = ri.review_inputs(db, START, END, TODAY).risks
    assert (data.risks, data.evaluations, data.awaited, data.unaddressed) == (0, (), (), ())
    assert data.by_result == {"effective": 0, "partly": 0, "not effective": 0}
