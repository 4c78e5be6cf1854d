"""Migrations: a fresh file matches the ORM; an old file is backed up, then upgraded."""

from __future__ import annotations

import re
import shutil
import sqlite3
import struct
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
from qmsdesk.models.objectives import Objective
from qmsdesk.models.parties import Party
from qmsdesk.models.registry import metadata
from qmsdesk.models.risks import Risk
from qmsdesk.models.settings import Setting
from qmsdesk.models.suppliers import Supplier
from qmsdesk.services.integrity import verify_database
from qmsdesk.services.org_settings import load_settings

# tests/data/revNNNN.db: one frozen database per schema revision older than head, made once
# by tests/data/make_frozen.py and committed with no -wal/-shm beside it. Their headers keep
# journal_mode=wal and the QMS Desk application_id, exactly as the app writes files. Never
# open one in place: copy it. rev0001.db (8 pages, 32 KiB) came first, through the ORM:
#   db = open_database("tests/data/rev0001.db", user="fixture", create=True, revision="0001")
#   with db.session() as s: s.add(Setting(key="organisation", value="Präzision Müller GmbH"))
#   db.close()  # checkpoints the WAL; then VACUUM + wal_checkpoint(TRUNCATE) via sqlite3
# The later ones hold rows written with plain SQL (the ORM describes the head schema) and
# the hash-chained audit entries the session hook writes for them.
DATA = Path(__file__).resolve().parent.parent / "data"
REV0001 = DATA / "rev0001.db"
FROZEN = sorted(DATA.glob("rev*.db"))
REV0001_ORGANISATION = "Präzision Müller GmbH"
# Rows per table in each frozen file (alembic_version aside): each holds its own revision's
# records and those of every revision before it, with one audit entry per non-empty field.
FROZEN_ROWS = {
    "0001": {"setting": 1, "audit_entry": 2},
    "0002": {"setting": 1, "audit_entry": 82, "party": 3, "party_requirement": 3,
             "party_engagement": 3},
    "0003": {"setting": 1, "audit_entry": 164, "party": 3, "party_requirement": 3,
             "party_engagement": 3, "quality_policy": 1, "objective": 2, "measurement": 4,
             "action": 2},
    "0004": {"setting": 1, "audit_entry": 288, "party": 3, "party_requirement": 3,
             "party_engagement": 3, "quality_policy": 1, "objective": 2, "measurement": 4,
             "action": 3, "review_criterion": 5, "supplier": 2, "supplier_certificate": 3,
             "supplier_review": 1, "supplier_review_score": 5, "supplier_status_change": 3},
    "0005": {"setting": 1, "audit_entry": 304, "party": 3, "party_requirement": 3,
             "party_engagement": 3, "quality_policy": 1, "objective": 2, "measurement": 4,
             "action": 4, "review_criterion": 5, "supplier": 2, "supplier_certificate": 3,
             "supplier_review": 1, "supplier_review_score": 5, "supplier_status_change": 3,
             "management_review": 1, "report_log": 1},
}
# rows_0006 adds none (see make_frozen.py): the tables 0006 created are empty
FROZEN_ROWS["0006"] = FROZEN_ROWS["0005"] | dict.fromkeys(
    ("context_issue", "context_issue_party", "risk", "risk_source", "objective_risk"), 0)
# rows_0007 fills 0006's tables; 0008 adds the archive reason to two of them
FROZEN_ROWS["0007"] = FROZEN_ROWS["0006"] | {
    "context_issue": 1, "risk": 2, "risk_source": 1,
    "audit_entry": FROZEN_ROWS["0006"]["audit_entry"] + 44}
# rows_0008: an approval (6 audited fields) and a risk's archive reason (1)
FROZEN_ROWS["0008"] = FROZEN_ROWS["0007"] | {
    "report_approval": 1, "audit_entry": FROZEN_ROWS["0007"]["audit_entry"] + 7}
# rows_0009: an evidence file (its blob, not audited) attached with 9 audited fields
FROZEN_ROWS["0009"] = FROZEN_ROWS["0008"] | {
    "evidence_blob": 1, "evidence": 1, "audit_entry": FROZEN_ROWS["0008"]["audit_entry"] + 9}
# rows_0010: a staff member (4 audited fields)
FROZEN_ROWS["0010"] = FROZEN_ROWS["0009"] | {
    "staff": 1, "audit_entry": FROZEN_ROWS["0009"]["audit_entry"] + 4}
# rows_0011: a returned questionnaire round (11 audited fields) and its answer (5)
FROZEN_ROWS["0011"] = FROZEN_ROWS["0010"] | {
    "questionnaire_round": 1, "questionnaire_answer": 1,
    "audit_entry": FROZEN_ROWS["0010"]["audit_entry"] + 16}
# rows_0012: ACT-0004 archived (4 audited edits), ACT-0005 with a signed check (16 fields)
FROZEN_ROWS["0012"] = FROZEN_ROWS["0011"] | {
    "action": 5, "audit_entry": FROZEN_ROWS["0011"]["audit_entry"] + 20}
