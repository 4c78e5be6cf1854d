"""What the audit trail's anchor and replay find: truncation, deletion of the whole trail,
a rewritten and re-hashed trail, records changed, added or removed outside the app."""

from __future__ import annotations

import sqlite3
from contextlib import closing

import pytest
from sqlalchemy import func, select

from qmsdesk.models.audit import GENESIS_HASH, Anchor, AuditEntry, entry_hash, verify_chain
from qmsdesk.models.db import Database
from qmsdesk.models.parties import Party
from qmsdesk.models.trail_replay import replay_problems


def _add_parties(db: Database, *names: str) -> None:
    with db.session() as session:
        for number, name in enumerate(names, start=1):
            session.add(Party(ref=f"IP-{number:04d}", name=name, category="customer",
                              influence=3, interest=3, owner="Anna", status="active",
                              review_interval_months=12, version=1))


def _sql(db: Database, *statements: str) -> None:
    assert db.path is not None
    with closing(sqlite3.connect(db.path)) as conn:
        for statement in statements:
            conn.execute(statement)
        conn.commit()


def _verify(db: Database, expect: Anchor | None = None):
    with db.session() as session:
        return verify_chain(session, expect=expect)


def _replay(db: Database):
    with db.session() as session:
        return replay_problems(session)


def test_the_anchor_is_the_count_and_the_last_hash(db):
    assert _verify(db).anchor == Anchor(0, GENESIS_HASH)
    _add_parties(db, "Acme", "Borealis")
    report = _verify(db)
    with db.session() as session:
        last = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        count = session.scalar(select(func.count(AuditEntry.id)))
    assert report.intact and report.anchor == Anchor(count, last.hash)
    assert Anchor.parse(str(report.anchor)) == report.anchor


@pytest.mark.parametrize("text", ["", "12", "12:abc", "x:" + "0" * 64, "3:" + "G" * 64])
def test_an_anchor_that_is_not_one_is_refused(text):
    with pytest.raises(ValueError, match="not an audit-trail anchor"):
        Anchor.parse(text)


def test_a_chain_that_grew_since_the_anchor_still_extends_it(db):
    _add_parties(db, "Acme")
    anchor = _verify(db).anchor
    _add_parties_later(db)
    report = _verify(db, anchor)
    assert report.intact and report.entries > anchor.entries


def _add_parties_later(db: Database) -> None:
    with db.session() as session:
        session.add(Party(ref="IP-0009", name="Later", category="customer", influence=1,
                          interest=1, owner="", status="active", review_interval_months=12,
                          version=1))


def test_removing_the_newest_entries_or_all_is_found_with_the_anchor(db):
    _add_parties(db, "Acme", "Borealis")
    anchor = _verify(db).anchor
    _sql(db, "DELETE FROM audit_entry WHERE id > 3")
    assert _verify(db).intact  # the chain alone cannot tell
    report = _verify(db, anchor)
    assert not report.intact and "fewer than the" in report.problem
    _sql(db, "DELETE FROM audit_entry")
    assert "holds 0 entries" in _verify(db, anchor).problem


def test_a_rewritten_and_rehashed_trail_is_found_with_the_anchor(db):
    _add_parties(db, "Acme", "Borealis")
    anchor = _verify(db).anchor
    with db.session() as session:  # edit entry 2 and re-hash everything after it
        previous = GENESIS_HASH
        for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.id)):
            if entry.id == 2:
                entry.new_value = "Forged"
            entry.prev_hash = previous
            values = {c.key: getattr(entry, c.key) for c in AuditEntry.__table__.columns}
            entry.hash = previous = entry_hash(values)
    assert _verify(db).intact  # a consistent chain, but not the one anchored
    report = _verify(db, anchor)
    assert not report.intact and "rewritten since that anchor" in report.problem


def test_replay_finds_records_changed_added_or_removed_outside_the_app(db):
    _add_parties(db, "Acme", "Borealis", "Cobalt")
    assert _replay(db) == ([], 0)
    _sql(db, "UPDATE party SET name = 'Acme (edited in SQL)' WHERE ref = 'IP-0001'",
         "DELETE FROM party WHERE ref = 'IP-0003'",
         "CREATE TEMP TABLE ghost AS SELECT * FROM party WHERE ref = 'IP-0002'",
         "UPDATE ghost SET id = 42, ref = 'IP-0042', name = 'Ghost'",
         "INSERT INTO party SELECT * FROM ghost")
    problems, count = _replay(db)
    assert count == 3
    text = "\n".join(problems)
    assert "party IP-0001: name is 'Acme (edited in SQL)' but the audit trail last recorded " \
           "'Acme'" in text
    assert "party IP-0042 is not in the audit trail" in text
    assert "is in the audit trail but no longer in the database" in text


def test_replay_lists_a_bounded_number_of_problems(db):
    _add_parties(db, *(f"Party {n}" for n in range(30)))
    _sql(db, "UPDATE party SET owner = 'Someone else'")
    with db.session() as session:
        problems, count = replay_problems(session, limit=5)
    assert len(problems) == 5 and count == 30
