"""Demo data: created through the services, complete, current relative to today, repeatable."""

from __future__ import annotations

import itertools
import random
import shutil
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from qmsdesk.models.audit import AuditEntry, verify_chain
from qmsdesk.models.db import open_database
from qmsdesk.models.parties import Party
from qmsdesk.services.actions import rules as action_rules
from qmsdesk.services.actions.service import get_action, list_actions
from qmsdesk.services.dates import add_months
from qmsdesk.services.demo import objectives as demo_objectives
from qmsdesk.services.demo import parties as demo_parties
from qmsdesk.services.demo import suppliers as demo_suppliers
from qmsdesk.services.demo.builder import ORGANISATION, STAFF, create_demo
from qmsdesk.services.errors import ServiceError, ValidationError
from qmsdesk.services.objectives import rules as objective_rules
from qmsdesk.services.objectives.policy import policy_history, revise_policy
from qmsdesk.services.objectives.service import get_objective, health_of, list_objectives
from qmsdesk.services.org_settings import load_settings
from qmsdesk.services.parties import rules
from qmsdesk.services.parties.service import get_party, list_parties
from qmsdesk.services.progress import run_task
from qmsdesk.services.suppliers import rules as supplier_rules
from qmsdesk.services.suppliers.reviews import get_review, list_reviews, save_review, summarise
from qmsdesk.services.suppliers.service import get_supplier, list_suppliers
from tests.conftest import TODAY

REQUIRED_NAMES = (
    "Müller Präzisionsteile GmbH",
    "Łódź Logistics Sp. z o.o.",
    "株式会社サンプル精工",
)


def _create(db, today):
    progress = []
    run_task(create_demo(db, today), progress.append)
    return progress


def _parties(db, today):
    return [get_party(db, row.id) for row in list_parties(db, today, include_archived=True)]


@pytest.fixture(scope="module")
def shared_demo(tmp_path_factory, demo_file):
    """One copy of the session's demo for the tests here that only read it (a demo takes
    seconds to build: the tests build their own only to watch it being built)."""
    copy = tmp_path_factory.mktemp("demo") / "demo.db"
    shutil.copyfile(demo_file, copy)
    database = open_database(copy, user="tester")
    yield database
    database.close()


@pytest.fixture
def demo(shared_demo):
    return shared_demo


@pytest.fixture
def parties(demo, today):
    return _parties(demo, today)


def _active(parties):
    return [p for p in parties if p.status == "active"]


def test_progress_counts_up_settings_are_saved_and_a_second_build_is_the_same(
        db, demo, today):
    progress = _create(db, today)
    _assert_same_demo(demo, db, today)
    assert progress[0].done == 0
    assert [p.done for p in progress] == sorted(p.done for p in progress)
    assert progress[-1].done == progress[-1].total > 30
    assert progress[-1].fraction == 1.0
    assert all(p.label for p in progress)
    settings = load_settings(db)
    assert settings.organisation == ORGANISATION
    assert settings.approvers() == (STAFF["md"], STAFF["quality"])


def test_register_covers_every_kind_of_party(parties):
    names = {p.name for p in parties}
    for name in REQUIRED_NAMES:
        assert name in names
    assert "Société Générale de Mécanique" in names
    assert "Ørsted Components A/S" in names
    assert 28 <= len(parties) <= 35
    assert len(names) == len(parties)
    active = _active(parties)
    assert {p.category for p in active} == set(rules.CATEGORIES)
    for quadrant in rules.QUADRANTS:
        assert sum(p.quadrant == quadrant for p in active) >= 4, quadrant
    assert any(p.internal for p in active)
    assert any(not p.internal for p in active)
    assert {p.owner for p in parties} <= set(STAFF.values())
    assert len({p.owner for p in parties}) >= 5
    assert {p.focus for p in active} == set(rules.FOCUS)
    for party in parties:
        assert party.monitoring_method and party.monitoring_frequency in rules.FREQUENCIES
        assert party.monitoring_frequency
        assert party.contact_person and party.email and party.phone and party.description


