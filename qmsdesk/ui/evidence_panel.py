"""The evidence files of one record, as a tab in its editor: attach (button or drag and
drop), replace with a newer file, open with the system viewer, save a copy."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from qmsdesk import paths
from qmsdesk.errors import UserFacingError
from qmsdesk.models.db import Database
from qmsdesk.services import evidence
from qmsdesk.services.errors import ServiceError, ValidationError
from qmsdesk.services.evidence import EvidenceFile
from qmsdesk.ui.colours import MUTED, text_style
from qmsdesk.ui.dialogs.record_dialog import RecordDialog, error_style
from qmsdesk.ui.write_access import writes

HEADERS = ("File", "Size", "Attached", "Note", "State")


def _local_files(event: QDragEnterEvent | QDropEvent) -> list[Path]:
    mime = event.mimeData()
    if not mime.hasUrls():
        return []
    return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]


class EvidencePanel(QWidget):
    """A record's attachments; ``changed`` is emitted after each attachment."""

    changed = Signal()

    def __init__(self, db: Database, entity: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.entity = db, entity
        self.record_id: int | None = None
        self.files: list[EvidenceFile] = []
        self.setAcceptDrops(True)
        layout = QVBoxLayout(self)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet(text_style(MUTED))
        layout.addWidget(self.hint)
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(list(HEADERS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(HEADERS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.doubleClicked.connect(self.open_selected)
        layout.addWidget(self.table, 1)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(error_style())
        self.error.hide()
        layout.addWidget(self.error)
        buttons = QHBoxLayout()
        self.attach_button = QPushButton(self.tr("Attach &files…"))
        self.replace_button = QPushButton(self.tr("Replace with &newer…"))
        writes(self.attach_button, self.replace_button)
        self.open_button = QPushButton(self.tr("Vie&w"))
        self.copy_button = QPushButton(self.tr("Save a cop&y…"))
        for button in (self.attach_button, self.replace_button, self.open_button,
                       self.copy_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.attach_button.clicked.connect(self.choose_files)
        self.replace_button.clicked.connect(self.choose_replacement)
        self.open_button.clicked.connect(self.open_selected)
        self.copy_button.clicked.connect(self.save_copy)
        self.set_record(None)

    # --- the record -------------------------------------------------------------------------
    def set_record(self, record_id: int | None) -> None:
        """Show the attachments of ``record_id`` (None: a record not saved yet)."""
        self.record_id = record_id
        self.hint.setText(self.tr(
            "Certificates, reports, minutes, photos: files kept in the database with this "
            "record (up to %s MB each), never deleted — a newer file replaces an older one, "
            "which stays listed. Drop files here or attach them.") % evidence.limit_mb(self.db)
            if record_id is not None else self.tr(
                "Save the record first; then attach its evidence files here."))
        self.refresh()

    def refresh(self) -> None:
        self.files = (evidence.list_evidence(self.db, self.entity, self.record_id)
                      if self.record_id is not None else [])
        names = {f.id: f.file_name for f in self.files}
        self.table.setRowCount(len(self.files))
        for row, item in enumerate(self.files):
            attached = item.attached_at.astimezone().strftime("%Y-%m-%d %H:%M")
            state = (self.tr("Current") if item.current else
                     self.tr("Replaced by %s") % names.get(item.superseded_by or 0, "?"))
            cells = (item.file_name, evidence.size_text(item.size),
                     f"{attached} · {item.attached_by}", item.note, state)
            for column, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setToolTip(f"sha256 {item.sha256}" if column == 0 else text)
                self.table.setItem(row, column, cell)
        self._update_buttons()

    def selected(self) -> EvidenceFile | None:
        row = self.table.currentRow()
        return self.files[row] if 0 <= row < len(self.files) and \
            self.table.selectionModel().hasSelection() else None

    def _update_buttons(self) -> None:
        item = self.selected()
        writable = self.record_id is not None and not self.db.readonly
        self.attach_button.setEnabled(writable)
        self.replace_button.setEnabled(writable and item is not None and item.current)
        self.open_button.setEnabled(item is not None)
        self.copy_button.setEnabled(item is not None)

    # --- attaching --------------------------------------------------------------------------
    def attach(self, files: list[Path], supersedes: int | None = None) -> int:
        """Attach ``files`` one by one; the first refusal is shown and stops the rest.
        Returns how many were attached."""
        if self.record_id is None or self.db.readonly:
            return 0
        self.error.hide()
        done = 0
        for path in files:
            try:
                evidence.attach(self.db, self.entity, self.record_id, path,
                                supersedes=supersedes)
            except ValidationError as refused:
                self._refused(" ".join(refused.errors.values()))
                break
            except (ServiceError, UserFacingError) as fault:
                self._refused(str(fault))
                break
            done += 1
        self.refresh()
        if done:
            self.changed.emit()
        return done

    def _refused(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()

    def choose_files(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self, self.tr("Attach evidence files"))
        self.attach([Path(name) for name in names])

    def choose_replacement(self) -> None:
        item = self.selected()
        if item is None or not item.current:
            return
        name, _ = QFileDialog.getOpenFileName(
            self, self.tr("Replace %s with a newer file") % item.file_name)
        if name:
            self.attach([Path(name)], supersedes=item.id)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self.record_id is not None and _local_files(event):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        files = _local_files(event)
        if files:
            event.acceptProposedAction()
            self.attach(files)

    # --- reading ----------------------------------------------------------------------------
    def open_selected(self) -> None:
        item = self.selected()
        if item is None:
            return
        from qmsdesk.ui import report_runner

        folder = paths.cache_dir() / "evidence" / item.sha256[:16]
        try:
            target = folder / item.file_name
            if not target.is_file():
                target = evidence.save_copy(self.db, item, folder)
        except (ServiceError, OSError) as fault:
            self._refused(str(fault))
            return
        report_runner.open_file(str(target), self)  # says where, if nothing opens it

    def save_copy(self) -> None:
        item = self.selected()
        if item is None:
            return
        name, _ = QFileDialog.getSaveFileName(self, self.tr("Save a copy of %s")
                                              % item.file_name, item.file_name)
        if not name:
            return
        try:
            evidence.write_copy(self.db, item, Path(name))
        except (ServiceError, OSError) as fault:
            self._refused(str(fault))



def add_evidence_tab(dialog: RecordDialog, db: Database, entity: str,
                     record_id: int | None) -> EvidencePanel:
    """Give an editor its record's evidence tab (disabled with a note until it is saved)."""
    panel = EvidencePanel(db, entity)
    panel.set_record(record_id)
    dialog.add_evidence_tab(panel, panel.tr("E&vidence"))
    return panel
