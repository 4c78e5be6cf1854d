"""The context of the organisation (ISO 9001 4.1): issues by SWOT and PESTLE, and the editor."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QColor, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QWidget,
)

from qmsdesk.services.context import rules, service
from qmsdesk.services.labels import label, plural
from qmsdesk.services.numbers import NOTHING
from qmsdesk.services.risks import choices
from qmsdesk.ui import colours
from qmsdesk.ui.dialogs.context_dialog import ContextDialog
from qmsdesk.ui.exchange_actions import ExchangeActions
from qmsdesk.ui.formatting import format_date
from qmsdesk.ui.pages.base_page import ALL, RegisterPage
from qmsdesk.ui.register_table import RegisterTable
from qmsdesk.ui.table_model import Column, attribute_is
from qmsdesk.ui.write_access import writes

if TYPE_CHECKING:
    from qmsdesk.services.context.records import ContextIssueRecord, ContextIssueRow
    from qmsdesk.ui.main_window import MainWindow

def _foreground(row: Any) -> QColor | None:
    return colours.text(colours.MUTED) if row.status == "archived" else None


def _next_review_text(row: Any) -> str:
    text = format_date(row.next_review)
    return f"{text} · Overdue" if row.overdue else text


def review_column() -> Column[Any]:
    """"Next review", marked overdue in words and colour (context issues and risks)."""
    return Column("Next review", _next_review_text, searchable=False,
                  sort_key=lambda r: r.next_review.toordinal() if r.next_review else 0,
                  foreground=lambda r: colours.text(colours.BAD) if r.overdue else _foreground(r),
                  tooltip=lambda r: "Review overdue" if r.overdue else None)


CONTEXT_COLUMNS: list[Column[ContextIssueRow]] = [
    Column("Ref", lambda r: r.ref, foreground=_foreground),
    Column("Issue", lambda r: r.title + (" (archived)" if r.status == "archived" else ""),
           foreground=_foreground, tooltip=lambda r: r.title),
    Column("Origin", lambda r: label(r.origin), foreground=_foreground),
    Column("SWOT", lambda r: label(r.swot), sort_key=lambda r: rules.SWOT.index(r.swot),
           tone=lambda r: colours.SWOT_TONES.get(r.swot)),
    Column("PESTLE", lambda r: label(r.pestle) or NOTHING, foreground=_foreground),
    Column("Owner", lambda r: r.owner, foreground=_foreground),
    review_column(),
    Column("Parties", lambda r: r.parties or NOTHING, foreground=_foreground,
           tooltip=lambda r: r.parties or "No interested party linked"),
    Column("Risks", lambda r: str(r.risks), sort_key=lambda r: r.risks, searchable=False,
           align=Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
           tooltip=lambda r: "Risks and opportunities it is a source of"),
]
CONTEXT_WIDTHS = (78, 280, 72, 95, 105, 120, 140, 130, 50)


def overdue_reviews(rows: list[Any]) -> str:
    overdue = sum(1 for row in rows if row.overdue)
    return f"{plural(overdue, 'review')} overdue" if overdue else ""


def page_action(page: QWidget, text: str, slot: Callable[[], object],
                shortcut: str | QKeySequence.StandardKey, tip: str) -> QAction:
    """An action of a register page with its shortcut, named in its tooltip."""
    action = QAction(text, page)
    keys = QKeySequence(shortcut)
    action.setShortcut(keys)
    action.setToolTip(f"{tip} ({keys.toString()})" if not keys.isEmpty() else tip)
    action.triggered.connect(slot)
    page.addAction(action)
    return action


class ContextPage(RegisterPage):
    evidence_entity = "context issue"

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window, self.tr("Context of the organisation"), self.tr(
            "ISO 9001 clause 4.1 — the internal and external issues that affect the QMS, "
            "sorted by SWOT and PESTLE, and the interested parties they concern"))
        self.table = RegisterTable(CONTEXT_COLUMNS, CONTEXT_WIDTHS, 7, self.tr(
            "No context issues yet.\n\nClick New issue (Ctrl+N) to record a strength, "
            "weakness, opportunity or threat that affects the quality management system."),
            ("issue", "issues"), self, state_key="context")
        self.table.extra_count = overdue_reviews
        self.model, self.proxy = self.table.model, self.table.proxy
        self._build_actions()
        self.table.row_actions = [self.archive_action, self.restore_action]
        self._build_filters()
        self.layout_.addWidget(self.table, 1)
        self.table.open_requested.connect(self.open_selected)
        self.table.current_changed.connect(self._update_actions)
        self.stale = True  # read when first shown

    # --- building -----------------------------------------------------------------------
    def _build_actions(self) -> None:
        self.new_action = page_action(self, self.tr("&New issue"), self.new_issue, "Ctrl+N",
                                      self.tr("Record a context issue"))
        self.open_action = page_action(self, self.tr("&Open"), self.open_selected, "Return",
                                       self.tr("Edit the selected issue"))
        self.open_action.setShortcuts([QKeySequence("Return"), QKeySequence("Enter")])
        self.open_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.archive_action = page_action(self, self.tr("&Archive"), self.archive_selected,
                                          "Ctrl+Del", self.tr("Archive the selected issue"))
        self.restore_action = page_action(self, self.tr("&Restore"), self.restore_selected,
                                          "Ctrl+R", self.tr("Restore an archived issue"))
        writes(self.new_action, self.archive_action, self.restore_action)
        self.find_action = page_action(self, self.tr("&Find"), self.focus_search,
                                       QKeySequence.StandardKey.Find,
                                       self.tr("Search the register"))
        self.exchange = ExchangeActions(self, "context", self.table)
        # Context issues are printed in the risks report (4.1 with 6.1): offered here too.
        self.report_action = page_action(
            self, self.tr("Context, risks and opportunities (PDF)…"),
            lambda: self.write_report("risks"), "Ctrl+P", self.tr("Write the report as PDF"))

    def register_actions(self) -> list[QAction]:
        return [self.new_action, self.open_action, self.archive_action, self.restore_action,
                self.find_action, *self.exchange.actions()]

    def report_actions(self) -> list[QAction]:
        return [self.report_action]

    def _build_filters(self) -> None:
        bar = self.toolbar((self.new_action, self.open_action, self.archive_action,
                            self.restore_action),
                           self.tr("Search issue, owner, party, ref… (Ctrl+F)"),
                           lambda _text: self._filters_changed())
        self.exchange.add_button(bar, compact=True)
        filters = QHBoxLayout()  # the filters on a row of their own, as on the risks page
        filters.addWidget(QLabel(self.tr("Show:")))
        self.origin = QComboBox()
        self.origin.addItem(self.tr("Internal and external"), ALL)
        for value in rules.ORIGINS:
            self.origin.addItem(label(value), value)
        self.swot = QComboBox()
        self.swot.addItem(self.tr("All of SWOT"), ALL)
        for value in rules.SWOT:
            self.swot.addItem(label(value), value)
        self.pestle = QComboBox()
        self.pestle.addItem(self.tr("All of PESTLE"), ALL)
        for value in rules.PESTLE:
            self.pestle.addItem(label(value), value)
        for combo, tip in ((self.origin, self.tr("Internal or external issues")),
                           (self.swot, self.tr("Strength, weakness, opportunity or threat")),
                           (self.pestle, self.tr("Political, economic, social, "
                                                 "technological, legal, environmental"))):
            combo.setToolTip(tip)
            combo.currentIndexChanged.connect(self._filters_changed)
            filters.addWidget(combo)
        self.show_archived = QCheckBox(self.tr("Show archi&ved"))
        self.show_archived.toggled.connect(lambda _on: self.refresh())
        filters.addWidget(self.show_archived)
        filters.addStretch(1)
        self.layout_.addLayout(filters)

    # --- data -----------------------------------------------------------------------------
    def refresh(self, select_id: int | None = None) -> None:
        self.stale = False
        db, today, archived = self.db, self.today, self.show_archived.isChecked()
        self.table.load(lambda: service.list_issues(db, today, archived), select_id,
                        lambda _rows: self._filters_changed())

    def _filters_changed(self) -> None:
        for name, combo in (("origin", self.origin), ("swot", self.swot),
                            ("pestle", self.pestle)):
            wanted = combo.currentData()
            self.table.set_predicate(name, None if wanted in (ALL, None)
                                     else attribute_is(name, wanted))
        self.table.set_search_text(self.search.text())
        self._update_actions()

    def _update_actions(self) -> None:
        row = self.table.selected_row()
        self.open_action.setEnabled(row is not None)
        self.archive_action.setEnabled(row is not None and row.status == "active")
        self.restore_action.setEnabled(row is not None and row.status == "archived")

    def visible_rows(self) -> list[ContextIssueRow]:
        return self.table.visible_rows()

    def select_record(self, record_id: int) -> bool:
        found = self.table.select_id(record_id, self._clear_filters)
        if not found and not self.show_archived.isChecked():
            self.show_archived.setChecked(True)  # an archived issue opened from elsewhere
            found = self.table.select_id(record_id, self._clear_filters)
        return found

    def _clear_filters(self) -> None:
        self.search.clear()
        for combo in (self.origin, self.swot, self.pestle):
            combo.setCurrentIndex(0)

    # --- editing --------------------------------------------------------------------------
    def _edit(self, record: ContextIssueRecord) -> None:
        db, today = self.db, self.today
        owners = sorted({r.owner for r in self.table.rows() if r.owner})
        self.edit_record(record, lambda rec: ContextDialog(
            rec, lambda changed: service.save_issue(db, changed, today), today,
            choices.party_choices(db, rec.party_ids), owners, self),
            lambda issue_id: service.get_issue(db, issue_id))

    def new_issue(self) -> None:
        self._edit(service.new_issue(self.today))

    def open_selected(self) -> None:
        db = self.db
        self.open_record_by_id(self.table.selected_id(), lambda i: service.get_issue(db, i),
                               self._edit)

    def _set_status(self, archive: bool) -> None:
        db, today = self.db, self.today
        self.change_status(
            self.table.selected_row(), archive, lambda i: service.get_issue(db, i),
            lambda i, version, status, reason: service.set_issue_status(
                db, i, version, status, today, reason),
            self.tr("context issue"))

    def archive_selected(self) -> None:
        self._set_status(archive=True)

    def restore_selected(self) -> None:
        self._set_status(archive=False)
