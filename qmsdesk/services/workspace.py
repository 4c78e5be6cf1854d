"""Opening, creating and backing up QMS Desk databases: the GUI's door to the models layer."""

from __future__ import annotations

import os
from collections.abc import Generator
from datetime import date
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import configure_mappers

from qmsdesk.models.audit import AuditEntry
from qmsdesk.models.db import (
    Database,
    DatabaseError,
    DatabaseNotFound,
    DatabaseRefused,
    check_file,
    open_database,
)
from qmsdesk.models.upgrade_wait import set_notice as set_wait_notice
from qmsdesk.services.errors import ServiceError
from qmsdesk.services.org_settings import load_settings, save_settings
from qmsdesk.services.progress import Progress
from qmsdesk.services.user_settings import user_name

__all__ = ["Database", "DatabaseError", "DatabaseNotFound", "DatabaseRefused",
           "check_whole_file", "create_demo_database", "create_new_database",
           "open_workspace", "refuse_if_in_use", "set_wait_notice"]


def prepare_models() -> None:
    """Resolve the ORM mappings now (relationships, instrumented attributes): 60-115 ms
    that the first query would otherwise spend on whichever thread made it. At start the
    window has it done on a worker, with the imports; its first query was on the GUI
    thread (who the user is, as the database opens)."""
    configure_mappers()


def open_workspace(target: str | Path, create: bool = False) -> Database:
    """Open a database for the app; a file the user may not change (the file or its folder
    is read-only) is opened read-only, writing nothing beside it."""
    return open_database(target, user=user_name(), create=create,
                         readonly=may_only_read(target))


def check_whole_file(db: Database) -> None:
    """SQLite's quick_check over the whole file, for one too big to check in full when it
    was opened (``db.checked``): DatabaseRefused when it is damaged. Run it off the GUI
    thread; its time grows with the file."""
    if db.path is not None and not db.checked:
        check_file(db.path)


def may_only_read(target: str | Path) -> bool:
    """Whether ``target`` is an existing database file that this user may not change."""
    if "://" in str(target):
        return False
    path = Path(target).expanduser()
    return path.is_file() and not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK))


def refuse_if_in_use(db: Database) -> None:
    """A new QMS goes into an empty database: one that already holds anything on the record
    (a setting, a record: every write is in the audit trail) is refused, unchanged."""
    with db.read() as session:
        entries = session.scalar(select(func.count(AuditEntry.id))) or 0
    if entries:
        raise ServiceError(
            f"{db.display_name} already holds a QMS Desk database ({entries} entries in its "
            "audit trail); nothing was changed. Open it as it is, or name a new, empty "
            "database to create one.")


def create_new_database(path: Path, organisation: str) -> Database:
    """A new empty QMS for an organisation; refuses to overwrite an existing file."""
    if path.exists() and path.stat().st_size > 0:
        raise ServiceError(f"{path} already exists; choose a new file name.")
    db = open_workspace(path, create=True)
    try:
        settings = load_settings(db)
        settings.organisation = organisation
        save_settings(db, settings)
    except BaseException:
        db.close()
        raise
    return db


def create_demo_database(path: Path, today: date) -> Generator[Progress, None, Path]:
    """Build the demo database in a temporary file and move it into place when complete."""
    from qmsdesk.services.demo.builder import create_demo

    partial = path.with_name(path.name + ".partial")
    for leftover in partial.parent.glob(partial.name + "*"):
        leftover.unlink()
    try:
        db = open_workspace(partial, create=True)
        try:
            yield from create_demo(db, today)
        finally:
            db.close()
        partial.replace(path)
    except BaseException:  # a full disk, a cancel, a kill signal: no half demo is left
        for leftover in partial.parent.glob(partial.name + "*"):
            leftover.unlink(missing_ok=True)
        raise
    return path
