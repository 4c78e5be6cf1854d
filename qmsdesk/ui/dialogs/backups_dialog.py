"""File › Backups…: the open database's backups with what each holds; back up now, restore."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from qmsdesk.services import backups
from qmsdesk.ui.write_access import writes


class BackupsDialog(QDialog):
    """Lists the backups of ``database_file``. ``back_up()`` writes one now (the caller's
    code, in the background); ``restore(path)`` is asked for after the user confirms, and
    closes the dialog."""

    def __init__(self, database_file: Path, back_up: Callable[[], None],
                 restore: Callable[[Path], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Backups"))
        self.resize(900, 420)
        self._file, self._back_up, self._restore = database_file, back_up, restore
        layout = QVBoxLayout(self)
        days, weeks, months = backups.keep()
        note = QLabel(self.tr(
            "Backups of %1, newest first. QMS Desk writes one automatically each day it "
            "opens the file and keeps the newest of the last %3 days, %4 weeks and %5 months "
            "('qmsdesk backup --keep' changes that); backups you make yourself are kept until "
            "you delete them. Each is checked before it is listed.\nFolder: %2")
            .replace("%1", database_file.name)
            .replace("%2", str(backups.backup_folder(database_file)))
            .replace("%3", str(days)).replace("%4", str(weeks)).replace("%5", str(months)))
        note.setWordWrap(True)
        note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(note)
        self.list = QListWidget()
        self.list.setStyleSheet("font-family: monospace;")
        layout.addWidget(self.list, 1)
        self.holds = QLabel()
        layout.addWidget(self.holds)
        buttons = QHBoxLayout()
        self.backup_button = QPushButton(self.tr("&Back up now"))
        self.restore_button = QPushButton(self.tr("&Restore…"))
        writes(self.restore_button)  # a restore replaces every record
        close = QPushButton(self.tr("Close"))
        for button in (self.backup_button, self.restore_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        self.backup_button.clicked.connect(self._back_up)
        self.restore_button.clicked.connect(self._ask_restore)
        self.list.currentRowChanged.connect(self._update)
        self.list.itemDoubleClicked.connect(lambda _item: self._ask_restore())
        close.clicked.connect(self.reject)
        self.reload()

    def reload(self) -> None:
        self.list.clear()
        for backup in backups.list_backups(self._file):
            # What each holds is read only for the selected one: counting the rows of every
            # copy of a large register would hold up the window.
            item = QListWidgetItem(backups.describe(backup, with_holdings=False))
            item.setData(Qt.ItemDataRole.UserRole, str(backup.path))
            item.setToolTip(str(backup.path))
            self.list.addItem(item)
        if not self.list.count():
            self.list.addItem(self.tr("No backups yet — Back up now writes the first."))
            self.list.item(0).setFlags(Qt.ItemFlag.NoItemFlags)
        else:
            self.list.setCurrentRow(0)
        self._update()

    def selected(self) -> Path | None:
        item = self.list.currentItem()
        value = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        return Path(value) if value else None

    def _update(self, *_: object) -> None:
        chosen = self.selected()
        self.restore_button.setEnabled(chosen is not None)
        found = [b for b in backups.list_backups(self._file) if b.path == chosen]
        self.holds.setText(self.tr("Holds: %s") % backups.holdings(found[0]) if found else "")

    def _ask_restore(self) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        answer = QMessageBox.question(self, self.tr("Restore backup"), self.tr(
            "Replace %1 with the backup %2?\n\nThe database as it is now is backed up first, "
            "so this can be undone by restoring that copy.").replace(
            "%1", self._file.name).replace("%2", chosen.name))
        if answer == QMessageBox.StandardButton.Yes:
            self.accept()
            self._restore(chosen)