def test_reviews_look_current_and_a_former_customer_is_archived(demo, parties, today):
    active = _active(parties)
    overdue = [p for p in active if p.next_review < today]
    soon = [p for p in active if today <= p.next_review <= today + timedelta(days=30)]
    later = [p for p in active if p.next_review > today + timedelta(days=30)]
    assert overdue
    assert soon
    assert len(later) > len(active) / 2
    assert all(p.last_review is not None and p.last_review <= today for p in parties)
    assert all(p.last_review < p.next_review for p in parties)

    archived = [p for p in parties if p.status == "archived"]
    assert len(archived) == 1
    assert archived[0].category == "customer"
    assert archived[0].notes
    assert archived[0].id not in {row.id for row in list_parties(demo, today)}
    with demo.session() as session:
        actions = session.scalars(select(AuditEntry.action).where(
            AuditEntry.ref == archived[0].ref)).all()
    assert "archive" in actions


def test_requirements_are_specific_and_engagements_tell_a_history(parties, today):
    descriptions = []
    for party in parties:
        assert 2 <= len(party.requirements) <= 5, party.name
        for req in party.requirements:
            assert req.source.strip(), (party.name, req.description)
            assert req.addressed_by.strip(), (party.name, req.description)
            assert req.kind in rules.REQUIREMENT_KINDS
            assert req.obligation in rules.OBLIGATIONS
            descriptions.append(req.description)
    assert len(set(descriptions)) == len(descriptions)  # no copy-pasted generic lines
    kinds = {(r.kind, r.obligation) for p in parties for r in p.requirements}
    assert {("requirement", "legal"), ("requirement", "contractual"),
            ("expectation", "")} <= kinds

    # the engagement log tells a two-year history
    earliest = add_months(today, -demo_parties.HISTORY_MONTHS) - timedelta(days=14)
    engagements = [e for p in parties for e in p.engagements]
    for party in parties:
        assert 0 <= len(party.engagements) <= 8, party.name
    for eng in engagements:
        assert earliest <= eng.on_date < today
        assert eng.on_date.weekday() < 5
        assert "{" not in eng.summary
    assert {e.kind for e in engagements} == set(rules.ENGAGEMENT_KINDS)
    rated = [e for e in engagements if e.satisfaction is not None]
    assert len(rated) > 0.7 * len(engagements)
    assert any(e.follow_up for e in engagements)

    def average_count(quadrant):
        group = [p for p in _active(parties) if p.quadrant == quadrant]
        return sum(len(p.engagements) for p in group) / len(group)

    assert average_count(rules.MANAGE_CLOSELY) > average_count(rules.MONITOR)

    def trend(party):
        scores = [e.satisfaction for e in party.engagements if e.satisfaction is not None]
        return scores[-1] - scores[0] if len(scores) >= 3 else 0

    trends = [trend(p) for p in parties]
    assert sum(t > 0 for t in trends) >= 2  # some relationships improving
    assert sum(t < 0 for t in trends) >= 1  # at least one declining


def test_audit_trail_is_intact_and_a_second_run_is_refused(demo, parties, today):
    with demo.session() as session:
        report = verify_chain(session)
        created = session.scalar(select(func.count(func.distinct(AuditEntry.ref))).where(
            AuditEntry.entity == "party", AuditEntry.action == "create"))
        stored = session.scalar(select(func.count()).select_from(Party))
    assert report.intact, report.problem
    assert created == stored == len(parties)
    with pytest.raises(ServiceError, match="empty database"):
        run_task(create_demo(demo, today))
    with demo.session() as session:
        assert verify_chain(session).entries == report.entries  # nothing written


def _assert_same_demo(demo, other, today) -> None:
    """Two demos built for the same day hold the same registers (the seed is fixed)."""
    first, second = _parties(demo, today), _parties(other, today)
    assert _objectives_snapshot(demo, today) == _objectives_snapshot(other, today)
    assert _suppliers_snapshot(demo, today) == _suppliers_snapshot(other, today)

    def snapshot(parties):
        return [(p.ref, p.name, p.status, p.last_review, p.next_review, p.influence, p.interest,
                 [r.description for r in p.requirements],
                 [(e.on_date, e.kind, e.summary, e.satisfaction) for e in p.engagements])
                for p in parties]

    assert snapshot(first) == snapshot(second)


