"""A register's table: generic model + filter proxy + view, empty state and a count line."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from qmsdesk.ui.table_model import Column, RecordFilterProxy, RecordTableModel


class RegisterTable(QWidget):
    """Rows are service dataclasses with an ``id``; double-click or Enter asks to open one."""

    open_requested = Signal()
    current_changed = Signal()

    def __init__(self, columns: Sequence[Column[Any]], widths: Sequence[int], stretch: int,
                 empty_text: str, noun: tuple[str, str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = RecordTableModel(columns, self)
        self.proxy = RecordFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self._empty_text = empty_text
        self._noun = noun
        self.extra_count: Callable[[list[Any]], str] | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.view = QTableView()
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(26)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for i, width in enumerate(widths):
            self.view.setColumnWidth(i, width)
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
        self.view.doubleClicked.connect(lambda _index: self.open_requested.emit())
        self.view.selectionModel().currentRowChanged.connect(
            lambda *_: self.current_changed.emit())
        self.empty = QLabel()
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.body = QStackedWidget()
        self.body.addWidget(self.view)
        self.body.addWidget(self.empty)
        layout.addWidget(self.body, 1)
        self.count_label = QLabel()
        layout.addWidget(self.count_label)

    # --- rows -----------------------------------------------------------------------------
    def set_rows(self, rows: Sequence[Any], select_id: int | None = None) -> None:
        current = select_id if select_id is not None else self.selected_id()
        self.model.set_rows(rows)
        selected = current is not None and self.select_id(current)
        if not selected and self.proxy.rowCount():
            self.view.setCurrentIndex(self.proxy.index(0, 0))
        self.update_counts()

    def rows(self) -> list[Any]:
        return self.model.rows()

    def visible_rows(self) -> list[Any]:
        return [self.model.row_at(self.proxy.mapToSource(self.proxy.index(i, 0)).row())
                for i in range(self.proxy.rowCount())]

    def selected_row(self) -> Any:
        index = self.view.currentIndex()
        if not index.isValid():
            return None
        return self.model.row_at(self.proxy.mapToSource(index).row())

    def selected_id(self) -> int | None:
        row = self.selected_row()
        return row.id if row is not None else None

    def select_id(self, record_id: int,
                  clear_filters: Callable[[], None] | None = None) -> bool:
        """Select a record; if a filter hides it, ``clear_filters`` is called first."""
        source_row = self.model.find(lambda r: r.id == record_id)
        if source_row < 0:
            return False
        index = self.proxy.mapFromSource(self.model.index(source_row, 0))
        if not index.isValid() and clear_filters is not None:
            clear_filters()
            index = self.proxy.mapFromSource(self.model.index(source_row, 0))
        if not index.isValid():
            return False
        self.view.setCurrentIndex(index)
        self.view.scrollTo(index)
        return True

    # --- filters and counts -------------------------------------------------------------------
    def set_search_text(self, text: str) -> None:
        self.proxy.set_search_text(text)
        self.update_counts()

    def set_predicate(self, name: str, predicate: Callable[[Any], bool] | None) -> None:
        self.proxy.set_predicate(name, predicate)
        self.update_counts()

    def update_counts(self) -> None:
        from qmsdesk.services.labels import plural

        total, shown = self.model.rowCount(), self.proxy.rowCount()
        if total == 0:
            self.empty.setText(self._empty_text)
            self.body.setCurrentWidget(self.empty)
        elif shown == 0:
            self.empty.setText(self.tr("Nothing matches the search and filters."))
            self.body.setCurrentWidget(self.empty)
        else:
            self.body.setCurrentWidget(self.view)
        singular, plural_form = self._noun
        text = plural(total, singular, plural_form) if shown == total else self.tr(
            "%1 of %2 shown").replace("%1", str(shown)).replace(
            "%2", plural(total, singular, plural_form))
        if self.extra_count is not None:
            extra = self.extra_count(self.model.rows())
            if extra:
                text += " · " + extra
        self.count_label.setText(text)

    def current_index(self) -> QModelIndex:
        return self.view.currentIndex()
