"""`qmsdesk approve --meaning`: the approval records and prints what the approver meant; on
a team's server the password is asked at a terminal, and without one the command refuses in
one sentence, approving nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from qmsdesk import paths
from qmsdesk.models.db import open_database
from qmsdesk.services import approvals, user_settings
from tests.cli_here import run
from tests.pg_support import needs_server, scratch_database


def _issued(db_arg: list[str], tmp_path: Path) -> None:
    result = run("report", "parties", *db_arg, "--out", str(tmp_path / "p.pdf"),
                 data_dir=tmp_path)
    assert result.returncode == 0, result.stderr


def test_approve_records_and_prints_the_meaning(tmp_path: Path):
    db_file = tmp_path / "qms.db"
    assert run("init", "--db", str(db_file), "--organisation", "Northwind",
               data_dir=tmp_path).returncode == 0
    paths.set_data_dir(tmp_path)
    user_settings.set_identity("Helen Whitfield", "Managing Director")
    _issued(["--db", str(db_file)], tmp_path)
    result = run("approve", "parties", "--db", str(db_file), "--meaning",
                 "Approved as top management", data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "by Helen Whitfield, Managing Director, \u201cApproved as top management\u201d" \
        in result.stdout
    db = open_database(db_file)
    try:
        approval = approvals.approval_of(db, "parties", 1)
        assert approval is not None and approval.meaning == "Approved as top management"
    finally:
        db.close()


@needs_server
def test_approve_on_a_server_without_a_terminal_refuses_in_one_sentence(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    with scratch_database() as url:
        _issued(["--database-url", url], tmp_path)
        result = run("approve", "parties", "--database-url", url, "--meaning", "As owner",
                     data_dir=tmp_path)
        assert result.returncode == 1
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "needs your password, typed at a terminal" in lines[0]
        db = open_database(url)
        try:
            assert approvals.approval_of(db, "parties", 1) is None
        finally:
            db.close()
