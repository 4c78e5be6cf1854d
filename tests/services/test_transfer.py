"""`qmsdesk copy`: a whole QMS with its audit trail into a new or empty database, verified
on both sides; file to file here, file to server and back when a server is given."""

from __future__ import annotations

import hashlib
import sqlite3
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, inspect, select
from sqlalchemy.exc import OperationalError

from qmsdesk import cli
from qmsdesk.models.backup import table_counts
from qmsdesk.models.db import (
    Database,
    DatabaseRefused,
    DatabaseWriteFailed,
    PermissionRefused,
    open_database,
)
from qmsdesk.models.registry import metadata
from qmsdesk.models.roles import EDITOR
from qmsdesk.services import evidence, transfer
from qmsdesk.services.actions import service as actions
from qmsdesk.services.errors import ServiceError
from qmsdesk.services.integrity import trail_anchor, verify_database
from qmsdesk.services.org_settings import load_settings, save_settings
from qmsdesk.services.parties import service as parties
from qmsdesk.services.progress import Task, run_task
from qmsdesk.services.transfer import SQLITE_COMPANIONS, CopyResult, copy_database
from tests.conftest import TODAY
from tests.factories import make_action, make_party
from tests.pg_support import login_role, needs_server, scratch_database, url_for


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _file_counts(path: Path) -> dict[str, int]:
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
        return table_counts(conn)


def _counts(db: Database) -> dict[str, int]:
    with db.read() as session:
        return {table.name: session.scalar(select(func.count()).select_from(table)) or 0
                for table in metadata.sorted_tables}


def _leftovers(path: Path) -> list[Path]:
    return [found for suffix in SQLITE_COMPANIONS
            if (found := path.with_name(path.name + suffix)).exists()]


