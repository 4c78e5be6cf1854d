"""The audit trail: what each change records, and that the hash chain exposes tampering."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from qmsdesk.models import audit
from qmsdesk.models.audit import GENESIS_HASH, Anchor, AuditEntry, entry_hash, verify_chain
from qmsdesk.models.db import Database, open_database
from qmsdesk.models.parties import Party
from qmsdesk.services.integrity import verify_database
from qmsdesk.services.parties import service as parties
from qmsdesk.services.parties.records import EngagementRecord, RequirementRecord
from tests.factories import make_party as _party

Row = tuple[str, str, str, str, str, str, str]  # user, action, entity, ref, field, old, new


def _entries(db: Database, after: int = 0) -> list[AuditEntry]:
    with db.session() as session:
        return list(session.scalars(
            select(AuditEntry).where(AuditEntry.id > after).order_by(AuditEntry.id)))


def _last_id(db: Database) -> int:
    with db.session() as session:
        return session.scalar(select(func.coalesce(func.max(AuditEntry.id), 0)))


def _rows(entries: list[AuditEntry]) -> set[Row]:
    return {(e.user, e.action, e.entity, e.ref, e.field, e.old_value, e.new_value)
            for e in entries}


def _raw(db: Database, sql: str, **params: object) -> None:
    # straight to the database, past the ORM and its audit hook, as a tamperer would
    with db.engine.begin() as conn:
        conn.execute(text(sql), params)


def test_creating_a_party_records_every_filled_field(db: Database, today: date) -> None:
    saved = parties.save_party(db, _party(today, influence=4, interest=2,
                                          email="quality@acme.example"), today)
    entries = _entries(db)
    assert {e.action for e in entries} == {"create"}
    assert {e.user for e in entries} == {"tester"}
    assert {(e.entity, e.ref) for e in entries} == {("party", saved.ref)}
    assert {e.old_value for e in entries} == {""}
    by_field = {e.field: e.new_value for e in entries}
    assert by_field["ref"] == "IP-0001"
    assert by_field["name"] == "Acme Tools"
    assert by_field["influence"] == "4"
    assert by_field["interest"] == "2"
    assert by_field["internal"] == "no"
    assert by_field["email"] == "quality@acme.example"
    assert by_field["next_review"] == saved.next_review.isoformat() == "2027-11-21"
    # bookkeeping columns are not audited, and empty fields add no noise
    assert not {"id", "version", "created_at", "updated_at"} & by_field.keys()
    assert not {"phone", "notes", "last_review"} & by_field.keys()


def test_create_entries_name_the_new_records_id(db: Database, today: date) -> None:
    record = _party(today, requirements=[RequirementRecord(description="On-time delivery"),
                                         RequirementRecord(description="ISO 9001 certificate")])
    saved = parties.save_party(db, record, today)
    entries = _entries(db)
    assert {e.record_id for e in entries if e.entity == "party"} == {str(saved.id)}
    requirement_ids = {e.record_id for e in entries if e.entity == "party requirement"}
    assert requirement_ids == {str(r.id) for r in saved.requirements}


def test_updating_records_old_and_new_value_of_changed_fields_only(
        db: Database, today: date) -> None:
    saved = parties.save_party(db, _party(today, phone="+44 20 7946 0000"), today)
    mark = _last_id(db)
    saved.name = "Acme Tools Ltd"
    saved.influence = 5
    saved.phone = ""
    parties.save_party(db, saved, today)
    entries = _entries(db, after=mark)
    assert _rows(entries) == {
        ("tester", "update", "party", "IP-0001", "name", "Acme Tools", "Acme Tools Ltd"),
        ("tester", "update", "party", "IP-0001", "influence", "3", "5"),
        ("tester", "update", "party", "IP-0001", "phone", "+44 20 7946 0000", ""),
    }
    assert {e.record_id for e in entries} == {str(saved.id)}


def test_saving_an_unchanged_party_writes_nothing(db: Database, today: date) -> None:
    saved = parties.save_party(db, _party(today, requirements=[
        RequirementRecord(description="Delivery on time")]), today)
    mark = _last_id(db)
    again = parties.save_party(db, saved, today)
    assert _entries(db, after=mark) == []
    assert again.version == saved.version


def test_archive_and_restore_are_named_as_such(db: Database, today: date) -> None:
    saved = parties.save_party(db, _party(today), today)
    mark = _last_id(db)
    archived = parties.archive_party(db, saved.id, saved.version, today, "No longer relevant")
    assert _rows(_entries(db, after=mark)) == {
        ("tester", "archive", "party", "IP-0001", "status", "active", "archived"),
        ("tester", "update", "party", "IP-0001", "archive_reason", "", "No longer relevant")}
    mark = _last_id(db)
    parties.restore_party(db, archived.id, archived.version, today)
    assert _rows(_entries(db, after=mark)) == {  # the reason stays on the trail
        ("tester", "restore", "party", "IP-0001", "status", "archived", "active"),
        ("tester", "update", "party", "IP-0001", "archive_reason", "No longer relevant", "")}


def test_entries_name_the_user_of_the_database(tmp_path: Path, today: date) -> None:
    path = tmp_path / "shared.db"
    first = open_database(path, user="alice", create=True)
    parties.save_party(first, _party(today), today)
    first.close()
    second = open_database(path, user="bob")
    try:
        record = parties.get_party(second, 1)
        record.owner = "Quality manager"
        parties.save_party(second, record, today)
        users = {e.field: e.user for e in _entries(second)}
    finally:
        second.close()
    assert users["name"] == "alice"
    assert users["owner"] == "bob"


def test_child_changes_carry_the_parents_ref(db: Database, today: date) -> None:
    parties.save_party(db, _party(today, name="Someone else"), today)
    saved = parties.save_party(db, _party(today), today)
    assert saved.ref == "IP-0002"
    mark = _last_id(db)
    saved.requirements.append(RequirementRecord(description="Certificates of conformity",
                                                obligation="contractual"))
    saved.engagements.append(EngagementRecord(on_date=today, kind="survey",
                                              summary="Annual survey", satisfaction=4))
    saved = parties.save_party(db, saved, today)
    added = _entries(db, after=mark)
    assert {(e.action, e.ref) for e in added} == {("create", "IP-0002")}
    assert {e.entity for e in added} == {"party requirement", "party engagement"}
    assert ("tester", "create", "party requirement", "IP-0002", "obligation", "",
            "contractual") in _rows(added)
    assert ("tester", "create", "party engagement", "IP-0002", "satisfaction", "",
            "4") in _rows(added)

    mark = _last_id(db)
    saved.requirements[0].description = "Certificates of conformity with each delivery"
    parties.save_party(db, saved, today)
    assert _rows(_entries(db, after=mark)) == {
        ("tester", "update", "party requirement", "IP-0002", "description",
         "Certificates of conformity", "Certificates of conformity with each delivery")}


def test_deleting_a_child_row_directly_is_recorded_as_delete(db: Database,
                                                            today: date) -> None:
    saved = parties.save_party(db, _party(today, requirements=[
        RequirementRecord(description="Quarterly review meeting")]), today)
    mark = _last_id(db)
    with db.session() as session:
        party = session.get(Party, saved.id)
        session.delete(party.requirements[0])
    rows = _rows(_entries(db, after=mark))
    assert ("tester", "delete", "party requirement", "IP-0001", "description",
            "Quarterly review meeting", "") in rows
    assert {row[1] for row in rows} == {"delete"}


def test_deleting_a_requirement_through_save_party_is_audited(db: Database,
                                                             today: date) -> None:
    saved = parties.save_party(db, _party(today, requirements=[
        RequirementRecord(description="Quarterly review meeting"),
        RequirementRecord(description="Price stability")]), today)
    removed = saved.requirements.pop(1)
    mark = _last_id(db)
    after = parties.save_party(db, saved, today)
    assert [r.description for r in after.requirements] == ["Quarterly review meeting"]
    entries = _entries(db, after=mark)
    assert ("tester", "delete", "party requirement", "IP-0001", "description",
            "Price stability", "") in _rows(entries)
    assert {e.record_id for e in entries if e.action == "delete"} == {str(removed.id)}


@pytest.fixture
def busy_db(db: Database, today: date) -> Database:
    """A database with a few dozen audit entries from creates, updates and archives."""
    for n in range(6):
        saved = parties.save_party(db, _party(today, name=f"Party {n}", requirements=[
            RequirementRecord(description=f"Need {n}")]), today)
        saved.interest = n % 5 + 1
        saved.requirements[0].source = "contract"
        saved = parties.save_party(db, saved, today)
        if n % 2:
            parties.archive_party(db, saved.id, saved.version, today, "No longer relevant")
    return db


def test_chain_is_intact_after_many_writes(busy_db: Database) -> None:
    with busy_db.session() as session:
        total = session.scalar(select(func.count()).select_from(AuditEntry))
        first = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).first()
        assert total > 60
        assert first.prev_hash == GENESIS_HASH
        for batch in (5000, 7):  # batching must not break the chain at a batch boundary
            report = verify_chain(session, batch=batch)
            assert report.intact, report.problem
            assert report.entries == total
    assert verify_database(busy_db).ok


def test_entry_hash_covers_every_recorded_field() -> None:
    values = {"at": datetime(2026, 11, 21, 9, 30, tzinfo=UTC), "user": "u", "action": "update",
              "entity": "party", "record_id": "1", "ref": "IP-0001", "field": "name",
              "old_value": "a", "new_value": "b", "prev_hash": GENESIS_HASH}
    original = entry_hash(values)
    for key in values:
        changed = dict(values)
        changed[key] = (datetime(2026, 11, 21, 9, 30, 1, tzinfo=UTC) if key == "at"
                        else str(values[key]) + "x")
        assert entry_hash(changed) != original, key


# (SQL that tampers with entry :k, the entry verify_chain must name, words in the problem)
TAMPERING = {
    "edited value": ("UPDATE audit_entry SET new_value = 'Evil Corp' WHERE id = :k", 0,
                     "was altered"),
    "edited user": ("UPDATE audit_entry SET user = 'someone' WHERE id = :k", 0, "was altered"),
    "changed hash": ("UPDATE audit_entry SET hash = :fake WHERE id = :k", 0, "was altered"),
    "deleted entry": ("DELETE FROM audit_entry WHERE id = :k", 1, "does not follow"),
}


@pytest.mark.parametrize("how", TAMPERING)
def test_tampering_is_caught_at_the_first_broken_entry(busy_db: Database, how: str) -> None:
    sql, offset, words = TAMPERING[how]
    k = _last_id(busy_db) // 2
    _raw(busy_db, sql, k=k, fake="f" * 64)
    with busy_db.session() as session:
        report = verify_chain(session, batch=7)
    assert not report.intact
    assert report.broken_id == k + offset
    assert f"audit entry #{k + offset} " in report.problem
    assert words in report.problem
    assert report.entries == k  # counted up to and including the broken entry


def test_rewriting_one_hash_breaks_the_next_link(busy_db: Database) -> None:
    k = _last_id(busy_db) // 2
    _raw(busy_db, "UPDATE audit_entry SET new_value = 'Evil Corp' WHERE id = :k", k=k)
    with busy_db.session() as session:
        entry = session.get(AuditEntry, k)
        values = {c.key: getattr(entry, c.key) for c in AuditEntry.__table__.columns}
    _raw(busy_db, "UPDATE audit_entry SET hash = :h WHERE id = :k", h=entry_hash(values), k=k)
    with busy_db.session() as session:
        report = verify_chain(session)
    assert report.broken_id == k + 1
    assert "does not follow" in report.problem


def test_verify_database_reports_the_broken_chain(busy_db: Database) -> None:
    good = verify_database(busy_db)
    assert good.ok and good.problems == []
    assert f"{good.chain.entries} entries, chain intact" in good.summary()
    k = _last_id(busy_db) - 3
    _raw(busy_db, "UPDATE audit_entry SET old_value = 'x' WHERE id = :k", k=k)
    bad = verify_database(busy_db)
    assert not bad.ok
    assert bad.chain is not None and bad.chain.broken_id == k
    assert bad.summary().startswith(f"Audit trail broken: audit entry #{k} ")


def test_verify_database_reports_a_dangling_child_row(db: Database, today: date) -> None:
    parties.save_party(db, _party(today), today)
    import sqlite3
    from contextlib import closing

    assert db.path is not None
    with closing(sqlite3.connect(db.path)) as conn:  # foreign keys are off outside the app
        conn.execute(
            "INSERT INTO party_requirement (party_id, description, kind, obligation, source, "
            "addressed_by) VALUES (99, 'orphan', 'requirement', '', '', '')")
        conn.commit()
    report = verify_database(db)
    assert not report.ok
    assert report.problems[0] == (
        "Database integrity check failed: a row of party_requirement (rowid 1) "
        "points to a missing party")
    # ... and, the row being written outside the app, the trail replay names it too
    assert report.problems[1:] == [
        "party requirement #1 is not in the audit trail: it was added outside QMS Desk"]


def test_a_check_from_a_verified_anchor_recomputes_only_the_entries_after_it(
        busy_db: Database, monkeypatch) -> None:
    with busy_db.session() as session:
        full = verify_chain(session)
        half = Anchor(full.entries // 2, session.scalars(
            select(AuditEntry.hash).order_by(AuditEntry.id)
            .offset(full.entries // 2 - 1).limit(1)).one())
    hashed: list[int] = []
    real_digest = audit._digest
    monkeypatch.setattr(audit, "_digest", lambda *parts: (hashed.append(1),
                                                           real_digest(*parts))[1])
    with busy_db.session() as session:
        since = verify_chain(session, batch=7, since=half)
    assert since.intact and since.anchor == full.anchor
    assert len(hashed) == full.entries - half.entries
    # entries appended after the anchor are checked; a tampered one is named
    k = _last_id(busy_db) - 2
    _raw(busy_db, "UPDATE audit_entry SET new_value = 'Evil Corp' WHERE id = :k", k=k)
    with busy_db.session() as session:
        report = verify_chain(session, since=half)
    assert report.broken_id == k and "was altered" in report.problem


@pytest.mark.parametrize("how", ["rewritten", "truncated"])
def test_a_trail_that_no_longer_carries_the_anchor_is_broken(busy_db: Database,
                                                             how: str) -> None:
    with busy_db.session() as session:
        full = verify_chain(session)
    anchor = full.anchor
    if how == "rewritten":  # the chain re-hashed since: the anchor's entry changed
        _raw(busy_db, "UPDATE audit_entry SET hash = :fake WHERE id = :k",
             fake="e" * 64, k=_last_id(busy_db))
        words = "rewritten since that anchor was verified"
    else:
        _raw(busy_db, "DELETE FROM audit_entry WHERE id = :k", k=_last_id(busy_db))
        words = "entries were removed since it was verified"
    with busy_db.session() as session:
        report = verify_chain(session, since=anchor)
    assert not report.intact and words in report.problem
