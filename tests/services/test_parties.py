"""The interested-parties service: validation, saving with children, conflicts, the list."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, text

from qmsdesk.models.audit import AuditEntry
from qmsdesk.models.db import Database
from qmsdesk.models.parties import Engagement, Party, PartyRequirement
from qmsdesk.services.errors import ConflictError, NotFoundError, ValidationError
from qmsdesk.services.parties import service as parties
from qmsdesk.services.parties.records import EngagementRecord, PartyRecord, RequirementRecord
from tests.factories import make_party as _party

SCALE_MESSAGE = "must be a whole number from 1 to 5."


def _counts(db: Database) -> tuple[int, int, int, int]:
    with db.session() as session:
        return tuple(session.scalar(select(func.count()).select_from(model))
                     for model in (Party, PartyRequirement, Engagement, AuditEntry))


def _errors_of(db: Database, record: PartyRecord, today: date) -> dict[str, str]:
    before = _counts(db)
    with pytest.raises(ValidationError) as caught:
        parties.save_party(db, record, today)
    assert _counts(db) == before  # a save with errors writes nothing, not even audit
    errors = caught.value.errors
    for key, message in errors.items():
        assert f"{key}: {message}" in str(caught.value)
    return errors


def _set(**values: object) -> Callable[[PartyRecord], None]:
    def change(record: PartyRecord) -> None:
        for key, value in values.items():
            setattr(record, key, value)
    return change


TODAY = date(2026, 11, 21)
# (change to an otherwise valid record, field key, what the message says)
INVALID: dict[str, tuple[Callable[[PartyRecord], None], str, str]] = {
    "no name": (_set(name=""), "name", "Name is required."),
    "blank name": (_set(name="   \t"), "name", "Name is required."),
    "long name": (_set(name="x" * 201), "name", "Name is too long (201 characters; at most 200)"),
    "category": (_set(category="friend"), "category", "Category must be one of: customer"),
    "influence 0": (_set(influence=0), "influence", f"Influence {SCALE_MESSAGE}"),
    "influence 6": (_set(influence=6), "influence", f"Influence {SCALE_MESSAGE}"),
    "influence text": (_set(influence="4"), "influence", f"Influence {SCALE_MESSAGE}"),
    "influence float": (_set(influence=2.5), "influence", f"Influence {SCALE_MESSAGE}"),
    "influence bool": (_set(influence=True), "influence", f"Influence {SCALE_MESSAGE}"),
    "influence None": (_set(influence=None), "influence", "Rate the influence from 1 to 5: "
                       "with the interest it places the party on the power/interest grid."),
    "interest 0": (_set(interest=0), "interest", f"Interest {SCALE_MESSAGE}"),
    "interest 6": (_set(interest=6), "interest", f"Interest {SCALE_MESSAGE}"),
    "interest text": (_set(interest="high"), "interest", f"Interest {SCALE_MESSAGE}"),
    "email no at": (_set(email="anna.example.com"), "email",
                    "'anna.example.com' is not an email address (name@example.com)."),
    "email no domain": (_set(email="anna@localhost"), "email", "is not an email address"),
    "email space": (_set(email="anna schmidt@example.com"), "email", "is not an email"),
    "email two ats": (_set(email="anna@@example.com"), "email", "is not an email address"),
    "phone letters": (_set(phone="call reception"), "phone",
                      "Phone may hold digits, spaces and + ( ) - . / only."),
    "phone extension": (_set(phone="+44 20 7946 0000 ext 12"), "phone", "Phone may hold"),
    "phone too short": (_set(phone="12"), "phone", "Phone may hold"),
    "frequency": (_set(monitoring_frequency="daily"), "monitoring_frequency",
                  "Choose a monitoring frequency from the list."),
    "focus": (_set(focus="mid-term"), "focus", "Focus is short-term or long-term."),
    "status": (_set(status="deleted"), "status", "Status is active or archived."),
    "interval 0": (_set(review_interval_months=0), "review_interval_months",
                   "Review interval must be 1 to 60 months."),
    "interval 61": (_set(review_interval_months=61), "review_interval_months",
                    "Review interval must be 1 to 60 months."),
    "last review in future": (_set(last_review=TODAY + timedelta(days=1)), "last_review",
                              "The last review cannot be in the future."),
    "next before last": (_set(last_review=TODAY, next_review=TODAY - timedelta(days=1)),
                         "next_review", "Next review cannot be before the last review."),
    "no next review": (_set(next_review=None), "next_review", "Next review date is required."),
    "requirement without description": (
        _set(requirements=[RequirementRecord(description="Delivery on time"),
                           RequirementRecord(description="  ")]),
        "requirements[1].description", "Requirement 2: description is required."),
    "requirement kind": (_set(requirements=[RequirementRecord(description="x", kind="wish")]),
                         "requirements[0].kind",
                         "Requirement 1: type is requirement or expectation."),
    "requirement obligation": (
        _set(requirements=[RequirementRecord(description="x", obligation="moral")]),
        "requirements[0].obligation", "Requirement 1: compliance obligation is legal"),
    "engagement satisfaction 0": (
        _set(engagements=[EngagementRecord(on_date=TODAY, summary="Call", satisfaction=0)]),
        "engagements[0].satisfaction", "Engagement 1: satisfaction is 1 to 5, or left empty."),
    "engagement satisfaction 6": (
        _set(engagements=[EngagementRecord(on_date=TODAY, summary="Call", satisfaction=6)]),
        "engagements[0].satisfaction", "Engagement 1: satisfaction is 1 to 5"),
    "engagement satisfaction text": (
        _set(engagements=[EngagementRecord(on_date=TODAY, summary="Call", satisfaction="4")]),
        "engagements[0].satisfaction", "Engagement 1: satisfaction is 1 to 5"),
    "engagement satisfaction float": (
        _set(engagements=[EngagementRecord(on_date=TODAY, summary="Call", satisfaction=2.5)]),
        "engagements[0].satisfaction", "Engagement 1: satisfaction is 1 to 5"),
    "engagement without date": (
        _set(engagements=[EngagementRecord(on_date=None, summary="Call")]),
        "engagements[0].on_date", "Engagement 1: a date is required."),
    "engagement without summary": (
        _set(engagements=[EngagementRecord(on_date=TODAY, summary="")]),
        "engagements[0].summary", "Engagement 1: summary is required."),
    "engagement kind": (
        _set(engagements=[EngagementRecord(on_date=TODAY, summary="x", kind="party")]),
        "engagements[0].kind", "Engagement 1: kind must be one of meeting"),
}


@pytest.mark.parametrize("case", INVALID)
def test_each_invalid_field_is_named_with_a_message(db: Database, today: date,
                                                    case: str) -> None:
    assert today == TODAY
    change, key, message = INVALID[case]
    record = _party(today)
    change(record)
    errors = _errors_of(db, record, today)
    assert list(errors) == [key]
    assert message in errors[key]


def test_all_problems_are_reported_at_once(db: Database, today: date) -> None:
    record = _party(today, name="", influence=9, email="nope", next_review=None)
    assert set(_errors_of(db, record, today)) == {"name", "influence", "email", "next_review"}


def test_a_bool_satisfaction_is_refused_like_a_bool_influence(db: Database,
                                                             today: date) -> None:
    record = _party(today, engagements=[
        EngagementRecord(on_date=today, summary="Call", satisfaction=True)])
    assert "engagements[0].satisfaction" in _errors_of(db, record, today)


@pytest.mark.parametrize("values", [
    {"email": "anna.schmidt@firma.example.de", "phone": "+49 (0)30 1234-567"},
    {"email": "  qa@acme.co.uk ", "phone": " 0800/123.456 "},
    {"last_review": TODAY, "next_review": TODAY},
    {"last_review": TODAY - timedelta(days=400), "next_review": TODAY - timedelta(days=35)},
    {"influence": 1, "interest": 5, "review_interval_months": 60},
    {"engagements": [EngagementRecord(on_date=TODAY, summary="Call", satisfaction=None)]},
])
def test_valid_edge_values_are_saved(db: Database, today: date, values: dict) -> None:
    saved = parties.save_party(db, _party(today, **values), today)
    for key, value in values.items():
        got = getattr(saved, key)
        if key == "engagements":
            assert [(e.summary, e.satisfaction) for e in got] == [("Call", None)]
        else:
            assert got == (value.strip() if isinstance(value, str) else value)


def test_name_is_stripped_before_saving(db: Database, today: date) -> None:
    saved = parties.save_party(db, _party(today, name="  Acme Tools  "), today)
    assert saved.name == "Acme Tools"


@pytest.mark.parametrize("duplicate", ["MÜLLER GmbH", "müller gmbh", "  Müller GmbH ",
                                       "MÜLLER GMBH"])
def test_name_must_be_unique_among_active_parties(db: Database, today: date,
                                                  duplicate: str) -> None:
    parties.save_party(db, _party(today, name="Müller GmbH"), today)
    errors = _errors_of(db, _party(today, name=duplicate), today)
    assert errors == {"name": "An active party with this name already exists (IP-0001)."}


def test_unique_name_uses_full_case_folding(db: Database, today: date) -> None:
    parties.save_party(db, _party(today, name="Straße der Einheit Verein"), today)
    errors = _errors_of(db, _party(today, name="STRASSE DER EINHEIT VEREIN"), today)
    assert "already exists (IP-0001)" in errors["name"]


def test_similar_but_different_names_are_allowed(db: Database, today: date) -> None:
    parties.save_party(db, _party(today, name="Müller GmbH"), today)
    saved = parties.save_party(db, _party(today, name="Muller GmbH"), today)
    assert saved.ref == "IP-0002"


def test_a_party_may_keep_or_recase_its_own_name(db: Database, today: date) -> None:
    saved = parties.save_party(db, _party(today, name="Müller GmbH"), today)
    saved.name = "MÜLLER GmbH"
    assert parties.save_party(db, saved, today).name == "MÜLLER GmbH"


def test_archived_duplicates_are_allowed_but_block_restore(db: Database,
                                                           today: date) -> None:
    old = parties.save_party(db, _party(today, name="Müller GmbH"), today)
    old = parties.archive_party(db, old.id, old.version, today, "Gone")
    new = parties.save_party(db, _party(today, name="MÜLLER GMBH"), today)
    assert (new.ref, new.status) == ("IP-0002", "active")
    with pytest.raises(ValidationError) as caught:
        parties.restore_party(db, old.id, old.version, today)
    assert caught.value.errors == {
        "name": "An active party with this name already exists (IP-0002)."}
    assert parties.get_party(db, old.id).status == "archived"


def test_an_invalid_edit_leaves_the_stored_party_unchanged(db: Database,
                                                           today: date) -> None:
    saved = parties.save_party(db, _party(today, influence=4), today)
    saved.influence = 7
    saved.owner = "Someone"
    _errors_of(db, saved, today)
    stored = parties.get_party(db, saved.id)
    assert (stored.influence, stored.owner, stored.version) == (4, "", 1)


def test_second_of_two_editors_gets_a_conflict(db: Database, today: date) -> None:
    saved = parties.save_party(db, _party(today), today)
    first = parties.get_party(db, saved.id)
    second = parties.get_party(db, saved.id)
    first.owner = "Purchasing"
    assert parties.save_party(db, first, today).version == 2
    second.owner = "Sales"
    second.notes = "second editor"
    before = _counts(db)
    with pytest.raises(ConflictError) as caught:
        parties.save_party(db, second, today)
    assert "IP-0001 was changed elsewhere" in str(caught.value)
    assert "nothing was saved" in str(caught.value)
    stored = parties.get_party(db, saved.id)
    assert (stored.owner, stored.notes, stored.version) == ("Purchasing", "", 2)
    assert _counts(db) == before


def test_a_save_racing_another_writer_waits_its_turn_then_gets_a_conflict(
        db: Database, today: date) -> None:
    # Another writer (another QMS Desk on the same file) is in the middle of saving the same
    # party: this save waits for the write lock instead of interleaving, then finds the
    # record changed and refuses, rather than overwriting the other's work.
    import threading
    import time

    from qmsdesk.models.db import open_database

    saved = parties.save_party(db, _party(today), today)
    other = open_database(db.url, user="Them")
    holding, done = threading.Event(), threading.Event()

    def other_writer() -> None:
        with other.session() as session:
            session.execute(text("UPDATE party SET owner = 'Them', version = version + 1"))
            holding.set()
            time.sleep(0.3)  # still writing when our save begins
        done.set()

    thread = threading.Thread(target=other_writer)
    thread.start()
    try:
        assert holding.wait(5)
        saved.owner = "Us"
        with pytest.raises(ConflictError, match="changed elsewhere"):
            parties.save_party(db, saved, today)
        assert done.is_set()  # our save began only after the other had committed
    finally:
        thread.join()
        other.close()
    assert parties.get_party(db, saved.id).owner == "Them"


def test_archiving_a_stale_copy_is_a_conflict(db: Database, today: date) -> None:
    saved = parties.save_party(db, _party(today), today)
    newer = parties.save_party(db, _party(today, id=saved.id, ref=saved.ref,
                                          version=saved.version, owner="QA"), today)
    with pytest.raises(ConflictError):
        parties.archive_party(db, saved.id, saved.version, today, "Gone")
    assert parties.get_party(db, saved.id).status == "active"
    assert parties.archive_party(db, newer.id, newer.version, today, "Gone").status == "archived"


def test_missing_party_is_not_found(db: Database, today: date) -> None:
    with pytest.raises(NotFoundError, match="#99 does not exist"):
        parties.get_party(db, 99)
    ghost = _party(today, id=99, ref="IP-0099", version=1)
    with pytest.raises(NotFoundError, match="no longer exists"):
        parties.save_party(db, ghost, today)
    assert _counts(db) == (0, 0, 0, 0)


def test_children_are_added_edited_and_deleted_with_the_party(db: Database,
                                                              today: date) -> None:
    saved = parties.save_party(db, _party(today, requirements=[
        RequirementRecord(description="On-time delivery", obligation="contractual"),
        RequirementRecord(description="Price stability", kind="expectation"),
    ], engagements=[
        EngagementRecord(on_date=date(2026, 9, 1), kind="survey", summary="Survey",
                         satisfaction=3),
        EngagementRecord(on_date=date(2026, 3, 1), kind="meeting", summary="Kick-off"),
    ]), today)
    assert [r.description for r in saved.requirements] == ["On-time delivery",
                                                           "Price stability"]
    assert all(r.id is not None for r in saved.requirements)
    # the engagement log is in date order whatever order it was entered in
    assert [e.summary for e in saved.engagements] == ["Kick-off", "Survey"]
    assert saved.version == 1

    keep_id = saved.requirements[0].id
    saved.requirements[0].addressed_by = "Delivery KPI"
    del saved.requirements[1]
    saved.requirements.append(RequirementRecord(description="REACH declaration",
                                                obligation="legal"))
    saved.engagements[1].satisfaction = 5
    edited = parties.save_party(db, saved, today)
    assert [(r.id == keep_id, r.description, r.addressed_by, r.obligation)
            for r in edited.requirements] == [
        (True, "On-time delivery", "Delivery KPI", "contractual"),
        (False, "REACH declaration", "", "legal")]
    assert [(e.summary, e.satisfaction) for e in edited.engagements] == [
        ("Kick-off", None), ("Survey", 5)]
    assert edited.version == 2  # a change to children alone still bumps the party

    edited.requirements = []
    edited.engagements = []
    emptied = parties.save_party(db, edited, today)
    assert emptied.requirements == [] and emptied.engagements == []
    assert _counts(db)[:3] == (1, 0, 0)


def test_list_hides_archived_counts_requirements_and_flags_overdue(db: Database,
                                                                   today: date) -> None:
    yesterday = today - timedelta(days=1)
    overdue = parties.save_party(db, _party(today, name="Overdue Ltd", next_review=yesterday,
                                            influence=1, interest=5), today)
    parties.save_party(db, _party(today, name="Due Today Ltd", next_review=today,
                                  requirements=[RequirementRecord(description=f"R{n}")
                                                for n in range(3)]), today)
    gone = parties.save_party(db, _party(today, name="Gone Ltd", next_review=yesterday),
                              today)
    parties.archive_party(db, gone.id, gone.version, today, "Gone")

    rows = parties.list_parties(db, today)
    assert [(r.ref, r.name, r.requirement_count, r.overdue, r.status) for r in rows] == [
        ("IP-0001", "Overdue Ltd", 0, True, "active"),
        ("IP-0002", "Due Today Ltd", 3, False, "active"),
    ]
    assert rows[0].quadrant == "Keep informed"
    assert rows[0].id == overdue.id

    everything = parties.list_parties(db, today, include_archived=True)
    assert [(r.ref, r.overdue, r.status) for r in everything] == [
        ("IP-0001", True, "active"), ("IP-0002", False, "active"),
        ("IP-0003", False, "archived")]  # archived parties are never overdue
    # tomorrow the party due today is overdue too
    assert [r.overdue for r in parties.list_parties(db, today + timedelta(days=1))] == \
        [True, True]


def test_empty_register_lists_nothing(db: Database, today: date) -> None:
    assert parties.list_parties(db, today) == []


def test_archive_and_restore(db: Database, today: date) -> None:
    saved = parties.save_party(db, _party(today), today)
    archived = parties.archive_party(db, saved.id, saved.version, today, "Gone")
    assert (archived.status, archived.version) == ("archived", 2)
    assert parties.list_parties(db, today) == []
    restored = parties.restore_party(db, archived.id, archived.version, today)
    assert (restored.status, restored.version) == ("active", 3)
    assert [r.ref for r in parties.list_parties(db, today)] == ["IP-0001"]


def test_refs_are_sequential_and_never_reused(db: Database, today: date) -> None:
    refs = [parties.save_party(db, _party(today, name=f"Party {n}"), today).ref
            for n in range(3)]
    assert refs == ["IP-0001", "IP-0002", "IP-0003"]
    third = parties.get_party(db, 3)
    parties.archive_party(db, third.id, third.version, today, "Gone")
    assert parties.save_party(db, _party(today, name="Party 4"), today).ref == "IP-0004"
    assert [r.ref for r in parties.list_parties(db, today)] == ["IP-0001", "IP-0002",
                                                               "IP-0004"]


def test_refs_continue_after_a_gap(db: Database, today: date) -> None:
    with db.session() as session:
        session.add(Party(ref="IP-0041", name="Imported", category="customer",
                          influence=3, interest=3))
    assert parties.save_party(db, _party(today), today).ref == "IP-0042"


def test_refs_go_on_past_9999(db: Database, today: date) -> None:
    with db.session() as session:
        session.add(Party(ref="IP-9999", name="Imported", category="customer",
                          influence=3, interest=3))
    assert parties.save_party(db, _party(today, name="A"), today).ref == "IP-10000"
    assert parties.save_party(db, _party(today, name="B"), today).ref == "IP-10001"
