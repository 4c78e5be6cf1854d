"""Writers on one SQLite file take turns: the write lock is taken when a unit of work
begins, a reader never waits, and a file busy for too long is one clear sentence."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from qmsdesk.models import db as dbmod
from qmsdesk.models.db import DatabaseBusy, open_database
from qmsdesk.models.settings import Setting


@pytest.fixture
def two(empty_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(dbmod, "BUSY_TIMEOUT_MS", 200)  # new connections wait 0.2 s
    path = tmp_path / "shared.db"
    shutil.copyfile(empty_file, path)
    first, second = open_database(path, user="first"), open_database(path, user="second")
    yield first, second
    first.close()
    second.close()


def _settings(db) -> int:
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(Setting)) or 0


def test_a_second_writer_waits_then_is_told_the_file_is_busy(two):
    first, second = two
    holding = first.session()
    session = holding.__enter__()  # the first writer holds the write lock ...
    session.add(Setting(key="organisation", value="First Ltd"))
    session.flush()
    # ... so the second cannot even begin
    with pytest.raises(DatabaseBusy, match="busy: another QMS Desk is writing to it"), \
            second.session() as other:
        other.add(Setting(key="approved_by", value="Second"))
    assert _settings(second) == 0  # a reader does not wait, and sees the last commit
    holding.__exit__(None, None, None)
    assert _settings(second) == 1
    with second.session() as other:  # once the lock is free, the second writes
        other.add(Setting(key="approved_by", value="Second"))
    assert _settings(first) == 2


def test_a_busy_write_changes_nothing_and_says_so_in_one_sentence(two):
    first, second = two
    with first.session() as session:
        session.add(Setting(key="organisation", value="First Ltd"))
    holding = first.session()
    holding.__enter__()
    try:
        with pytest.raises(DatabaseBusy) as caught, second.session() as other:
            other.add(Setting(key="approved_by", value="Second"))
    finally:
        holding.__exit__(None, None, None)
    message = str(caught.value)
    assert message.count(". ") <= 2 and "Traceback" not in message
    assert "nothing was saved" in message
    assert _settings(first) == 1


def test_a_read_only_file_is_read_and_a_write_is_refused_in_one_sentence(empty_file, tmp_path):
    from qmsdesk.models.db import DatabaseWriteFailed

    path = tmp_path / "register.db"
    shutil.copyfile(empty_file, path)
    # What a read-only file or folder looks like to SQLite (root ignores file modes, so the
    # test asks SQLite itself to open the file read-only).
    db = open_database(path, user="reader", readonly=True)
    try:
        assert _settings(db) == 0
        with pytest.raises(DatabaseWriteFailed) as caught, db.session() as session:
            session.add(Setting(key="organisation", value="Nope Ltd"))
    finally:
        db.close()
    message = str(caught.value)
    assert "read-only" in message and "nothing was saved" in message
    assert "\n" not in message


def test_a_full_disk_during_a_save_changes_nothing_and_says_so(empty_file, tmp_path):
    from sqlalchemy import event

    from qmsdesk.models.db import DatabaseWriteFailed

    path = tmp_path / "register.db"
    shutil.copyfile(empty_file, path)
    db = open_database(path, user="writer")
    with db.session() as session:
        session.add(Setting(key="organisation", value="Before Ltd"))

    def no_room(dbapi_conn, _record) -> None:  # SQLite's own "database or disk is full"
        pages = dbapi_conn.execute("PRAGMA page_count").fetchone()[0]
        dbapi_conn.execute(f"PRAGMA max_page_count = {pages}")

    db.engine.dispose()
    event.listen(db.engine, "connect", no_room)
    try:
        with pytest.raises(DatabaseWriteFailed) as caught, db.session() as session:
            session.add(Setting(key="approved_by", value="x" * 200_000))
    finally:
        event.remove(db.engine, "connect", no_room)
        db.close()
    assert "the disk is full" in str(caught.value) and "nothing was saved" in str(caught.value)
    reopened = open_database(path)
    try:
        assert _settings(reopened) == 1
    finally:
        reopened.close()
