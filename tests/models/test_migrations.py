"""Migrations: a fresh file matches the ORM; an old file is backed up, then upgraded."""

from __future__ import annotations

import re
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, select

from qmsdesk.models import db as dbmod
from qmsdesk.models.audit import AuditEntry, verify_chain
from qmsdesk.models.db import open_database
from qmsdesk.models.registry import metadata
from qmsdesk.models.settings import Setting
from qmsdesk.services.org_settings import load_settings

# tests/data/rev0001.db is a frozen database at schema revision 0001 (8 pages, 32 KiB).
# It was made once by tests/data/make_rev0001.py, i.e.
#   db = open_database("tests/data/rev0001.db", user="fixture", create=True, revision="0001")
#   with db.session() as s: s.add(Setting(key="organisation", value="Präzision Müller GmbH"))
#   db.close()  # checkpoints the WAL; then VACUUM + wal_checkpoint(TRUNCATE) via sqlite3
# and committed with no -wal/-shm beside it. Its header keeps journal_mode=wal and the QMS
# Desk application_id, exactly as the app writes files. Never open it in place: copy it.
REV0001 = Path(__file__).resolve().parent.parent / "data" / "rev0001.db"
REV0001_ORGANISATION = "Präzision Müller GmbH"
# SQLite header fields that any writer (and the backup API) bumps: change counter,
# schema cookie and version-valid-for. Everything else must survive a backup unchanged.
HEADER_COUNTERS = ((24, 28), (40, 44), (92, 96))


def _schema_diff(engine: Engine) -> list:
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "compare_server_default": True})
        return compare_metadata(context, metadata)


def _revision(path: Path) -> str:
    # immutable=1: read without creating -wal/-shm beside the file
    with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1",
                                 uri=True)) as conn:
        return conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]


def _script_directory() -> ScriptDirectory:
    config = Config()
    config.set_main_option("script_location", str(dbmod.MIGRATIONS_DIR))
    return ScriptDirectory.from_config(config)


def _mask_header_counters(data: bytes) -> bytes:
    buffer = bytearray(data)
    for start, end in HEADER_COUNTERS:
        buffer[start:end] = b"\0" * (end - start)
    return bytes(buffer)


@pytest.fixture
def old_file(tmp_path: Path) -> Path:
    folder = tmp_path / "old"
    folder.mkdir()
    target = folder / "register.db"
    shutil.copyfile(REV0001, target)
    return target


def test_fresh_database_reaches_head_and_matches_the_orm(tmp_path: Path) -> None:
    database = open_database(tmp_path / "fresh.db", create=True)
    try:
        assert _schema_diff(database.engine) == []
        with database.engine.connect() as conn:
            assert MigrationContext.configure(conn).get_current_revision() == \
                dbmod.HEAD_REVISION
            assert set(inspect(conn).get_table_names()) == \
                set(metadata.tables) | {"alembic_version"}
    finally:
        database.close()
    assert database.upgraded_from is None
    assert database.backup_path is None


def test_known_revisions_are_the_alembic_scripts_in_order() -> None:
    script = _script_directory()
    in_order = tuple(rev.revision for rev in reversed(list(script.walk_revisions())))
    assert in_order == dbmod.KNOWN_REVISIONS
    assert script.get_heads() == [dbmod.HEAD_REVISION]
    assert script.get_revision(dbmod.KNOWN_REVISIONS[0]).down_revision is None


def test_frozen_fixture_is_at_revision_0001_without_sidecars() -> None:
    assert _revision(REV0001) == "0001"
    assert not list(REV0001.parent.glob("rev0001.db-*"))


def test_upgrade_from_0001_keeps_data_and_leaves_a_backup(old_file: Path) -> None:
    original = old_file.read_bytes()
    database = open_database(old_file, user="upgrader")
    try:
        assert database.upgraded_from == "0001"
        assert _schema_diff(database.engine) == []
        with database.session() as session:
            assert session.get(Setting, "organisation").value == REV0001_ORGANISATION
            # the audit entries written at 0001 survive and the chain still holds
            assert session.scalar(select(AuditEntry.user).limit(1)) == "fixture"
            report = verify_chain(session)
            assert report.intact and report.entries == 2
    finally:
        database.close()
    assert _revision(old_file) == dbmod.HEAD_REVISION

    backup = database.backup_path
    assert backup is not None and backup.parent == old_file.parent
    assert re.fullmatch(r"register\.schema-0001-\d{8}-\d{6}\.db", backup.name)
    siblings = sorted(p.name for p in old_file.parent.iterdir())
    assert siblings == sorted([old_file.name, backup.name])

    copy = backup.read_bytes()
    assert len(copy) == len(original)
    assert _mask_header_counters(copy) == _mask_header_counters(original)
    assert _revision(backup) == "0001"


def test_backup_is_still_usable_at_revision_0001(old_file: Path) -> None:
    upgraded = open_database(old_file)
    upgraded.close()
    assert upgraded.backup_path is not None
    backup = open_database(upgraded.backup_path, revision="0001")
    try:
        assert backup.backup_path is None
        assert load_settings(backup).organisation == REV0001_ORGANISATION
        with backup.engine.connect() as conn:
            assert "party" not in inspect(conn).get_table_names()
    finally:
        backup.close()
    assert _revision(upgraded.backup_path) == "0001"


def test_opening_a_current_file_makes_no_backup(tmp_path: Path) -> None:
    folder = tmp_path / "current"
    open_database(folder / "qms.db", create=True).close()
    before = sorted(p.name for p in folder.iterdir())
    reopened = open_database(folder / "qms.db")
    load_settings(reopened)  # use it, so closing checkpoints and removes -wal/-shm
    reopened.close()
    assert reopened.backup_path is None and reopened.upgraded_from is None
    assert sorted(p.name for p in folder.iterdir()) == before == ["qms.db"]
