"""Child rows edited in place (a party's requirements, its engagement log): model and delegate."""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QLineEdit,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from qmsdesk import clock
from qmsdesk.services.numbers import NOTHING, format_number
from qmsdesk.ui.formatting import date_format, format_date, from_qdate, to_qdate
from qmsdesk.ui.widgets import limit_dates

Index = QModelIndex | QPersistentModelIndex
ERROR_BACKGROUND = QColor(253, 226, 226)


@dataclass(frozen=True)
class ChildColumn:
    """One editable attribute. kind: text, number, choice, date, rating (1-5 or empty),
    or readonly (shown, not edited)."""

    key: str
    header: str
    kind: str = "text"
    choices: tuple[tuple[str, str], ...] = ()  # (stored value, shown label)
    width: int = 120

    def label(self, value: Any) -> str:
        if self.kind == "date":
            return format_date(value)
        if self.kind == "rating":
            return "" if value is None else f"{value} / 5"
        if self.kind == "choice":
            return dict(self.choices).get(value, str(value))
        if self.kind == "number" and isinstance(value, int | float):
            return format_number(value)
        return "" if value is None else str(value)


class ChildListModel(QAbstractTableModel):
    """Edits copies of the child dataclasses; ``items()`` hands the edited list back."""

    def __init__(self, columns: Sequence[ChildColumn], items: Sequence[Any],
                 factory: Callable[[], Any], parent: Any = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self._items = [copy.copy(item) for item in items]
        self._factory = factory
        self._errors: dict[int, str] = {}

    def items(self) -> list[Any]:
        return [copy.copy(item) for item in self._items]

    def add(self) -> int:
        row = len(self._items)
        self.beginInsertRows(QModelIndex(), row, row)
        self._items.append(self._factory())
        self.endInsertRows()
        return row

    def remove(self, row: int) -> None:
        if 0 <= row < len(self._items):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._items[row]
            self.endRemoveRows()
            self.set_errors({})

    def set_errors(self, errors: dict[int, str]) -> None:
        self._errors = dict(errors)
        if self._items:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self._items) - 1, len(self.columns) - 1))

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if self.columns[index.column()].kind == "readonly":
            return super().flags(index)
        return super().flags(index) | Qt.ItemFlag.ItemIsEditable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        column = self.columns[index.column()]
        value = getattr(self._items[index.row()], column.key)
        if role == Qt.ItemDataRole.DisplayRole:
            return column.label(value)
        if role == Qt.ItemDataRole.EditRole:
            return value
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._errors.get(index.row()) or (value if column.kind == "text" else None)
        if role == Qt.ItemDataRole.BackgroundRole and index.row() in self._errors:
            return QBrush(ERROR_BACKGROUND)
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.EditRole:
            return False
        setattr(self._items[index.row()], self.columns[index.column()].key, value)
        if self._errors.pop(index.row(), None) is not None:  # edited: the message is stale
            self.dataChanged.emit(self.index(index.row(), 0),
                                  self.index(index.row(), len(self.columns) - 1))
        self.dataChanged.emit(index, index)
        return True

    def errors(self) -> dict[int, str]:
        """Row -> the messages still shown for it."""
        return dict(self._errors)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].header
        return super().headerData(section, orientation, role)


class ChildDelegate(QStyledItemDelegate):
    """The right editor per column kind: line edit, combo box, date edit, rating."""

    def __init__(self, columns: Sequence[ChildColumn], parent: Any = None) -> None:
        super().__init__(parent)
        self._columns = list(columns)

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,
                     index: Index) -> QWidget:
        column = self._columns[index.column()]
        if column.kind == "date":
            date_editor = QDateEdit(parent)
            date_editor.setCalendarPopup(True)
            date_editor.setDisplayFormat(date_format())
            limit_dates(date_editor)
            return date_editor
        if column.kind in ("choice", "rating"):
            editor = QComboBox(parent)
            choices = column.choices if column.kind == "choice" else (
                (0, NOTHING), *((n, f"{n} / 5") for n in range(1, 6)))
            for value, label in choices:
                editor.addItem(label, value)
            return editor
        return QLineEdit(parent)

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        value = index.data(Qt.ItemDataRole.EditRole)
        if isinstance(editor, QDateEdit):
            editor.setDate(to_qdate(value if isinstance(value, date) else clock.today()))
        elif isinstance(editor, QComboBox):
            position = editor.findData(0 if value is None else value)
            editor.setCurrentIndex(max(position, 0))
        elif isinstance(editor, QLineEdit):
            editor.setText("" if value is None else str(value))

    def setModelData(self, editor: QWidget, model: Any, index: Index) -> None:
        if isinstance(editor, QDateEdit):
            model.setData(index, from_qdate(editor.date()))
        elif isinstance(editor, QComboBox):
            value = editor.currentData()
            rating = self._columns[index.column()].kind == "rating"
            model.setData(index, None if rating and value == 0 else value)
        elif isinstance(editor, QLineEdit):
            text = editor.text()
            if self._columns[index.column()].kind == "number":
                model.setData(index, parse_number(text))
            else:
                model.setData(index, text)


def parse_number(text: str) -> float | str | None:
    """A typed number ("99.8", "99,8", "48 000"); text that is not one is kept as typed,
    so the service's validation names the problem instead of the value vanishing."""
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
    if not cleaned:
        return None
    try:
        return float(cleaned)
    except ValueError:
        return text


def open_editor(view: QAbstractItemView) -> QWidget | None:
    """The in-place editor currently open in ``view``, if any."""
    if view.state() != QAbstractItemView.State.EditingState:
        return None
    children = view.viewport().findChildren(QWidget, "",
                                            Qt.FindChildOption.FindDirectChildrenOnly)
    return next((w for w in children if w.isVisible()), None)


def commit_open_editor(view: QAbstractItemView) -> None:
    """Keep what is typed in a cell that has not been left yet (Save clicked mid-edit)."""
    editor = open_editor(view)
    if editor is not None:
        view.itemDelegate().commitData.emit(editor)
