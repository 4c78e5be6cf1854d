"""Helpers every register service shares: human references and optimistic-lock checks."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Integer, cast, func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from qmsdesk.models.base import RegisterRecord
from qmsdesk.services.errors import ConflictError, NotFoundError


def next_ref(session: Session, model: type[RegisterRecord], width: int = 4) -> str:
    """The next free reference, e.g. IP-0001 after none, IP-0013 after IP-0012.

    ``width`` is the minimum number of digits: after IP-9999 comes IP-10000.
    """
    prefix = f"{model.ref_prefix}-"
    column = model.ref  # type: ignore[attr-defined]
    number = cast(func.substr(column, len(prefix) + 1), Integer)
    last = session.scalar(select(func.max(number)).where(column.like(f"{prefix}%")))
    return f"{prefix}{(last or 0) + 1:0{width}d}"


def load_for_update(session: Session, model: type[RegisterRecord], record_id: int,
                    version: int, label: str) -> RegisterRecord:
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
