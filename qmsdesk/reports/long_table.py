"""A register table of thousands of rows, laid out a window of rows at a time.

reportlab lays a table out whole: each page's split makes a new table of every row left
and walks them all again, so a register's layout took time growing with the square of its
rows (the actions report on the 10x org spent half of its two minutes there) and held
every row's cells until the end. A ``LongTable`` gives the layout a table of the next
``WINDOW`` rows only, more than any page holds, and carries what the page left of it to
the next page, where the rows after it join. Every split is decided by the rows of its own
page, so the pages are those of the whole table (the stripes start afresh on each page,
as reportlab draws a table's parts), and a row's cells are made when its window is.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, overload

from reportlab.platypus import Flowable

from qmsdesk.reports.layout import ContinuedTable

T = TypeVar("T")
R = TypeVar("R")

WINDOW = 200  # body rows laid out at a time; a page holds fewer than 50
REPEAT = 1  # the header row, repeated on each page


@dataclass(frozen=True)
class _Row:
    cells: list[Any]
    height: float | None  # known when carried over from a page
    index: int  # in the register (the same for both parts of a row split across pages)


# Makes the table of a window from its rows (header first) and their heights.
TableMaker = Callable[[list[list[Any]], list[float | None]], ContinuedTable]


class LongTable(Flowable):
    """A register table of ``rows`` (their values; ``make_row`` makes a row's cells) under
    ``header``, laid out a window at a time (see the module docstring)."""

    def __init__(self, header: list[Any], rows: Sequence[Sequence[Any]],
                 make_row: Callable[[Sequence[Any]], list[Any]], make_table: TableMaker,
                 start: int = 0, carried: Sequence[_Row] = (),
                 commands: Sequence[tuple[Any, ...]] = ()) -> None:
        super().__init__()
        self.header, self.rows, self.start = header, rows, start
        self.make_row, self.make_table = make_row, make_table
        self.carried = list(carried)
        self.commands = list(commands)
        self.hAlign = "LEFT"
        self._table: ContinuedTable | None = None
        self._body: list[_Row] = []

    def setStyle(self, commands: Sequence[tuple[Any, ...]]) -> None:
        """Table commands over the whole register's rows (row 0 the header, row n the
        register's n-th), applied to each window's rows."""
        self.commands += commands
        self._table = None

    def cell_rows(self) -> Iterator[list[Any]]:
        """Every row's cells, the header first, as a whole table would hold them (read by
        the content fingerprint)."""
        yield self.header
        for index in range(self.start, len(self.rows)):  # one row's values at a time
            yield self.make_row(self.rows[index])

    @property
    def _next(self) -> int:
        return min(len(self.rows), self.start + max(0, WINDOW - len(self.carried)))

    def _window(self) -> ContinuedTable:
        if self._table is None:
            fresh = [_Row(self.make_row(values), None, index)
                     for index, values in enumerate(self.rows[self.start:self._next],
                                                    self.start)]
            self._body = body = self.carried + fresh
            table = self.make_table([self.header, *(row.cells for row in body)],
                                    [None, *(row.height for row in body)])
            if self.commands:
                table.setStyle(list(_in_window(self.commands, [row.index for row in body])))
            self._table = table
        return self._table

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width, self.height = self._window().wrap(availWidth, availHeight)
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        parts = self._window().split(availWidth, availHeight)
        if len(parts) != 2:
            return parts  # nothing fits here
        first, rest = parts
        left = rest._cellvalues[REPEAT:]
        # What the page left: the rows after it, the first perhaps the rest of a row split
        # across the page (labelled "continued"), with the heights the split worked out.
        carried = [_Row(cells, height, row.index) for cells, height, row in
                   zip(left, rest._argH[REPEAT:], self._body[len(self._body) - len(left):],
                       strict=True)]
        return [first, LongTable(self.header, self.rows, self.make_row, self.make_table,
                                 self._next, carried, self.commands)]

    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:
        self._window().drawOn(canvas, x, y, _sW)


def _in_window(commands: Sequence[tuple[Any, ...]], indexes: list[int]) -> Iterator[tuple]:
    """``commands`` over register rows, moved onto the rows of a window whose body rows are
    the register's ``indexes``: a command ending at -1 runs to the window's end; one on
    rows outside the window is left out."""
    rows = [0, *(index + REPEAT for index in indexes)]  # each window row's register row
    for command in commands:
        name, (sc, sr), (ec, er), *values = command
        if sr < 0:
            yield command
            continue
        # The rows are in register order, so the window rows inside are one run.
        first = bisect_left(rows, sr)
        last = len(rows) - 1 if er < 0 else bisect_right(rows, er) - 1
        if first <= last:
            yield (name, (sc, first), (ec, -1 if er < 0 else last), *values)


class RowsOf(Sequence[R], Generic[T, R]):
    """A table's rows made from ``items`` by ``row`` when asked for, not held: what a long
    table of a register's records is given (a row's values may be flowables)."""

    def __init__(self, items: Sequence[T], row: Callable[[T], R]) -> None:
        self.items, self.row = items, row

    def __len__(self) -> int:
        return len(self.items)

    @overload
    def __getitem__(self, index: int) -> R: ...

    @overload
    def __getitem__(self, index: slice) -> list[R]: ...

    def __getitem__(self, index: int | slice) -> R | list[R]:
        if isinstance(index, slice):
            return [self.row(item) for item in self.items[index]]
        return self.row(self.items[index])
