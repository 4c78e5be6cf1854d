"""The open database: SQLite pragmas, the unit-of-work session and UTC timestamps."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import StatementError
from sqlalchemy.orm import Session

from qmsdesk.models.audit import AuditEntry
from qmsdesk.models.base import UTCDateTime
from qmsdesk.models.db import Database, DatabaseConflict, open_database
from qmsdesk.models.parties import Party, PartyRequirement


def _party(ref: str = "IP-0001", **values: object) -> Party:
    fields: dict[str, object] = {"ref": ref, "name": "Acme", "category": "customer",
                                 "influence": 3, "interest": 3}
    fields.update(values)
    return Party(**fields)


def _count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_sqlite_pragmas_are_set_on_every_connection(db: Database) -> None:
    for _ in range(2):  # a second session may get another pooled connection: same pragmas
        with db.session() as session:
            assert session.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert session.execute(text("PRAGMA busy_timeout")).scalar() >= 1000


def test_foreign_keys_are_enforced(db: Database) -> None:
    with pytest.raises(DatabaseConflict, match="refers to a record that no longer exists"), \
            db.session() as session:  # one sentence, never a raw IntegrityError
        session.add(PartyRequirement(party_id=42, description="no such party"))
    with db.session() as session:
        assert _count(session, PartyRequirement) == 0


def test_session_commits_and_names_the_user(db: Database) -> None:
    with db.session() as session:
        assert session.info["user"] == "tester"
        session.add(_party())
    with db.session() as session:
        assert session.scalar(select(Party.name)) == "Acme"
        assert set(session.scalars(select(AuditEntry.user))) == {"tester"}


def test_session_rolls_back_everything_on_an_exception(db: Database) -> None:
    with pytest.raises(RuntimeError, match="disk full"), db.session() as session:
        session.add(_party())
        session.flush()  # the row and its audit entries reach the database ...
        assert _count(session, AuditEntry) > 0
        raise RuntimeError("disk full")
    with db.session() as session:  # ... and are gone after the rollback
        assert _count(session, Party) == 0
        assert _count(session, AuditEntry) == 0


def test_timestamps_come_back_as_aware_utc(db: Database) -> None:
    summer_in_berlin = datetime(2026, 6, 1, 14, 30, 15, 123456,
                                tzinfo=timezone(timedelta(hours=2)))
    with db.session() as session:
        session.add(_party(created_at=summer_in_berlin))
    with db.session() as session:
        party = session.scalars(select(Party)).one()
        assert party.created_at == datetime(2026, 6, 1, 12, 30, 15, 123456, tzinfo=UTC)
        assert party.created_at.utcoffset() == timedelta(0)
        assert party.updated_at.tzinfo is not None
        stored = session.execute(text("SELECT created_at FROM party")).scalar()
    # stored naive, in UTC, so SQLite and PostgreSQL sort and compare the same way
    assert stored.startswith("2026-06-01 12:30:15")


def test_a_naive_timestamp_is_refused(db: Database) -> None:
    with pytest.raises(StatementError) as caught, db.session() as session:
        session.add(_party(created_at=datetime(2026, 6, 1, 14, 30)))
        session.flush()
    assert isinstance(caught.value.orig, ValueError)
    assert "naive datetime" in str(caught.value.orig)
    with db.session() as session:
        assert _count(session, Party) == 0


def test_utc_datetime_type_passes_none_through() -> None:
    column_type = UTCDateTime()
    dialect = object()
    assert column_type.process_bind_param(None, dialect) is None
    assert column_type.process_result_value(None, dialect) is None
    loaded = column_type.process_result_value(datetime(2026, 1, 2, 3, 4), dialect)
    assert loaded == datetime(2026, 1, 2, 3, 4, tzinfo=UTC)


def test_created_file_is_marked_as_a_qms_desk_database(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "new.db"
    database = open_database(path, user="u", create=True)
    try:
        assert database.display_name == str(path)
        with database.session() as session:
            app_id = session.execute(text("PRAGMA application_id")).scalar()
    finally:
        database.close()
    assert app_id == int.from_bytes(b"QMSD", "big")
    assert path.read_bytes()[68:72] == b"QMSD"


def test_dates_round_trip_as_dates(db: Database) -> None:
    with db.session() as session:
        session.add(_party(next_review=date(2028, 2, 29)))
    with db.session() as session:
        assert session.scalar(select(Party.next_review)) == date(2028, 2, 29)
