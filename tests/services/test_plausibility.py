"""Plausibility: values the rules accept but that are probably wrong get a warning (never a
refusal); the impossible ones (an engagement to come, an approval before the supplier was
registered, an unrated party) are refused by the service like every other rule."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from qmsdesk.models.db import Database
from qmsdesk.services import dashboard
from qmsdesk.services.actions.plausibility import action_warnings
from qmsdesk.services.errors import ValidationError
from qmsdesk.services.objectives import service as objectives
from qmsdesk.services.objectives.plausibility import objective_warnings
from qmsdesk.services.parties import service as parties
from qmsdesk.services.parties.plausibility import party_warnings
from qmsdesk.services.parties.records import EngagementRecord
from qmsdesk.services.suppliers import reviews, rules
from qmsdesk.services.suppliers import service as suppliers
from qmsdesk.services.suppliers.plausibility import review_warnings, supplier_warnings
from qmsdesk.services.suppliers.records import CertificateRecord, CriterionScore
from tests.factories import make_action, make_party, make_supplier

DAY = timedelta(days=1)


# --- parties ---------------------------------------------------------------------------------
def test_a_next_review_in_the_past_says_how_long_ago_and_what_follows(today: date) -> None:
    record = make_party(today, next_review=today - 2513 * DAY)
    assert party_warnings(record, None, today) == {"next_review": (
        f"The next review {(today - 2513 * DAY).isoformat()} is 2513 days ago; the party "
        "would show as overdue at once.")}
    assert "yesterday" in party_warnings(replace(record, next_review=today - DAY), None,
                                         today)["next_review"]


def test_a_next_review_beyond_one_interval_is_warned_a_due_one_is_not(today: date) -> None:
    record = make_party(today, review_interval_months=12, next_review=today + 400 * DAY)
    assert "more than one review interval (12 months)" in \
        party_warnings(record, None, today)["next_review"]
    assert party_warnings(parties.new_party(today), None, today) == {}  # today + interval
    assert party_warnings(replace(record, next_review=today), None, today) == {}


def test_a_stored_date_or_an_archived_party_is_not_warned_again(today: date) -> None:
    overdue = make_party(today, next_review=today - 30 * DAY, id=7)
    assert party_warnings(replace(overdue, notes="edited"), overdue, today) == {}
    assert party_warnings(replace(overdue, status="archived"), None, today) == {}
    moved = replace(overdue, next_review=today - 10 * DAY)
    assert "10 days ago" in party_warnings(moved, overdue, today)["next_review"]


def test_the_plausible_values_save_and_the_warning_never_refuses(db: Database,
                                                                today: date) -> None:
    record = make_party(today, next_review=today - 3 * DAY)
    assert party_warnings(record, None, today)
    assert parties.save_party(db, record, today).next_review == today - 3 * DAY


def test_an_engagement_dated_in_the_future_is_refused(db: Database, today: date) -> None:
    record = make_party(today, engagements=[
        EngagementRecord(on_date=today, summary="Quarterly review"),
        EngagementRecord(on_date=today + DAY, summary="Visit planned")])
    with pytest.raises(ValidationError) as caught:
        parties.save_party(db, record, today)
    assert caught.value.errors == {"engagements[1].on_date": (
        f"Engagement 2: {(today + DAY).isoformat()} is in the future; the log records "
        "exchanges that took place (plan one as the next review or an action).")}


def test_a_new_party_is_unrated_and_must_be_rated_to_be_saved(db: Database,
                                                             today: date) -> None:
    record = parties.new_party(today)
    record.name = "Harbour Authority"
    with pytest.raises(ValidationError) as caught:
        parties.save_party(db, record, today)
    assert set(caught.value.errors) == {"influence", "interest"}
    assert caught.value.errors["influence"].startswith("Rate the influence from 1 to 5")
    record.influence, record.interest = 2, 4
    assert parties.save_party(db, record, today).quadrant == "Keep informed"


@pytest.mark.parametrize(("criticality", "quadrant"), [
    ("critical", "Manage closely"), ("major", "Keep satisfied"), ("minor", "Monitor")])
def test_a_supplier_s_new_party_is_placed_by_its_criticality(db: Database, today: date,
                                                              criticality: str,
                                                              quadrant: str) -> None:
    saved = suppliers.save_supplier(db, make_supplier(today, criticality=criticality), today,
                                    create_party=True)
    assert saved.party_id is not None
    assert parties.get_party(db, saved.party_id).quadrant == quadrant


# --- objectives and actions ------------------------------------------------------------------
def test_an_objective_due_in_the_past_is_warned_while_it_is_to_be_met(today: date) -> None:
    record = replace(objectives.new_objective(today), start_date=today - 400 * DAY,
                     due_date=today - 40 * DAY, status="active")
    assert "is 40 days ago; the objective would be overdue at once" in \
        objective_warnings(record, None, today)["due_date"]
    assert objective_warnings(replace(record, status="missed"), None, today) == {}
    stored = replace(record, id=3)
    assert objective_warnings(replace(stored, title="Renamed"), stored, today) == {}
    assert objective_warnings(objectives.new_objective(today), None, today) == {}


def test_an_open_action_nobody_owns_or_dates_is_warned(today: date) -> None:
    record = make_action(today, owner="", due_date=None)
    assert action_warnings(record, None, today) == {"owner": (
        "Nobody owns this action and it has no due date: an action nobody owns and nobody "
        "dates is not managed. Name its owner, give it a due date, or both.")}
    assert action_warnings(replace(record, owner="Anna"), None, today) == {}
    assert action_warnings(replace(record, due_date=today + DAY), None, today) == {}
    assert action_warnings(replace(record, status="cancelled"), None, today) == {}


def test_an_action_due_date_entered_in_the_past_is_warned(today: date) -> None:
    record = make_action(today, owner="Anna", due_date=today - 5 * DAY)
    assert "is 5 days ago; the action would be overdue at once" in \
        action_warnings(record, None, today)["due_date"]
    stored = replace(record, id=1)
    assert action_warnings(replace(stored, progress=50), stored, today) == {}


# --- suppliers: one definition of "approved with an expired certificate" ---------------------
def _expired(today: date) -> list[CertificateRecord]:
    return [CertificateRecord("ISO 9001", "Q-1", "TÜV", today - 10 * DAY),
            CertificateRecord("ISO 14001", "E-1", "TÜV", today + 400 * DAY)]


def test_expired_while_approved_is_one_predicate(today: date) -> None:
    expired = (f"ISO 9001 expired on {(today - 10 * DAY).isoformat()}",)
    assert rules.expired_while_approved("approved", _expired(today), today) == expired
    assert rules.expired_while_approved("preferred", _expired(today), today) == expired
    for status in ("conditional", "suspended", "pending", "disqualified"):
        assert rules.expired_while_approved(status, _expired(today), today) == ()
    assert rules.expired_while_approved("approved", _expired(today)[1:], today) == ()


def test_an_approved_supplier_with_an_expired_certificate_is_flagged_everywhere(
        db: Database, today: date) -> None:
    record = make_supplier(today, status="approved", status_reason="Audited",
                           certificates=_expired(today))
    message = supplier_warnings(record, None, today)["status"]
    assert message.startswith(f"ISO 9001 expired on {(today - 10 * DAY).isoformat()}, yet "
                              "the supplier is approved: renew the certificate")
    assert "raise an action" in message
    assert supplier_warnings(replace(record, status="conditional"), None, today) == {}
    suppliers.save_supplier(db, record, today)  # a warning, never a refusal
    (row,) = suppliers.list_suppliers(db, today)
    assert row.approved_expired == rules.expired_while_approved("approved", _expired(today),
                                                                today)
    assert dashboard.overview(db, today).approved_expired == 1


def _review(supplier_id: int, today: date, **values: object) -> reviews.ReviewRecord:
    record = reviews.ReviewRecord(
        supplier_id=supplier_id, review_date=today - 20 * DAY, reviewer="Anna",
        scores=[CriterionScore(c.name, c.weight, 80.0) for c in rules.DEFAULT_CRITERIA])
    for key, value in values.items():
        setattr(record, key, value)
    return record


def test_a_review_approved_before_its_supplier_was_registered_is_refused(
        db: Database, today: date) -> None:
    supplier = suppliers.save_supplier(db, make_supplier(today), today - 10 * DAY)
    assert supplier.id is not None
    early = _review(supplier.id, today, decision="approved", approved_by="Helen",
                    approved_on=today - 15 * DAY)
    with pytest.raises(ValidationError) as caught:
        reviews.save_review(db, early, today)
    assert caught.value.errors == {"approved_on": (
        f"The approval ({today - 15 * DAY}) cannot be before the supplier was registered "
        f"({today - 10 * DAY}, where its status history starts).")}
    saved = reviews.save_review(db, replace(early, approved_on=today - 10 * DAY), today)
    assert saved.approved_on == today - 10 * DAY


def test_a_review_decision_the_review_does_not_explain_is_warned(today: date) -> None:
    bands = rules.DEFAULT_BANDS  # 80 everywhere: band B, which recommends approved
    record = _review(1, today, decision="approved")
    assert review_warnings(record, _expired(today)[1:], bands, today) == {}
    assert "leaves the supplier approved with an expired certificate" in \
        review_warnings(record, _expired(today), bands, today)["decision"]
    assert review_warnings(replace(record, decision="conditional"), _expired(today), bands,
                           today)["decision"] == (
        "Band B recommends approved, not conditional: say in the comments why the decision "
        "differs.")
    explained = replace(record, decision="conditional", comments="Delivery problems in May.")
    assert review_warnings(explained, _expired(today), bands, today) == {}
