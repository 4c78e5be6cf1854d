"""The shared action log: every action from every register, with filters and the editor."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QCheckBox, QComboBox

from qmsdesk.services.actions import archive as archive_service
from qmsdesk.services.actions import rules, service
from qmsdesk.services.archiving import is_archived
from qmsdesk.services.labels import label, plural
from qmsdesk.services.numbers import NOTHING
from qmsdesk.ui import colours
from qmsdesk.ui.action_editing import edit_action, open_action
from qmsdesk.ui.archive_actions import ArchiveActions
from qmsdesk.ui.exchange_actions import ExchangeActions
from qmsdesk.ui.formatting import format_date
from qmsdesk.ui.pages.base_page import ALL, OWNER, RegisterPage, archived_count
from qmsdesk.ui.register_table import RegisterTable
from qmsdesk.ui.table_model import Column, attribute_is

if TYPE_CHECKING:
    from qmsdesk.services.actions.records import ActionRow
    from qmsdesk.ui.main_window import MainWindow

OPEN = "open+"


def _due_text(row: ActionRow) -> str:
    text = format_date(row.due_date)
    return f"{text} · Overdue" if row.overdue else text


ACTION_COLUMNS: list[Column[ActionRow]] = [
    Column("Ref", lambda r: r.ref),
    Column("Title", lambda r: r.title + (" (archived)" if is_archived(r) else ""),
           tooltip=lambda r: r.title + (f"\nArchived {format_date(r.archived_on)}: "
                                        f"{r.archive_reason}" if is_archived(r) else ""),
           foreground=lambda r: colours.text(colours.MUTED) if is_archived(r) else None),
    Column("Type", lambda r: label(r.kind)),
    Column("Source", lambda r: r.source_ref or NOTHING,
           tooltip=lambda r: {"objective": "Quality objective", "party": "Interested party",
                              "supplier review": "Supplier review",
                              "management review": "Management review"}
           .get(r.source, "Stands alone")),
    Column("Owner", lambda r: r.owner),
    Column("Due", _due_text, searchable=False,
           sort_key=lambda r: r.due_date.toordinal() if r.due_date else 0,
           foreground=lambda r: colours.text(colours.BAD) if r.overdue else None),
    Column("Status", lambda r: label(r.status),
           sort_key=lambda r: rules.STATUSES.index(r.status),
           tone=lambda r: colours.ACTION_TONES.get(r.status)),
    Column("Progress", lambda r: f"{r.progress} %", sort_key=lambda r: r.progress,
           searchable=False, align=Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
    Column("Effectiveness", lambda r: label(r.effectiveness) or NOTHING),
]
ACTION_WIDTHS = (78, 260, 95, 105, 120, 150, 90, 70, 105)


def _is_open(row: ActionRow) -> bool:
    return row.status in rules.OPEN_STATUSES


def overdue_count(rows: list[ActionRow]) -> str:
    overdue = sum(1 for row in rows if row.overdue)
    return f"{plural(overdue, 'action')} overdue" if overdue else ""


def _count_note(rows: list[ActionRow]) -> str:
    """The count line's notes: overdue actions, and archived ones kept out of the list."""
    return " · ".join(note for note in (overdue_count(rows), archived_count(rows, is_archived))
                      if note)


