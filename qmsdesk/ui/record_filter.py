"""The filter in front of a register's table model: search text and named predicates.

Not a QSortFilterProxyModel: that one asks a Python ``filterAcceptsRow`` once per row on
every keystroke and every reset (0.5-0.8 s a keystroke at 200 000 rows). Here the
filter is a few list comprehensions over the rows' prepared search texts, and the rows
shown are one sorted list of source rows; a keystroke that only lengthens the search
looks only at the rows already shown.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Protocol, cast

from PySide6.QtCore import (
    QAbstractProxyModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)

Index = QModelIndex | QPersistentModelIndex
SORT_ROLE = Qt.ItemDataRole.UserRole + 1  # a column's sort key (table_model)
ROW_ROLE = Qt.ItemDataRole.UserRole + 2  # the row's record
# The roles a register's cells answer, as plain ints: a view asks ~16 roles of every cell it
# paints (4 500 calls into Python a repaint); the others are answered here at once.
ANSWERED_ROLES = frozenset(int(role) for role in (
    Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.TextAlignmentRole,
    Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.ForegroundRole,
    Qt.ItemDataRole.BackgroundRole, SORT_ROLE, ROW_ROLE))


def passing_rows(rows: Sequence[Any], tests: Sequence[Callable[[Any], bool]]
                 ) -> list[int] | None:
    """The positions of the rows that pass every test (None: no test, every row)."""
    passing: list[int] | None = None
    for test in tests:  # one pass a test, over the rows still passing
        passing = ([i for i, row in enumerate(rows) if test(row)] if passing is None
                   else [i for i in passing if test(rows[i])])
    return passing


class Records(Protocol):
    """What the filter needs of its source (table_model.RecordTableModel)."""

    def base_positions(self) -> list[int]: ...
    def row_of_positions(self) -> Sequence[int] | None: ...
    def base_rows(self) -> list[Any]: ...
    def search_texts(self) -> list[str]: ...
    def in_delivered_order(self) -> bool: ...
    def prepared_passing(self, tests: tuple[Callable[[Any], bool], ...]
                         ) -> tuple[bool, list[int] | None]: ...
    def cell(self, row: int, column_index: int, role: int) -> Any: ...
    def index(self, row: int, column: int, parent: Index = ...) -> QModelIndex: ...
    def headerData(self, section: int, orientation: Qt.Orientation, role: int = ...) -> Any: ...
    def sort(self, column: int, order: Qt.SortOrder = ...) -> None: ...

_FLAGS = (Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled
          | Qt.ItemFlag.ItemNeverHasChildren)


class RecordFilterProxy(QAbstractProxyModel):
    """Search text across every searchable column plus named predicates (category,
    quadrant, ...); sorting is the source model's (``sort`` passes it on)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._needle = ""
        self._predicates: dict[str, Callable[[Any], bool]] = {}
        self._passing: list[int] | None = None  # delivered positions passing the predicates
        self._matching: list[int] | None = None  # ... and the search (None: every row)
        self._narrowable = ""  # the search _matching was made for, while predicates stay
        self._shown: list[int] = []  # source rows shown, ascending
        self._saved: list[tuple[QModelIndex, int]] = []
        self._order_before: list[int] = []
        self._row_of: tuple[list[int], Sequence[int]] = ([], [])  # an order, its inverse

    # --- the source -----------------------------------------------------------------------
    def setSourceModel(self, model: Any) -> None:
        self.beginResetModel()
        model.modelAboutToBeReset.connect(self.beginResetModel)
        model.modelReset.connect(self._source_reset)
        model.layoutAboutToBeChanged.connect(self._about_to_rearrange)
        model.layoutChanged.connect(self._rearranged)
        super().setSourceModel(model)
        self._recompute(predicates_changed=True)
        self.endResetModel()

    def _records(self) -> Records:
        # The proxy is only ever set on a RecordTableModel (see RegisterTable).
        return cast(Records, self.sourceModel())

    def _source_reset(self) -> None:
        self._recompute(predicates_changed=True)
        self.endResetModel()

    def _about_to_rearrange(self) -> None:
        """Before the rows move (a sort, a filter): note where each tracked row is."""
        self.layoutAboutToBeChanged.emit()
        self._order_before = self._records().base_positions()
        self._saved = [(index, self._shown[index.row()]) for index in self.persistentIndexList()
                       if index.isValid() and index.row() < len(self._shown)]

    def _rearranged(self) -> None:
        self._arrange()
        if self._saved:
            positions = self._records().base_positions()
            moved: Callable[[int], int] = int
            if positions is not self._order_before:  # a sort: through delivered positions
                before = self._order_before
                row_of = where_each(positions, (before[row] for _, row in self._saved),
                                    self._records().row_of_positions())
                moved = lambda source_row: row_of[before[source_row]]  # noqa: E731
            rows = [self._proxy_row(moved(source_row)) for _, source_row in self._saved]
            self.changePersistentIndexList(
                [index for index, _ in self._saved],
                [self.index(row, index.column()) if row >= 0 else QModelIndex()
                 for (index, _), row in zip(self._saved, rows, strict=True)])
            self._saved = []
        self.layoutChanged.emit()

    # --- filtering ------------------------------------------------------------------------
    def set_search_text(self, text: str) -> None:
        needle = text.strip().casefold()
        if needle != self._needle:
            self._refilter(lambda: setattr(self, "_needle", needle), predicates_changed=False)

    def predicates(self) -> tuple[Callable[[Any], bool], ...]:
        """The filters set now, in the order they are applied."""
        return tuple(self._predicates.values())

    def set_predicate(self, name: str, predicate: Callable[[Any], bool] | None) -> None:
        if self._predicates.get(name) == predicate:
            return  # the same filter again (equal predicates compare equal)

        def change() -> None:
            if predicate is None:
                self._predicates.pop(name, None)
            else:
                self._predicates[name] = predicate

        self._refilter(change, predicates_changed=True)

    def _refilter(self, change: Callable[[], None], predicates_changed: bool) -> None:
        self._about_to_rearrange()
        change()
        self._recompute(predicates_changed, arrange=False)
        self._rearranged()

    def _recompute(self, predicates_changed: bool, arrange: bool = True) -> None:
        model = self._records()
        if predicates_changed:
            tests = self.predicates()
            known, passing = model.prepared_passing(tests)  # worked out with the read
            self._passing = passing if known else passing_rows(model.base_rows(), tests)
            self._narrowable = ""
        if not self._needle:
            self._matching, self._narrowable = self._passing, ""
        else:
            texts, needle = model.search_texts(), self._needle
            # A longer search matches only rows the shorter one matched.
            pool = (self._matching if self._narrowable and self._narrowable in needle
                    else self._passing)
            self._matching = ([i for i in pool if needle in texts[i]] if pool is not None
                              else [i for i, text in enumerate(texts) if needle in text])
            self._narrowable = needle
        if arrange:
            self._arrange()

    def _arrange(self) -> None:
        """The source rows shown: those matching, in the source's order."""
        model = self._records()
        positions = model.base_positions()
        if self._matching is None:
            self._shown = list(range(len(positions)))
        elif model.in_delivered_order():  # source rows are delivered positions
            self._shown = self._matching
        else:  # the rows at which the matching positions are shown, in order; in C
            self._shown = sorted(map(self._rows_of(positions).__getitem__, self._matching))

    def _rows_of(self, positions: list[int]) -> Sequence[int]:
        """The :func:`inverse` of the source's order, made once an order (a sort, a read):
        each keystroke then finds where its rows are shown in time that grows with the rows
        matching, not with the register (200 000 rows: 27 ms a key before)."""
        if self._row_of[0] is not positions:
            known = self._records().row_of_positions()  # worked out with the order
            self._row_of = (positions, known if known is not None else inverse(positions))
        return self._row_of[1]

    def source_rows(self) -> list[int]:
        """The source rows shown, in order."""
        return self._shown

    def _proxy_row(self, source_row: int) -> int:
        at = bisect_left(self._shown, source_row)
        return at if at < len(self._shown) and self._shown[at] == source_row else -1

    # --- the model interface ----------------------------------------------------------------
    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """The source model sorts (fast); the rows shown follow."""
        self._records().sort(column, order)

    def mapToSource(self, proxy_index: Index) -> QModelIndex:
        if not proxy_index.isValid() or proxy_index.row() >= len(self._shown):
            return QModelIndex()
        return self._records().index(self._shown[proxy_index.row()], proxy_index.column())

    def mapFromSource(self, source_index: Index) -> QModelIndex:
        if not source_index.isValid():
            return QModelIndex()
        row = self._proxy_row(source_index.row())
        return self.index(row, source_index.column()) if row >= 0 else QModelIndex()

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        if parent.isValid() or not (0 <= row < len(self._shown)
                                    and 0 <= column < self.columnCount()):
            return QModelIndex()
        return self.createIndex(row, column)

    def parent(self, child: Index | None = None) -> Any:
        if child is None:  # QObject.parent()
            return super().parent()
        return QModelIndex()

    def sibling(self, row: int, column: int, index: Index) -> QModelIndex:
        return self.index(row, column)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._shown)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        model = self.sourceModel()
        return 0 if parent.isValid() or model is None else model.columnCount()

    def hasChildren(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and bool(self._shown) and self.columnCount() > 0

    def flags(self, index: Index) -> Qt.ItemFlag:
        return _FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in ANSWERED_ROLES:
            return None
        row = index.row()
        if not 0 <= row < len(self._shown):  # an invalid index has row -1
            return None
        return self._records().cell(self._shown[row], index.column(), role)

    def multiData(self, index: Index, span: Any) -> None:
        """Every role a view's delegate asks of a cell it paints, in one call into Python.
        Qt's own asks ``data`` once a role (seven a cell); each call waits for the
        interpreter lock, which a worker reading a register of 200 000 rows holds most of
        the time, and a repaint then held the window for 100 ms and more."""
        row = index.row()
        records = self._records() if 0 <= row < len(self._shown) else None
        for item in span:  # the delegate reuses its span: every role is set or cleared
            role = item.role()
            value = (records.cell(self._shown[row], index.column(), role)
                     if records is not None and role in ANSWERED_ROLES else None)
            if value is None:
                item.clearData()
            else:
                item.setData(value)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal:
            return self._records().headerData(section, orientation, role)
        return section + 1 if role == Qt.ItemDataRole.DisplayRole else None


# Positions one call in C goes through while holding the interpreter lock: on a worker, a
# single call over 200 000 held the window for 40-60 ms; a slice of this many, a few.
LOCK_SLICE = 16_384


def inverse(positions: Sequence[int]) -> Sequence[int]:
    """For each delivered position, the row it is shown at (made in C, not a Python loop,
    a slice at a time so that a worker making it lets the window in between).

    Machine integers, not a list of int objects: 200 000 rows in 1.6 MB, not 7, made in
    40 ms, not 50, and read back in two thirds of the time (they lie side by side)."""
    row_of = array("q", bytes(8 * len(positions)))
    for start in range(0, len(positions), LOCK_SLICE):
        end = start + LOCK_SLICE
        deque(map(row_of.__setitem__, positions[start:end], range(start, end)), maxlen=0)
    return row_of


FEW_ROWS = 8  # rows looked up one by one after a sort (a selection)


def where_each(positions: list[int], wanted: Iterable[int],
               row_of: Sequence[int] | None = None) -> dict[int, int]:
    """For each of the delivered positions ``wanted``, the row it is shown at: through
    ``row_of`` (the :func:`inverse` of ``positions``) when it is known; else looked up one
    by one for a few (the selection; each look-up a scan in C, up to 10 ms at 200 000
    rows), or through the whole inverse made now (about 40 ms)."""
    wanted = set(wanted)
    if row_of is None and len(wanted) <= FEW_ROWS:
        return {position: positions.index(position) for position in wanted}
    row_of = inverse(positions) if row_of is None else row_of
    return {position: row_of[position] for position in wanted}

