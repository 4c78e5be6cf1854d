"""One generic table model for every register, driven by column specs, and its filter proxy."""

from __future__ import annotations

import heapq
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from qmsdesk.services.numbers import NOTHING
from qmsdesk.ui import colours
from qmsdesk.ui.record_filter import (
    ANSWERED_ROLES,
    LOCK_SLICE,
    ROW_ROLE,
    SORT_ROLE,
    RecordFilterProxy,
    inverse,
    passing_rows,
    where_each,
)

# The roles as plain ints: a view asks ~10 roles per cell it paints, and comparing with
# an enum member costs a lookup each time.
_DISPLAY, _ALIGN, _TIP, _FORE, _BACK = (int(role) for role in (
    Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.TextAlignmentRole,
    Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.ForegroundRole,
    Qt.ItemDataRole.BackgroundRole))
_SORT, _ROW = int(SORT_ROLE), int(ROW_ROLE)
Index = QModelIndex | QPersistentModelIndex
R = TypeVar("R")  # the row dataclass a column shows
WORKER_SORT_ROWS = 20_000  # from this many rows, a column's first sort runs on a worker


@dataclass(frozen=True)
class Column(Generic[R]):
    """How one column shows a row: header, text, sort key, alignment, tooltip, colour."""

    header: str
    text: Callable[[R], str]
    sort_key: Callable[[R], str | int | float] | None = None
    align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
    tooltip: Callable[[R], str | None] | None = None
    foreground: Callable[[R], QColor | None] | None = None
    background: Callable[[R], QColor | None] | None = None
    searchable: bool = True
    # A meaning from qmsdesk.ui.colours (bad, warning, good, ...): a tinted cell whose
    # background and text both follow the light or dark palette; wins over the two above.
    tone: Callable[[R], str | None] | None = None

    def key(self, row: R) -> str | int | float:
        return self.sort_key(row) if self.sort_key else self.text(row).casefold()


@dataclass(frozen=True)
class AttributeIs:
    """A filter predicate: the row's attribute ``name`` equals ``wanted``. Equal predicates
    compare equal, so setting the same filter again costs nothing."""

    name: str
    wanted: object

    def __call__(self, row: Any) -> bool:
        return bool(getattr(row, self.name) == self.wanted)


def attribute_is(name: str, wanted: object) -> Callable[[Any], bool]:
    """A filter predicate: the row's attribute ``name`` equals ``wanted``."""
    return AttributeIs(name, wanted)