@pytest.mark.parametrize("start", [date(2026, 1, 1), date(2027, 6, 1)])
def test_review_buckets_hold_on_every_day(start):
    """Month-end clamping and weekends never push a party out of its review bucket."""
    for offset in range(0, 366, 5):
        today = start + timedelta(days=offset)
        rng = random.Random(offset)
        for spec in demo_parties.PARTIES:
            record = demo_parties.party_record(spec, today, rng, STAFF)
            assert rules.validate_party(record, today) == {}, (today, spec.name)
            days = (record.next_review - today).days
            if spec.review == demo_parties.OVERDUE:
                assert days < 0, (today, spec.name)
            elif spec.review == demo_parties.DUE_SOON:
                assert 0 <= days <= 30, (today, spec.name)
            else:
                assert days > 30, (today, spec.name, days)
            assert all(e.on_date < today for e in record.engagements)


# --- quality policy, objectives and the action log ---------------------------------------

FAMILIES = ("Right First Time 99.8 %", "On Time In Full", "Customer returns value −50 %",
            "90 % of customer returns turned round within 20 working days")


def _objectives_snapshot(db, today):
    objectives = [get_objective(db, row.id) for row in list_objectives(db, today)]
    actions = [get_action(db, row.id) for row in list_actions(db, today)]
    return ([(p.revision, p.approved_on, p.statement, p.commitments)
             for p in policy_history(db)],
            [(o.ref, o.title, o.status, o.start_date, o.due_date, o.segment_party_id,
              [(m.on_date, m.period, m.value, m.comment) for m in o.measurements])
             for o in objectives],
            [(a.ref, a.title, a.status, a.source_ref, a.start_date, a.due_date,
              a.completed_on, a.effectiveness, a.effectiveness_on) for a in actions])


def _all_objectives(db, today):
    return [get_objective(db, row.id) for row in list_objectives(db, today)]


def test_policy_has_two_revisions_and_every_objective_serves_the_current_one(demo, today):
    history = policy_history(demo)
    assert [p.revision for p in history] == [2, 1]
    current, first = history
    assert current.approved_by == first.approved_by == STAFF["md"]
    assert first.approved_on < current.approved_on < today
    assert (today - first.approved_on).days > 700
    assert 200 < (today - current.approved_on).days < 280
    assert current.statement != first.statement
    assert set(current.commitments) != set(first.commitments)
    assert len(current.commitments) >= 5
    objectives = _all_objectives(demo, today)
    assert objectives
    for objective in objectives:
        assert objective.policy_commitment in current.commitments, objective.title
        if objective.start_date < current.approved_on:  # set against the revision then valid
            assert objective.policy_commitment in first.commitments, objective.title


def test_the_four_objectives_are_segmented_and_fully_planned(demo, today):
    objectives = _all_objectives(demo, today)
    parties = {row.id: row for row in list_parties(demo, today, include_archived=True)}
    active = [o for o in objectives if o.status == "active"]
    families = {family: [o for o in active if o.title.startswith(family)]
                for family in FAMILIES}
    assert len(families["Right First Time 99.8 %"]) >= 2
    assert len(families["On Time In Full"]) >= 2
    assert len(families["Customer returns value −50 %"]) >= 2
    assert len(families[FAMILIES[3]]) == 1
    for family in FAMILIES[:2]:  # per customer: linked to the customer's party record
        segments = [parties[o.segment_party_id] for o in families[family]]
        assert all(p.category == "customer" for p in segments)
        assert len({p.id for p in segments}) == len(segments)
        assert all(p.name in o.title for p, o in zip(segments, families[family], strict=True))
    sites = families["Customer returns value −50 %"]
    assert all(o.segment_party_id is None and "site" in o.title for o in sites)
    assert len({o.title for o in sites}) == len(sites)
    assert {p.name for p in parties.values()} >= {
        parties[o.segment_party_id].name for o in objectives if o.segment_party_id}

    for objective in objectives:  # 6.2: what, resources, who, when, how evaluated
        assert objective_rules.validate_objective(objective, today) == {}, objective.title
        assert objective.description and objective.process and objective.kpi_name
        assert objective.resources and objective.evaluation
        assert objective.owner in STAFF.values()
        assert add_months(objective.start_date, 12) - timedelta(days=1) == objective.due_date
        assert objective.measurements
        assert all(m.recorded_by in STAFF.values() for m in objective.measurements)
    for objective in active:
        assert objective.start_date <= today <= objective.due_date
        assert objective.frequency in ("monthly", "quarterly")
    assert {o.status for o in objectives} >= {"active", "achieved", "missed"}
    assert sum(bool(m.comment) for o in objectives for m in o.measurements) >= 8
    # a history of about two years for the customer whose objective was renewed
    harland = [o for o in objectives if o.title.startswith("Right First Time")
               and "Harland" in o.title]
    assert sum(len(o.measurements) for o in harland) >= 21


