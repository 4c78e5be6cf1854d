"""Demo data: created through the services, complete, current relative to today, repeatable."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from qmsdesk.models.audit import AuditEntry, verify_chain
from qmsdesk.models.db import open_database
from qmsdesk.models.parties import Party
from qmsdesk.services import demo_parties
from qmsdesk.services import party_rules as rules
from qmsdesk.services.dates import add_months
from qmsdesk.services.demo import ORGANISATION, STAFF, create_demo
from qmsdesk.services.errors import ServiceError
from qmsdesk.services.org_settings import load_settings
from qmsdesk.services.parties import get_party, list_parties
from qmsdesk.services.progress import run_task

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


@pytest.fixture
def parties(db, today):
    _create(db, today)
    return _parties(db, today)


def _active(parties):
    return [p for p in parties if p.status == "active"]


def test_progress_counts_up_and_settings_are_saved(db, today):
    progress = _create(db, today)
    assert progress[0].done == 0
    assert [p.done for p in progress] == sorted(p.done for p in progress)
    assert progress[-1].done == progress[-1].total > 30
    assert progress[-1].fraction == 1.0
    assert all(p.label for p in progress)
    settings = load_settings(db)
    assert settings.organisation == ORGANISATION
    assert settings.approved_by == STAFF["md"]


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


def test_reviews_look_current_and_a_former_customer_is_archived(db, parties, today):
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
    assert archived[0].id not in {row.id for row in list_parties(db, today)}
    with db.session() as session:
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


def test_audit_trail_is_intact_and_a_second_run_is_refused(db, parties, today):
    with db.session() as session:
        report = verify_chain(session)
        created = session.scalar(select(func.count(func.distinct(AuditEntry.ref))).where(
            AuditEntry.entity == "party", AuditEntry.action == "create"))
        stored = session.scalar(select(func.count()).select_from(Party))
    assert report.intact, report.problem
    assert created == stored == len(parties)
    with pytest.raises(ServiceError, match="empty database"):
        run_task(create_demo(db, today))
    with db.session() as session:
        assert verify_chain(session).entries == report.entries  # nothing written


def test_demo_is_deterministic(db, today, tmp_path):
    _create(db, today)
    other = open_database(tmp_path / "second.db", user="tester", create=True)
    try:
        _create(other, today)
        first, second = _parties(db, today), _parties(other, today)
    finally:
        other.close()

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
