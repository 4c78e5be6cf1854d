"""Backups: verified copies in the data folder, one a day automatically, kept in rotation,
restored with the current file kept first."""

from __future__ import annotations

import shutil
import subprocess
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from qmsdesk import clock
from qmsdesk.models.db import open_database
from qmsdesk.services import backups
from qmsdesk.services.errors import ServiceError
from qmsdesk.services.integrity import last_anchor, verify_database
from qmsdesk.services.parties import service as parties
from tests.cli_here import run as run_here
from tests.conftest import NOW
from tests.factories import make_party

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.fixture
def register(empty_file, tmp_path, today):
    path = tmp_path / "register.db"
    shutil.copyfile(empty_file, path)
    db = open_database(path, user="tester")
    parties.save_party(db, make_party(today, "Acme Tools"), today)
    yield db
    db.close()


def _names(db_file: Path) -> list[str]:
    db = open_database(db_file)
    try:
        return sorted(row.name for row in parties.list_parties(db, NOW.date()))
    finally:
        db.close()


def test_a_backup_is_a_verified_copy_listed_with_what_it_holds(register):
    first = backups.backup_now(register)
    second = backups.backup_now(register)  # the same second: a name of its own
    assert first.path != second.path and first.path.parent == second.path.parent
    assert first.path.parent == backups.backup_folder(register.path)
    assert first.path.parent.parent.parent == register.path.parent / "data"  # data folder
    listed = backups.list_backups(register.path)
    assert [b.path for b in listed] == [second.path, first.path]  # newest first
    assert first.counts() == {"parties": 1, "objectives": 0, "suppliers": 0, "actions": 0}
    assert "manual" in backups.describe(first) and "1 parties" in backups.describe(first)
    assert _names(first.path) == ["Acme Tools"]
    assert not list(first.path.parent.glob("*.partial"))


def test_a_server_database_is_told_to_use_the_servers_tools(register):
    register.path = None
    with pytest.raises(ServiceError, match="pg_dump"):
        backups.backup_now(register)
    assert backups.automatic_backup(register) is None


def test_one_automatic_backup_a_day(register):
    taken = backups.automatic_backup(register)
    assert taken is not None and taken.kind == backups.AUTO
    assert backups.automatic_backup(register) is None  # the same day: not again
    clock.freeze(NOW + timedelta(hours=25))
    again = backups.automatic_backup(register)
    assert again is not None and again.path != taken.path


def test_rotation_keeps_7_days_4_weeks_12_months_and_every_manual_backup(register):
    folder = backups.backup_folder(register.path)
    folder.mkdir(parents=True)
    start = datetime(2025, 6, 1, 9, 0)
    for day in range(400):  # one automatic backup a day for 400 days, two on some
        for hour in (9, 17) if day % 10 == 0 else (9,):
            when = start + timedelta(days=day, hours=hour - 9)
            (folder / f"auto-{when:%Y%m%d-%H%M%S}.db").write_bytes(b"x")
    (folder / "manual-20250601-120000.db").write_bytes(b"x")
    backups.rotate(register.path)
    left = backups.list_backups(register.path)
    autos = [b.taken_at for b in left if b.kind == backups.AUTO]
    newest = start + timedelta(days=399)
    assert autos[0] == newest
    assert len(autos) <= backups.KEEP_DAILY + backups.KEEP_WEEKLY + backups.KEEP_MONTHLY
    assert [d.date() for d in autos[:7]] == [(newest - timedelta(days=n)).date()
                                             for n in range(7)]
    months = {(d.year, d.month) for d in autos}
    assert len(months) == 12
    assert any(b.kind == backups.MANUAL for b in left)


def test_restore_puts_the_backup_back_and_keeps_the_current_file(register, today):
    taken = backups.backup_now(register)
    parties.save_party(register, make_party(today, "Borealis"), today)
    assert verify_database(register).ok and last_anchor(register) is not None
    register.close()
    safety = backups.restore(register.path, taken.path)
    assert _names(register.path) == ["Acme Tools"]
    assert _names(safety.path) == ["Acme Tools", "Borealis"] and safety.kind == "before-restore"
    reopened = open_database(register.path)
    try:
        assert last_anchor(reopened) is None  # a new history starts from the restored trail
        assert verify_database(reopened).ok
    finally:
        reopened.close()


def test_restore_refuses_a_database_that_is_open(register):
    taken = backups.backup_now(register)
    with register.session() as session:  # an open database has its -wal beside it
        session.info["keep"] = True
    with pytest.raises(ServiceError, match="close every QMS Desk using it"):
        backups.restore(register.path, taken.path)
    assert _names(register.path) == ["Acme Tools"]


def test_backup_and_restore_on_the_command_line(register, tmp_path):
    register.close()

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return run_here(*args, "--db", str(register.path), data_dir=tmp_path / "data")

    made = run("backup")
    assert made.returncode == 0 and "Backup written and verified" in made.stdout, made.stderr
    listed = run("backup", "--list")
    assert listed.returncode == 0 and "1 parties" in listed.stdout
    name = listed.stdout.strip().splitlines()[-1].split()[-1]
    restored = run("restore", name)
    assert restored.returncode == 0, restored.stderr
    assert "the file as it was is kept as" in restored.stdout
    missing = run("restore", "nothing-2020.db")
    assert missing.returncode == 1 and "does not exist" in missing.stderr
    assert len(missing.stderr.strip().splitlines()) == 1


def test_how_many_backups_are_kept_is_each_users_choice(register):
    assert backups.keep() == (7, 4, 12)
    with pytest.raises(ServiceError, match="DAYS,WEEKS,MONTHS"):
        backups.set_keep("0,4,12")
    with pytest.raises(ServiceError, match="DAYS,WEEKS,MONTHS"):
        backups.set_keep("seven")
    assert backups.set_keep("2, 2, 0") == (2, 2, 0) and backups.keep() == (2, 2, 0)
    folder = backups.backup_folder(register.path)
    folder.mkdir(parents=True)
    for day in range(30):
        when = datetime(2026, 10, 1, 9, 0) + timedelta(days=day)
        (folder / f"auto-{when:%Y%m%d-%H%M%S}.db").write_bytes(b"x")
    backups.rotate(register.path)
    left = [b.taken_at.date().isoformat() for b in backups.list_backups(register.path)]
    assert left == ["2026-10-30", "2026-10-29", "2026-10-25"]  # 2 days; 2 weeks: +25th
