"""verify: the chain against an anchor, the anchor this computer last saw, the records
against the trail; on real databases (the demo, files upgraded from every old schema)
it finds nothing."""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from qmsdesk.models.audit import Anchor
from qmsdesk.models.db import open_database
from qmsdesk.services.integrity import last_anchor, verify_database
from qmsdesk.services.parties import service as parties
from tests.factories import make_party

FROZEN = Path(__file__).resolve().parent.parent / "data"


def _sql(path: Path, statement: str) -> None:
    with closing(sqlite3.connect(path)) as conn:
        conn.execute(statement)
        conn.commit()


def test_the_demo_verifies_with_its_anchor(demo_db):
    report = verify_database(demo_db)
    assert report.ok, report.problems
    assert report.chain is not None and report.chain.entries > 1000
    assert f"Anchor (write it down; 'verify --expect' checks the trail still extends it): " \
           f"{report.chain.anchor}" in report.summary()
    assert last_anchor(demo_db) == report.chain.anchor


@pytest.mark.parametrize("frozen", sorted(p.name for p in FROZEN.glob("rev*.db")))
def test_a_file_upgraded_from_an_old_schema_verifies(tmp_path, frozen):
    path = tmp_path / "register.db"
    shutil.copyfile(FROZEN / frozen, path)
    db = open_database(path)
    try:
        report = verify_database(db)
    finally:
        db.close()
    assert report.ok, report.problems


def test_an_anchor_given_or_remembered_finds_entries_removed_since(db, today):
    parties.save_party(db, make_party(today, "Acme"), today)
    first = verify_database(db)
    assert first.ok and first.checked_against is None
    parties.save_party(db, make_party(today, "Borealis"), today)
    second = verify_database(db)  # the remembered anchor is extended, and moves on
    assert second.ok and second.checked_against == first.chain.anchor
    assert db.path is not None
    _sql(db.path, "DELETE FROM audit_entry WHERE id > 3")
    _sql(db.path, "DELETE FROM party WHERE name = 'Borealis'")
    remembered = verify_database(db)
    assert not remembered.ok
    assert "compared with the anchor this computer saw at the last verify" in \
        remembered.problems[0]
    given = verify_database(db, expect=first.chain.anchor)
    assert not given.ok and "fewer than the" in given.problems[0]
    assert last_anchor(db) == second.chain.anchor  # a failed verify does not move it


def test_a_record_changed_outside_the_app_fails_verify(db, today):
    saved = parties.save_party(db, make_party(today, "Acme"), today)
    assert db.path is not None
    _sql(db.path, f"UPDATE party SET owner = 'Mallory' WHERE id = {saved.id}")
    report = verify_database(db)
    assert not report.ok
    assert report.problems == [f"party {saved.ref}: owner is 'Mallory' but the audit trail last "
                               "recorded '': changed outside QMS Desk"]


def test_verify_on_the_command_line_prints_and_checks_the_anchor(demo_file, tmp_path):
    import subprocess

    from tests.cli_here import run

    path = tmp_path / "demo.db"
    shutil.copyfile(demo_file, path)

    def verify(*extra: str) -> subprocess.CompletedProcess[str]:
        return run("verify", "--db", str(path), *extra, data_dir=tmp_path)

    first = verify()
    assert first.returncode == 0, first.stderr
    anchor = first.stdout.strip().splitlines()[-1].rsplit(" ", 1)[-1]
    assert Anchor.parse(anchor).entries > 1000
    assert verify("--expect", anchor).returncode == 0
    _sql(path, "DELETE FROM audit_entry WHERE id > 100")
    truncated = verify("--expect", anchor)
    assert truncated.returncode == 1 and "Traceback" not in truncated.stderr
    assert "entries were removed since it was taken" in truncated.stderr
    bad = verify("--expect", "12:nothex")
    assert bad.returncode != 0 and "not an audit-trail anchor" in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1


def test_reports_and_packs_from_a_database_that_may_only_be_read(empty_file, tmp_path):
    from datetime import date

    from qmsdesk.reports.auditor_pack import write_auditor_pack
    from qmsdesk.reports.issue import ReportRequest, generate_report
    from qmsdesk.services.parties.service import save_party
    from qmsdesk.services.progress import run_task
    from qmsdesk.services.report_log import list_report_log
    from tests.factories import make_party

    path = tmp_path / "archive" / "register.db"
    path.parent.mkdir()
    shutil.copyfile(empty_file, path)
    writable = open_database(path, user="Anna")  # a small register: every report, quickly
    for name in ("Müller Präzisionsteile GmbH", "株式会社サンプル精工"):
        save_party(writable, make_party(date(2026, 11, 21), name), date(2026, 11, 21))
    writable.close()
    db = open_database(path, readonly=True)  # a file on a read-only share, say
    try:
        request = ReportRequest(date(2026, 11, 21), "Auditor")
        issued = run_task(generate_report(db, "parties", tmp_path / "p.pdf", request))
        pack = run_task(write_auditor_pack(db, tmp_path / "pack.zip", ReportRequest(
            date(2026, 11, 21), "Auditor", date(2026, 1, 1), date(2026, 11, 21))))
        assert issued.log is None and issued.pages > 1 and pack.path.is_file()
        assert list_report_log(db) == []  # nothing could be logged, and nothing was
        assert verify_database(db).ok
    finally:
        db.close()
    assert sorted(p.name for p in path.parent.iterdir()) == ["register.db"]  # nothing beside
