"""Backups of a SQLite database: taken automatically once a day, kept in rotation, listed,
restored. Every copy is verified before it takes its name (models/backup.py).

Backups live in the data folder, one folder per database file, so that a backup outlives
the folder of the file it protects. A server database (PostgreSQL) is backed up with the
server's own tools (pg_dump); these functions refuse it with a sentence saying so.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
from collections.abc import Generator, Iterable
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from qmsdesk import clock, paths
from qmsdesk.models.backup import unused_name, verified_copy
from qmsdesk.models.db import Database
from qmsdesk.services import user_settings
from qmsdesk.services.errors import ServiceError
from qmsdesk.services.progress import Progress

AUTO, MANUAL, BEFORE_RESTORE = "auto", "manual", "before-restore"
KINDS = (AUTO, MANUAL, BEFORE_RESTORE)
# Automatic backups kept by default: the newest of each of the last 7 days, 4 weeks and
# 12 months; each user may change them (keep(), set_keep(): `qmsdesk backup --keep`).
KEEP_DAILY, KEEP_WEEKLY, KEEP_MONTHLY = user_settings.BACKUP_KEEP.default
AUTO_EVERY = timedelta(days=1)
_NAME = re.compile(r"(?P<kind>auto|manual|before-restore)-(?P<stamp>\d{8}-\d{6})"
                   r"(?:-(?P<number>\d+))?\.db")
# What a backup holds, counted for the list (the registers a user recognises).
_COUNTED = (("party", "parties"), ("objective", "objectives"), ("supplier", "suppliers"),
            ("action", "actions"))


@dataclass(frozen=True)
class Backup:
    path: Path
    kind: str
    taken_at: datetime  # local time, from the name
    size: int

    def counts(self) -> dict[str, int]:
        """Records per register in the copy (read-only; an unreadable copy gives {})."""
        uri = self.path.resolve().as_uri() + "?mode=ro&immutable=1"
        try:
            with closing(sqlite3.connect(uri, uri=True)) as conn:
                tables = {row[0] for row in conn.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table'")}
                return {label: conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
                        for table, label in _COUNTED if table in tables}
        except sqlite3.Error:
            return {}


def _file_of(db: Database) -> Path:
    if db.path is None:
        raise ServiceError("QMS Desk backs up database files; back up a server database with "
                           "the server's own tools (for PostgreSQL: pg_dump).")
    return db.path


def backup_folder(database_file: Path) -> Path:
    """The folder holding one database file's backups (named after the file and where it
    is, so two files called register.db keep theirs apart)."""
    resolved = database_file.resolve()
    tag = hashlib.sha256(str(resolved).encode("utf-8")).hexdigest()[:8]
    return paths.data_dir() / "backups" / f"{resolved.stem}-{tag}"


def list_backups(database_file: Path) -> list[Backup]:
    """The database's backups, newest first."""
    folder = backup_folder(database_file)
    found = []
    for path in folder.glob("*.db") if folder.is_dir() else ():
        match = _NAME.fullmatch(path.name)
        if match:
            taken = datetime.strptime(match["stamp"], "%Y%m%d-%H%M%S")
            order = (taken, int(match["number"] or 1))  # -2 was taken after the plain name
            found.append((order, Backup(path, match["kind"], taken, path.stat().st_size)))
    return [backup for _, backup in sorted(found, key=lambda item: item[0], reverse=True)]


def backup_now(db: Database, kind: str = MANUAL) -> Backup:
    """A verified copy of the open database in its backup folder."""
    source = _file_of(db)
    folder = backup_folder(source)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ServiceError(f"Cannot create the backup folder {folder}: "
                           f"{exc.strerror or exc}.") from exc
    target = verified_copy(lambda: sqlite3.connect(source), unused_name(folder, kind))
    (newest,) = [b for b in list_backups(source) if b.path == target]
    return newest


def automatic_backup(db: Database) -> Backup | None:
    """Once a day: a backup when the newest automatic one is older than AUTO_EVERY (or
    there is none), then the rotation. None when none was due, or for a server database."""
    if db.path is None:
        return None
    autos = [b for b in list_backups(db.path) if b.kind == AUTO]
    if autos and clock.local_now().replace(tzinfo=None) - autos[0].taken_at < AUTO_EVERY:
        return None
    taken = backup_now(db, AUTO)
    rotate(db.path)
    return taken


def keep() -> tuple[int, int, int]:
    """How many days, weeks and months of automatic backups this user keeps."""
    days, weeks, months = user_settings.get(user_settings.BACKUP_KEEP)
    return days, weeks, months


