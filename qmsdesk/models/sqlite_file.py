"""Checking a QMS Desk SQLite file without writing to it: what it is (header, schema,
revision) on every open, and SQLite's quick_check over the whole file where that belongs."""

from __future__ import annotations

import sqlite3
import struct
from contextlib import closing
from pathlib import Path

from qmsdesk.models.errors import DatabaseRefused

# Written into the SQLite header so a QMS Desk file is recognisable ("QMSD").
APPLICATION_ID = 0x514D5344
SQLITE_MAGIC = b"SQLite format 3\x00"
# Every revision has had these tables; a QMS Desk file without one of them is damaged.
CORE_TABLES = frozenset({"alembic_version", "setting", "audit_entry"})
# A file up to this size gets SQLite's full quick_check on open (well under 0.1 s); a
# larger one only the checks whose cost does not grow with it (header, schema, the last
# page of each table), and the full check runs in `verify`, `backup`, before an upgrade
# and, in the GUI, in the background once the file is open (check_file).
FULL_CHECK_MAX_BYTES = 8 * 1024 * 1024


def read_header(path: Path) -> bytes:
    with path.open("rb") as handle:
        return handle.read(100)


def readonly_uri(path: Path) -> str:
    # immutable=1 stops SQLite from creating -wal/-shm files beside a file it only reads;
    # only safe when no -wal exists (a -wal may hold committed data not yet in the file).
    wal = path.with_name(path.name + "-wal")
    return path.resolve().as_uri() + ("?mode=ro" if wal.exists() else "?mode=ro&immutable=1")


def _damaged(path: Path, what: str) -> DatabaseRefused:
    return DatabaseRefused(f"{path} is damaged ({what}). Restore a backup.")


def _quick_check(conn: sqlite3.Connection, path: Path) -> None:
    check = conn.execute("PRAGMA quick_check").fetchone()
    if not check or check[0] != "ok":
        raise _damaged(path, check[0] if check else "?")


def _touch_tables(conn: sqlite3.Connection, tables: set[str], path: Path) -> None:
    """Read each table's first and last row: a few pages per table whatever its size,
    enough to find a file cut short or pages overwritten along those paths."""
    for table in sorted(tables):
        quoted = table.replace('"', '""')
        for order in ("ASC", "DESC"):
            conn.execute(f'SELECT * FROM "{quoted}" ORDER BY rowid {order} LIMIT 1').fetchall()


def check_file(path: Path) -> None:
    """SQLite's quick_check over the whole file, read-only: DatabaseRefused (naming the
    file and what to do) when it is damaged. Its time grows with the file."""
    try:
        with closing(sqlite3.connect(readonly_uri(path), uri=True)) as conn:
            _quick_check(conn, path)
    except sqlite3.DatabaseError as exc:
        raise _damaged(path, str(exc)) from exc


def inspect_file(path: Path, create: bool, full: bool = True) -> str | None:
    """Check a file without writing to it; return its schema revision (None when empty;
    whether this build knows it is the caller's check).
    ``full``: SQLite's quick_check over the whole file too (else only checks whose cost
    does not grow with the file).

    Raises DatabaseRefused for anything QMS Desk must not open.
    """
    size = path.stat().st_size
    if size == 0:
        if create:
            return None
        raise DatabaseRefused(f"{path} is an empty file, not a QMS Desk database. "
                              "Create a database with 'init' or File › New database….")
    header = read_header(path)
    if not header.startswith(SQLITE_MAGIC):
        raise DatabaseRefused(
            f"{path} is not a QMS Desk database (not an SQLite file). "
            "Choose a .db file created by QMS Desk."
        )
    if len(header) < 100:
        raise DatabaseRefused(f"{path} is damaged (its header is cut short). Restore a backup.")
    page_size = struct.unpack(">H", header[16:18])[0]
    page_size = 65536 if page_size == 1 else page_size
    page_count = struct.unpack(">I", header[28:32])[0]
    if page_count and size < page_size * page_count:
        raise DatabaseRefused(
            f"{path} is damaged: it is shorter than its header says (truncated copy?). "
            "Restore a backup."
        )
    app_id = struct.unpack(">i", header[68:72])[0]
    try:
        with closing(sqlite3.connect(readonly_uri(path), uri=True)) as conn:
            if full:
                _quick_check(conn, path)
            tables = {row[0] for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
            revision = None
            if "alembic_version" in tables:
                row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
                revision = row[0] if row else None
            if not full and app_id == APPLICATION_ID and revision is not None:
                _touch_tables(conn, tables - {"sqlite_sequence"}, path)
    except sqlite3.DatabaseError as exc:
        raise DatabaseRefused(f"{path} is damaged or not a database ({exc}). "
                              "Restore a backup.") from exc
    if not tables:
        return None
    if app_id != APPLICATION_ID or revision is None:
        raise DatabaseRefused(
            f"{path} is an SQLite database of another program, not QMS Desk. "
            "It has not been changed."
        )
    if missing := CORE_TABLES - tables:
        raise _damaged(path, f"its tables {', '.join(sorted(missing))} are missing")
    return revision
