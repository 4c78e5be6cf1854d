"""What is due: the item every register's due list yields and the dashboard lists.

Each register that has dates to keep names a ``DueList`` in the register catalogue
(``Register.due``): the kinds of item it yields, most urgent kind first, and the query
that finds them. services.dashboard merges them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple, TypeVar

from sqlalchemy import Select, SQLColumnExpression
from sqlalchemy.orm import Session

Query = TypeVar("Query", bound=Select)  # a select of any row shape


class DueItem(NamedTuple):
    """One thing to do: ``register`` and ``record_id`` say which editor opens it.

    A named tuple rather than a frozen dataclass: at 100x the due list holds about 80 000
    items, and a tuple is made several times faster."""

    kind: str
    register: str  # the catalogue key of the register whose editor opens it
    record_id: int
    ref: str
    title: str
    due: date
    owner: str
    today: date

    @property
    def id(self) -> int:
        """A key for keeping the selection (one supplier may have several items)."""
        return hash((self.kind, self.record_id, self.title))

    @property
    def overdue(self) -> bool:
        return self.due < self.today

    @property
    def days(self) -> int:
        """Days until due (negative: days overdue)."""
        return (self.due - self.today).days


# (session, today, until, limit) -> the register's items due on or before ``until``; with a
# ``limit``, at least its ``limit`` soonest ones (the first screenful of the list).
Finder = Callable[[Session, date, date, int | None], Iterable[DueItem]]


def soonest(query: Query, due: SQLColumnExpression[Any], ref: SQLColumnExpression[Any],
            limit: int | None) -> Query:
    """``query`` as a finder reads it: every row, or with a ``limit`` only the ``limit``
    rows due soonest, by reference on the same day as the whole list orders them (read
    along the date's index, so the first screenful of a due list of any length comes at
    once, and is the head of the whole list)."""
    return query if limit is None else query.order_by(due, ref).limit(limit)


@dataclass(frozen=True)
class DueList:
    """A register's share of the due list: its kinds of item and how to find them."""

    kinds: tuple[str, ...]
    find: Finder
