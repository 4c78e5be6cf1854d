"""What is due: the item every register's due list yields and the dashboard lists.

Each register that has dates to keep names a ``DueList`` in the register catalogue
(``Register.due``): the kinds of item it yields, most urgent kind first, and the query
that finds them. services.dashboard merges them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session


@dataclass(frozen=True)
class DueItem:
    """One thing to do: ``register`` and ``record_id`` say which editor opens it."""

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


# (session, today, until) -> the register's items due on or before ``until``.
Finder = Callable[[Session, date, date], Iterable[DueItem]]


@dataclass(frozen=True)
class DueList:
    """A register's share of the due list: its kinds of item and how to find them."""

    kinds: tuple[str, ...]
    find: Finder
