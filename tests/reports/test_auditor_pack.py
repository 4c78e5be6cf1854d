"""The auditor pack: every report, register and the period's audit trail, with a manifest."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import shutil
import subprocess
import sys
import zipfile
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from qmsdesk.models.audit import AuditEntry
from qmsdesk.models.db import open_database
from qmsdesk.reports.auditor_pack import write_auditor_pack
from qmsdesk.reports.catalog import REPORT_KINDS
from qmsdesk.reports.issue import ReportRequest
from qmsdesk.services import evidence, report_log
from qmsdesk.services.errors import ServiceError, ValidationError
from qmsdesk.services.exchange.columns import all_tables
from qmsdesk.services.progress import run_task
from tests.conftest import TODAY

PERIOD = (date(2026, 1, 1), TODAY)
TOP = "qms-auditor-pack"


@pytest.fixture(scope="module")
def written(demo_file: Path, tmp_path_factory: pytest.TempPathFactory):
    """One pack from a copy of the demo (a pack takes a few seconds): (zip, db path)."""
    folder = tmp_path_factory.mktemp("pack")
    copy = folder / "demo.db"
    shutil.copyfile(demo_file, copy)
    db = open_database(copy, user="Helen Whitfield")
    for ref, name, data in EVIDENCE:  # files attached in the period, one replaced
        (folder / name).write_bytes(data)
        entity, record_id = _record(db, ref)
        older = evidence.list_evidence(db, entity, record_id)
        evidence.attach(db, entity, record_id, folder / name,
                        supersedes=older[0].id if older and name.endswith("2027.pdf") else None)
    progress = []
    pack = run_task(write_auditor_pack(db, folder / f"{TOP}.zip",
                                       ReportRequest(TODAY, "Helen Whitfield", *PERIOD)),
                    progress.append)
    db.close()
    return pack, copy, progress


EVIDENCE = (("SUP-0001", "ISO 9001 certificate 2024.pdf", b"%PDF old certificate"),
            ("SUP-0001", "ISO 9001 certificate 2027.pdf", b"%PDF renewed certificate"),
            ("ACT-0001", "8D report ..\\\\draft.pdf", b"%PDF 8D report"))
# where they land in the pack, without the attachment number before each name
EVIDENCE_FILES = {"evidence/SUP-0001/ISO 9001 certificate 2024.pdf",
                  "evidence/SUP-0001/ISO 9001 certificate 2027.pdf",
                  "evidence/ACT-0001/draft.pdf", "evidence/index.csv"}


def _unnumbered(names: list[str]) -> set[str]:
    return {re.sub(r"/\d{4}-", "/", name) for name in names if name.startswith("evidence/")}


def _record(db, ref: str) -> tuple[str, int]:
    from qmsdesk.models.objectives import Action
    from qmsdesk.models.suppliers import Supplier

    model = Supplier if ref.startswith("SUP") else Action
    with db.read() as session:
        return model.audit_entity, session.scalar(select(model.id).where(model.ref == ref))


def _names(pack) -> list[str]:
    with zipfile.ZipFile(pack.path) as archive:
        return archive.namelist()


def test_the_zip_holds_reports_registers_audit_trail_readme_and_manifest(written):
    pack, _, _ = written
    names = _names(pack)
    assert all(name.startswith(f"{TOP}/") for name in names)
    inside = sorted(name.removeprefix(f"{TOP}/") for name in names)
    assert inside == sorted([
        "README.txt", "manifest.sha256",
        *(f"reports/{kind.file_stem}.pdf" for kind in REPORT_KINDS.values()),
        *(f"registers/{table.name}.csv" for table in all_tables()),
        "audit-trail/audit-trail-2026-01-01-to-2026-11-21.csv",
        "audit-trail/audit-trail-2026-01-01-to-2026-11-21.jsonl",
        "audit-trail/verify_trail.py",
        *(name for name in inside if name.startswith("evidence/"))])
    assert _unnumbered(inside) >= EVIDENCE_FILES  # the demo's own files of the period too
    for name in ("interested-parties", "quality-objectives", "suppliers", "management-review",
                 "risks", "traceability"):  # every report of the catalogue, new ones too
        assert f"{TOP}/reports/{name}.pdf" in names
    for name in ("parties", "requirements", "engagements", "objectives", "measurements",
                 "actions", "suppliers", "reviews"):
        assert f"{TOP}/registers/{name}.csv" in names


def test_sha256sum_accepts_the_manifest(written, tmp_path):
    pack, _, _ = written
    with zipfile.ZipFile(pack.path) as archive:
        archive.extractall(tmp_path)
    folder = tmp_path / TOP
    manifest = (folder / "manifest.sha256").read_text(encoding="utf-8").splitlines()
    assert len(manifest) == len(_names(pack)) - 1  # every file but the manifest itself
    for line in manifest:
        digest, name = line.split("  ", 1)
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest
    if shutil.which("sha256sum"):
        checked = subprocess.run(["sha256sum", "-c", "manifest.sha256"], cwd=folder,
                                 capture_output=True, text=True, check=False)
        assert checked.returncode == 0, checked.stdout + checked.stderr
        assert checked.stdout.count(": OK") == len(manifest)


def test_reports_in_the_pack_are_controlled_and_logged_as_its_members(written):
    pack, copy, _ = written
    with zipfile.ZipFile(pack.path) as archive:
        review = PdfReader(io.BytesIO(archive.read(
            f"{TOP}/reports/management-review.pdf")))
    assert "Period 2026-01-01 to 2026-11-21" in " ".join(
        review.pages[0].extract_text().split())
    db = open_database(copy, user="auditor")
    try:
        logged = report_log.list_report_log(db)
    finally:
        db.close()
    assert sorted(entry.report_type for entry in logged) == sorted(REPORT_KINDS)
    assert {"management-review", "parties", "risks", "traceability"} <= set(REPORT_KINDS)
    for entry in logged:
        assert entry.archive_member is not None
        assert entry.archive_member[0] == pack.path
        assert entry.file_state() == report_log.AVAILABLE


def test_the_audit_trail_csv_covers_exactly_the_period(written):
    pack, copy, _ = written
    with zipfile.ZipFile(pack.path) as archive:
        text = archive.read(f"{TOP}/audit-trail/audit-trail-2026-01-01-to-2026-11-21.csv")
    rows = list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Entry", "At", "User"]
    start = datetime.combine(PERIOD[0], time(), tzinfo=UTC)
    end = datetime.combine(PERIOD[1] + timedelta(days=1), time(), tzinfo=UTC)
    db = open_database(copy, user="auditor")
    try:
        with db.session() as session:
            expected = session.scalar(select(func.count(AuditEntry.id)).where(
                AuditEntry.at >= start, AuditEntry.at < end))
    finally:
        db.close()
    assert len(rows) - 1 == expected
    assert all(PERIOD[0].isoformat() <= row[1][:10] <= PERIOD[1].isoformat()
               for row in rows[1:])


def test_the_readme_says_what_is_inside_and_how_to_check_it(written):
    pack, _, progress = written
    with zipfile.ZipFile(pack.path) as archive:
        readme = archive.read(f"{TOP}/README.txt").decode("utf-8")
    assert "Period:        2026-01-01 to 2026-11-21" in readme
    assert "sha256sum -c manifest.sha256" in readme
    assert progress[-1].label == "Writing the zip"
    assert any("Management review input pack" in p.label for p in progress)


def test_stopping_part_way_leaves_no_zip_and_logs_nothing(db, tmp_path):
    out = tmp_path / "pack.zip"
    task = write_auditor_pack(db, out, ReportRequest(TODAY, "x", *PERIOD))
    for _ in range(3):
        next(task)
    task.close()
    assert list(tmp_path.glob("pack*")) == []
    assert report_log.list_report_log(db) == []


def test_a_period_is_required_and_the_file_must_be_a_zip(db, tmp_path):
    with pytest.raises(ValidationError) as caught:
        run_task(write_auditor_pack(db, tmp_path / "p.zip", ReportRequest(TODAY, "x")))
    assert set(caught.value.errors) == {"period_from", "period_to"}
    with pytest.raises(ValidationError, match="on or after"):
        run_task(write_auditor_pack(db, tmp_path / "p.zip", ReportRequest(
            TODAY, "x", PERIOD[1], PERIOD[0])))
    with pytest.raises(ServiceError, match=r"\.zip"):
        run_task(write_auditor_pack(db, tmp_path / "p.pdf", ReportRequest(TODAY, "x", *PERIOD)))


@pytest.mark.parametrize("folder, name", [("plain", "PACK.ZIP"), ("old.zip!", "pack.zip")])
def test_reports_in_a_pack_are_found_whatever_the_names(db, tmp_path, folder, name):
    out = tmp_path / folder / name
    out.parent.mkdir()
    pack = run_task(write_auditor_pack(db, out, ReportRequest(TODAY, "x", *PERIOD)))
    logged = report_log.list_report_log(db)
    assert len(logged) == len(REPORT_KINDS)
    for entry in logged:
        assert entry.archive_member == (pack.path, entry.member)
        assert entry.member.startswith(f"{out.stem}/reports/")
        assert entry.file_state() == report_log.AVAILABLE


def test_the_readme_names_the_audit_trail_anchor(written):
    import re

    pack, copy, _ = written
    with zipfile.ZipFile(pack.path) as archive:
        readme = archive.read(f"{TOP}/README.txt").decode("utf-8")
    match = re.search(r"Audit trail:   anchor (\d+):([0-9a-f]{64})", readme)
    assert match is not None, readme
    db = open_database(copy, user="auditor")
    try:
        with db.read() as session:
            entries = session.scalar(select(func.count(AuditEntry.id)))
    finally:
        db.close()
    assert int(match.group(1)) == entries  # nothing was audited after the pack was made


def _verify(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # The verifier needs Python's standard library only: run it with isolated imports.
    return subprocess.run(
        [sys.executable, "-I", "verify_trail.py", "audit-trail-2026-01-01-to-2026-11-21.jsonl",
         *args], cwd=folder / "audit-trail", capture_output=True, text=True, check=False)


def test_the_packs_own_verifier_recomputes_the_chain_and_finds_any_change(written, tmp_path):
    pack, _, _ = written
    with zipfile.ZipFile(pack.path) as archive:
        archive.extractall(tmp_path)
    folder = tmp_path / TOP
    trail = folder / "audit-trail" / "audit-trail-2026-01-01-to-2026-11-21.jsonl"
    entries = [json.loads(line) for line in trail.read_text(encoding="utf-8").splitlines()]
    csv_rows = list(csv.reader(io.StringIO((folder / "audit-trail" / trail.with_suffix(
        ".csv").name).read_text(encoding="utf-8-sig"))))[1:]
    assert [str(entry["id"]) for entry in entries] == [row[0] for row in csv_rows]
    raw = {entry["new_value"] for entry in entries}
    assert not any(value.startswith("'-") for value in raw)  # nothing escaped in the .jsonl
    checked = _verify(folder)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.startswith(f"INTACT: {len(entries)} entries")
    assert f"the last is entry {entries[-1]['id']} with hash {entries[-1]['hash']}" in \
        checked.stdout
    assert _verify(folder, "--expect", f"{len(entries)}:{entries[-1]['hash']}").returncode == 0
    assert _verify(folder, "--expect", f"{len(entries)}:{'0' * 64}").returncode == 1

    changed = dict(entries[5], new_value=entries[5]["new_value"] + " (edited)")
    trail.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n"
                             for e in [*entries[:5], changed, *entries[6:]]), encoding="utf-8")
    checked = _verify(folder)
    assert checked.returncode == 1
    assert f"entry {entries[5]['id']}): its values do not give its hash" in checked.stdout

    trail.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n"
                             for e in [*entries[:5], *entries[6:]]), encoding="utf-8")
    checked = _verify(folder)
    assert checked.returncode == 1 and "an entry was removed, added or reordered" in \
        checked.stdout


def test_the_evidence_of_the_period_is_in_the_pack_with_its_index(written):
    pack, _, _ = written
    with zipfile.ZipFile(pack.path) as archive:
        index = list(csv.DictReader(io.StringIO(
            archive.read(f"{TOP}/evidence/index.csv").decode("utf-8-sig"))))
        for row in index:
            data = archive.read(f"{TOP}/{row['File in this pack']}")
            assert hashlib.sha256(data).hexdigest() == row["sha256"]
            assert int(row["Size (bytes)"]) == len(data)
    ours = {name for _, name, _ in EVIDENCE}
    assert [(r["Record"], r["Original name"], r["State"]) for r in index
            if r["Original name"] in ours] == [
        ("SUP-0001", "ISO 9001 certificate 2024.pdf",
         "replaced by ISO 9001 certificate 2027.pdf"),
        ("SUP-0001", "ISO 9001 certificate 2027.pdf", "current"),
        ("ACT-0001", "8D report ..\\\\draft.pdf", "current")]
    assert {r["Attached by"] for r in index if r["Original name"] in ours} == \
        {"Helen Whitfield"}
    assert any(r["Original name"].endswith("minutes.pdf") for r in index)  # the demo's
