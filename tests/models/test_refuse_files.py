"""open_database refuses foreign, newer and damaged files and leaves them exactly as they were."""

from __future__ import annotations

import hashlib
import re
import shutil
import socket
import sqlite3
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from qmsdesk.models.db import (
    DatabaseNotFound,
    DatabaseRefused,
    DatabaseUnreachable,
    open_database,
)
from qmsdesk.models.parties import Party

SIDECARS = ("-wal", "-shm", "-journal")


@dataclass(frozen=True)
class Snapshot:
    sha256: str
    size: int
    mtime_ns: int
    folder: frozenset[str]


def _snapshot(path: Path) -> Snapshot:
    data = path.read_bytes()
    stat = path.stat()
    return Snapshot(hashlib.sha256(data).hexdigest(), stat.st_size, stat.st_mtime_ns,
                    frozenset(p.name for p in path.parent.iterdir()))


def _page_offset(page: int, page_size: int) -> int:
    return (page - 1) * page_size


def _u16(data: bytes | bytearray, at: int) -> int:
    return int.from_bytes(data[at:at + 2], "big")


def _damage_a_leaf_page(path: Path) -> None:
    """Overwrite the cell nearest the middle of one leaf page of the party table b-tree."""
    data = bytearray(path.read_bytes())
    page_size = _u16(data, 16)
    uri = f"{path.resolve().as_uri()}?mode=ro&immutable=1"
    with closing(sqlite3.connect(uri, uri=True)) as conn:
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'party'").fetchone()[0]
    root_at = _page_offset(root, page_size)
    assert data[root_at] == 0x05, "the party table should span several pages"
    first_cell = root_at + _u16(data, root_at + 12)
    leaf = int.from_bytes(data[first_cell:first_cell + 4], "big")
    leaf_at = _page_offset(leaf, page_size)
    assert data[leaf_at] == 0x0D  # a table leaf page
    cells = [_u16(data, leaf_at + 8 + 2 * i) for i in range(_u16(data, leaf_at + 3))]
    middle = min(cells, key=lambda offset: abs(offset - page_size // 2))
    data[leaf_at + middle:leaf_at + middle + 16] = b"\xff" * 16
    path.write_bytes(data)


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real QMS Desk database big enough to span many pages, closed and checkpointed."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    database = open_database(path, user="demo", create=True)
    with database.session() as session:
        session.add_all(
            Party(ref=f"IP-{n:04d}", name=f"Party {n}", category="customer",
                  influence=n % 5 + 1, interest=(n * 3) % 5 + 1,
                  next_review=date(2027, 1, 1), description=f"Needs of party {n}. " * 25)
            for n in range(1, 61))
    database.close()
    assert not [p for p in path.parent.iterdir() if p != path]
    assert path.stat().st_size > 40 * 4096
    return path


def _text_file(folder: Path, demo: Path) -> Path:
    path = folder / "parties.csv"
    path.write_text("name,influence,interest\nAcme,4,5\n", encoding="utf-8")
    return path


def _png_file(folder: Path, demo: Path) -> Path:
    path = folder / "logo.db"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)
    return path


def _foreign_sqlite(folder: Path, demo: Path) -> Path:
    path = folder / "addressbook.db"
    with closing(sqlite3.connect(path)) as conn:
        conn.executescript(
            "CREATE TABLE contact (id INTEGER PRIMARY KEY, name TEXT, email TEXT);"
            "CREATE TABLE note (id INTEGER PRIMARY KEY, contact_id INTEGER, body TEXT);"
            "INSERT INTO contact (name, email) VALUES ('Ann', 'ann@example.com');")
        conn.commit()
    return path


def _future_revision(folder: Path, demo: Path) -> Path:
    path = folder / "newer.db"
    shutil.copyfile(demo, path)
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
        conn.commit()
    return path


def _truncated(folder: Path, demo: Path) -> Path:
    path = folder / "half.db"
    data = demo.read_bytes()
    path.write_bytes(data[:len(data) // 2])
    return path


def _damaged(folder: Path, demo: Path) -> Path:
    path = folder / "damaged.db"
    shutil.copyfile(demo, path)
    _damage_a_leaf_page(path)
    return path


# (make the file, what the message must say: the problem and what to do about it)
CASES: dict[str, tuple[Callable[[Path, Path], Path], tuple[str, ...]]] = {
    "text": (_text_file, ("not an SQLite file", "Choose a .db file")),
    "png": (_png_file, ("not an SQLite file", "Choose a .db file")),
    "foreign-sqlite": (_foreign_sqlite, ("another program", "has not been changed")),
    "future-revision": (_future_revision, ("newer version of QMS Desk (schema 9999)",
                                           "Install the latest QMS Desk")),
    "truncated": (_truncated, ("truncated", "Restore a backup")),
    "damaged": (_damaged, ("is damaged", "Restore a backup")),
}
# Files in WAL mode are opened read-only for the checks; SQLite then creates -wal/-shm that
# stay behind after the refusal (see test_refusal_leaves_no_sidecar_files).
LEAVES_SIDECARS = {"future-revision", "damaged"}


def _make(name: str, tmp_path: Path, demo: Path) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    path = CASES[name][0](folder, demo)
    assert [p.name for p in folder.iterdir()] == [path.name]  # nothing else to begin with
    return path


@pytest.mark.parametrize("name", CASES)
def test_refused_with_a_message_naming_the_file_and_left_unchanged(
        name: str, tmp_path: Path, demo_file: Path) -> None:
    path = _make(name, tmp_path, demo_file)
    before = _snapshot(path)
    with pytest.raises(DatabaseRefused) as caught:
        open_database(path, user="tester")
    message = str(caught.value)
    assert str(path) in message
    for words in CASES[name][1]:
        assert words in message
    after = _snapshot(path)
    assert (after.sha256, after.size, after.mtime_ns) == \
        (before.sha256, before.size, before.mtime_ns)
    # nothing but SQLite's own sidecars may have appeared (that they stay is tested below)
    new_files = after.folder - before.folder
    assert all(f.startswith(path.name) and f.endswith(SIDECARS) for f in new_files), new_files


@pytest.mark.parametrize("name", list(CASES))
def test_refusal_leaves_no_sidecar_files(name: str, tmp_path: Path, demo_file: Path) -> None:
    path = _make(name, tmp_path, demo_file)
    with pytest.raises(DatabaseRefused):
        open_database(path)
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]


def test_future_revision_is_refused_through_a_url_too(tmp_path: Path, demo_file: Path) -> None:
    path = _make("future-revision", tmp_path, demo_file)
    digest = _snapshot(path).sha256
    with pytest.raises(DatabaseRefused, match="newer version"):
        open_database(f"sqlite:///{path}")
    assert _snapshot(path).sha256 == digest


def test_an_intact_copy_of_the_demo_file_opens(tmp_path: Path, demo_file: Path) -> None:
    # the control for the damaged and truncated cases: the undamaged source is acceptable
    path = tmp_path / "copy.db"
    shutil.copyfile(demo_file, path)
    database = open_database(path)
    try:
        with database.session() as session:
            assert session.scalar(select(func.count()).select_from(Party)) == 60
    finally:
        database.close()


def test_missing_file_without_create_is_not_found(tmp_path: Path) -> None:
    path = tmp_path / "nowhere" / "qms.db"
    with pytest.raises(DatabaseNotFound) as caught:
        open_database(path)
    assert str(path) in str(caught.value)
    assert not path.parent.exists()


@pytest.mark.parametrize("create", [False, True])
def test_a_folder_is_refused(tmp_path: Path, create: bool) -> None:
    folder = tmp_path / "registers.db"
    folder.mkdir()
    with pytest.raises(DatabaseRefused) as caught:
        open_database(folder, create=create)
    assert str(folder) in str(caught.value)
    assert "folder" in str(caught.value)
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize(("url", "message"), [
    ("mysql://someone@127.0.0.1/qms", "is a mysql database. QMS Desk opens a SQLite file or a "
                                      "PostgreSQL server"),
    ("postgresql+pg8000://someone@127.0.0.1/qms", "cannot talk to postgresql+pg8000://"),
    ("::nonsense://", "is not a database address"),
])
def test_a_database_address_qms_desk_cannot_use_is_refused_by_name(url, message):
    with pytest.raises(DatabaseUnreachable, match=re.escape(message)):
        open_database(url)


def test_a_server_that_does_not_answer_is_named_without_its_password():
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(DatabaseUnreachable) as caught:
        open_database(f"postgresql+psycopg://auditor:s3cret@127.0.0.1:{port}/qms")
    message = str(caught.value)
    assert message.startswith(
        f"Cannot connect to postgresql+psycopg://auditor:***@127.0.0.1:{port}/qms: ")
    assert "Check that the server is running" in message
    assert "s3cret" not in message
