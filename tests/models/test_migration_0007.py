"""Migration 0007: one active party per name becomes a rule of the database itself; twins a
race let through before are archived on the record, and the trail still verifies."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from qmsdesk.models.db import DatabaseConflict, open_database
from qmsdesk.models.parties import ACTIVE_NAME_KEYS, Party
from qmsdesk.models.trail_replay import replay_problems
from qmsdesk.services.integrity import verify_database
from qmsdesk.services.parties import service as parties
from tests.conftest import TODAY
from tests.factories import make_party

REV0006 = Path(__file__).resolve().parent.parent / "data" / "rev0006.db"


def _twin(name: str, ref: str) -> Party:
    record = make_party(TODAY, name=name)
    values = {key: getattr(record, key) for key in (
        "name", "category", "internal", "influence", "interest", "review_interval_months",
        "next_review", "focus", "status")}
    return Party(ref=ref, **values)


def test_twins_from_before_are_archived_on_the_record(tmp_path: Path):
    target = tmp_path / "register.db"
    shutil.copyfile(REV0006, target)
    old = open_database(target, user="before", revision="0006")
    with old.session() as session:  # what a race let through: the ORM, not the form's check
        session.add_all([_twin("Twin GmbH", "IP-0101"), _twin("Twin GmbH", "IP-0102")])
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
