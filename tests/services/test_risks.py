"""The context (4.1) and risks-and-opportunities (6.1) registers: rules, one write path,
links, ratings by the organisation's matrix, due items and the audit trail."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from qmsdesk.models.audit import AuditEntry
from qmsdesk.models.db import Database
from qmsdesk.services import dashboard
from qmsdesk.services.actions import service as actions
from qmsdesk.services.context import rules as context_rules
from qmsdesk.services.context import service as context
from qmsdesk.services.errors import ConflictError, ValidationError
from qmsdesk.services.objectives import service as objectives
from qmsdesk.services.parties import service as parties
from qmsdesk.services.parties.records import RequirementRecord
from qmsdesk.services.risks import matrix, rules
from qmsdesk.services.risks import service as risks
from qmsdesk.services.risks.records import RiskRecord
from qmsdesk.services.suppliers import service as suppliers
from tests.factories import make_action, make_party, make_supplier


def _issue(today: date, **values: object) -> context.ContextIssueRecord:
    record = context.new_issue(today)
    record.title = "Energy prices double"
    for key, value in values.items():
        setattr(record, key, value)
    return record


def _risk(today: date, **values: object) -> RiskRecord:
    record = risks.new_risk(today)
    record.title = "Loss of the automotive customer"
    for key, value in values.items():
        setattr(record, key, value)
    return record


# --- context issues ------------------------------------------------------------------------
def test_a_context_issue_is_saved_with_its_parties_and_numbered(db: Database,
                                                                today: date) -> None:
    acme = parties.save_party(db, make_party(today, "Acme"), today)
    bank = parties.save_party(db, make_party(today, "Bank"), today)
    saved = context.save_issue(db, _issue(today, party_ids=[bank.id, acme.id, bank.id]), today)
    assert saved.ref == "CTX-0001" and saved.party_ids == [bank.id, acme.id]
    row, = context.list_issues(db, today)
    assert (row.ref, row.swot, row.pestle, row.parties) == (
        "CTX-0001", "threat", "economic", f"{acme.ref}, {bank.ref}")
    saved.party_ids = [acme.id]
    again = context.save_issue(db, saved, today)
    assert again.party_ids == [acme.id] and again.version == saved.version + 1
    with db.read() as session:
        trail = session.scalars(select(AuditEntry.action).where(
            AuditEntry.entity == "context issue party")).all()
    assert trail.count("delete") == 2  # the removed link, field by field, is on the trail


@pytest.mark.parametrize(("values", "field", "message"), [
    ({"origin": "internal", "swot": "threat", "pestle": ""}, "swot",
     "An internal issue is a strength or weakness."),
    ({"origin": "external", "swot": "strength"}, "swot",
     "An external issue is a opportunity or threat."),
    ({"pestle": ""}, "pestle", "Choose the PESTLE factor"),
    ({"origin": "internal", "swot": "weakness", "pestle": "legal"}, "pestle",
     "PESTLE sorts external issues only"),
    ({"title": "  "}, "title", "Title is required."),
    ({"next_review": None}, "next_review", "Next review date is required."),
    ({"review_interval_months": 0}, "review_interval_months", "1 to 60 months"),
])
def test_context_rules_name_the_field(db: Database, today: date, values: dict, field: str,
                                      message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        context.save_issue(db, _issue(today, **values), today)
    assert message in caught.value.errors[field]
    assert context.list_issues(db, today) == []


def test_swot_follows_the_origin() -> None:
    assert context_rules.SWOT_OF == {"internal": ("strength", "weakness"),
                                     "external": ("opportunity", "threat")}


def test_a_stale_copy_of_an_issue_is_a_conflict(db: Database, today: date) -> None:
    saved = context.save_issue(db, _issue(today), today)
    context.save_issue(db, replace(saved, title="Energy prices up 80 %"), today)
    with pytest.raises(ConflictError):
        context.save_issue(db, replace(saved, title="Other"), today)
    archived = context.set_issue_status(db, saved.id, saved.version + 1, "archived", today, "Gone")
    assert context.list_issues(db, today) == []
    assert [r.ref for r in context.list_issues(db, today, include_archived=True)] == [
        archived.ref]


# --- risks and opportunities --------------------------------------------------------------
def test_a_risk_is_rated_by_the_matrix_and_traced_to_its_sources(db: Database,
                                                                  today: date) -> None:
    party = make_party(today, "Harland Automotive")
    party.requirements = [RequirementRecord("OTIF ≥ 98 %", obligation="contractual")]
    party = parties.save_party(db, party, today)
    issue = context.save_issue(db, _issue(today), today)
    supplier = suppliers.save_supplier(db, make_supplier(today), today)
    record = _risk(today, likelihood=4, impact=4, treatment="reduce",
                   context_issue_ids=[issue.id], requirement_ids=[party.requirements[0].id],
                   supplier_ids=[supplier.id], residual_likelihood=2, residual_impact=3)
    saved = risks.save_risk(db, record, today)
    assert saved.ref == "RO-0001"
    row, = risks.list_risks(db, today)
    assert (row.score, row.rating, row.residual_score, row.residual_rating) == (
        16, "high", 6, "medium")
    assert row.sources == f"{issue.ref}, {party.ref}, {supplier.ref}"
    stricter = tuple(tuple("high" if level == "medium" else level for level in levels)
                     for levels in rules.DEFAULT_MATRIX)
    matrix.save_matrix(db, stricter)
    assert risks.list_risks(db, today)[0].residual_rating == "high"
    assert context.list_issues(db, today)[0].risks == 1


def test_a_high_risk_without_an_open_action_needs_one(db: Database, today: date) -> None:
    saved = risks.save_risk(db, _risk(today, likelihood=5, impact=4), today)
    row, = risks.list_risks(db, today)
    assert rules.needs_action(row.kind, row.rating, row.open_actions)
    actions.save_action(db, make_action(today, "Second source for bar stock",
                                        risk_id=saved.id, source="risk or opportunity",
                                        due_date=today + timedelta(days=30)), today)
    row, = risks.list_risks(db, today)
    assert row.open_actions == 1 and not rules.needs_action(row.kind, row.rating, 1)
    assert not rules.needs_action("opportunity", "high", 0)
    # as it stands now: rated medium after treatment, or accepted knowingly, it needs none
    assert not rules.needs_action("risk", "high", 0, residual="medium")
    assert rules.needs_action("risk", "medium", 0, residual="high")
    assert not rules.needs_action("risk", "high", 0, treatment="accept")


@pytest.mark.parametrize(("values", "field", "message"), [
    ({"kind": "opportunity", "treatment": "reduce"}, "treatment",
     "The treatment of an opportunity is one of: pursue, enhance, share, decline."),
    ({"treatment": "accept"}, "treatment_rationale", "Say why the risk is to accept."),
    ({"likelihood": 6}, "likelihood", "Likelihood must be a whole number from 1 to 5."),
    ({"impact": True}, "impact", "Impact must be a whole number from 1 to 5."),
    ({"residual_likelihood": 2}, "residual_impact", "Rate both likelihood and impact"),
    ({"likelihood": 2, "impact": 2, "residual_likelihood": 3, "residual_impact": 3},
     "residual_likelihood", "cannot score higher than before (9 > 4)"),
    ({"effectiveness": "effective"}, "evaluated_on", "Enter when the effectiveness"),
    ({"effectiveness": "effective", "evaluated_on": date(2026, 11, 1)}, "evaluated_by",
     "Enter who evaluated"),
    ({"evaluated_on": date(2026, 11, 1)}, "effectiveness", "Enter the result"),
    ({"effectiveness": "partly", "evaluated_by": "Anna",
      "evaluated_on": date(2026, 12, 1)}, "evaluated_on", "not a future date"),
    ({"title": "x" * 201}, "title", "Title is too long (201 characters; at most 200)."),
])
def test_risk_rules_name_the_field(db: Database, today: date, values: dict, field: str,
                                   message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        risks.save_risk(db, _risk(today, **values), today)
    assert message in caught.value.errors[field]
    assert risks.list_risks(db, today) == []


def test_an_opportunity_may_rate_higher_after_it_is_pursued(db: Database,
                                                             today: date) -> None:
    saved = risks.save_risk(db, _risk(today, kind="opportunity", title="Medical market",
                                      likelihood=2, impact=3, treatment="pursue",
                                      residual_likelihood=4, residual_impact=4), today)
    assert saved.residual_likelihood == 4


def test_a_source_that_vanished_is_refused(db: Database, today: date) -> None:
    with pytest.raises(ValidationError) as caught:
        risks.save_risk(db, _risk(today, context_issue_ids=[99]), today)
    assert "no longer exists" in caught.value.errors["context_issue_ids"]


def test_objectives_cite_the_risks_they_address(db: Database, today: date) -> None:
    saved = risks.save_risk(db, _risk(today), today)
    record = objectives.new_objective(today)
    for key, value in dict(title="OTIF 98 %", kpi_name="OTIF", unit="%", baseline=90.0,
                           target=98.0, start_date=date(2026, 1, 1),
                           due_date=date(2026, 12, 31), risk_ids=[saved.id]).items():
        setattr(record, key, value)
    objective = objectives.save_objective(db, record, today)
    assert objectives.get_objective(db, objective.id).risk_ids == [saved.id]
    objective.risk_ids = [12345]
    with pytest.raises(ValidationError) as caught:
        objectives.save_objective(db, objective, today)
    assert "no longer exists" in caught.value.errors["risk_ids"]


def test_the_matrix_is_checked_and_never_rates_lower_for_more(db: Database) -> None:
    assert rules.rating(1, 1) == "low" and rules.rating(3, 3) == "medium"
    assert rules.rating(2, 5) == "high"
    broken = (*rules.DEFAULT_MATRIX[:4], ("low",) * 5)
    with pytest.raises(ValidationError) as caught:
        matrix.save_matrix(db, broken)
    assert "cannot rate lower" in next(iter(caught.value.errors.values()))
    assert matrix.load_matrix(db) == rules.DEFAULT_MATRIX


def test_reviews_and_evaluations_come_up_as_due_items(db: Database, today: date) -> None:
    context.save_issue(db, _issue(today, next_review=today + timedelta(days=5)), today)
    risks.save_risk(db, _risk(today, next_review=today - timedelta(days=3),
                              evaluation_due=today + timedelta(days=10)), today)
    kinds = [(item.kind, item.register, item.days)
             for item in dashboard.due_items(db, today)]
    assert kinds == [("Risk review", "risks", -3), ("Context issue review", "context", 5),
                     ("Risk treatment evaluation", "risks", 10)]
