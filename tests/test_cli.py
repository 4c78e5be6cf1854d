"""The command line as auditors' scripts and the installer's smoke test use it: the program
started as a process of its own for its default files, its one-line refusals and its
start-up clean-up; the commands that work on the demo run in-process (tests/cli_here.py),
where what counts is what they print and write."""

from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.cli_here import run as run_here

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), "--data-dir", str(data_dir),
                           *args], capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def data_folder(tmp_path_factory: pytest.TempPathFactory, demo_file: Path) -> Path:
    """A data folder where `init` (the program) and `demo` (in-process, its build being
    the session's demo: tests/demo_copy.py) made their default files."""
    from qmsdesk.services import workspace
    from tests.demo_copy import copying

    folder = tmp_path_factory.mktemp("cli")
    assert run("init", data_dir=folder).returncode == 0
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(workspace, "create_demo_database", copying(demo_file))
        result = run_here("demo", data_dir=folder)
    assert result.returncode == 0, result.stderr
    assert "Created demo database" in result.stdout
    return folder


@pytest.fixture
def demo_db(demo_file: Path, tmp_path: Path) -> Path:
    """A copy of the session's demo, for the commands run in-process below."""
    copy = tmp_path / "demo-copy.db"
    shutil.copyfile(demo_file, copy)
    return copy