class RecordTableModel(QAbstractTableModel):
    """Rows are plain dataclasses from a service; columns are a list of Column specs.

    The rows are kept as delivered (``base``) plus the order shown (``order``: base
    positions). A column's ascending order is computed once per set of rows and kept, so
    sorting again by it, either way, only re-arranges. ``texts`` (base-aligned) are each
    row's searchable text, for the filter; prepared on a worker with the rows (see
    ``prepare``) or made here when first searched.
    """

    def __init__(self, columns: Sequence[Column[Any]], parent: Any = None) -> None:
        super().__init__(parent)
        self._columns = list(columns)
        self._base: list[Any] = []
        self._rows: list[Any] = []
        self._perm: list[int] = []
        self._orders: dict[int, list[int]] = {}
        # Per column ordered on a worker: the row each delivered position is shown at,
        # sorted ascending and descending (made there too: 40-60 ms each at 200 000 rows).
        self._ranks: dict[int, tuple[Sequence[int], Sequence[int]]] = {}
        self._texts: list[str] | None = None
        self._passing: tuple[tuple[Callable[[Any], bool], ...], list[int] | None] | None = None
        self._order: tuple[int, Qt.SortOrder] | None = None
        self._identity: bool | None = None
        self.sorting = False  # an order is being worked out on a worker
        self._ordering: tuple[list[Any], int] | None = None  # (the rows, the column) it is

    @property
    def columns(self) -> list[Column[Any]]:
        return list(self._columns)

    @property
    def sort_order(self) -> tuple[int, Qt.SortOrder] | None:
        return self._order

    def set_rows(self, rows: Sequence[Any], prepared: Prepared | None = None) -> None:
        """Show these rows in one step (``prepared``: their texts and orders, made on a
        worker by ``prepare`` from the same rows)."""
        self.beginResetModel()
        self._base = list(rows)
        self._texts = prepared.texts if prepared is not None else None
        self._orders = dict(prepared.orders) if prepared is not None else {}
        self._ranks = {}
        self._passing = (prepared.filters, prepared.passing) if prepared is not None else None
        self._perm = self._ordered(*self._order) if self._order else list(range(len(rows)))
        self._rows = list(map(self._base.__getitem__, self._perm))  # in C: 200 000 rows
        self._identity = None
        self.endResetModel()

    def _ordered(self, column: int, order: Qt.SortOrder) -> list[int]:
        ascending = self._orders.get(column)
        if ascending is None:
            ascending = self._orders[column] = ascending_order(self._columns[column],
                                                               self._base)
        return ascending if order == Qt.SortOrder.AscendingOrder else ascending[::-1]

    def rows(self) -> list[Any]:
        return list(self._rows)

    def row_at(self, row: int) -> Any:
        return self._rows[row]

    def base_positions(self) -> list[int]:
        """For each row shown, its position among the rows as delivered."""
        return self._perm

    def row_of_positions(self) -> Sequence[int] | None:
        """For each delivered position, the row it is shown at, when a worker worked it
        out with the order shown (None: the filter works it out when it needs it)."""
        return self._row_of(*self._order) if self._order is not None else None

    def _row_of(self, column: int, order: Qt.SortOrder) -> Sequence[int] | None:
        if column not in self._ranks:
            return None
        ascending, descending = self._ranks[column]
        return ascending if order == Qt.SortOrder.AscendingOrder else descending

    def base_rows(self) -> list[Any]:
        return self._base

    def in_delivered_order(self) -> bool:
        """Whether the rows are shown in the order delivered (often: sorted by reference)."""
        if self._identity is None:
            perm = self._perm  # a sort by anything but the reference: the first differs
            self._identity = not perm or (perm[0] == 0 and perm == list(range(len(perm))))
        return self._identity

    def search_texts(self) -> list[str]:
        """Each delivered row's searchable text, casefolded (made now if not prepared)."""
        if self._texts is None:
            self._texts = search_texts(self._columns, self._base)
        return self._texts

    def prepared_passing(self, tests: tuple[Callable[[Any], bool], ...]
                         ) -> tuple[bool, list[int] | None]:
        """(True, the delivered rows passing ``tests``) when the worker that read the rows
        worked them out for these same tests; (False, None) otherwise."""
        if self._passing is not None and self._passing[0] == tests:
            return True, self._passing[1]
        return False, None

    def find(self, predicate: Callable[[Any], bool]) -> int:
        """The source row of the first record matching, or -1."""
        return next((i for i, item in enumerate(self._rows) if predicate(item)), -1)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def column(self, index: int) -> Column[Any]:
        return self._columns[index]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        return self.cell(index.row(), index.column(), role)

    def cell(self, row: int, column_index: int, role: int) -> Any:
        """What ``data`` gives for this row and column (the proxy asks here directly)."""
        role = int(role)
        if role not in ANSWERED_ROLES:
            return None
        item = self._rows[row]
        column = self._columns[column_index]
        if role == _DISPLAY:
            return column.text(item)
        if role == _SORT:
            return column.key(item)
        if role == _ROW:
            return item
        if role == _ALIGN:
            return int(column.align)
        if role == _TIP:
            return column.tooltip(item) if column.tooltip else None
        if column.tone:
            tone = column.tone(item)
            if tone is not None:  # read at paint time: a palette change shows on repaint
                background, foreground = colours.cell(tone)
                return QBrush(background if role == _BACK else foreground)
        if role == _FORE and column.foreground:
            colour = column.foreground(item)
            return QBrush(colour) if colour is not None else None
        if role == _BACK and column.background:
            colour = column.background(item)
            return QBrush(colour) if colour is not None else None
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._columns[section].header
        return super().headerData(section, orientation, role)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort the rows themselves: one Python key per row, once per column and set of
        rows, instead of a Python call per comparison (through a proxy: ~10 s at 100 000
        rows); the order either way is then a re-arrangement.

        A register of WORKER_SORT_ROWS rows or more is ordered by a column for the first
        time on a worker (200 000 actions: about 200 ms): the rows keep their order, and
        the window answers, until it arrives."""
        if not 0 <= column < len(self._columns):
            return
        self._order = (column, order)
        if column not in self._orders and len(self._base) >= WORKER_SORT_ROWS:
            if not self._ordering_now(self._base, column):  # not already on its way
                self._order_on_worker(column)
            return
        perm = self._ordered(column, order)
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        if persistent:  # where each tracked row went: through its delivered position
            moved = where_each(perm, (self._perm[i.row()] for i in persistent),
                               self._row_of(column, order))
            self.changePersistentIndexList(persistent, [
                self.index(moved[self._perm[i.row()]], i.column()) for i in persistent])
        self._perm = perm
        self._rows = list(map(self._base.__getitem__, perm))
        self._identity = None
        self.layoutChanged.emit()

    def _ordering_now(self, base: list[Any], column: int) -> bool:
        """Whether a worker is ordering these very rows (not equal ones) by ``column``."""
        return self._ordering is not None and self._ordering[0] is base \
            and self._ordering[1] == column

    def _order_on_worker(self, column: int) -> None:
        from qmsdesk.ui.tasks import READS, call, start_task

        base, spec = self._base, self._columns[column]
        self.sorting, self._ordering = True, (base, column)

        def arrived(result: tuple[list[int], tuple[Sequence[int], Sequence[int]]]) -> None:
            if self._ordering_now(base, column):
                self.sorting, self._ordering = False, None
            if self._base is not base:
                return  # other rows have come since, shown in the order asked for
            self._orders[column], self._ranks[column] = result
            if self._order is not None and self._order[0] == column:
                self.sort(*self._order)  # still the order asked for: now at once

        def failed(_exc: BaseException) -> None:
            if self._ordering_now(base, column):
                self.sorting, self._ordering = False, None

        start_task(lambda: call(lambda: ordered_with_ranks(spec, base)), arrived, failed,
                   owner=self, group=READS)


@dataclass(frozen=True)
class Prepared:
    """What a worker makes beside the rows so that showing them is one quick step: their
    search texts, their order by the sorted column, which of them pass the filters that
    were set when the read began (``filters``: those predicates; ``passing``: None when
    there were none), and the count line's note (``note``: None when the table has none).
    At 100x each of the last two was 100-250 ms of the GUI thread."""

    texts: list[str]
    orders: dict[int, list[int]]
    filters: tuple[Callable[[Any], bool], ...] = ()
    passing: list[int] | None = None
    note: str | None = None


def search_texts(columns: Sequence[Column[Any]], rows: Sequence[Any]) -> list[str]:
    """Per row, the text of its searchable columns, casefolded, one string.

    A cell that shows only the dash for "nothing here" is left out: it is no word anyone
    searches for, and one character beyond Latin-1 stores the row's whole text in two
    bytes a character instead of one (the action log's texts at 100x: 48 MB, not 27)."""
    shown = [c.text for c in columns if c.searchable]
    return ["\x1f".join([cell for text in shown if (cell := text(row)) != NOTHING])
            .casefold() for row in rows]


SORT_RUN = WORKER_SORT_ROWS  # rows sorted by one call that holds the interpreter lock


def ascending_order(column: Column[Any], rows: Sequence[Any]) -> list[int]:
    """The row positions in ascending order of the column's sort key (stable).

    Run on a worker. One sort of 200 000 keys is a single call that holds the interpreter
    lock, and so the GUI thread, for about 100 ms: runs of SORT_RUN rows are sorted
    instead, then merged (ties keep their order: the earlier run comes first)."""
    keys = [column.key(row) for row in rows]
    key = keys.__getitem__
    if len(keys) <= SORT_RUN:
        return sorted(range(len(keys)), key=key)
    runs = [sorted(range(start, min(start + SORT_RUN, len(keys))), key=key)
            for start in range(0, len(keys), SORT_RUN)]
    return list(heapq.merge(*runs, key=key))


def ordered_with_ranks(column: Column[Any], rows: Sequence[Any]
                       ) -> tuple[list[int], tuple[Sequence[int], Sequence[int]]]:
    """The ascending order by ``column`` and, for it and the descending one, the row each
    position is then shown at (on a worker: the filter would otherwise invert the order
    on the GUI thread when it arrives)."""
    ascending = ascending_order(column, rows)
    rank = inverse(ascending)
    last, descending = len(ascending) - 1, array("q")
    for start in range(0, len(rank), LOCK_SLICE):  # a slice a call, as inverse does
        descending.extend(map(last.__sub__, rank[start:start + LOCK_SLICE]))
    return ascending, (rank, descending)


def prepare(columns: Sequence[Column[Any]], rows: Sequence[Any], sort_column: int | None,
            filters: tuple[Callable[[Any], bool], ...] = (),
            note: Callable[[list[Any]], str] | None = None) -> Prepared:
    """The search texts, the order by ``sort_column``, the rows passing ``filters`` and the
    count line's ``note`` of these rows (on a worker; filters and note are plain
    functions of a row, as every page's are)."""
    orders = ({sort_column: ascending_order(columns[sort_column], rows)}
              if sort_column is not None and 0 <= sort_column < len(columns) else {})
    return Prepared(search_texts(columns, rows), orders, filters,
                    passing_rows(rows, filters), note(list(rows)) if note else None)


__all__ = ["ROW_ROLE", "SORT_ROLE", "Column", "Prepared", "RecordFilterProxy",
           "RecordTableModel", "attribute_is", "prepare"]
