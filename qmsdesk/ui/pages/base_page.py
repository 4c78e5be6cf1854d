"""What every register page offers the window: its actions, and a heading."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from operator import attrgetter
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from qmsdesk.services.errors import ServiceError
from qmsdesk.ui import colours
from qmsdesk.ui.archived_note import note_archived
from qmsdesk.ui.errors import show_error
from qmsdesk.ui.flow_layout import FlowLayout
from qmsdesk.ui.write_access import writes

OWNER = attrgetter("owner")  # a row's owner, for the owner filters
ALL = "all"
SEARCH_MIN_WIDTH = 200

if TYPE_CHECKING:
    from PySide6.QtWidgets import QStatusBar

    from qmsdesk.services.workspace import Database


class Shell(Protocol):
    """What a page needs of the window that holds it (the main window provides it)."""

    @property
    def db(self) -> Database | None: ...

    @property
    def today(self) -> date: ...

    def statusBar(self) -> QStatusBar: ...

    def report_issued(self) -> None: ...

    def open_record(self, register: str, record_id: int) -> None: ...


@dataclass(frozen=True)
class Archivable:
    """A row as the archive flow (RegisterPage.change_status) sees it, whatever keeps its
    archiving: a status (parties), a status with history (suppliers) or a date (objectives,
    actions)."""

    id: int
    status: str  # "archived" or "active"


def archivable(row: Any, archived: Callable[[Any], bool]) -> Archivable | None:
    """The selected ``row`` (None: none) for change_status, ``archived(row)`` saying
    whether it is archived."""
    return None if row is None else Archivable(row.id, "archived" if archived(row)
                                               else "active")


def archived_count(rows: Iterable[Any], archived: Callable[[Any], bool]) -> str:
    """The count line's note of archived rows hidden unless "Show archived" is ticked."""
    n = sum(1 for row in rows if archived(row))
    return f"{n} archived" if n else ""


