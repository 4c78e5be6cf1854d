"""A multi-select picker for links to other records: a filter box over a list of check boxes.

Keyboard: type to filter, Down (or Tab) into the list, Space ticks or unticks the current
line. The chosen records read back in the order they are offered.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from PySide6.QtCore import QEvent, QObject, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QKeyEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from qmsdesk.ui import colours

ID_ROLE = Qt.ItemDataRole.UserRole + 1


class PickList(QWidget):
    """``set_choices([(id, text)], chosen)``; ``ids()`` the ticked ones; ``changed`` when a
    tick changes."""

    changed = Signal()

    def __init__(self, noun: tuple[str, str], empty_text: str = "",
                 parent: QWidget | None = None, rows: int = 5) -> None:
        super().__init__(parent)
        self._noun = noun
        self._empty_text = empty_text
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        top = QHBoxLayout()
        self.filter = QLineEdit()
        self.filter.setClearButtonEnabled(True)
        self.filter.setPlaceholderText(self.tr("Type to filter the %s…") % noun[1])
        self.filter.installEventFilter(self)
        top.addWidget(self.filter, 1)
        self.summary = QLabel()
        self.summary.setMinimumWidth(80)
        self.summary.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        top.addWidget(self.summary)
        layout.addLayout(top)
        self.model = QStandardItemModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.view = QListView()
        self.view.setModel(self.proxy)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setUniformItemSizes(True)
        self.view.setFixedHeight(8 + rows * self.view.fontMetrics().height() * 3 // 2)
        layout.addWidget(self.view)
        self.empty = QLabel(empty_text)
        self.empty.setWordWrap(True)
        self.empty.setStyleSheet(colours.text_style(colours.MUTED))
        self.empty.hide()
        layout.addWidget(self.empty)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        self.model.itemChanged.connect(self._item_changed)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Down from the filter box goes into the list, on its first line."""
        if watched is self.filter and event.type() == QEvent.Type.KeyPress \
                and isinstance(event, QKeyEvent) and event.key() == Qt.Key.Key_Down \
                and self.proxy.rowCount():
            self.view.setFocus()
            if not self.view.currentIndex().isValid():
                self.view.setCurrentIndex(self.proxy.index(0, 0))
            return True
        return super().eventFilter(watched, event)

    # --- choices -------------------------------------------------------------------------
    def set_choices(self, choices: Sequence[tuple[int, str]], chosen: Iterable[int] = ()) -> None:
        wanted = list(dict.fromkeys(chosen))
        known = {choice_id for choice_id, _text in choices}
        self.model.blockSignals(True)
        self.model.clear()
        missing = [(i, self.tr("#%s (no longer offered)") % i) for i in wanted if i not in known]
        for choice_id, text in [*choices, *missing]:
            item = QStandardItem(text)
            item.setData(choice_id, ID_ROLE)
            item.setToolTip(text)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                          | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if choice_id in wanted
                               else Qt.CheckState.Unchecked)
            self.model.appendRow(item)
        self.model.blockSignals(False)
        self.model.layoutChanged.emit()
        has_choices = self.model.rowCount() > 0
        self.view.setVisible(has_choices)
        self.empty.setVisible(not has_choices and bool(self._empty_text))
        self._show_summary()

    def ids(self) -> list[int]:
        return [int(self.model.item(row).data(ID_ROLE)) for row in range(self.model.rowCount())
                if self.model.item(row).checkState() == Qt.CheckState.Checked]

    def texts(self) -> list[str]:
        return [self.model.item(row).text() for row in range(self.model.rowCount())
                if self.model.item(row).checkState() == Qt.CheckState.Checked]

    def set_checked(self, record_id: int, checked: bool = True) -> bool:
        """Tick (or untick) the line of ``record_id``; False when it is not offered."""
        for row in range(self.model.rowCount()):
            item = self.model.item(row)
            if item.data(ID_ROLE) == record_id:
                item.setCheckState(Qt.CheckState.Checked if checked
                                   else Qt.CheckState.Unchecked)
                return True
        return False

    def _item_changed(self, _item: QStandardItem) -> None:
        self._show_summary()
        self.changed.emit()

    def _show_summary(self) -> None:
        from qmsdesk.services.labels import plural

        count = len(self.ids())
        self.summary.setText(plural(count, *self._noun) + self.tr(" chosen") if count
                             else self.tr("none chosen"))