# Names as written, read back through the head models once their table is in the file.
FROZEN_NAMES = {
    Party.name: ("Müller Präzisionsteile GmbH", "株式会社サンプル精工", "Belegschaft Werk Süd"),
    Objective.title: ("Liefertreue ≥ 95 %", "Ausschussquote senken"),
    Supplier.name: ("株式会社サンプル精工", "Zakład Obróbki Metali Łódź Sp. z o.o."),
    Risk.title: ("Ausfall der CNC-Fachkraft", "Stromausfall (停電)"),
}
# SQLite header fields that any writer (and the backup API) bumps: change counter,
# schema cookie and version-valid-for. Everything else must survive a backup unchanged.
HEADER_COUNTERS = ((24, 28), (40, 44), (92, 96))


def _empty_string_defaults(_context: object, _inspected: object, _metadata: object,
                           inspected: str | None, _metadata_default: object,
                           rendered: str | None) -> bool | None:
    """An empty-string server default is the same default: SQLite reflects it as ('') or
    "''", which Alembic's own comparison keeps quoted (its pattern needs one character)."""
    if rendered in ("", "''") and (inspected or "").strip("()\"'") == "":
        return False
    return None  # Alembic compares the rest


def _schema_diff(engine: Engine) -> list:
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True,
                        "compare_server_default": _empty_string_defaults})
        return compare_metadata(context, metadata)


def _read_only(path: Path) -> sqlite3.Connection:
    # immutable=1: read without creating -wal/-shm beside the file
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)


def _revision(path: Path) -> str:
    with closing(_read_only(path)) as conn:
        return conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]


def _columns(path: Path) -> dict[str, tuple[str, ...]]:
    """Every table but alembic_version, with its column names."""
    with closing(_read_only(path)) as conn:
        tables = [name for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite_%' AND name != 'alembic_version'")]
        return {table: tuple(info[1] for info in conn.execute(f'PRAGMA table_info("{table}")'))
                for table in tables}


def _rows(path: Path, columns: dict[str, tuple[str, ...]]) -> dict[str, list[tuple]]:
    """The given columns of every row of the given tables, as stored, in rowid order."""
    rows = {}
    with closing(_read_only(path)) as conn:
        for table, names in columns.items():
            selected = ", ".join(f'"{name}"' for name in names)
            rows[table] = conn.execute(
                f'SELECT {selected} FROM "{table}" ORDER BY rowid').fetchall()
    return rows


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


def test_there_is_a_frozen_file_for_every_revision_older_than_head() -> None:
    script = _script_directory()
    in_order = [rev.revision for rev in reversed(list(script.walk_revisions()))]
    older = [revision for revision in in_order if revision != script.get_current_head()]
    assert [path.name for path in FROZEN] == [f"rev{revision}.db" for revision in older]
    assert [_revision(path) for path in FROZEN] == older == list(FROZEN_ROWS)
    assert not list(DATA.glob("rev*.db-*"))
    for path in FROZEN:
        header = path.read_bytes()[:100]
        assert header[18:20] == b"\x02\x02", f"{path.name} is not in WAL mode"
        assert struct.unpack(">I", header[68:72])[0] == dbmod.APPLICATION_ID


@pytest.mark.parametrize("frozen", FROZEN, ids=lambda path: path.stem)
def test_each_frozen_file_upgrades_with_its_data_and_audit_trail(
        frozen: Path, tmp_path: Path) -> None:
    target = tmp_path / "register.db"
    shutil.copyfile(frozen, target)
    revision = _revision(target)
    old_columns = _columns(target)
    old_rows = _rows(target, old_columns)
    assert {table: len(rows) for table, rows in old_rows.items()} == FROZEN_ROWS[revision]

    database = open_database(target, user="upgrader")
    try:
        assert database.upgraded_from == revision
        assert _schema_diff(database.engine) == []
        report = verify_database(database)
        assert report.ok, report.summary()
        assert report.chain.entries == FROZEN_ROWS[revision]["audit_entry"]
        with database.session() as session:
            # every head table reads back through its column types (dates, UTC stamps)
            for table in metadata.sorted_tables:
                assert len(session.execute(select(table)).all()) == \
                    FROZEN_ROWS[revision].get(table.name, 0), table.name
            assert session.get(Setting, "organisation").value == REV0001_ORGANISATION
            for column, names in FROZEN_NAMES.items():
                model = column.class_
                expected = names if FROZEN_ROWS[revision].get(model.__tablename__) else ()
                assert tuple(session.scalars(select(column).order_by(model.id))) == expected
    finally:
        database.close()
    assert _revision(target) == dbmod.HEAD_REVISION
    # every value written at the old revision is still there, byte for byte
    assert _rows(target, old_columns) == old_rows

    backup = database.backup_path
    assert backup is not None and backup.exists() and backup.parent == target.parent
    assert re.fullmatch(rf"register\.schema-{revision}-\d{{8}}-\d{{6}}\.db", backup.name)
    assert _revision(backup) == revision
    assert _columns(backup) == old_columns
    assert _rows(backup, old_columns) == old_rows


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
