"""Verified copies of a SQLite database file, under names that are never used twice.

A copy is written under a temporary name, flushed to disk, checked (integrity and the same
rows in every table) and only then renamed to its final name: a copy that exists under a
backup's name is a whole, checked backup, whatever happened while it was being made.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from contextlib import closing, suppress
from pathlib import Path

from qmsdesk import clock
from qmsdesk.errors import UserFacingError

PARTIAL = ".partial"


class BackupFailed(UserFacingError):
    """A copy that could not be written or did not check out; nothing was left behind."""


def unused_name(folder: Path, stem: str, suffix: str = ".db") -> Path:
    """``folder/stem-YYYYmmdd-HHMMSS.db``, with -2, -3 ... when that name was used before:
    two backups in the same second never overwrite each other."""
    stamp = clock.local_now().strftime("%Y%m%d-%H%M%S")
    candidate = folder / f"{stem}-{stamp}{suffix}"
    number = 2
    while candidate.exists() or candidate.with_name(candidate.name + PARTIAL).exists():
        candidate = folder / f"{stem}-{stamp}-{number}{suffix}"
        number += 1
    return candidate


def table_counts(conn: sqlite3.Connection) -> dict[str, int]:
    """Rows in every table of a database (the schema's own tables aside)."""
    names = [row[0] for row in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    return {name: conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
            for name in names}


def _fsync(path: Path) -> None:
    with path.open("rb") as handle:
        os.fsync(handle.fileno())


def _fsync_folder(folder: Path) -> None:
    if os.name == "posix":  # a rename is durable once its folder is flushed
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def verified_copy(connect_source: Callable[[], sqlite3.Connection], target: Path) -> Path:
    """Copy the database ``connect_source()`` opens to ``target`` with SQLite's online
    backup, checked before it takes its name. Raises BackupFailed (and leaves no file)
    when the copy cannot be written or does not match the source."""
    partial = target.with_name(target.name + PARTIAL)
    try:
        with closing(connect_source()) as source, closing(sqlite3.connect(partial)) as copy:
            source.backup(copy)
            expected = table_counts(source)
            check = copy.execute("PRAGMA integrity_check").fetchone()
            if not check or check[0] != "ok":
                raise BackupFailed(f"The copy {target.name} failed its integrity check "
                                   f"({check[0] if check else '?'}); it was not kept.")
            if table_counts(copy) != expected:
                raise BackupFailed(f"The copy {target.name} does not hold the same rows as "
                                   "the database (it changed during the copy); try again.")
        _fsync(partial)
        partial.replace(target)
        _fsync_folder(target.parent)
    except BackupFailed:
        with suppress(OSError):
            partial.unlink()
        raise
    except (OSError, sqlite3.Error) as exc:
        with suppress(OSError):
            partial.unlink()
        reason = getattr(exc, "strerror", None) or str(exc)
        raise BackupFailed(f"Cannot write the backup {target}: {reason}. Free some disk "
                           "space or choose another folder; nothing was changed.") from exc
    return target

