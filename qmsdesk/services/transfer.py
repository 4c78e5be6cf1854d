"""Copying a whole QMS, audit trail and all, into a new or empty database: a laptop's file
to a team's server, a server back to a file, a file to a file.

The source is only read (one snapshot) and must verify first. The target is created or
brought to the head schema the usual way (Alembic), then every table of the metadata is
copied in dependency order with its ids and values as they are, in batches, in one
transaction on the target. The audit trail is copied verbatim with Core inserts (the
session hook writes nothing: there are no ORM objects), and the copy is verified in that
same transaction before it commits. A copy that fails leaves no half copy behind.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import (
    Connection,
    LargeBinary,
    Table,
    bindparam,
    false,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from qmsdesk.models.audit import Anchor, chain_head
from qmsdesk.models.db import (
    WRITE_OPTION,
    Database,
    PermissionRefused,
    is_url,
    open_database,
)
from qmsdesk.models.registry import metadata
from qmsdesk.models.server import classify, reason
from qmsdesk.services.errors import ServiceError
from qmsdesk.services.integrity import (
    last_anchor,
    remember_anchor,
    trail_anchor,
    verify_database,
)
from qmsdesk.services.progress import Progress, Task
from qmsdesk.services.user_settings import user_name
from qmsdesk.services.workspace import open_workspace

BATCH = 2000  # rows read and written at a time: memory stays bounded on a big file
BATCH_BYTES = 32 * 1024 * 1024  # and at most about this much of the files stored inside
SQLITE_COMPANIONS = ("", "-wal", "-shm", "-journal")  # a new file and what SQLite adds
T = TypeVar("T")


@dataclass(frozen=True)
class CopyResult:
    source: str  # as they may be shown (no password)
    target: str
    counts: dict[str, int]  # rows per table, the same on both sides
    anchor: Anchor  # the audit trail's, the same on both sides
    on_server: bool  # the target is a database server (its roles are set up next)
    source_now: Anchor | None = None  # the source's anchor when it changed during the copy

    @property
    def rows(self) -> int:
        return sum(self.counts.values())

    def summary(self) -> str:
        lines = [f"Copied {self.source} to {self.target}: {len(self.counts)} tables, "
                 f"{self.rows} rows, {self.anchor.entries} audit entries; both sides "
                 "verified, the same rows in every table.",
                 f"Anchor (the same on both sides): {self.anchor}"]
        if self.source_now is not None:
            lines.append(f"{self.source} changed during the copy (its trail now holds "
                         f"{self.source_now.entries} entries): the copy holds it as of the "
                         "anchor above; copy again into a new database for the latest.")
        lines.append(f"Next: run qmsdesk server-setup --database-url {self.target} as the "
                     "database's owner to create the roles, then give each person's login one."
                     if self.on_server else f"Next: open it with qmsdesk --db {self.target}")
        return "\n".join(lines)


def copy_database(source: str | Path, target: str | Path,
                  batch: int = BATCH) -> Task[CopyResult]:
    """Copy the QMS in ``source`` (a file or a server's URL) into ``target``, which must be
    new or hold no records. Raises a UserFacingError (one sentence) when it cannot; then
    the source is unchanged and the target as it was (a new file is removed)."""
    src = open_database(source, user=user_name(), readonly=True)
    try:
        yield Progress(0, 0, "Verifying the source")
        report = verify_database(src)
        if not report.ok:
            raise ServiceError(f"{src.display_name} does not verify, so it is not copied: "
                               f"{report.summary()} (see qmsdesk verify).")
        new_file = _new_file(target)
        try:
            dst = open_workspace(target, create=True)
        except BaseException:
            _remove(new_file)
            raise
        remembered = last_anchor(dst)
        try:
            counts, anchor = yield from _copy_verified(src, dst, batch)
        except BaseException:
            dst.close()
            _remove(new_file)
            remember_anchor(dst, remembered)  # the verify inside the transaction moved it
            raise
        dst.close()
        now = trail_anchor(src)
    finally:
        src.close()
    return CopyResult(src.display_name, dst.display_name, counts, anchor,
                      on_server=dst.path is None, source_now=now if now != anchor else None)


def _new_file(target: str | Path) -> Path | None:
    """The file ``target`` names if the copy is to create it (to remove when it fails)."""
    if is_url(target):
        return None
    path = Path(target).expanduser()
    return path if not path.exists() or path.stat().st_size == 0 else None


def _remove(path: Path | None) -> None:
    if path is not None:
        for suffix in SQLITE_COMPANIONS:
            with suppress(OSError):
                path.with_name(path.name + suffix).unlink(missing_ok=True)


def _copy_verified(src: Database, dst: Database, batch: int
                   ) -> Generator[Progress, None, tuple[dict[str, int], Anchor]]:
    """Copy every table in one transaction on ``dst`` and verify the copy before it
    commits: the target's checks, the chain against the source's anchor, the counts."""
    tables = metadata.sorted_tables
    try:
        with _snapshot(src) as reading, dst.one_transaction() as session:
            writing = session.connection()
            try:
                _refuse_if_in_use(dst, writing)
                counts = _read(src, lambda: {table.name: _count(reading, table)
                                             for table in tables})
                anchor = _read(src, lambda: _anchor_of(reading))
                yield from _fill(src, reading, writing, sum(counts.values()), batch)
                _check_copy(dst, writing, counts, anchor)
            except DBAPIError as exc:
                if classify(exc) != "denied":
                    raise
                raise PermissionRefused(
                    f"Your login may not fill {dst.display_name} ({reason(exc, dst.url)}): "
                    "copy as the login that owns the database; nothing was copied.") from None
    except DBAPIError as exc:  # one Database.session could not put in a sentence
        raise ServiceError(f"{dst.display_name} refused the copy ({reason(exc, dst.url)}); "
                           "nothing was copied.") from None
    return counts, anchor


def _fill(src: Database, reading: Connection, writing: Connection, total: int,
          batch: int) -> Generator[Progress, None, None]:
    """Every table's rows, parents before children, as they are (ids too). A row that
    points to a row of its own table (a file superseded by a later one) gets that link
    once the whole table is in: the later row does not exist before."""
    done = 0
    for table in metadata.sorted_tables:
        links = [fk.parent.key for fk in table.foreign_keys if fk.column.table is table]
        keys = [column.key for column in table.primary_key]
        later: list[dict[str, Any]] = []
        for rows in _batches(src, reading, table, batch):
            for row in rows:
                if any(row[link] is not None for link in links):
                    later.append({f"copied_{key}": row[key] for key in (*keys, *links)})
                    row.update(dict.fromkeys(links))
            writing.execute(insert(table), rows)
            done += len(rows)
            yield Progress(done, total, f"Copying {table.name}")
        if later:
            writing.execute(update(table).where(*(
                column == bindparam(f"copied_{column.key}") for column in table.primary_key)
            ).values({link: bindparam(f"copied_{link}") for link in links}), later)
    _advance_sequences(writing)
    yield Progress(total, total, "Verifying the copy")


@contextmanager
def _snapshot(db: Database) -> Iterator[Connection]:
    """One consistent view of ``db`` for the whole copy, reading only (on a server: a
    REPEATABLE READ transaction, so writers elsewhere do not show half-way)."""
    options: dict[str, Any] = {WRITE_OPTION: False}
    if db.engine.dialect.name == "postgresql":
        options["isolation_level"] = "REPEATABLE READ"
    connection = _read(db, db.engine.connect)
    try:
        connection = connection.execution_options(**options)
        with connection.begin():
            yield connection
    finally:
        connection.close()


def _read(db: Database, step: Callable[[], T]) -> T:
    """``step()`` reading the source; a driver error becomes one sentence."""
    try:
        result: T = step()
    except DBAPIError as exc:
        fault = db.fault(exc, write=False)
        if fault is exc:
            raise ServiceError(f"Reading {db.display_name} failed ({reason(exc, db.url)}); "
                               "nothing was copied.") from None
        raise fault from None
    return result


def _batches(db: Database, reading: Connection, table: Table,
             batch: int) -> Iterator[list[dict[str, Any]]]:
    """The rows of ``table`` in the order of its key, as values keyed for an insert, up to
    ``batch`` rows or BATCH_BYTES of file contents at a time (a server-side cursor on
    PostgreSQL): memory stays bounded whatever the size of the database."""
    keys = [column.key for column in table.columns]
    blobs = [key for key, column in zip(keys, table.columns, strict=True)
             if isinstance(column.type, LargeBinary)]
    query = select(*table.columns).order_by(*table.primary_key.columns)
    result = _read(db, lambda: reading.execute(
        query.execution_options(yield_per=1 if blobs else batch)))
    parts = iter(result.partitions())
    rows: list[dict[str, Any]] = []
    size = 0
    while part := _read(db, lambda: next(parts, None)):
        for row in part:
            rows.append(dict(zip(keys, row, strict=True)))
            size += sum(len(rows[-1][key] or b"") for key in blobs)
        if len(rows) >= batch or size >= BATCH_BYTES:
            yield rows
            rows, size = [], 0
    if rows:
        yield rows


def _count(connection: Connection, table: Table) -> int:
    return int(connection.scalar(select(func.count()).select_from(table)) or 0)


def _anchor_of(connection: Connection) -> Anchor:
    """The audit trail's anchor as ``connection`` sees it (inside its transaction)."""
    with Session(bind=connection) as session:
        return chain_head(session)


def _refuse_if_in_use(dst: Database, writing: Connection) -> None:
    """Never copy over records: the target must hold none (a new database, or one whose
    tables `init` or `server-setup` created and nobody used)."""
    used = [table.name for table in metadata.sorted_tables
            if writing.scalar(select(1).select_from(table).limit(1)) is not None]
    if used:
        raise ServiceError(
            f"{dst.display_name} already holds QMS Desk records (in {', '.join(used[:3])}"
            f"{' …' if len(used) > 3 else ''}); copy only into a new file or an empty "
            "database. Its records were not touched.")


def _advance_sequences(writing: Connection) -> None:
    """On PostgreSQL, move each id sequence past the copied ids, so the next insert works."""
    if writing.dialect.name != "postgresql":
        return  # SQLite takes the next id from the table itself
    for table in metadata.sorted_tables:
        for column in table.primary_key.columns:
            sequence = writing.scalar(select(func.pg_get_serial_sequence(
                writing.dialect.identifier_preparer.format_table(table), column.name)))
            if sequence:
                writing.execute(select(func.setval(
                    sequence, func.coalesce(func.max(column), 0) + 1, false())))


def _check_copy(dst: Database, writing: Connection, counts: dict[str, int],
                anchor: Anchor) -> None:
    """The copy, still uncommitted, as verify sees it: the same rows in every table and
    a chain that verifies and ends at the source's anchor."""
    copied = {table.name: _count(writing, table) for table in metadata.sorted_tables}
    if copied != counts:
        differ = [name for name in counts if copied.get(name) != counts[name]]
        raise ServiceError(f"The copy in {dst.display_name} does not hold the same rows "
                           f"as the source (in {', '.join(differ)}); nothing was copied.")
    report = verify_database(dst, expect=anchor)  # joins the copy's transaction
    copied_anchor = trail_anchor(dst)
    if not report.ok or copied_anchor != anchor:
        problem = report.summary() if not report.ok else f"its anchor is {copied_anchor}"
        raise ServiceError(f"The copy in {dst.display_name} does not verify ({problem}, the "
                           f"source's is {anchor}); nothing was copied.")