class ActionsPage(RegisterPage):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window, self.tr("Actions"), self.tr(
            "ISO 9001 clauses 6.1 and 10.2 — one log of what is done, by whom and by when, "
            "for every register, with the check that it worked"))
        self.table = RegisterTable(ACTION_COLUMNS, ACTION_WIDTHS, 1, self.tr(
            "No actions yet.\n\nClick New action (Ctrl+N), or add one from an objective or "
            "an interested party."), ("action", "actions"), self, state_key="actions")
        self.table.extra_count = _count_note
        self._build_actions()
        self._build_filters()
        self.layout_.addWidget(self.table, 1)
        self.table.open_requested.connect(self.open_selected)
        self.table.current_changed.connect(self._update_actions)
        self._filters_changed()  # set before any rows: they arrive through them once
        # filled by activated() when the page is first shown: opening a database loads
        # only the page in view, not every register

    def _build_actions(self) -> None:
        self.new_action, self.open_action, self.find_action = self.standard_actions(
            self.tr("&New action"), self.new, self.open_selected)
        self.exchange = ExchangeActions(self, "actions", self.table)
        self.archiving = ArchiveActions(
            self, self.table, self.tr("action"), is_archived,
            lambda i: service.get_action(self.db, i),
            lambda i, version, archive, reason: archive_service.set_action_archived(
                self.db, i, version, archive, self.today, reason), self._filters_changed)
        self.table.row_actions = self.archiving.actions()
        self.report_action = QAction(self.tr("Action &log (PDF)…"), self)
        self.report_action.setShortcut(QKeySequence("Ctrl+P"))
        self.report_action.triggered.connect(lambda: self.write_report("actions"))
        self.addAction(self.report_action)

    def register_actions(self) -> list[QAction]:
        return [self.new_action, self.open_action, *self.archiving.actions(), self.find_action,
                *self.exchange.actions()]

    def report_actions(self) -> list[QAction]:
        return [self.report_action]

    def _build_filters(self) -> None:
        bar = self.toolbar((self.new_action, self.open_action),
                           self.tr("Search title, owner, ref… (Ctrl+F)"),
                           self.table.set_search_text)
        self.status = QComboBox()
        self.status.addItem(self.tr("Open and in progress"), OPEN)
        self.status.addItem(self.tr("All statuses"), ALL)
        for status in rules.STATUSES:
            self.status.addItem(label(status), status)
        self.owner = QComboBox()
        self.source = QComboBox()
        self.source.addItem(self.tr("All sources"), ALL)
        for source, text in (("objective", self.tr("Objectives")),
                             ("party", self.tr("Interested parties")),
                             ("supplier review", self.tr("Supplier reviews")),
                             ("management review", self.tr("Management reviews")),
                             ("none", self.tr("Standalone"))):
            self.source.addItem(text, source)
        self.overdue_only = QCheckBox(self.tr("Overdue only"))
        for widget in (self.status, self.owner, self.source):
            widget.currentIndexChanged.connect(self._filters_changed)
            bar.addWidget(widget)
        self.overdue_only.toggled.connect(self._filters_changed)
        bar.addWidget(self.overdue_only)
        bar.addWidget(self.archiving.show_archived)
        self.exchange.add_button(bar)

    def refresh(self, select_id: int | None = None) -> None:
        """Read the log on a worker; the rows, owners and filters arrive in one step."""
        self.stale = False
        db, today = self.db, self.today
        self.table.load(lambda: service.list_actions(db, today), select_id, self._arrived,
                        lambda n: service.list_actions(db, today, limit=n))

    def _arrived(self, rows: list[ActionRow]) -> None:
        self.refill(self.owner, self.tr("All owners"), map(OWNER, rows))  # in C
        self._filters_changed()

    def _filters_changed(self) -> None:
        status, owner, source = (self.status.currentData(), self.owner.currentData(),
                                 self.source.currentData())
        # Predicates that compare equal when unchanged: setting them again costs nothing.
        preds: dict[str, Any] = {
            "status": None if status == ALL else (
                _is_open if status == OPEN else attribute_is("status", status)),
            "owner": None if owner in (ALL, None) else attribute_is("owner", owner),
            "source": None if source == ALL else attribute_is("source", source),
            "overdue": attribute_is("overdue", True) if self.overdue_only.isChecked() else None,
            "archived": self.archiving.predicate(),
        }
        for name, predicate in preds.items():
            self.table.set_predicate(name, predicate)
        self._update_actions()

    def _update_actions(self) -> None:
        self.open_action.setEnabled(self.table.selected_row() is not None)
        self.archiving.update()

    def _clear_filters(self) -> None:
        self.search.clear()
        self.status.setCurrentIndex(self.status.findData(ALL))
        for combo in (self.owner, self.source):
            combo.setCurrentIndex(0)
        self.overdue_only.setChecked(False)

    def select_record(self, record_id: int) -> bool:
        return self.select_action(record_id)

    def select_action(self, action_id: int) -> bool:
        return self.archiving.reveal(lambda: self.table.select_id(action_id,
                                                                  self._clear_filters))

    def new(self) -> None:
        self._show_saved(edit_action(self, self.db, self.today, service.new_action(self.today)))

    def open_selected(self) -> None:
        action_id = self.table.selected_id()
        if action_id is None:
            return
        self._show_saved(open_action(self, self.db, self.today, action_id))

    def _show_saved(self, saved: service.ActionRecord | None) -> None:
        if saved is None or saved.id is None:  # cancelled (a saved action has its id)
            return
        self.refresh(select_id=saved.id)
        self.select_action(saved.id)

    def activated(self) -> None:
        self.refresh()
