"""Helpers every register service shares: human references and optimistic-lock checks."""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Protocol, TypeVar

from sqlalchemy import Integer, cast, func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from qmsdesk import clock
from qmsdesk.models.base import RegisterRecord
from qmsdesk.models.db import Database
from qmsdesk.services.errors import ConflictError, NotFoundError, ValidationError

R = TypeVar("R", bound=RegisterRecord)

# A reference's number has at most this many digits (IP-999999): a longer one is a slip,
# and numbering after it (IP-9223372036854775808) would make every later record fail.
REF_DIGITS = 6


def ref_format(prefix: str, width: int = 4) -> re.Pattern[str]:
    """The references :func:`next_ref` gives after ``prefix`` (a regular expression, e.g.
    "IP-"): ``width`` to REF_DIGITS digits."""
    return re.compile(rf"^{prefix}\d{{{width},{REF_DIGITS}}}$")


def next_ref(session: Session, model: type[RegisterRecord], width: int = 4,
             prefix: str | None = None) -> str:
    """The next free reference, e.g. IP-0001 after none, IP-0013 after IP-0012.

    ``width`` is the minimum number of digits: after IP-9999 comes IP-10000. ``prefix``
    replaces the model's own ("OBJ-2026-" numbers objectives per year). A reference with
    more than REF_DIGITS digits (from before imports refused them) is not counted.
    """
    prefix = prefix or f"{model.ref_prefix}-"
    column = model.ref
    number = cast(func.substr(column, len(prefix) + 1), Integer)
    last = session.scalar(select(func.max(number)).where(
        column.like(f"{prefix}%"), func.length(column) <= len(prefix) + REF_DIGITS))
    return f"{prefix}{(last or 0) + 1:0{width}d}"


def load_for_update(session: Session, model: type[R], record_id: int,
                    version: int, label: str) -> R:
    """Load a record the user edited; refuse if someone saved it since it was opened."""
    obj = session.get(model, record_id)
    if obj is None:
        raise NotFoundError(f"{label} no longer exists (deleted elsewhere). Nothing was saved.")
    if obj.version != version:
        raise ConflictError(
            f"{obj.ref} was changed elsewhere since you opened it. "
            "Reload to see the changes; nothing was saved."
        )
    return obj


@contextmanager
def conflict_guard(label: str) -> Iterator[None]:
    """Turn SQLAlchemy's stale-version error into the user-facing conflict."""
    try:
        yield
    except StaleDataError as exc:
        raise ConflictError(
            f"{label} was changed elsewhere while you saved. Reload; nothing was saved."
        ) from exc


def sync_children(session: Session, existing: Sequence[Any], wanted: Sequence[Any],
                  names: Sequence[str], add: Callable[[dict[str, Any]], None]) -> bool:
    """Make a record's child rows match the edited list; True when anything changed.

    Rows are matched by id; new ones are created through ``add(values)``; rows no longer
    wanted are deleted explicitly (not only dropped from the list), so the audit trail
    records their deletion under the parent's reference.
    """
    by_id = {child.id: child for child in existing}
    wanted_ids = {item.id for item in wanted if item.id is not None}
    removed = [child for child_id, child in by_id.items() if child_id not in wanted_ids]
    for child in removed:
        session.delete(child)
    if removed:
        # Deletions first: a row removed and a new one for the same period (a unique key)
        # may come in one save, and SQLAlchemy would otherwise insert before deleting.
        session.flush()
    changed = bool(removed)
    for item in wanted:
        values = {name: getattr(item, name) for name in names}
        child = by_id.get(item.id) if item.id is not None else None
        if child is None:
            add(values)
            changed = True
            continue
        for name, value in values.items():
            if getattr(child, name) != value:
                setattr(child, name, value)
                changed = True
    return changed


