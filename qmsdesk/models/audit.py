"""The audit trail: one session hook records every change, entries are hash-chained."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache, lru_cache, partial
from typing import Any

from sqlalchemy import (
    DateTime,
    Integer,
    String,
    Table,
    Text,
    event,
    func,
    inspect,
    select,
    text,
    type_coerce,
)
from sqlalchemy.engine import URL, Connection
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from qmsdesk import clock
from qmsdesk.models.base import Audited, Base, UTCDateTime
from qmsdesk.models.many_rows import insert_many

GENESIS_HASH = "0" * 64
WRITER_LOCK = 7415  # PostgreSQL advisory lock: one writer at a time extends the chain
# Statuses that end a record's work (the action log's); leaving one for another is a reopening.
CLOSED_STATUSES = frozenset({"done", "cancelled"})


class AuditEntry(Base):
    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, index=True)
    user: Mapped[str] = mapped_column(String(200), nullable=False)
    action: Mapped[str] = mapped_column(String(20), nullable=False)
    entity: Mapped[str] = mapped_column(String(50), nullable=False)
    record_id: Mapped[str] = mapped_column(String(50), nullable=False)
    ref: Mapped[str] = mapped_column(String(50), nullable=False, index=True)
    field: Mapped[str] = mapped_column(String(100), nullable=False)
    old_value: Mapped[str] = mapped_column(Text, nullable=False)
    new_value: Mapped[str] = mapped_column(Text, nullable=False)
    prev_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    hash: Mapped[str] = mapped_column(String(64), nullable=False)


@lru_cache(maxsize=64)
def _stamp(at: datetime) -> str:
    # Cached: the entries of one flush share their moment, and an import writes a million.
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@lru_cache(maxsize=64)
def _naive_stamp(at: datetime) -> str:
    """``_stamp`` of a moment read as stored, naive UTC (a check reads millions)."""
    return at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# The columns an entry's hash covers after its moment, in order; prev_hash comes last.
_HASHED_AFTER_AT = ("user", "action", "entity", "record_id", "ref", "field", "old_value",
                    "new_value", "prev_hash")


def entry_hash(values: Mapping[Any, Any]) -> str:
    """The hash of one entry, over every recorded field and the previous entry's hash."""
    return _digest(_stamp(values["at"]), *(values[name] for name in _HASHED_AFTER_AT))


def _digest(*parts: str) -> str:
    """The hash of an entry's recorded fields (the moment stamped), in the column order."""
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def format_value(value: Any) -> str:
    if type(value) is str:  # most values: asked first, a million times in a large import
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return _stamp(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _columns(obj: Audited) -> tuple[str, ...]:
    return audited_columns(type(obj))


def audited_columns(cls: type[Audited]) -> tuple[str, ...]:
    """The fields of a record class the trail records."""
    # A class is hashable; mypy says type[...] is not (python/mypy#11470).
    return _audited_columns(cls)  # type: ignore[arg-type]


@cache
def _audited_columns(cls: type[Audited]) -> tuple[str, ...]:
    return tuple(attr.key for attr in inspect(cls).column_attrs
                 if attr.key not in cls.audit_skip)


def record_key(obj: Any) -> str:
    """A record's id as its audit entries name it."""
    # The primary key, not the identity key: a new row's identity is set only after
    # after_flush, but its primary key is already known here.
    key = inspect(obj).mapper.primary_key_from_instance(obj)
    return ",".join("" if part is None else str(part) for part in key)


def _action_of(key: str, old: str, new: str) -> str:
    """What a changed field says happened: archiving and restoring read the same whether a
    register archives by status (parties, suppliers) or by date (objectives, actions:
    ``archived_on`` set or cleared, their status keeping the outcome)."""
    if (key == "status" and new == "archived") or (key == "archived_on" and not old):
        return "archive"
    if (key == "status" and old == "archived") or (key == "archived_on" and not new):
        return "restore"
    if key == "status" and old in CLOSED_STATUSES and new not in CLOSED_STATUSES:
        return "reopen"
    return "update"


def created_fields(cls: type[Audited], value_of: Callable[[str], Any]
                   ) -> Iterator[tuple[str, str]]:
    """(field, value as recorded) of a new record of ``cls``: every audited field that is
    not empty, in the class's column order. ``value_of(field)``: the value stored."""
    for key in audited_columns(cls):
        new = format_value(value_of(key))
        if new:
            yield key, new


def _changes(session: Session) -> Iterator[tuple[str, Audited, str, str, str]]:
    """(action, record, field, old, new) for every audited change in this flush."""
    for obj in session.new:
        if isinstance(obj, Audited):
            for key, new in created_fields(type(obj), partial(getattr, obj)):
                yield "create", obj, key, "", new
    for obj in session.dirty:
        if not isinstance(obj, Audited) or not session.is_modified(obj):
            continue
        state = inspect(obj)
        for key in _columns(obj):
            history = state.attrs[key].history
            if not history.has_changes():
                continue
            old = format_value(history.deleted[0]) if history.deleted else ""
            new = format_value(history.added[0]) if history.added else ""
            if old == new:
                continue
            yield _action_of(key, old, new), obj, key, old, new
    for obj in session.deleted:
        if isinstance(obj, Audited):
            for key in _columns(obj):
                old = format_value(getattr(obj, key))
                if old:
                    yield "delete", obj, key, old, ""


def _last_hash(session: Session) -> str:
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        # Serialise writers so two concurrent sessions cannot fork the chain.
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITER_LOCK})
    last = conn.execute(
        select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)
    ).scalar_one_or_none()
    return last or GENESIS_HASH


