"""`qmsdesk import` with files it cannot read exactly: a CSV that is not UTF-8 is refused in
one line that says what to do (and --encoding reads it), and a file wrong on every row
lists the first problems and how many more, not millions of lines."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.cli_here import run
from tests.test_cli import assert_one_line_error


def _parties(path: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT ref, name FROM party ORDER BY ref").fetchall()


def test_a_csv_that_is_not_utf_8_is_refused_unless_its_encoding_is_named(tmp_path: Path):
    db = tmp_path / "q.db"
    assert run("init", "--db", str(db), data_dir=tmp_path).returncode == 0
    csv = tmp_path / "parties.csv"
    csv.write_bytes(b"\xef\xbb\xbfReference,Name,Next review\r\n"
                    b"IP-0001,Zo\xeb Ltd,2027-01-01\r\n")
    refused = run("import", "parties", str(csv), "--db", str(db), data_dir=tmp_path)
    assert_one_line_error(refused, "'parties.csv' is not UTF-8 text: line 2 holds the byte "
                                   "0xEB", "CSV UTF-8", "--encoding windows-1252")
    assert _parties(db) == []
    done = run("import", "parties", str(csv), "--db", str(db), "--encoding", "Windows-1252",
               data_dir=tmp_path)
    assert done.returncode == 0, done.stderr
    assert _parties(db) == [("IP-0001", "Zoë Ltd")]


def test_a_file_wrong_on_every_row_prints_the_first_problems_and_a_count(tmp_path: Path):
    db = tmp_path / "q.db"
    assert run("init", "--db", str(db), data_dir=tmp_path).returncode == 0
    csv = tmp_path / "parties.csv"
    csv.write_text("Reference,Name,Next review\r\n" + "".join(
        f"IP-{n:020d},Party {n},2027-01-01\r\n" for n in range(5000)), encoding="utf-8")
    refused = run("import", "parties", str(csv), "--db", str(db), data_dir=tmp_path)
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    lines = refused.stderr.splitlines()
    assert len(lines) == 202
    assert lines[0] == "Nothing was imported: the file has 5000 problems."
    assert lines[1].startswith("  parties.csv, row 2, column 'Reference': "
                               "'IP-00000000000000000000' is not a reference like IP-0001")
    assert lines[-1] == "  ... and 4800 more: correct these and check the file again."
    assert _parties(db) == []
