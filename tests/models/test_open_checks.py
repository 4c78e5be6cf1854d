"""What opening a file checks when it is too big for the full check (header, schema, first
and last page of each table), and that the full check behind it names the damage the
cheap one misses."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from qmsdesk.models import db as db_module
from qmsdesk.models.db import DatabaseRefused, check_file, open_database
from tests.models import test_refuse_files as refuse
from tests.models.test_refuse_files import CASES, _make, _snapshot

demo_file = refuse.demo_file  # the same module-scoped fixture: a file of many pages

CHEAP_CATCHES = [name for name in CASES if name != "damaged"]


@pytest.mark.parametrize("name", CHEAP_CATCHES)
def test_the_cheap_check_still_refuses_what_it_can_see(name: str, tmp_path: Path,
                                                       demo_file: Path) -> None:
    path = _make(name, tmp_path, demo_file)
    before = _snapshot(path)
    with pytest.raises(DatabaseRefused) as caught:
        open_database(path, full_check=False)
    for words in CASES[name][1]:
        assert words in str(caught.value)
    assert _snapshot(path).sha256 == before.sha256


def test_damage_in_the_middle_of_a_table_is_left_to_the_full_check(
        tmp_path: Path, demo_file: Path) -> None:
    path = _make("damaged", tmp_path, demo_file)
    database = open_database(path, full_check=False)  # the cheap check cannot see it...
    assert not database.checked
    database.close()
    digest = _snapshot(path).sha256
    with pytest.raises(DatabaseRefused) as caught:  # ...the check behind it does
        check_file(path)
    assert str(path) in str(caught.value)
    assert "is damaged" in str(caught.value) and "Restore a backup" in str(caught.value)
    assert _snapshot(path).sha256 == digest


def test_a_damaged_last_page_is_seen_by_the_cheap_check(tmp_path: Path,
                                                        demo_file: Path) -> None:
    import sqlite3
    from contextlib import closing

    path = tmp_path / "tail.db"
    shutil.copyfile(demo_file, path)
    with closing(sqlite3.connect(path)) as conn:
        # the rightmost leaf of the party table holds its newest rows, which the cheap
        # check reads (dbstat paths sort as the b-tree does)
        (page,) = conn.execute("SELECT pageno FROM dbstat WHERE name = 'party' AND "
                               "pagetype = 'leaf' ORDER BY path DESC LIMIT 1").fetchone()
    data = bytearray(path.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    start = (page - 1) * page_size
    data[start:start + page_size] = b"\xff" * page_size  # the whole page overwritten
    path.write_bytes(data)
    with pytest.raises(DatabaseRefused, match="damaged"):
        open_database(path, full_check=False)


def test_missing_core_tables_are_damage(tmp_path: Path, demo_file: Path) -> None:
    import sqlite3
    from contextlib import closing

    path = tmp_path / "gutted.db"
    shutil.copyfile(demo_file, path)
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("DROP TABLE audit_entry")
        conn.commit()
    with pytest.raises(DatabaseRefused, match=r"tables audit_entry are missing"):
        open_database(path, full_check=False)


def test_only_a_small_file_gets_the_full_check_on_open(tmp_path: Path, demo_file: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "copy.db"
    shutil.copyfile(demo_file, path)
    small = open_database(path)
    assert small.checked
    small.close()
    monkeypatch.setattr(db_module, "FULL_CHECK_MAX_BYTES", path.stat().st_size - 1)
    large = open_database(path)
    assert not large.checked
    large.close()


def test_a_file_is_checked_in_full_before_it_is_upgraded(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    old = Path(__file__).resolve().parent.parent / "data" / "rev0004.db"
    path = tmp_path / "old.db"
    shutil.copyfile(old, path)
    checked: list[Path] = []

    def refuse(target: Path) -> None:
        checked.append(target)
        raise DatabaseRefused(f"{target} is damaged (test). Restore a backup.")

    monkeypatch.setattr(db_module, "check_file", refuse)
    with pytest.raises(DatabaseRefused, match="damaged"):
        open_database(path, full_check=False)
    assert checked == [path]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.db"]  # no backup, no upgrade
