"""What the bulk-import tests share: an import written both ways, tables dumped to compare,
and a trail that verifies and replays."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import text

from qmsdesk.models.audit import verify_chain
from qmsdesk.models.db import Database
from qmsdesk.models.trail_replay import replay_problems


def dump(db: Database, tables: Sequence[str]) -> dict[str, list[tuple]]:
    """Every row of ``tables``, in id order."""
    with db.read() as session:
        return {table: [tuple(row) for row in session.execute(
            text(f"SELECT * FROM {table} ORDER BY id"))] for table in tables}


def both_ways(path: Path, orm: Database, bulk: Database, monkeypatch: Any, *,
              adapter: type, through_the_orm: Callable[..., Any],
              write_import: Callable[[Database, Path], Any]) -> None:
    """Import ``path`` into ``orm`` through the ORM's write and into ``bulk`` in bulk."""
    with monkeypatch.context() as patched:
        patched.setattr(adapter, "write", through_the_orm)
        write_import(orm, path)
    write_import(bulk, path)


def intact(db: Database) -> None:
    with db.read() as session:
        assert verify_chain(session).intact
        assert replay_problems(session) == ([], 0)