def assert_one_line_error(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for word in words:
        assert word in lines[0]


def test_init_creates_an_empty_database_and_refuses_to_overwrite(tmp_path: Path):
    path = tmp_path / "new.db"
    result = run("init", "--db", str(path), "--organisation", "Acme Ltd", data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM party").fetchone() == (0,)
        assert conn.execute("SELECT value FROM setting WHERE key = 'organisation'").fetchone() \
            == ("Acme Ltd",)
    before = path.read_bytes()
    again = run("init", "--db", str(path), data_dir=tmp_path)
    assert_one_line_error(again, "already exists")
    assert path.read_bytes() == before


def test_init_and_demo_default_to_the_data_folder_and_the_gui_opens_them(data_folder: Path):
    assert (data_folder / "qmsdesk.db").is_file()
    assert (data_folder / "demo.db").is_file()
    # a plain `qmsdesk verify` and `qmsdesk --demo` use the same files
    assert "chain intact" in run("verify", data_dir=data_folder).stdout
    assert_one_line_error(run("demo", data_dir=data_folder), "demo.db already exists")


def test_demo_report_and_verify(demo_db: Path, tmp_path: Path):
    out = tmp_path / "parties.pdf"
    result = run_here("report", "parties", "--db", str(demo_db), "--out", str(out),
                 data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    text = "".join(page.extract_text() for page in PdfReader(out).pages)
    for name in ("Müller Präzisionsteile GmbH", "Łódź Logistics Sp. z o.o.",
                 "株式会社サンプル精工"):
        assert name in text
    verify = run_here("verify", "--db", str(demo_db), data_dir=tmp_path)
    assert verify.returncode == 0, verify.stderr
    assert "chain intact" in verify.stdout


def test_verify_names_the_first_tampered_entry(demo_db: Path, tmp_path: Path):
    copy = tmp_path / "tampered.db"
    copy.write_bytes(demo_db.read_bytes())
    with sqlite3.connect(copy) as conn:
        conn.execute("UPDATE audit_entry SET new_value = 'Someone Else' WHERE id = 42")
    result = run_here("verify", "--db", str(copy), data_dir=tmp_path)
    assert_one_line_error(result, "audit entry #42")


@pytest.mark.parametrize("args, words", [
    (["verify", "--db", "{tmp}/missing.db"], ["missing.db", "does not exist"]),
    (["report", "parties", "--db", "{tmp}/notes.txt", "--out", "{tmp}/x.pdf"],
     ["notes.txt", "not a QMS Desk database"]),
    (["report", "frobnicate", "--out", "x.pdf"], ["invalid choice"]),
    (["report", "parties"], ["--out"]),
    (["report", "management-review", "--db", "{tmp}/x.db", "--out", "{tmp}/m.pdf",
      "--from", "2026-13-01", "--to", "2026-02-01"], ["invalid date '2026-13-01'", "YYYY-MM-DD"]),
    (["auditor-pack", "--out", "{tmp}/p.zip", "--to", "2026-02-01"], ["--from"]),
    (["frobnicate"], ["invalid choice"]),
])
def test_errors_are_one_clear_line(tmp_path: Path, args: list[str], words: list[str]):
    (tmp_path / "notes.txt").write_text("shopping list\n")
    result = run(*[a.format(tmp=tmp_path) for a in args], data_dir=tmp_path)
    assert_one_line_error(result, *words)


def test_report_into_a_missing_folder_is_refused(demo_db: Path, tmp_path: Path):
    result = run_here("report", "parties", "--db", str(demo_db), "--out",
                 str(tmp_path / "nope" / "x.pdf"), data_dir=tmp_path)
    assert_one_line_error(result, "does not exist")


def test_objectives_report_on_the_demo(demo_db: Path, tmp_path: Path):
    from tests.reports.test_parties_report import image_xobjects

    out = tmp_path / "objectives.pdf"
    result = run_here("report", "objectives", "--db", str(demo_db), "--out", str(out),
                 data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    reader = PdfReader(out)
    text = "".join(page.extract_text() for page in reader.pages)
    for seed in ("Right First Time 99.8 %", "On Time In Full", "Customer returns value −50 %",
                 "turned round within 20 working days"):
        assert seed in text, seed
    for word in ("On track", "At risk", "Off track", "Achieved", "Overdue"):
        assert word in text, word
    assert "Revision 2, approved by" in text
    assert len(set(re.findall(r"ACT-\d{4}", text))) == 14  # every objective-linked action
    objectives = len(set(re.findall(r"OBJ-\d{4}-\d{2} — ", text)))
    assert objectives == 10
    assert len(image_xobjects(reader)) == objectives


def test_management_review_pack_and_auditor_pack(demo_db: Path, tmp_path: Path):
    # The packs' content is tested in-process (tests/reports); here, what the command line
    # adds, on a small register: arguments, messages, exit codes, files.
    import zipfile

    # A period that ended before any day the suite runs on: the program's "today" is its own
    # clock's, which a test cannot freeze in another process.
    start, end = "2026-01-01", "2026-06-30"
    small = tmp_path / "small.db"
    assert run_here("init", "--db", str(small), data_dir=tmp_path).returncode == 0
    missing = run_here("report", "management-review", "--db", str(demo_db), "--out",
                  str(tmp_path / "m.pdf"), data_dir=tmp_path)
    assert_one_line_error(missing, "needs --from DATE and --to DATE")
    backwards = run_here("report", "management-review", "--db", str(demo_db), "--out",
                    str(tmp_path / "m.pdf"), "--from", end, "--to", "2020-01-01",
                    data_dir=tmp_path)
    assert_one_line_error(backwards, "period_to", "on or after")
    snapshot = run_here("report", "parties", "--db", str(demo_db), "--out", str(tmp_path / "p.pdf"),
                   "--from", "2026-01-01", data_dir=tmp_path)
    assert_one_line_error(snapshot, "snapshot as of today")
    out = tmp_path / "mr.pdf"
    result = run_here("report", "management-review", "--db", str(small), "--out", str(out),
                 "--from", start, "--to", end, data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert re.search(r"revision \d+, (new revision|content unchanged), \d+ pages, sha256 "
                     r"[0-9a-f]{64}", result.stdout)
    assert "Management review input pack" in PdfReader(out).pages[0].extract_text()
    pack = tmp_path / "pack.zip"
    result = run_here("auditor-pack", "--db", str(small), "--from", start, "--to", end,
                 "--out", str(pack), data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "sha256sum -c manifest.sha256" in result.stdout
    with zipfile.ZipFile(pack) as archive:
        assert "pack/manifest.sha256" in archive.namelist()


def test_export_template_and_import_with_a_refused_file(demo_db: Path, tmp_path: Path):
    import openpyxl

    out = tmp_path / "parties.xlsx"
    result = run_here("export", "parties", "--db", str(demo_db), "--out", str(out),
                 data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert run_here("template", "parties", "--out", str(tmp_path / "t.xlsx"),
               data_dir=tmp_path).returncode == 0
    empty = tmp_path / "empty.db"
    assert run_here("init", "--db", str(empty), data_dir=tmp_path).returncode == 0
    dry = run_here("import", "parties", str(out), "--db", str(empty), "--dry-run",
              data_dir=tmp_path)
    assert dry.returncode == 0 and "would create 32" in dry.stdout
    assert not list(tmp_path.glob("backups/empty-*/auto-*.db"))  # a dry run writes nothing
    workbook = openpyxl.load_workbook(out)
    workbook["parties"]["I3"] = "very high"
    workbook.save(tmp_path / "bad.xlsx")
    refused = run_here("import", "parties", str(tmp_path / "bad.xlsx"), "--db", str(empty),
                  data_dir=tmp_path)
    assert refused.returncode == 1
    assert "Traceback" not in refused.stderr
    assert refused.stderr.splitlines()[:2] == [
        "Nothing was imported: the file has 1 problem.",
        "  parties, row 3, column 'Influence': 'very high' is not a whole number (e.g. 12)"]
    done = run_here("import", "parties", str(out), "--db", str(empty), data_dir=tmp_path)
    assert done.returncode == 0 and "Imported: 32 created" in done.stdout
    # the day's backup, taken before the first import that may write (once a day)
    assert len(list(tmp_path.glob("backups/empty-*/auto-*.db"))) == 1
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    assert_one_line_error(run_here("import", "parties", str(broken), "--db", str(empty),
                              data_dir=tmp_path), "broken.xlsx")


def test_a_killed_tasks_working_folder_is_cleaned_at_the_next_start(tmp_path: Path):
    import os
    import time

    stale = tmp_path / "cache" / "tmp" / "pack-killed"
    (stale / "registers").mkdir(parents=True)
    (stale / "registers" / "parties.csv").write_text("copies of the registers")
    fresh = tmp_path / "cache" / "tmp" / "pack-running"
    fresh.mkdir()
    now = time.time()  # the process's clock, which may be moved; set both times from it
    os.utime(stale, (now - 7 * 3600, now - 7 * 3600))
    os.utime(fresh, (now - 60, now - 60))
    result = run("verify", "--db", str(tmp_path / "missing.db"), data_dir=tmp_path)
    assert result.returncode != 0  # the command itself fails; the cleaning happened first
    assert not stale.exists() and fresh.exists()


def test_the_window_opens_the_database_given_once_its_modules_are_read(demo_db: Path,
                                                                        tmp_path: Path):
    """The program's own start: the window shows, SQLAlchemy and the models are imported
    on a worker, then the database opens and is remembered; closing saves and quits."""
    import json
    import os

    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QMSDESK_QUIT_AFTER_MS="5000")
    result = subprocess.run([sys.executable, str(ROOT / "main.py"), "--data-dir",
                             str(tmp_path), "--db", str(demo_db)], capture_output=True,
                            text=True, timeout=120, env=env)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    settings = json.loads(next(tmp_path.rglob("settings.json")).read_text(encoding="utf-8"))
    assert settings["recent_databases"][0] == str(demo_db)
