"""What every register's check-then-store function shares: references for a batch of new
records, the rule that a given reference is free, links to records that must exist, and
running a save (a generator that yields progress) to its end."""

from __future__ import annotations

from collections.abc import Callable, Collection, Generator, Iterable, Sequence
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from qmsdesk.models.base import RegisterRecord
from qmsdesk.services.records import load_for_update, next_ref

BATCH = 500  # records stored between two flushes (and two progress reports)
CHUNK = 500  # ids or references per IN (...): SQLite allowed 999 bound parameters before 3.32
T = TypeVar("T")
R = TypeVar("R", bound=RegisterRecord)
Errors = dict[int, dict[str, str]]  # a record's position in the batch -> field -> message


def finish(steps: Generator[Any, None, T]) -> T:
    """Run a save to its end and return what it returns (the rows it stored)."""
    while True:
        try:
            next(steps)
        except StopIteration as stop:
            return stop.value


def add_error(errors: Errors, index: int, key: str, message: str) -> None:
    """Add one message for the record at ``index``; a message already there (the form's
    rule, which says more) is kept."""
    errors.setdefault(index, {}).setdefault(key, message)


def _chunks(values: Sequence[T]) -> Iterable[Sequence[T]]:
    for start in range(0, len(values), CHUNK):
        yield values[start:start + CHUNK]


def existing_ids(session: Session, model: type[RegisterRecord],
                 ids: Iterable[int | None]) -> set[int]:
    """Which of ``ids`` are records of ``model`` (a link must name a record that exists)."""
    wanted = sorted({i for i in ids if isinstance(i, int) and not isinstance(i, bool)})
    found: set[int] = set()
    for chunk in _chunks(wanted):
        found.update(session.scalars(select(model.id).where(model.id.in_(chunk))))
    return found


def check_new_refs(session: Session, model: type[RegisterRecord], records: Sequence[Any],
                   errors: Errors) -> None:
    """A new record that comes with its reference (an import) must have one no other record
    has, stored or in the batch."""
    given = [(index, r.ref) for index, r in enumerate(records) if r.id is None and r.ref]
    taken: set[str] = set()
    for chunk in _chunks([ref for _, ref in given]):
        taken.update(session.scalars(select(model.ref).where(model.ref.in_(chunk))))
    for index, ref in given:
        if ref in taken:
            add_error(errors, index, "ref", f"{ref} is already the reference of another "
                                            "record; leave it empty for a new one.")
        taken.add(ref)


def new_refs(session: Session, model: type[RegisterRecord], count: int,
             taken: Collection[str] = (), width: int = 4,
             prefix: str | None = None) -> list[str]:
    """``count`` free references after the last stored one (as :func:`next_ref` numbers
    them), none of them in ``taken`` (references the batch brings itself)."""
    if count == 0:
        return []
    first = next_ref(session, model, width, prefix)
    prefix = prefix or f"{model.ref_prefix}-"
    number, refs = int(first.removeprefix(prefix)), list[str]()
    while len(refs) < count:
        ref = f"{prefix}{number:0{width}d}"
        if ref not in taken:
            refs.append(ref)
        number += 1
    return refs


def store_all(session: Session, model: type[R], noun: str, records: Sequence[Any],
              create: Callable[[Any], R], store: Callable[[Session, R, Any], None],
              batch: int = BATCH) -> Generator[int, None, list[R]]:
    """Store checked records in order: a stored one on its row, loaded for update (the
    record changed or vanished meanwhile: ConflictError, NotFoundError, naming it by its
    reference or ``noun``), a new one on a row ``create`` makes (added to the session), by
    ``store(session, row, record)``. Flushes after every ``batch`` records and yields how
    many are stored (closing the save there rolls the caller's transaction back), flushes
    after the last; returns the rows."""
    rows: list[R] = []
    for done, record in enumerate(records, start=1):
        if record.id is None:
            row = create(record)
            session.add(row)
        else:
            row = load_for_update(session, model, record.id, record.version,
                                  record.ref or noun)
        store(session, row, record)
        rows.append(row)
        if done % batch == 0:
            session.flush()
            yield done
    session.flush()
    return rows