def set_keep(text: str) -> tuple[int, int, int]:
    """Keep "DAYS,WEEKS,MONTHS" of automatic backups from now on (e.g. "7,4,12")."""
    parts = [part.strip() for part in text.split(",")]
    if len(parts) != 3 or not all(part.isdigit() for part in parts) or int(parts[0]) < 1 \
            or max(int(part) for part in parts) > 1000:
        raise ServiceError(f"'{text}' is not DAYS,WEEKS,MONTHS of backups to keep, e.g. "
                           "7,4,12 (at least 1 day).")
    chosen = (int(parts[0]), int(parts[1]), int(parts[2]))
    user_settings.put(user_settings.BACKUP_KEEP, list(chosen))
    return chosen


def _kept(backups: Iterable[Backup]) -> set[Path]:
    """Of the automatic backups (newest first): the newest per day, ISO week and month,
    for as many days, weeks and months as are kept."""
    kept: set[Path] = set()
    days, weeks, months = keep()
    for period, count in ((lambda d: d, days),
                          (lambda d: d.isocalendar()[:2], weeks),
                          (lambda d: (d.year, d.month), months)):
        seen: list[object] = []
        for backup in backups:
            key = period(backup.taken_at.date())
            if key not in seen:
                seen.append(key)
                if len(seen) > count:
                    break
                kept.add(backup.path)
    return kept


def rotate(database_file: Path) -> list[Path]:
    """Delete the automatic backups the rotation no longer keeps; manual ones and those
    taken before a restore stay. Returns what was deleted."""
    autos = [b for b in list_backups(database_file) if b.kind == AUTO]
    keep = _kept(autos)
    removed = []
    for backup in autos:
        if backup.path not in keep:
            backup.path.unlink(missing_ok=True)
            removed.append(backup.path)
    return removed


def restore(database_file: Path, backup: Path) -> Backup:
    """Put a backup in place of the database file, which must not be open anywhere.
    The current file is backed up first ("before-restore"), so a restore can be undone.
    Returns that backup."""
    from qmsdesk.models.db import open_database
    from qmsdesk.services.integrity import remember_anchor

    for sidecar in ("-wal", "-shm"):
        if database_file.with_name(database_file.name + sidecar).exists():
            raise ServiceError(f"{database_file} is open in QMS Desk (or was not closed "
                               "cleanly): close every QMS Desk using it, then restore again.")
    if not backup.is_file():
        raise ServiceError(f"{backup} does not exist; 'qmsdesk backup --list' shows the "
                           "backups there are.")
    current = open_database(database_file)  # refuses a damaged or foreign file, untouched
    try:
        safety = backup_now(current, BEFORE_RESTORE)
    finally:
        current.close()
    incoming = unused_name(database_file.parent, f".{database_file.stem}.restoring")
    verified_copy(lambda: sqlite3.connect(backup.resolve().as_uri() + "?mode=ro&immutable=1",
                                          uri=True), incoming)
    incoming.replace(database_file)
    restored = open_database(database_file)  # upgrades a backup of an older schema
    try:
        remember_anchor(restored, None)  # the restored trail is shorter: a new history
    finally:
        restored.close()
    return safety


def holdings(backup: Backup) -> str:
    """What a backup holds, e.g. "32 parties, 10 objectives, 23 suppliers, 38 actions"
    (reads the copy: a count per register)."""
    return ", ".join(f"{n} {label}" for label, n in backup.counts().items()) or "unreadable"


def describe(backup: Backup, with_holdings: bool = True) -> str:
    """One line for a list: when, which kind, size, what it holds (unless left out: that
    reads the copy) and its file name."""
    size = f"{backup.size / 1_048_576:.1f} MB" if backup.size >= 1_048_576 else \
        f"{max(1, backup.size // 1024)} KB"
    held = f"{holdings(backup)}  " if with_holdings else ""
    return (f"{backup.taken_at:%Y-%m-%d %H:%M}  {backup.kind:<14} {size:>9}  "
            f"{held}{backup.path.name}")


def automatic_backup_task(db: Database) -> Generator[Progress, None, Backup | None]:
    """automatic_backup as a background task (the GUI runs it after opening a file)."""
    yield Progress(0, 1, "Daily backup…")
    taken = automatic_backup(db)
    yield Progress(1, 1, "")
    return taken


def backup_task(db: Database) -> Generator[Progress, None, Backup]:
    """backup_now as a background task."""
    yield Progress(0, 1, "Backing up…")
    taken = backup_now(db)
    yield Progress(1, 1, "Backup verified")
    return taken


def restore_task(database_file: Path, backup: Path) -> Generator[Progress, None, Backup]:
    """restore as a background task (the database must be closed first)."""
    yield Progress(0, 1, "Restoring…")
    safety = restore(database_file, backup)
    yield Progress(1, 1, "Restored")
    return safety