# One entry before it is chained: (action, entity, record id, reference, field, old, new).
Change = tuple[str, str, str, str, str, str, str]


def _after_flush(session: Session, flush_context: Any) -> None:
    known: dict[int, tuple[str, str, str]] = {}  # per record, not per field: large imports

    def change(action: str, obj: Audited, field: str, old: str, new: str) -> Change:
        if id(obj) not in known:
            known[id(obj)] = (obj.audit_entity, record_key(obj), obj.audit_ref)
        return (action, *known[id(obj)], field, old, new)

    write_entries(session, [change(*found) for found in _changes(session)])


def write_entries(session: Session, changes: Sequence[Change]) -> None:
    """Chain ``changes`` onto the trail in ``session``'s transaction, at one moment, by the
    session's user: what the session hook writes after a flush, and what a bulk insert
    that bypasses the flush writes for the rows it inserted (the same entries)."""
    if not changes:
        return
    at = clock.now()
    user = str(session.info.get("user") or "unknown")
    prev = _last_hash(session)
    stamp = _stamp(at)
    rows: list[tuple[str, ...]] = []
    for change in changes:
        digest = _digest(stamp, user, *change, prev)
        rows.append((*change, prev, digest))
        prev = digest
    _insert_entries(session.connection(), at, user, rows)


# An entry's columns after its moment and user, as write_entries builds its rows.
_ROW_KEYS = ("action", "entity", "record_id", "ref", "field", "old_value", "new_value",
             "prev_hash", "hash")


def _insert_entries(connection: Connection, at: datetime, user: str,
                    rows: list[tuple[str, ...]]) -> None:
    """One executemany of the entries (``rows``: their _ROW_KEYS values; all at ``at`` by
    ``user``), as the driver takes them: on a large import SQLAlchemy's per-row parameter
    processing cost a third of writing the trail."""
    table: Table = AuditEntry.__table__  # type: ignore[assignment]  # a mapped class's table
    insert_many(connection, table, _ROW_KEYS, rows, {"at": at, "user": user})


def install_audit_hook(factory: sessionmaker[Session]) -> None:
    event.listen(factory, "after_flush", _after_flush)


@dataclass(frozen=True)
class ChainReport:
    entries: int
    broken_id: int | None = None
    problem: str = ""
    head: str = GENESIS_HASH  # the hash of the last entry read

    @property
    def intact(self) -> bool:
        return not self.problem

    @property
    def anchor(self) -> Anchor:
        """The chain's length and head: printed on reports and by verify, so that a later
        verify --expect can tell whether the trail still extends them."""
        return Anchor(self.entries, self.head)


@dataclass(frozen=True)
class Anchor:
    """A point of the chain someone wrote down: its length and the hash of its last entry.
    A trail that was truncated, rewritten or replaced no longer extends it."""

    entries: int
    head: str

    def __str__(self) -> str:
        return f"{self.entries}:{self.head}"

    @classmethod
    def parse(cls, text: str) -> Anchor:
        """"COUNT:HASH" as verify and the reports print it; ValueError otherwise."""
        count, _, head = text.strip().partition(":")
        if not (count.isdigit() and len(head) == 64
                and all(c in "0123456789abcdef" for c in head)):
            raise ValueError(f"'{text}' is not an audit-trail anchor (COUNT:HASH, the two "
                             "figures a report or verify printed)")
        return cls(int(count), head)


