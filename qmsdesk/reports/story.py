"""A long register's report body, made as the layout reaches it instead of all at once.

A report's body used to be a list of every flowable, built before the layout began: for
30 000 parties that list alone was most of a gigabyte. A register of ``LONG_REGISTER``
records or more now keeps its records (read once, and packed: a small part of what their
flowables take) and makes each record's section twice, as it is needed: once for the content
fingerprint, which decides the revision before anything is printed, and once as the layout
reaches it. Both passes read the same records, so the fingerprint is the printed content's.
Each section is let go once it is fingerprinted or laid out.

A shorter register is built once and held: one pass is faster, and its memory is small.
"""

from __future__ import annotations

import pickle
import zlib
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, Generic, TypeVar

from reportlab.platypus import Flowable

T = TypeVar("T")

LONG_REGISTER = 2000  # records from which a body is made as it is read

# A body: its flowables, or what makes them afresh on each call (a long register).
Body = list[Flowable] | Callable[[], Iterator[Flowable]]


class Records(Generic[T]):
    """A report's records in the order read. From ``LONG_REGISTER`` of them on they are
    kept packed (pickled and compressed, a fraction of their size as objects: 30 000
    parties took 300 MB), and each is unpacked when its section is made."""

    def __init__(self, long_from: int | None = None) -> None:
        """``long_from``: a register whose sections are heavier than most says where it
        is long: a supplier's section holds its chart's picture until laid out."""
        self._records: list[T] = []
        self._packed: list[bytes] | None = None
        self._long_from = LONG_REGISTER if long_from is None else long_from

    @property
    def long(self) -> bool:
        """Whether the body of these records is made as it is read (they are packed)."""
        return self._packed is not None

    def append(self, record: T) -> None:
        if self._packed is not None:
            self._packed.append(_pack(record))
            return
        self._records.append(record)
        if len(self._records) >= self._long_from:
            self._packed = [_pack(kept) for kept in self._records]
            self._records = []

    def __len__(self) -> int:
        return len(self._records) if self._packed is None else len(self._packed)

    def __iter__(self) -> Iterator[T]:
        if self._packed is None:
            return iter(self._records)
        return (pickle.loads(zlib.decompress(packed)) for packed in self._packed)


def _pack(record: object) -> bytes:
    return zlib.compress(pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL), 1)


# The flowables before or after a register's sections, or what makes them.
Part = Sequence[Flowable] | Callable[[], Sequence[Flowable]]


def register_body(head: Part, records: Records[T],
                  section: Callable[[T], list[Flowable]], tail: Part) -> Body:
    """``head``, each record's ``section`` in order, then ``tail``: made as it is read when
    the records are long (``LONG_REGISTER`` or their own ``long_from``), else built now.
    A head or tail given as what makes it is made afresh on each reading, like the
    sections: a table of every record keeps its laid-out cells once drawn, and held for
    the second reading, the approved supplier list of 15 000 suppliers stayed to the end
    of the report."""
    def flowables() -> Iterator[Flowable]:
        yield from head() if callable(head) else head
        for record in records:
            yield from section(record)
        yield from tail() if callable(tail) else tail

    return flowables if records.long else list(flowables())


def flowables_of(body: Body) -> Iterable[Flowable]:
    """The body's flowables (made afresh when the body makes them)."""
    return body if isinstance(body, list) else body()


def read_ahead(flowables: Iterable[Flowable], count: int = 64) -> Iterator[Flowable]:
    """``flowables`` in order, made ``count`` ahead of the one given: the charts of the
    next sections are already being drawn (in worker processes) while the fingerprint
    waits for this one's."""
    waiting: deque[Flowable] = deque()
    for flowable in flowables:
        waiting.append(flowable)
        if len(waiting) > count:
            yield waiting.popleft()
    yield from waiting


class StoryStream:
    """The story list reportlab's layout takes, filled from an iterator as the layout
    reaches it. The layout looks at, removes and puts back only flowables at the front
    (the next one, a run kept with the next, the parts of a split), so a few dozen ahead
    of it are all this ever holds."""

    AHEAD = 64  # flowables read ahead: longer than any run kept with the next one

    def __init__(self, head: Iterable[Flowable], rest: Iterable[Flowable]) -> None:
        self._ahead: list[Flowable] = list(head)
        self._rest: Iterator[Flowable] | None = iter(rest)

    def _fill(self, count: int) -> None:
        while self._rest is not None and len(self._ahead) < count:
            try:
                self._ahead.append(next(self._rest))
            except StopIteration:
                self._rest = None

    def __len__(self) -> int:
        self._fill(self.AHEAD)
        return len(self._ahead)

    def __getitem__(self, index: Any) -> Any:
        self._fill(max(self.AHEAD, _reach(index)))
        return self._ahead[index]

    def __setitem__(self, index: Any, value: Any) -> None:
        self._ahead[index] = value

    def __delitem__(self, index: Any) -> None:
        self._fill(max(self.AHEAD, _reach(index)))
        del self._ahead[index]

    def insert(self, index: int, flowable: Flowable) -> None:
        self._ahead.insert(index, flowable)


def _reach(index: Any) -> int:
    """How many flowables must be read for ``index`` (an int or a slice from the front)."""
    if isinstance(index, slice):
        stop = index.stop
        return stop if isinstance(stop, int) and stop >= 0 else 0
    return index + 1 if isinstance(index, int) and index >= 0 else 0
