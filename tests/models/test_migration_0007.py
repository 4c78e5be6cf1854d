"""Migration 0007: one active party per name becomes a rule of the database itself; twins a
race let through before are archived on the record, and the trail still verifies."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from qmsdesk.models.audit import AuditEntry
from qmsdesk.models.db import Database, DatabaseConflict, open_database
from qmsdesk.models.parties import ACTIVE_NAME_KEYS, Party
from qmsdesk.models.trail_replay import replay_problems
from qmsdesk.services.integrity import verify_database
from qmsdesk.services.parties import service as parties
from tests.conftest import TODAY
from tests.data.make_frozen import Writer
from tests.factories import make_party

REV0006 = Path(__file__).resolve().parent.parent / "data" / "rev0006.db"


def _values(name: str, ref: str) -> dict[str, object]:
    record = make_party(TODAY, name=name)
    return {"ref": ref} | {key: getattr(record, key) for key in (
        "name", "category", "internal", "influence", "interest", "review_interval_months",
        "next_review", "focus", "status")}


def _twin(name: str, ref: str) -> Party:
    return Party(**_values(name, ref))


def _insert_old_twins(db: Database, name: str, refs: tuple[str, ...]) -> None:
    """Party rows as revision 0006 stored them, with their audit entries (plain SQL, as
    tests/data/make_frozen.py writes: the head model has columns 0006 lacks)."""
    defaults = {c.name: c.default.arg for c in Party.__table__.columns
                if c.default is not None and c.default.is_scalar and c.name != "archive_reason"}
    with db.engine.begin() as conn:
        writer = Writer(conn)
        writer.prev_hash = conn.execute(select(AuditEntry.hash).order_by(
            AuditEntry.id.desc()).limit(1)).scalar() or writer.prev_hash
        next_id = conn.execute(select(func.max(Party.id))).scalar_one() + 1
        for number, ref in enumerate(refs, next_id):
            writer.add("party", Party.audit_entity, ref,
                       defaults | _values(name, ref) | {"id": number})


def test_twins_from_before_are_archived_on_the_record(tmp_path: Path):
    target = tmp_path / "register.db"
    shutil.copyfile(REV0006, target)
    old = open_database(target, user="before", revision="0006")
    _insert_old_twins(old, "Twin GmbH", ("IP-0101", "IP-0102"))  # a race let them through
    old.close()
    db = open_database(target, user="upgrader")
    try:
        assert db.upgraded_from == "0006"
        with db.read() as session:
            statuses = dict(session.execute(select(Party.ref, Party.status)
                                            .where(Party.name == "Twin GmbH")).all())
            assert replay_problems(session) == ([], 0)
        assert statuses == {"IP-0101": "active", "IP-0102": "archived"}
        assert verify_database(db).ok
        # the database refuses a third active twin even past the form's check
        with pytest.raises(DatabaseConflict) as refused, db.session() as s:
            s.add(_twin("Twin GmbH", "IP-0103"))
        assert refused.value.constraint in ACTIVE_NAME_KEYS
        # and the form says so by the field, as for any taken name
        with pytest.raises(parties.ValidationError) as caught:
            parties.save_party(db, make_party(TODAY, name="Twin GmbH"), TODAY)
        assert caught.value.errors == {"name": parties.name_taken("IP-0101")}
    finally:
        db.close()