class RegisterPage(QWidget):
    # The registers whose changes this page shows (set by the window from the catalogue),
    # and whether a change has landed since the page last read its rows.
    watched: frozenset[str] = frozenset()
    stale = False
    # The kind of record (audit entity) its editor attaches evidence files to, if any.
    evidence_entity = ""

    def __init__(self, window: Shell, title: str, subtitle: str) -> None:
        assert isinstance(window, QWidget)  # the page's parent; a Protocol cannot say so
        super().__init__(window)
        self.window_ = window
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(16, 12, 16, 8)
        heading = QLabel(title)
        heading.setStyleSheet("font-size: 18px; font-weight: 600;")
        sub = QLabel(subtitle)
        sub.setStyleSheet(colours.text_style(colours.MUTED))
        sub.setWordWrap(True)
        self.layout_.addWidget(heading)
        self.layout_.addWidget(sub)
        # What the Reports menu shows for a page without a report of its own.
        self._no_report = QAction(self.tr("No report for this page: see the Reports page"),
                                  self)
        self._no_report.setEnabled(False)

    @property
    def db(self) -> Database:
        assert self.window_.db is not None
        return self.window_.db

    @property
    def today(self) -> date:
        return self.window_.today

    def register_actions(self) -> list[QAction]:
        return []

    def report_actions(self) -> list[QAction]:
        """The page's reports for the Reports menu; a page without one says so there
        rather than leaving the menu empty."""
        return [self._no_report]

    def activated(self) -> None:
        """Called when the page becomes visible: rows that changed meanwhile are re-read."""
        if self.stale:
            self.refresh()

    def refresh(self, select_id: int | None = None) -> None:
        """Re-read the rows (keeping the selection, or selecting ``select_id``) and re-apply
        the search and filters to them. Pages with rows override this and clear ``stale``."""
        self.stale = False

    def data_changed(self, touched: frozenset[str]) -> None:
        """A committed write touched these registers. A page that shows one refreshes:
        at once if it is on screen (after the event loop turns, so the page that saved
        refreshes first, with its own selection), otherwise when it is next shown."""
        if not touched & self.watched:
            return
        self.stale = True
        if self.isVisible():
            QTimer.singleShot(0, self._refresh_if_stale)

    def _refresh_if_stale(self) -> None:
        if self.stale and self.isVisible():
            self.refresh()

    def open_record(self, record_id: int) -> None:
        """Select a record (clearing filters that hide it) and open its editor."""
        if self.select_record(record_id):
            self.open_selected()

    def select_record(self, record_id: int) -> bool:
        return False

    def open_selected(self) -> None:
        """Open the selected record's editor (pages with records override this)."""

    # --- editing: one loop for every register ----------------------------------------------
    def edit_record(self, record: Any, dialog_for: Callable[[Any], Any],
                    load: Callable[[int], Any]) -> None:
        """Edit -> save -> refresh -> reload on conflict. ``dialog_for(record)`` makes the
        editor, which saves through the service; after a save the page shows the record
        selected; when someone else changed it meanwhile and the user asks to reload, the
        record is read again (``load(id)``) and edited anew. Changes saved from inside the
        editor (its actions, reviews) mark the page stale through data_changed; it is re-read
        as the editor closes, with the record still selected."""
        dialog = dialog_for(record)
        note_archived(dialog, record)  # an objective archived says so, and why
        if self.evidence_entity:
            from qmsdesk.ui.evidence_panel import add_evidence_tab

            add_evidence_tab(dialog, self.db, self.evidence_entity, record.id)
        if dialog.exec() and dialog.saved is not None:
            self.refresh(select_id=dialog.saved.id)
            self.window_.statusBar().showMessage(self.tr("Saved %s") % dialog.saved.ref, 5000)
        elif dialog.reload_requested and record.id is not None:
            self.refresh(select_id=record.id)
            self.edit_record(load(record.id), dialog_for, load)
        elif self.stale:  # cancelled, but actions or reviews were saved from inside it
            self.refresh(select_id=record.id)

    def open_record_by_id(self, record_id: int | None, load: Callable[[int], Any],
                          edit: Callable[[Any], None]) -> None:
        """Read a record and edit it; one that vanished meanwhile is said so, and the list
        re-read."""
        if record_id is None:
            return
        try:
            record = load(record_id)
        except ServiceError as exc:
            show_error(self, self.tr("Cannot open"), str(exc))
            self.refresh()
            return
        edit(record)

    # --- the parts every register page has ---------------------------------------------------
    def change_status(self, row: Any, archive: bool, get: Callable[[int], Any],
                      set_status: Callable[[int, int, str, str], Any], noun: str) -> None:
        """Archive (asking why) or restore the record of ``row`` once the user confirms:
        ``get`` loads it (for its reference, name and version), ``set_status(id, version,
        status, reason)`` writes; a refusal is one message; the page refreshes with the
        record selected."""
        if row is None or (row.status == "archived") == archive:
            return
        try:
            record = get(row.id)
            name = str(getattr(record, "title", None) or getattr(record, "name", ""))
            reason = (self._archive_reason(record.ref, name, noun) if archive
                      else "" if self._confirm_restore(record.ref, name, noun) else None)
            if reason is None:
                return
            set_status(row.id, record.version, "archived" if archive else "active", reason)
        except ServiceError as exc:
            show_error(self, self.tr("Not changed"), str(exc))
        self.refresh(select_id=row.id)

    def _archive_reason(self, ref: str, name: str, noun: str) -> str | None:
        """Why the record is archived, asked until given (None: the user cancelled)."""
        from PySide6.QtWidgets import QInputDialog

        prompt = self.tr("Archive %1 %2?\n\nIt leaves the register but keeps its history "
                         "and links; you can restore it later. Why is it archived? (Kept "
                         "with the record and printed in the register's report.)") \
            .replace("%1", ref).replace("%2", name)
        while True:
            reason, ok = QInputDialog.getText(self, self.tr("Archive %s") % noun, prompt)
            if not ok:
                return None
            if reason.strip():
                return reason
            prompt = self.tr("A reason is needed to archive %s: why does it leave the "
                             "register?") % ref

    def _confirm_restore(self, ref: str, name: str, noun: str) -> bool:
        answer = QMessageBox.question(
            self, self.tr("Restore %s") % noun,
            self.tr("Restore %1 %2 to the active register?").replace("%1", ref)
            .replace("%2", name))
        return answer == QMessageBox.StandardButton.Yes

    def standard_actions(self, new_text: str, new: Callable[[], None],
                         open_: Callable[[], None]) -> tuple[QAction, QAction, QAction]:
        """New (Ctrl+N), Open (Enter in the page) and Find (Ctrl+F) for this page."""
        new_action = QAction(new_text, self)
        new_action.setShortcut(QKeySequence("Ctrl+N"))
        new_action.triggered.connect(new)
        writes(new_action)
        open_action = QAction(self.tr("&Open"), self)
        open_action.setShortcuts([QKeySequence("Return"), QKeySequence("Enter")])
        open_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        open_action.triggered.connect(open_)
        find_action = QAction(self.tr("&Find"), self)
        find_action.setShortcut(QKeySequence.StandardKey.Find)
        find_action.triggered.connect(self.focus_search)
        for action in (new_action, open_action, find_action):
            self.addAction(action)
        return new_action, open_action, find_action

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def toolbar(self, buttons: Sequence[QAction], placeholder: str,
                on_search: Callable[[str], None]) -> FlowLayout:
        """Tool buttons, then the search box (``self.search``); filters are added after.
        The row wraps onto a second line when the window is too narrow for it."""
        bar = FlowLayout()
        for action in buttons:
            button = QToolButton()
            button.setDefaultAction(action)
            bar.addWidget(button)
        bar.addSpacing(12)
        self.search = QLineEdit()
        self.search.setPlaceholderText(placeholder)
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(on_search)
        self.search.setMinimumWidth(SEARCH_MIN_WIDTH)  # its placeholder stays readable
        bar.addWidget(self.search, 1)
        self.layout_.addLayout(bar)
        return bar

    @staticmethod
    def refill(combo: QComboBox, all_label: str, values: Iterable[str]) -> None:
        """Offer the values now present (owners change), keeping the current choice; an
        empty value is not offered."""
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(all_label, ALL)
        for value in sorted(set(values) - {""}):
            combo.addItem(value, value)
        combo.setCurrentIndex(max(0, combo.findData(current)))
        combo.blockSignals(False)

    def write_report(self, kind_key: str) -> None:
        """Ask where to save, then issue the report in the background with progress; the
        finished PDF opens in the system viewer. The report modules load only now."""
        from qmsdesk.ui import report_runner

        report_runner.write_report(self, self.db, kind_key, self.today, self.report_done)

    def report_done(self, issued: object) -> None:
        from qmsdesk.ui import report_runner

        revision = getattr(issued, "revision", "?")
        state = self.tr("new revision") if getattr(issued, "new_revision", False) \
            else self.tr("content unchanged")
        path = str(getattr(issued, "path", issued))
        self.window_.statusBar().showMessage(
            self.tr("Report written to %s (revision %s, %s)") % (path, revision, state), 10000)
        self.window_.report_issued()
        report_runner.open_file(path)
