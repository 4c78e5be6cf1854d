"""A toolbar row that wraps: buttons, search box and filters flow onto a second line when
the window is narrow (a 13-inch laptop, 150 % scaling) instead of being squeezed until the
search box reads "S…" and a filter is drawn over it.

Offers the part of QHBoxLayout the register pages use (addWidget with a stretch, addSpacing,
addStretch), so a page's toolbar code does not change. Items with a stretch (the search
box) share the spare width of their line.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QLayout,
    QLayoutItem,
    QSizePolicy,
    QSpacerItem,
    QWidget,
    QWidgetItem,
)


class FlowLayout(QLayout):
    def __init__(self, parent: QWidget | None = None, spacing: int = 6) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._stretch: dict[int, int] = {}  # id(item) -> stretch
        # Qt asks the height for a width many times per layout pass (71 times when a page
        # opened, a tenth of a second in Python): kept until something in the row changes.
        self._heights: dict[int, int] = {}
        self.setSpacing(spacing)
        self.setContentsMargins(0, 0, 0, 0)

    # --- what the pages call ------------------------------------------------------------------
    def addWidget(self, widget: QWidget, stretch: int = 0) -> None:
        if isinstance(widget, QComboBox):  # filled later (owners): as wide as its choices
            widget.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.addChildWidget(widget)
        item = QWidgetItem(widget)
        self._stretch[id(item)] = stretch
        self._items.append(item)
        self.invalidate()

    def addSpacing(self, size: int) -> None:
        self._items.append(QSpacerItem(size, 0, QSizePolicy.Policy.Fixed,
                                       QSizePolicy.Policy.Minimum))
        self.invalidate()

    def addStretch(self, _stretch: int = 0) -> None:
        """Nothing to do: the lines are left-aligned already."""

    # --- QLayout ------------------------------------------------------------------------------
    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        if not 0 <= index < len(self._items):
            return None
        item = self._items.pop(index)
        self._stretch.pop(id(item), None)
        return item

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        height = self._heights.get(width)
        if height is None:
            height = self._heights[width] = self._arrange(QRect(0, 0, width, 0), apply=False)
        return height

    def invalidate(self) -> None:
        self._heights.clear()  # an item shown, hidden or resized: the lines may differ
        super().invalidate()

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, apply=True)

    def sizeHint(self) -> QSize:
        return self.minimumSize()

    def minimumSize(self) -> QSize:
        """As wide as the widest item (everything else may wrap), as tall as one line."""
        size = QSize()
        for item in self._visible():
            size = size.expandedTo(item.minimumSize())
        margins = self.contentsMargins()
        return size + QSize(margins.left() + margins.right(), margins.top() + margins.bottom())

    # --- the flow -----------------------------------------------------------------------------
    def _visible(self) -> list[QLayoutItem]:
        return [item for item in self._items
                if (widget := item.widget()) is None or not widget.isHidden()]

    def _lines(self, width: int) -> list[list[QLayoutItem]]:
        lines: list[list[QLayoutItem]] = [[]]
        used = 0
        for item in self._visible():
            hint = max(item.sizeHint().width(), item.minimumSize().width())
            if not lines[-1] and item.widget() is None and len(lines) > 1:
                continue  # a spacing never starts a wrapped line
            if lines[-1] and used + self.spacing() + hint > width:
                lines.append([])
                used = 0
            used += (self.spacing() if lines[-1] else 0) + hint
            lines[-1].append(item)
        return [line for line in lines if line]

    def _arrange(self, rect: QRect, apply: bool) -> int:
        margins = self.contentsMargins()
        area = rect.adjusted(margins.left(), margins.top(), -margins.right(), -margins.bottom())
        y = area.y()
        for line in self._lines(area.width()):
            hints = [max(i.sizeHint().width(), i.minimumSize().width()) for i in line]
            spare = max(0, area.width() - sum(hints) - self.spacing() * (len(line) - 1))
            stretches = [self._stretch.get(id(i), 0) for i in line]
            total = sum(stretches)
            height = max(i.sizeHint().height() for i in line)
            x = area.x()
            for item, hint, stretch in zip(line, hints, stretches, strict=True):
                width = hint + (spare * stretch // total if total else 0)
                if apply:
                    item_height = min(height, max(item.sizeHint().height(),
                                                  item.minimumSize().height()))
                    top = y + (height - item_height) // 2
                    item.setGeometry(QRect(QPoint(x, top), QSize(width, item_height)))
                x += width + self.spacing()
            y += height + self.spacing()
        return y - self.spacing() - rect.y() + margins.bottom()