def test_objective_health_today_shows_every_state(demo, today):
    rows = list_objectives(demo, today)
    healths = {row.health for row in rows}
    assert {objective_rules.ON_TRACK, objective_rules.AT_RISK, objective_rules.OFF_TRACK,
            objective_rules.ACHIEVED, objective_rules.MEASUREMENT_OVERDUE} <= healths
    active = [row for row in rows if row.status == "active"]
    assert sum(row.health == objective_rules.OFF_TRACK for row in active) == 1
    assert sum(row.health == objective_rules.ON_TRACK for row in active) >= 3
    assert any(row.open_actions for row in rows)


def test_action_log_has_every_status_overdue_actions_and_effectiveness_checks(demo, today):
    rows = list_actions(demo, today)
    actions = [get_action(demo, row.id) for row in rows]
    # the objectives section's: supplier and management reviews and risks raise their own
    elsewhere = ("supplier review", "management review", "risk or opportunity")
    own = [a for a in actions if a.source not in elsewhere]
    assert 15 <= len(own) <= 25
    assert {a.status for a in actions} == set(action_rules.STATUSES)
    assert sum(row.overdue for row in rows) >= 2
    assert {a.source for a in actions} == set(action_rules.SOURCES)
    assert {a.kind for a in actions} == set(action_rules.KINDS)
    assert any(a.source == "party" and a.source_title == "Société Générale de Mécanique"
               for a in actions)
    checked = [a for a in actions if a.effectiveness]
    assert {a.effectiveness for a in checked} == {"effective", "partly", "not effective"}
    assert any(a.status == "done" and not a.effectiveness for a in actions)
    for action in actions:
        assert action_rules.validate_action(action, today) == {}, action.title
        assert action.owner in STAFF.values()
        assert action.start_date is not None and action.due_date is not None
        if action.status == "done":
            assert action.completed_on is not None and action.progress == 100
            assert action.evidence
        if action.effectiveness:
            assert action.effectiveness_by in STAFF.values()
            assert action.completed_on <= action.effectiveness_on <= today
    # each section enters its actions in the order they were raised
    for group in (own, *([a for a in actions if a.source == source]
                         for source in elsewhere)):
        assert [a.start_date for a in group] == sorted(a.start_date for a in group)


def test_a_database_with_only_a_policy_is_refused(db, today):
    revise_policy(db, "Our policy.", ["Meet requirements"], "Top Manager", today, today)
    with pytest.raises(ServiceError, match="quality_policy"):
        run_task(create_demo(db, today))
    assert list_parties(db, today) == []


def test_policy_objectives_and_actions_are_in_the_audit_trail(demo, today):
    with demo.session() as session:
        assert verify_chain(session).intact
        entities = set(session.scalars(select(AuditEntry.entity).where(
            AuditEntry.action == "create")))
    assert {"quality policy", "objective", "measurement", "action", "supplier",
            "supplier certificate", "supplier status change", "supplier review",
            "review score", "management review"} <= entities


@pytest.mark.parametrize("start", [date(2026, 1, 1), date(2027, 6, 1)])
def test_objective_stories_and_action_dates_hold_on_every_day(start):
    """Whatever day the demo is created, every record is valid and each health is as told."""
    party_ids = {spec.name: number for number, spec in enumerate(demo_parties.PARTIES, 1)}
    keys = [spec.key for spec in demo_objectives.OBJECTIVES]
    objective_ids = {key: number for number, key in enumerate(keys, 1)}
    for offset in range(0, 366, 3):
        today = start + timedelta(days=offset)
        rng = random.Random(offset)
        starts = {}
        for spec in demo_objectives.OBJECTIVES:
            record = demo_objectives.objective_record(spec, today, rng, STAFF, party_ids)
            assert objective_rules.validate_objective(record, today) == {}, (today, spec.key)
            expected = demo_objectives.STORIES[spec.story][1]
            assert health_of(record, today) == expected, (today, spec.key)
            starts[spec.key] = record.start_date
        overdue = 0
        for spec in demo_objectives.ACTIONS:
            record = demo_objectives.action_record(spec, today, STAFF, objective_ids, party_ids)
            assert action_rules.validate_action(record, today) == {}, (today, spec.title)
            if spec.objective:
                assert record.start_date >= starts[spec.objective], (today, spec.title)
            overdue += record.is_overdue(today)
        assert overdue >= 2, today


