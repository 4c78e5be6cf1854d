"""The main text column of a register stays readable in a narrow window.

A stretched column takes what the other columns leave; in a 1024-pixel window (or beside
the parties' grid) that was ~25 px, and every name read "…". Here the column stretches
while it has at least its minimum, and otherwise keeps the minimum with the table
scrolling sideways, so the names stay readable and the other columns reachable.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QHeaderView, QTableView

MAIN_COLUMN_MIN = 180  # pixels: a name or title of 20-25 characters


class MainColumnFit(QObject):
    def __init__(self, view: QTableView, column: int, minimum: int = MAIN_COLUMN_MIN) -> None:
        super().__init__(view)
        self.view, self.column, self.minimum = view, column, minimum
        view.viewport().installEventFilter(self)
        view.horizontalHeader().sectionResized.connect(self._other_resized)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.fit()
        return False

    def _other_resized(self, section: int, _old: int, _new: int) -> None:
        if section != self.column:
            self.fit()

    def fit(self) -> None:
        header = self.view.horizontalHeader()
        if self.column >= header.count() or header.isSectionHidden(self.column):
            return
        others = sum(header.sectionSize(c) for c in range(header.count())
                     if c != self.column and not header.isSectionHidden(c))
        room = self.view.viewport().width() - others
        stretch = QHeaderView.ResizeMode.Stretch
        if room >= self.minimum:
            if header.sectionResizeMode(self.column) != stretch:
                header.setSectionResizeMode(self.column, stretch)
        elif header.sectionResizeMode(self.column) == stretch:
            header.setSectionResizeMode(self.column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(self.column, self.minimum)
