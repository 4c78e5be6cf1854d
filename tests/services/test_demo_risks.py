"""Demo data for the context (4.1) and the risks and opportunities (6.1): the story holds
together, on any day, and the demo's sections are created in an order that lets it."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from qmsdesk.models.audit import AuditEntry, verify_chain
from qmsdesk.services.actions import rules as action_rules
from qmsdesk.services.actions.service import get_action, list_actions
from qmsdesk.services.context import rules as issue_rules
from qmsdesk.services.context.service import get_issue, list_issues
from qmsdesk.services.demo import risks as demo_risks
from qmsdesk.services.demo.builder import STAFF, sections
from qmsdesk.services.demo.spec import DemoSection, in_order
from qmsdesk.services.objectives.service import get_objective, list_objectives
from qmsdesk.services.parties.service import get_party, list_parties
from qmsdesk.services.risks import rules as risk_rules
from qmsdesk.services.risks.service import get_risk, list_risks
from qmsdesk.services.suppliers.service import list_suppliers


@pytest.fixture
def demo(shared_demo):
    return shared_demo


@pytest.fixture
def risks(demo, today):
    return [get_risk(demo, row.id) for row in list_risks(demo, today)]


@pytest.fixture
def risk_actions(demo, today):
    return [get_action(demo, row.id) for row in list_actions(demo, today)
            if row.source == "risk or opportunity"]


def test_the_context_is_a_swot_with_every_pestle_factor_and_names_its_parties(demo, today):
    issues = [get_issue(demo, row.id) for row in list_issues(demo, today)]
    assert len(issues) == 12
    assert Counter(i.origin for i in issues) == {"internal": 5, "external": 7}
    assert {i.swot for i in issues} == set(issue_rules.SWOT)
    assert {i.pestle for i in issues if i.origin == "external"} == set(issue_rules.PESTLE)
    party_names = {row.id: row.name for row in list_parties(demo, today)}
    for issue in issues:
        assert issue_rules.validate_issue(issue, today) == {}, issue.title
        assert issue.party_ids and set(issue.party_ids) <= set(party_names), issue.title
        assert issue.owner in STAFF.values() and issue.effect
    days = [(i.next_review - today).days for i in issues]
    assert any(d < 0 for d in days) and any(0 <= d <= 30 for d in days)


def test_risks_and_opportunities_are_rated_treated_and_traced(risks, demo, today):
    kinds = Counter(r.kind for r in risks)
    assert kinds == {"risk": 22, "opportunity": 8}
    for kind, treatments in risk_rules.TREATMENTS.items():
        assert {r.treatment for r in risks if r.kind == kind} == set(treatments), kind
    for risk in risks:
        assert risk_rules.validate_risk(risk, today) == {}, risk.title
        assert risk.requirement_ids or risk.context_issue_ids or risk.supplier_ids, risk.title
        if risk.treatment in risk_rules.NEEDS_RATIONALE:
            assert risk.treatment_rationale
    assert sum(bool(r.requirement_ids) for r in risks) == len(risks)  # all from 4.2
    assert sum(bool(r.context_issue_ids) for r in risks) >= 18
    assert len({s for r in risks for s in r.supplier_ids}) >= 6
    assert sum(r.residual_likelihood is not None for r in risks) >= 15
    levels = Counter(risk_rules.rating(r.likelihood, r.impact) for r in risks)
    assert set(levels) == set(risk_rules.LEVELS)
    # every issue raises something; a supplier source is a supplier of the demo
    issue_ids = {row.id for row in list_issues(demo, today)}
    assert {i for r in risks for i in r.context_issue_ids} == issue_ids
    assert {s for r in risks for s in r.supplier_ids} <= {row.id for row in
                                                         list_suppliers(demo, today)}


def test_reviews_and_evaluations_are_due_for_the_dashboard(demo, today):
    rows = list_risks(demo, today)
    assert sum(row.overdue for row in rows) == 2
    assert any(0 <= (row.next_review - today).days <= 30 for row in rows)
    risks = [get_risk(demo, row.id) for row in rows]
    due = [r for r in risks if r.evaluation_due is not None and not r.effectiveness
           and r.evaluation_due <= today + timedelta(days=30)]
    assert len(due) == 2 and any(r.evaluation_due < today for r in due)
    evaluated = Counter(r.effectiveness for r in risks if r.effectiveness)
    assert set(evaluated) == {"effective", "partly"}  # the one not effective re-evaluated
    for risk in risks:
        if risk.effectiveness:
            assert risk.evaluated_by in STAFF.values() and risk.evaluated_on <= today


def test_actions_raised_from_risks_have_every_state(risk_actions, today):
    assert len(risk_actions) == 25
    states = Counter(a.status for a in risk_actions)
    assert states["done"] >= 15 and states["in progress"] >= 3 and states["open"] >= 3
    assert sum(a.is_overdue(today) for a in risk_actions) == 1
    assert {a.effectiveness for a in risk_actions} == {"", "effective", "partly",
                                                        "not effective"}
    assert sum(a.status == "done" and not a.effectiveness for a in risk_actions) == 1
    assert {a.kind for a in risk_actions} >= {"preventive", "corrective", "improvement"}
    for action in risk_actions:
        assert action_rules.validate_action(action, today) == {}, action.title
        assert action.owner in STAFF.values() and action.source_ref.startswith("RO-")
    # entered in the order they were raised
    assert [a.start_date for a in risk_actions] == sorted(a.start_date for a in risk_actions)


def test_one_treatment_was_not_effective_and_the_risk_was_re_treated(demo, risks, risk_actions):
    risk = next(r for r in risks if r.title.startswith("Anodising defects"))
    first, second = [a for a in risk_actions if a.risk_id == risk.id]
    assert first.effectiveness == "not effective" and second.effectiveness == "effective"
    assert first.effectiveness_on < second.start_date  # re-treated after the check
    assert risk.effectiveness == "effective" and risk.evaluated_on >= second.effectiveness_on
    assert "not effective" in risk.evaluation_notes
    assert (risk.residual_likelihood, risk.residual_impact) == (2, 4)
    with demo.session() as session:
        changes = session.execute(select(AuditEntry.old_value, AuditEntry.new_value).where(
            AuditEntry.ref == risk.ref, AuditEntry.field == "effectiveness")).all()
    assert ("not effective", "effective") in [tuple(change) for change in changes]


def test_objectives_cite_the_risks_they_address_and_the_chain_holds(demo, risks,
                                                                    risk_actions, today):
    objectives = [get_objective(demo, row.id) for row in list_objectives(demo, today)]
    citing = [o for o in objectives if o.risk_ids]
    assert len(citing) == 6 and sum(len(o.risk_ids) for o in citing) == 8
    by_id = {r.id: r for r in risks}
    assert all(risk_id in by_id for o in citing for risk_id in o.risk_ids)
    # requirement -> risk -> objective -> action -> effectiveness, for Harland's PPAP
    harland = next(row for row in list_parties(demo, today) if row.name.startswith("Harland"))
    ppap = next(r for r in get_party(demo, harland.id).requirements
                if r.description.startswith("PPAP level 3"))
    assert ppap.obligation == "contractual"
    risk = next(r for r in risks if ppap.id in r.requirement_ids)
    assert any(risk.id in o.risk_ids for o in citing)
    assert [a.effectiveness for a in risk_actions if a.risk_id == risk.id] == ["effective"]
    assert risk.effectiveness == "effective"
    with demo.session() as session:
        assert verify_chain(session).intact


@pytest.mark.parametrize("start", [date(2026, 1, 1), date(2027, 6, 1)])
def test_the_story_is_valid_and_its_reviews_in_their_buckets_on_every_day(start):
    ids = {"issues": {spec.key: n for n, spec in enumerate(demo_risks.ISSUES, 1)},
           "requirements": {pair: n for n, pair in enumerate(
               {pair for spec in demo_risks.RISKS for pair in spec.requirements}, 1)},
           "suppliers": {name: n for n, name in enumerate(
               {name for spec in demo_risks.RISKS for name in spec.suppliers}, 1)}}
    party_ids = {name: 1 for spec in demo_risks.ISSUES for name in spec.parties}
    for offset in range(0, 366, 4):
        today = start + timedelta(days=offset)
        rng = random.Random(offset)
        for issue in demo_risks.ISSUES:
            record = demo_risks.issue_record(issue, today, rng, STAFF, party_ids)
            assert issue_rules.validate_issue(record, today) == {}, (today, issue.key)
            _in_bucket(issue.review, record.next_review, today)
        for spec in demo_risks.RISKS:
            record = demo_risks.risk_record(spec, today, rng, STAFF, ids)
            assert risk_rules.validate_risk(record, today) == {}, (today, spec.key)
            _in_bucket(spec.review, record.next_review, today)
            for action in spec.actions:
                made = demo_risks.action_record(action, today, STAFF, 1)
                assert action_rules.validate_action(made, today) == {}, (today, action.title)


def _in_bucket(review: str, next_review: date, today: date) -> None:
    days = (next_review - today).days
    if review == demo_risks.OVERDUE:
        assert days < 0, (today, days)
    elif review == demo_risks.DUE_SOON:
        assert 0 <= days <= 30, (today, days)
    else:
        assert days > 30, (today, days)


# --- the order of the demo's sections --------------------------------------------------------

def _section(key: str, *after: str) -> DemoSection:
    return DemoSection(key, key, 1, lambda db, today, rng, staff: iter(()), after=after)


def test_sections_keep_their_order_unless_they_need_a_later_one():
    given = (_section("a"), _section("b", "d"), _section("c"), _section("d"), _section("e"))
    assert [s.key for s in in_order(given)] == ["a", "c", "d", "b", "e"]
    assert [s.key for s in in_order(given[:1] + given[2:])] == ["a", "c", "d", "e"]


@pytest.mark.parametrize("given, words", [
    ((_section("a", "x"),), "unknown sections: x"),
    ((_section("a", "b"), _section("b", "a"), _section("c")), "in a circle: a, b"),
])
def test_sections_that_cannot_be_ordered_are_refused(given, words):
    with pytest.raises(ValueError, match=words):
        in_order(given)


def test_the_risks_come_after_what_they_link_to_and_before_the_management_reviews():
    keys = [section.key for section in sections()]
    assert keys[:2] == ["settings", "parties"]
    assert keys.index("risks") > max(keys.index("objectives"), keys.index("suppliers"))
    assert keys.index("risks") < keys.index("reviews")
    assert demo_risks.section().steps == 12 + 30 + 25 + 1 + 6
