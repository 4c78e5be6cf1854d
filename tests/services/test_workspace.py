"""Creating, opening and backing up databases through the workspace service."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest

from qmsdesk.services import backups, org_settings
from qmsdesk.services.errors import ServiceError
from qmsdesk.services.parties import service as parties
from qmsdesk.services.progress import run_task
from qmsdesk.services.workspace import (
    create_new_database,
    open_workspace,
)


def test_new_database_records_organisation_and_refuses_existing(tmp_path: Path):
    path = tmp_path / "acme.db"
    db = create_new_database(path, "  Acme Ltd ")
    assert org_settings.load_settings(db).organisation == "Acme Ltd"
    db.close()
    with pytest.raises(ServiceError, match="already exists"):
        create_new_database(path, "Other")


def test_backup_is_a_complete_consistent_copy(tmp_path: Path, today: date):
    db = create_new_database(tmp_path / "live.db", "Acme Ltd")
    record = parties.new_party(today)
    record.name = "Łódź Logistics Sp. z o.o."
    record.influence, record.interest = 3, 3  # a new party starts unrated
    parties.save_party(db, record, today)
    steps: list[int] = []
    target = run_task(backups.backup_task(db), lambda p: steps.append(p.done)).path
    assert steps[-1] == 1
    assert not list(target.parent.glob("*.partial"))
    with sqlite3.connect(target) as conn:
        assert conn.execute("SELECT name FROM party").fetchall() == [
            ("Łódź Logistics Sp. z o.o.",)]
    copy = open_workspace(target)
    assert [r.name for r in parties.list_parties(copy, today)] == ["Łódź Logistics Sp. z o.o."]
    copy.close()
    db.close()


def test_a_demo_that_cannot_be_finished_leaves_no_partial_file(tmp_path, monkeypatch):
    from qmsdesk.services import workspace

    def full_disk(db, today):
        yield from ()
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("qmsdesk.services.demo.builder.create_demo", full_disk)
    with pytest.raises(OSError, match="No space left"):
        run_task(workspace.create_demo_database(tmp_path / "demo.db", date(2026, 11, 21)))
    assert not list(tmp_path.glob("demo.db*"))  # neither the demo nor its .partial