@pytest.fixture
def small_file(tmp_path: Path, today: date) -> Path:
    """A small QMS: a setting, a party with an edit, an action, and evidence on the party
    whose first file was replaced by a newer one (an attachment pointing to a later row)."""
    path = tmp_path / "small.db"
    db = open_database(path, user="Anna", create=True)
    settings = load_settings(db)
    settings.organisation = "Nordlicht Feinmechanik GmbH"
    save_settings(db, settings)
    party = parties.save_party(db, make_party(today, name="Stadtwerke Kiel"), today)
    party.owner = "Anna Kowalska"
    parties.save_party(db, party, today)
    actions.save_action(db, make_action(today), today)
    for name, size in (("agreement.pdf", 3000), ("agreement-2026.pdf", 200_000)):
        (tmp_path / name).write_bytes(bytes(range(256)) * (size // 256))
    assert party.id is not None
    older = evidence.attach(db, "party", party.id, tmp_path / "agreement.pdf")
    evidence.attach(db, "party", party.id, tmp_path / "agreement-2026.pdf", supersedes=older.id)
    db.close()
    return path


def _stopped_half_way(source: str | Path, target: str | Path) -> Task[CopyResult]:
    """A copy in batches of 2 rows, stopped after a few were written (but not committed)."""
    task = copy_database(source, target, batch=2)
    while not ((step := next(task)).label.startswith("Copying") and step.done >= 4):
        pass
    return task


def test_file_to_file_copies_every_table_and_the_trail_verbatim(demo_file: Path,
                                                               tmp_path: Path, capsys):
    before = _sha256(demo_file)
    target = tmp_path / "copy.db"
    assert cli.main(["copy", "--from", str(demo_file), "--to", str(target)]) == 0
    out = capsys.readouterr().out
    assert _sha256(demo_file) == before  # the source is only read
    counts = _file_counts(demo_file)
    assert _file_counts(target) == counts
    assert counts["audit_entry"] > 5000 and counts["supplier_review_score"] > 0
    source, copy = open_database(demo_file, readonly=True), open_database(target)
    try:
        anchor = trail_anchor(source)
        assert trail_anchor(copy) == anchor
        assert verify_database(copy).ok
    finally:
        source.close()
        copy.close()
    rows = sum(count for name, count in counts.items() if name != "alembic_version")
    assert out.splitlines() == [
        f"Copied {demo_file} to {target}: {len(metadata.sorted_tables)} tables, {rows} rows, "
        f"{anchor.entries} audit entries; both sides verified, the same rows in every table.",
        f"Anchor (the same on both sides): {anchor}",
        f"Next: open it with qmsdesk --db {target}"]


def _evidence(db: Database) -> list[tuple[str, int | None, bytes]]:
    """Each attachment: its name, the attachment that replaced it, its content."""
    party = parties.list_parties(db, TODAY)[0]
    return [(item.file_name, item.superseded_by, evidence.content(db, item.sha256))
            for item in evidence.list_evidence(db, "party", party.id)]


def test_an_empty_database_made_by_init_is_a_target(small_file: Path, db: Database,
                                                    today: date, monkeypatch):
    assert db.path is not None
    db.close()
    monkeypatch.setattr(transfer, "BATCH_BYTES", 1000)  # each file in a batch of its own
    result = run_task(copy_database(small_file, db.path))
    source, copy = open_database(small_file, readonly=True), open_database(db.path)
    try:
        assert result.counts == _counts(copy) and result.counts["party"] == 1
        assert _evidence(copy) == _evidence(source) and _evidence(copy)[1][1] is not None
        assert result.anchor == trail_anchor(copy) and result.anchor.entries > 5
        # the copy goes on: the next record takes the next id and extends the chain
        saved = parties.save_party(copy, make_party(today, name="TÜV Nord"), today)
        assert saved.ref == "IP-0002"
        assert verify_database(copy).ok
    finally:
        source.close()
        copy.close()


def test_a_target_with_records_is_refused_and_left_alone(small_file: Path, tmp_path: Path,
                                                         today: date, capsys):
    target = tmp_path / "in-use.db"
    in_use = open_database(target, create=True)
    parties.save_party(in_use, make_party(today, name="Already here"), today)
    anchor = trail_anchor(in_use)
    in_use.close()
    before = _sha256(target)
    assert cli.main(["copy", "--from", str(small_file), "--to", str(target)]) == 1
    assert capsys.readouterr().err == (
        f"qmsdesk: error: {target} already holds QMS Desk records (in audit_entry, party); "
        "copy only into a new file or an empty database. Its records were not touched.\n")
    after = open_database(target)
    try:
        assert trail_anchor(after) == anchor
    finally:
        after.close()
    assert _sha256(target) == before


def test_a_disk_full_half_way_leaves_no_target_file(small_file: Path, tmp_path: Path):
    target = tmp_path / "half.db"
    task = _stopped_half_way(small_file, target)
    assert target.exists()
    full = OperationalError("INSERT", {}, sqlite3.OperationalError("database or disk is full"))
    with pytest.raises(DatabaseWriteFailed, match="the disk is full"):
        task.throw(full)
    assert _leftovers(target) == []


def test_a_cancel_half_way_leaves_no_target_file(small_file: Path, tmp_path: Path):
    target = tmp_path / "cancelled.db"
    task = _stopped_half_way(small_file, target)
    task.close()
    assert _leftovers(target) == []
    assert run_task(copy_database(small_file, target)).counts["party"] == 1  # then again


def test_an_older_or_foreign_source_is_refused_unchanged(tmp_path: Path):
    old = tmp_path / "old.db"
    open_database(old, create=True, revision="0005").close()
    before = _sha256(old)
    with pytest.raises(DatabaseRefused, match="older QMS Desk and must be upgraded"):
        run_task(copy_database(old, tmp_path / "new.db"))
    assert _sha256(old) == before and not (tmp_path / "new.db").exists()
    foreign = tmp_path / "notes.db"
    foreign.write_text("not a database")
    with pytest.raises(DatabaseRefused, match="not a QMS Desk database"):
        run_task(copy_database(foreign, tmp_path / "new.db"))


def test_a_source_whose_trail_was_altered_is_not_copied(small_file: Path, tmp_path: Path):
    with closing(sqlite3.connect(small_file)) as conn, conn:
        conn.execute("UPDATE audit_entry SET new_value = 'Someone else' "
                     "WHERE new_value = 'Anna Kowalska'")
    with pytest.raises(ServiceError) as refused:
        run_task(copy_database(small_file, tmp_path / "new.db"))
    assert str(refused.value).startswith(f"{small_file} does not verify, so it is not "
                                         "copied: Audit trail broken: audit entry #")
    assert not (tmp_path / "new.db").exists()


@needs_server
def test_file_to_server_and_back_keeps_every_row_and_the_trail(demo_file: Path,
                                                               tmp_path: Path, today: date):
    back = tmp_path / "back.db"
    with scratch_database("copy") as url:
        there: CopyResult = run_task(copy_database(demo_file, url))
        assert there.on_server and f"server-setup --database-url {url}" in there.summary()
        returned = run_task(copy_database(url, back))
        server = open_database(url, user="team member")
        try:
            assert _counts(server) == there.counts == returned.counts
            assert trail_anchor(server) == there.anchor == returned.anchor
            assert verify_database(server).ok
            # the id sequences were moved on: the next record takes the next id
            party = metadata.tables["party"]
            with server.read() as session:
                last = session.scalar(select(func.max(party.c.id)))
            saved = parties.save_party(server, make_party(today, name="Neue Partei"), today)
            assert saved.id == last + 1
        finally:
            server.close()
        with pytest.raises(ServiceError, match="already holds QMS Desk records"):
            run_task(copy_database(demo_file, url))
    assert _file_counts(back) == _file_counts(demo_file)
    copy = open_database(back)
    try:
        assert verify_database(copy).ok and trail_anchor(copy) == there.anchor
    finally:
        copy.close()


@needs_server
def test_a_server_set_up_first_is_a_target_and_a_failed_copy_leaves_it_empty(
        small_file: Path):
    with scratch_database("copy") as url:
        assert cli.main(["server-setup", "--database-url", url]) == 0
        task = _stopped_half_way(small_file, url)
        with pytest.raises(RuntimeError):
            task.throw(RuntimeError("the server stopped"))
        server = open_database(url, user="owner")
        try:
            assert set(_counts(server).values()) == {0}
            result = run_task(copy_database(small_file, url))
            assert _counts(server) == result.counts
            assert verify_database(server).ok
            source = open_database(small_file, readonly=True)
            try:
                assert _evidence(server) == _evidence(source)
            finally:
                source.close()
        finally:
            server.close()


@needs_server
def test_an_editor_login_may_not_copy_and_is_told_in_one_sentence(small_file: Path):
    with scratch_database("copy") as url, login_role("editor", "pw", EDITOR) as role:
        assert cli.main(["server-setup", "--database-url", url]) == 0
        as_editor = url_for(url.rsplit("/", 1)[1], role, "pw")
        with pytest.raises(PermissionRefused) as refused:
            run_task(copy_database(small_file, as_editor))
        message = str(refused.value)
        assert message.startswith(f"Your login may not fill postgresql+psycopg://{role}:***@")
        assert message.endswith("copy as the login that owns the database; nothing was "
                                "copied.") and "\n" not in message
        owner = open_database(url, user="owner")
        try:
            assert set(_counts(owner).values()) == {0}
        finally:
            owner.close()


@needs_server
def test_a_server_database_without_a_qms_is_not_a_source(tmp_path: Path):
    with scratch_database("copy") as url:
        with pytest.raises(DatabaseRefused, match="holds no QMS Desk database"):
            run_task(copy_database(url, tmp_path / "new.db"))
        assert not (tmp_path / "new.db").exists()
        engine = create_engine(url)
        try:
            with engine.connect() as conn:
                assert inspect(conn).get_table_names() == []  # nothing was set up there
        finally:
            engine.dispose()