def sync_links(session: Session, existing: Sequence[Any], wanted: Iterable[Hashable],
               key: Callable[[Any], Hashable], add: Callable[[Any], None]) -> bool:
    """Make a record's link rows match the wanted targets (one key each, e.g. a party id);
    True when anything changed. Links no longer wanted are deleted explicitly so the audit
    trail records it; new ones are created by ``add(key)``, in the order wanted."""
    wanted_keys = list(dict.fromkeys(wanted))
    have = {key(row): row for row in existing}
    removed = [row for link, row in have.items() if link not in wanted_keys]
    for row in removed:
        session.delete(row)
    added = [link for link in wanted_keys if link not in have]
    for link in added:
        add(link)
    return bool(removed or added)


class StatusRecord(Protocol):
    """A register's record as its editor sees it, with an active/archived status."""

    ref: str
    version: int
    status: str
    archive_reason: str


S = TypeVar("S", bound=StatusRecord)


ARCHIVE_REASON_LIMIT = 500


def with_status(record: S, version: int, status: str, reason: str = "") -> S:
    """``record`` (as just loaded) archived with its ``reason`` or restored (the reason
    cleared; the audit trail keeps it); ConflictError when it changed since the user's
    copy (``version``) was read, ValidationError when an archiving gives no reason."""
    reason = archiving_reason(record, version, status == "archived", reason)
    record.status = status
    record.archive_reason = reason
    return record


def archiving_reason(record: Any, version: int, archiving: bool, reason: str) -> str:
    """The reason an archiving or a restoring stores, tidied ("" for a restoring: the audit
    trail keeps the earlier one). The checks every register's archive shares, whether it
    archives by status (parties, risks) or by date (objectives, actions): ConflictError
    when ``record`` (as just loaded) changed since the user's copy (``version``) was read,
    ValidationError when an archiving gives no reason or one too long."""
    if record.version != version:
        raise ConflictError(f"{record.ref} was changed elsewhere. Reload; nothing was changed.")
    if not archiving:
        return ""
    reason = " ".join(reason.split())
    if message := reason_problem(record.ref, reason):
        raise ValidationError({"archive_reason": message})
    return reason


def reason_problem(ref: str, reason: str) -> str:
    """What is wrong with an archived record's reason ("" when nothing): it is needed, and
    fits its column. Also what an import of an archived record is checked against."""
    if not reason.strip():
        return (f"Say why {ref or 'the record'} is archived: the reason stays with the record "
                "and is printed in the register's report.")
    if len(reason) > ARCHIVE_REASON_LIMIT:
        return (f"The reason is too long ({len(reason)} characters; at most "
                f"{ARCHIVE_REASON_LIMIT}).")
    return ""


def touch(parent: Any) -> None:
    """Mark a record changed when only its child rows changed: its row is rewritten, so its
    version moves on and other editors' copies go stale, even when the clock has not moved
    since the last save (a frozen or coarse clock)."""
    parent.updated_at = clock.now()
    flag_modified(parent, "updated_at")


def archive_reasons(session: Session, model: Any) -> dict[str, str]:
    """Reference -> why it was archived, for the archived records of ``model`` (a register
    whose records are archived: Party, ContextIssue, Risk)."""
    rows = session.execute(select(model.ref, model.archive_reason).where(
        model.status == "archived"))
    return {ref: reason for ref, reason in rows}


class HasId(Protocol):
    @property
    def id(self) -> int: ...


RowT = TypeVar("RowT", bound=HasId)
T = TypeVar("T")
RECORDS_PER_READ = 200  # a report's records loaded at a time


def records_in_batches(db: Database, rows: Sequence[RowT],
                       load: Callable[[Session, Sequence[int]], dict[int, T]],
                       size: int = RECORDS_PER_READ) -> Iterator[tuple[RowT, T]]:
    """Each of ``rows`` (a register's lines) with its record, in order, the records loaded
    ``size`` at a time by ``load`` (one read with their children, each batch): not one read
    per record, which made a report on 30 000 parties spend most of its time in the
    database, nor all at once. A line whose record is gone (deleted by a colleague since
    the list was read) is left out."""
    for start in range(0, len(rows), size):
        batch = rows[start:start + size]
        with db.read() as session:
            found = load(session, [row.id for row in batch])
        yield from ((row, found[row.id]) for row in batch if row.id in found)