# --- suppliers and supplier reviews (8.4) ---------------------------------------------------

SUPPLIER_PARTIES = ("Müller Präzisionsteile GmbH", "Łódź Logistics Sp. z o.o.",
                    "Ørsted Components A/S", "Sheffield Alloy Stockholders Ltd",
                    "Tyne Heat Treatment Ltd", "Calder Metrology Services Ltd",
                    "Kestrel Tooling Supplies Ltd")


def _suppliers_snapshot(db, today):
    suppliers = [get_supplier(db, row.id) for row in list_suppliers(db, today)]
    reviews = [get_review(db, row.id) for row in list_reviews(db)]
    return ([(s.ref, s.name, s.status, s.next_review, s.party_id,
              [(c.standard, c.valid_until) for c in s.certificates],
              [(h.changed_on, h.to_status, h.review_ref) for h in s.history])
             for s in suppliers],
            [(r.ref, r.supplier_id, r.review_date, r.period_from, r.period_to, r.decision,
              r.approved_on, [c.score for c in r.scores], r.deliveries_total,
              r.deliveries_on_time, r.lots_rejected, r.units_rejected, r.strengths,
              r.weaknesses, r.comments) for r in reviews])


def _reviews_by_supplier(db):
    reviews = {}
    for row in list_reviews(db):  # in calendar order
        reviews.setdefault(row.supplier_id, []).append(get_review(db, row.id))
    return reviews


def test_supply_base_covers_every_category_criticality_and_status(demo, today):
    rows = list_suppliers(demo, today)
    assert len(rows) >= 20
    assert len({row.name for row in rows}) == len(rows)
    assert {row.criticality for row in rows} == set(supplier_rules.CRITICALITIES)
    statuses = [row.status for row in rows]
    assert {"preferred", "approved", "conditional", "disqualified"} <= set(statuses)
    assert statuses.count("conditional") == statuses.count("disqualified") == 1
    assert 3 <= statuses.count("preferred") < statuses.count("approved")
    assert len({row.category for row in rows}) >= 12
    # a couple of reviews overdue (a disqualified supplier is never overdue)
    assert 1 <= sum(row.overdue for row in rows) <= 3
    # suppliers already in the parties register are linked to their party, not duplicated
    parties = {p.name: p for p in list_parties(demo, today, include_archived=True)}
    linked = {row.name: row.party_ref for row in rows if row.party_ref}
    assert set(SUPPLIER_PARTIES) <= set(linked)
    assert all(parties[name].ref == ref for name, ref in linked.items())
    for row in rows:
        supplier = get_supplier(demo, row.id)
        assert supplier.scope and supplier.category and supplier.contact_person
        assert supplier.email.endswith(".example") and supplier.phone
        assert supplier_rules.validate_supplier(supplier, today) == {}
        if supplier.party_id is not None:
            party = get_party(demo, supplier.party_id)
            assert (party.contact_person, party.email) == (supplier.contact_person,
                                                           supplier.email)


def test_certificates_one_expired_one_expiring_the_rest_valid(demo, today):
    rows = list_suppliers(demo, today)
    warnings = [w for row in rows for w in row.certificate_warnings]
    assert len(warnings) == 2
    assert sum("expired on" in w for w in warnings) == 1
    assert sum("expires in" in w for w in warnings) == 1
    standards = {}
    for row in rows:
        for cert in get_supplier(demo, row.id).certificates:
            standards.setdefault(cert.standard, []).append(row.name)
            assert cert.number and cert.issuer
    assert {"ISO 9001", "IATF 16949", "ISO 14001", "ISO/IEC 17025", "AS9100",
            "Nadcap Heat Treating"} <= set(standards)
    assert standards["ISO/IEC 17025"] == ["Calder Metrology Services Ltd"]


