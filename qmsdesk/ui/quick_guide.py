"""Help › Quick guide (F1): one page per register, the ISO 9001 clause it supports and what
to fill in, read from resources/help/<language>/<register>.md so a translation is a folder
of text files (English when the user's language has none)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QLocale, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from qmsdesk import paths, registers

FALLBACK = "en"


def guide_file(key: str, language: str | None = None) -> Path | None:
    """The guide page of register ``key`` in ``language`` (the user's by default), else in
    English; None when there is none."""
    language = language or QLocale().name().split("_")[0]
    for folder in dict.fromkeys((language, FALLBACK)):
        path = paths.resource_path("help", folder, f"{key}.md")
        if path.is_file():
            return path
    return None


def guide_text(key: str, language: str | None = None) -> str:
    path = guide_file(key, language)
    return path.read_text(encoding="utf-8") if path is not None else ""


class QuickGuide(QDialog):
    """The registers on the left, the chosen one's page on the right."""

    def __init__(self, key: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Quick guide"))
        self.resize(860, 600)
        self.list = QListWidget()
        self.text = QTextBrowser()
        self.text.setOpenExternalLinks(False)
        for register in registers.with_pages():
            if guide_file(register.key) is None:
                continue
            item = QListWidgetItem(self.tr(register.label))
            item.setData(Qt.ItemDataRole.UserRole, register.key)
            self.list.addItem(item)
        self.list.currentItemChanged.connect(self._show)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.list)
        splitter.addWidget(self.text)
        splitter.setStretchFactor(1, 1)
        names = max(170, self.list.sizeHintForColumn(0) + 24)  # the list as wide as its names
        splitter.setSizes([names, max(1, self.width() - names)])
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        row.addWidget(splitter)
        layout.addLayout(row, 1)
        layout.addWidget(buttons)
        # The text scrolls with the keyboard as well: Ctrl+PgDn / Ctrl+PgUp step registers.
        for keys, step in (("Ctrl+PgDown", 1), ("Ctrl+PgUp", -1)):
            QShortcut(QKeySequence(keys), self).activated.connect(
                lambda step=step: self.list.setCurrentRow(
                    (self.list.currentRow() + step) % max(1, self.list.count())))
        self.show_register(key)
        self.list.setFocus()

    def show_register(self, key: str) -> None:
        """Show register ``key``'s page (the first register's when it has none)."""
        rows = [self.list.item(i).data(Qt.ItemDataRole.UserRole)
                for i in range(self.list.count())]
        self.list.setCurrentRow(rows.index(key) if key in rows else 0)

    def current_key(self) -> str:
        item = self.list.currentItem()
        return str(item.data(Qt.ItemDataRole.UserRole)) if item is not None else ""

    def _show(self, item: QListWidgetItem | None) -> None:
        key = item.data(Qt.ItemDataRole.UserRole) if item is not None else ""
        self.text.setMarkdown(guide_text(key) if key else "")


def show_guide(parent: QWidget, key: str) -> None:
    dialog = QuickGuide(key, parent)
    dialog.exec()
    dialog.deleteLater()