def chain_head(session: Session) -> Anchor:
    """The chain's length and last hash as stored (not re-verified: see verify_chain)."""
    count = session.scalar(select(func.count(AuditEntry.id))) or 0
    last = session.scalar(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1))
    return Anchor(count, last or GENESIS_HASH)


def verify_chain_at(url: URL, since: Anchor | None = None) -> ChainReport:
    """verify_chain on a connection of its own to the database at ``url``, for a report's
    worker process to check the trail while the report gathers and lays out the rest."""
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    engine = create_engine(url, poolclass=NullPool)
    try:
        with Session(engine) as session:
            return verify_chain(session, since=since)
    finally:
        engine.dispose()


def _label(entry: Any) -> str:
    """How a check names an entry: "audit entry #12 (2026-12-02 10:15:00 UTC, IP-0003 name)"."""
    return f"audit entry #{entry.id} ({_stamp(entry.at)}, {entry.ref} {entry.field})"


def _label_of(session: Session, entry_id: int) -> str:
    return _label(session.execute(select(AuditEntry.__table__)
                                  .where(AuditEntry.id == entry_id)).one())


def verify_chain(session: Session, batch: int = 5000, expect: Anchor | None = None,
                 since: Anchor | None = None) -> ChainReport:
    """Recompute every entry's hash in order; name the first entry that does not match.

    With ``expect``, the chain must also extend that anchor: its entry number
    ``expect.entries`` must carry ``expect.head``, so entries removed from the end (or all
    of them), or a trail rewritten and re-hashed since the anchor was taken, are found.

    With ``since`` (an anchor a full check verified), only the entries after it are
    recomputed: the chain must still carry the anchor's hash at its place, and every later
    entry must follow from it. A rewrite that re-hashed the chain changes that hash and is
    found; an entry before the anchor altered without re-hashing is left to a full check.
    """
    expected_prev = GENESIS_HASH
    count = 0
    last_id = 0
    if since is not None and since.entries:
        at = session.execute(select(AuditEntry.id, AuditEntry.hash).order_by(AuditEntry.id)
                             .offset(since.entries - 1).limit(1)).first()
        if at is None:
            total = session.scalar(select(func.count(AuditEntry.id))) or 0
            return ChainReport(total, None, (
                f"the trail holds {total} entries, fewer than the {since.entries} of the "
                f"anchor {since}: entries were removed since it was verified"))
        if at.hash != since.head:
            return ChainReport(since.entries, at.id, (
                f"audit entry #{at.id} is not the entry the anchor {since} names: the trail "
                "was rewritten since that anchor was verified"), at.hash)
        expected_prev, count, last_id = since.head, since.entries, at.id
    table = AuditEntry.__table__
    # Plain tuples in the hash's order, the moment as the naive UTC value stored: a check
    # of a million entries is mostly this loop.
    hashed = select(table.c.id, table.c.hash, type_coerce(table.c.at, DateTime()),
                    *(table.c[name] for name in _HASHED_AFTER_AT))
    while True:
        entries = session.execute(hashed.where(table.c.id > last_id)
                                  .order_by(table.c.id).limit(batch)).all()
        if not entries:
            break
        for entry in entries:
            count += 1
            entry_id, stored = entry[0], entry[1]
            last_id = entry_id
            if entry[-1] != expected_prev:
                return ChainReport(count, entry_id, f"{_label_of(session, entry_id)} does not "
                                   "follow the entry before it")
            if _digest(_naive_stamp(entry[2]), *entry[3:]) != stored:
                return ChainReport(count, entry_id, f"{_label_of(session, entry_id)} was "
                                   "altered after it was written")
            expected_prev = stored
            if expect is not None and count == expect.entries and stored != expect.head:
                return ChainReport(count, entry_id, (
                    f"{_label_of(session, entry_id)} is not the entry the anchor {expect} "
                    "names: the trail was rewritten since that anchor was taken"), stored)
    if expect is not None and count < expect.entries:
        return ChainReport(count, None, (
            f"the trail holds {count} entries, fewer than the {expect.entries} of the anchor "
            f"{expect}: entries were removed since it was taken"), expected_prev)
    return ChainReport(count, head=expected_prev)