def test_reviews_span_three_years_at_the_criticality_intervals(demo, today):
    rows = list_reviews(demo)
    assert min(r.review_date for r in rows) <= add_months(today, -36)
    assert max(r.review_date for r in rows) <= today
    suppliers = {row.id: row for row in list_suppliers(demo, today)}
    reviews = _reviews_by_supplier(demo)
    for supplier_id, history in reviews.items():
        criticality = suppliers[supplier_id].criticality
        interval = supplier_rules.DEFAULT_INTERVALS[criticality]
        assert history[0].kind == "initial"
        for earlier, later in itertools.pairwise(history):
            assert later.period_from == earlier.period_to + timedelta(days=1)
            months = (later.review_date - earlier.review_date).days / 30.44
            assert months <= interval + 1.5, suppliers[supplier_id].name
            if later.kind == "periodic":
                assert months >= interval - 1.5, suppliers[supplier_id].name
    critical = [h for sid, h in reviews.items() if suppliers[sid].criticality == "critical"]
    assert critical and all(len(h) >= 6 for h in critical)
    assert all(len(h) <= 2 for sid, h in reviews.items()
               if suppliers[sid].criticality == "minor")
    # drafts: the latest one or two reviews; every other review is approved and signed off
    drafts = [r for r in rows if r.approved_on is None]
    assert 1 <= len(drafts) <= 2
    latest = sorted(rows, key=lambda r: r.review_date)[-len(drafts):]
    assert {r.id for r in drafts} == {r.id for r in latest}
    for history in reviews.values():
        for review in history:
            assert supplier_rules.validate_review(review, today, locked_before=False) == {}
            assert review.reviewer in STAFF.values()
            assert review.strengths and review.weaknesses and review.comments
            assert "{" not in review.strengths + review.weaknesses + review.comments
            assert {c.score for c in review.scores} <= set(supplier_rules.LIKERT.values()) \
                | {None}
            if review.approved_on is not None:
                assert review.approved_by in STAFF.values()
                assert review.approved_by != review.reviewer


def test_review_stories_improving_declining_disqualified_and_one_override(demo, today):
    rows = {row.id: row for row in list_suppliers(demo, today)}
    reviews = _reviews_by_supplier(demo)
    bands = supplier_rules.DEFAULT_BANDS

    def approved(supplier_id):
        return [r for r in reviews[supplier_id] if r.approved_on is not None]

    def total(review):
        return summarise(review, list(bands)).score.total

    improving = [sid for sid, row in rows.items() if row.status == "preferred"
                 and row.trend == "↑" and total(approved(sid)[0]) < 70]
    assert improving  # from conditional to preferred
    history = [total(r) for r in approved(improving[0])]
    assert history == sorted(history)
    declining = [sid for sid, row in rows.items() if row.status == "conditional"]
    assert rows[declining[0]].trend == "↓"
    history = [total(r) for r in approved(declining[0])]
    assert history == sorted(history, reverse=True) and history[0] >= 85
    disqualified = next(sid for sid, row in rows.items() if row.status == "disqualified")
    steps = [h.to_status for h in get_supplier(demo, disqualified).history]
    assert steps[-2:] == ["conditional", "disqualified"]
    assert sum(r.decision in ("conditional", "disqualified")
               for r in approved(disqualified)) >= 3  # repeated failures
    # decisions follow the band, but for one reviewer's override explained in the comments
    overrides = [r for h in reviews.values() for r in h
                 if r.decision != supplier_rules.recommended_decision(
                     supplier_rules.band_for(total(r), bands))]
    assert len(overrides) == 1 and "Override" in overrides[0].comments
    # every approved review's decision is the status it gave the supplier
    for supplier_id in reviews:
        changes = {h.review_ref: h.to_status for h in get_supplier(demo, supplier_id).history}
        for review in approved(supplier_id):
            assert changes.get(review.ref, review.decision) == review.decision


