"""A schema upgrade killed at any point leaves the old schema whole, and the next open
upgrades it; a backup is whole under its name or not there at all."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from qmsdesk.models.backup import BackupFailed, unused_name, verified_copy
from qmsdesk.models.db import HEAD_REVISION, DatabaseRefused, open_database
from qmsdesk.services.integrity import verify_database

ROOT = Path(__file__).resolve().parent.parent.parent
FROZEN = ROOT / "tests" / "data"

# The child upgrades the file and kills itself (SIGKILL: no clean-up runs) just before
# the statement numbered KILL_AT reaches SQLite, so the kill lands inside the upgrade.
CHILD = """
import os, signal, sys
from sqlalchemy import event
from sqlalchemy.engine import Engine
seen = [0]
@event.listens_for(Engine, "before_cursor_execute")
def kill(*args):
    seen[0] += 1
    if seen[0] == int(sys.argv[2]):
        os.kill(os.getpid(), signal.SIGKILL)
from qmsdesk.models.db import open_database
open_database(sys.argv[1]).close()
"""


def _revision(path: Path) -> str:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]


def _parties(path: Path) -> list[str]:
    with closing(sqlite3.connect(path)) as conn:
        return [row[0] for row in conn.execute("SELECT name FROM party ORDER BY id")]


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL")
@pytest.mark.parametrize("frozen, kill_at", [
    ("rev0001.db", 3), ("rev0001.db", 40), ("rev0001.db", 120), ("rev0001.db", 185),
    ("rev0004.db", 2), ("rev0004.db", 30), ("rev0004.db", 70), ("rev0004.db", 94),
])
def test_a_killed_upgrade_leaves_the_old_schema_and_the_next_open_upgrades(
        tmp_path, frozen, kill_at):
    path = tmp_path / "register.db"
    shutil.copyfile(FROZEN / frozen, path)
    old_revision, old_parties = _revision(path), (_parties(path) if frozen != "rev0001.db"
                                                  else [])
    child = subprocess.run([sys.executable, "-c", CHILD, str(path), str(kill_at)],
                           cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert child.returncode == -9, child.stderr  # killed inside the upgrade, not finished
    assert _revision(path) == old_revision  # nothing of the new schema was committed
    backups = sorted(tmp_path.glob("register.schema-*.db"))
    assert len(backups) == 1 and _revision(backups[0]) == old_revision
    db = open_database(path, user="after the kill")
    try:
        assert db.upgraded_from == old_revision
        assert _revision(path) == HEAD_REVISION
        assert verify_database(db).ok
    finally:
        db.close()
    assert _parties(path) == old_parties
    assert len(sorted(tmp_path.glob("register.schema-*.db"))) == 2  # a new name, not reused


def test_backup_names_are_never_reused(tmp_path):
    first = unused_name(tmp_path, "register.schema-0001")
    first.write_bytes(b"taken")
    second = unused_name(tmp_path, "register.schema-0001")
    second.with_name(second.name + ".partial").write_bytes(b"being written")
    third = unused_name(tmp_path, "register.schema-0001")
    assert len({first, second, third}) == 3
    assert second.name == first.name.replace(".db", "-2.db")
    assert third.name == first.name.replace(".db", "-3.db")


def test_a_copy_that_cannot_be_written_leaves_nothing(tmp_path):
    source = tmp_path / "register.db"
    shutil.copyfile(FROZEN / "rev0002.db", source)
    target = tmp_path / "missing-folder" / "copy.db"
    with pytest.raises(BackupFailed, match="Cannot write the backup"):
        verified_copy(lambda: sqlite3.connect(source), target)
    assert not target.exists() and not target.with_name("copy.db.partial").exists()


def test_a_verified_copy_holds_the_same_rows(tmp_path):
    source = tmp_path / "register.db"
    shutil.copyfile(FROZEN / "rev0004.db", source)
    copy = verified_copy(lambda: sqlite3.connect(source), tmp_path / "copy.db")
    assert _parties(copy) == _parties(source) and _revision(copy) == "0004"
    assert not list(tmp_path.glob("*.partial"))


def test_a_file_half_upgraded_by_an_older_version_is_refused_and_its_backup_offered(tmp_path):
    # What an interrupted, non-atomic upgrade of an older QMS Desk left: schema 0001 in
    # alembic_version, but the next revision's first table already created.
    path = tmp_path / "register.db"
    shutil.copyfile(FROZEN / "rev0001.db", path)
    earlier = tmp_path / "register.schema-0001-20260101-090000.db"
    shutil.copyfile(FROZEN / "rev0001.db", earlier)
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE party (id INTEGER PRIMARY KEY)")
        conn.commit()
    before = path.read_bytes()
    with pytest.raises(DatabaseRefused) as caught:
        open_database(path)
    message = str(caught.value)
    assert "half-upgraded" in message and earlier.name in message
    assert "has not been changed" in message
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([path.name, earlier.name])
