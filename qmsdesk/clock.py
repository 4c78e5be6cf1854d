"""The one clock: what "now" and "today" are for every layer; tests freeze it here."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime

_frozen: datetime | None = None
_thread = threading.local()  # a moment set for this thread only (story_time)


def now() -> datetime:
    """The current moment, timezone-aware in UTC (audit entries, timestamps, report log)."""
    story: datetime | None = getattr(_thread, "at", None)
    if story is not None:
        return story
    return _frozen if _frozen is not None else datetime.now(UTC)


@contextmanager
def story_time(at: datetime) -> Iterator[None]:
    """Within the block, on this thread only, "now" is ``at`` (aware): the demo writes its
    history on the days of its story while the window's own clock runs on."""
    if at.tzinfo is None:
        raise ValueError("story time is an aware datetime")
    before = getattr(_thread, "at", None)
    _thread.at = at.astimezone(UTC)
    try:
        yield
    finally:
        _thread.at = before


def local_now() -> datetime:
    """The current moment in the local timezone, for what a person reads (file names)."""
    return now().astimezone()


def stamp(at: datetime) -> str:
    """A moment as a person reads it, with its offset from UTC so that it means the same
    anywhere: "2026-11-21 13:00 UTC+01:00" ("UTC" alone when there is no offset)."""
    offset = at.strftime("%z")
    zone = "UTC" if offset in ("", "+0000") else f"UTC{offset[:3]}:{offset[3:]}"
    return f"{at:%Y-%m-%d %H:%M} {zone}"


def today() -> date:
    """The local calendar date: what "overdue", "due soon" and "as of" are measured from."""
    return local_now().date()


def freeze(at: datetime | None) -> None:
    """Stop the clock at ``at`` (aware), or let it run again with None. For tests and
    benches that must give the same answer on any day."""
    global _frozen
    if at is not None and at.tzinfo is None:
        raise ValueError("the clock is frozen at an aware datetime")
    _frozen = None if at is None else at.astimezone(UTC)