def test_a_review_without_deliveries_and_one_with_a_criterion_unscored(demo):
    reviews = [r for h in _reviews_by_supplier(demo).values() for r in h]
    summaries = [(r, summarise(r, list(supplier_rules.DEFAULT_BANDS))) for r in reviews]
    no_data = [r for r, s in summaries if r.deliveries_total == 0
               and s.on_time_pct is None and s.lot_acceptance_pct is None
               and s.defect_ppm is None]
    assert len(no_data) == 1 and "no data" in no_data[0].comments
    assert no_data[0].approved_on is not None
    renormalised = [r for r, s in summaries if s.score.renormalised]
    assert len(renormalised) >= 2
    assert any(r.deliveries_total for r in renormalised)  # scored without one criterion only
    kpis = [s for r, s in summaries if s.lot_acceptance_pct is not None]
    assert all(80 <= s.lot_acceptance_pct <= 100 for s in kpis)
    assert any(s.defect_ppm for s in kpis) and any(s.defect_ppm == 0 for s in kpis)
    assert any(s.on_time_pct is not None and s.on_time_pct < 90 for r, s in summaries)


def test_approved_reviews_are_locked(demo):
    approved = [get_review(demo, r.id) for r in list_reviews(demo) if r.approved_on]
    assert approved and all(r.locked for r in approved)
    review = approved[0]
    review.comments = "Changed afterwards"
    with pytest.raises(ValidationError) as error:
        save_review(demo, review, TODAY)
    assert "locked" in error.value.errors
    assert get_review(demo, review.id).comments != "Changed afterwards"


def test_corrective_actions_come_from_poor_reviews(demo, today):
    rows = list_actions(demo, today)
    actions = [get_action(demo, row.id) for row in rows if row.source == "supplier review"]
    assert len(actions) >= 8
    reviews = {row.ref: row for row in list_reviews(demo)}
    for action in actions:
        review = reviews[action.source_ref]
        assert review.band in ("C", "D"), action.title  # raised from a poor review
        assert action.start_date >= review.review_date
        assert action_rules.validate_action(action, today) == {}
        assert action.owner in STAFF.values()
    conditional = [row for row in list_suppliers(demo, today) if row.status == "conditional"]
    latest = list_reviews(demo, conditional[0].id)[-1]
    own = [a for a in actions if a.source_ref == latest.ref]
    titles = " ".join(a.title for a in own)
    assert "8D" in titles and "Containment" in titles and "audit" in titles
    assert any(a.status == "done" and a.effectiveness for a in own)
    assert sum(a.is_overdue(today) for a in own) == 1
    assert {a.effectiveness for a in actions} >= {"effective", "partly", "not effective"}


@pytest.mark.parametrize("start", [date(2026, 1, 1), date(2027, 6, 1)])
def test_supplier_stories_hold_on_every_day(start):
    """Whatever day the demo is created, every record is valid and the stories hold."""
    for offset in range(0, 366, 7):
        today = start + timedelta(days=offset)
        rng = random.Random(offset)
        states, overdue_actions, overdue_reviews = [], 0, 0
        for spec in demo_suppliers.SUPPLIERS:
            planned = demo_suppliers.plan(spec, today, rng, STAFF)
            assert supplier_rules.validate_supplier(planned.record, today) == {}
            states += [supplier_rules.certificate_state(c.valid_until, today)
                       for c in planned.record.certificates]
            last_approved = None
            for review in planned.reviews:
                record = review.record
                record.supplier_id = 1
                assert supplier_rules.validate_review(record, today, False) == {}, \
                    (today, spec.name)
                assert planned.created_on <= record.review_date < today
                if record.approved_on is not None:
                    last_approved = record
                for action in review.actions:
                    made = demo_suppliers.action_record(action, record.review_date, 1, today,
                                                        STAFF)
                    assert action_rules.validate_action(made, today) == {}, (today, action)
                    overdue_actions += made.is_overdue(today)
            if last_approved is not None and last_approved.decision != "disqualified":
                due = add_months(last_approved.review_date,
                                 supplier_rules.DEFAULT_INTERVALS[spec.criticality])
                overdue_reviews += due < today
        assert states.count(supplier_rules.EXPIRED) == 1, today
        assert states.count(supplier_rules.EXPIRING) == 1, today
        assert overdue_actions == 1, today
        assert 1 <= overdue_reviews <= 3, today
