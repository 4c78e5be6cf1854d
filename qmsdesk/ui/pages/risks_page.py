"""Risks and opportunities (ISO 9001 6.1): the register, its heat map, the editor, actions."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from qmsdesk import registers as catalogue
from qmsdesk.services.actions import service as action_service
from qmsdesk.services.labels import label, plural
from qmsdesk.services.numbers import NOTHING
from qmsdesk.services.risks import choices, matrix, rules, service
from qmsdesk.ui import colours
from qmsdesk.ui.action_editing import edit_action, open_action
from qmsdesk.ui.chart_view import ChartView
from qmsdesk.ui.dialogs.risk_dialog import RiskContext, RiskDialog
from qmsdesk.ui.errors import show_error
from qmsdesk.ui.exchange_actions import ExchangeActions
from qmsdesk.ui.linked_actions import ACTION_WIDTHS, LinkedActions
from qmsdesk.ui.pages.actions_page import ACTION_COLUMNS
from qmsdesk.ui.pages.base_page import ALL, RegisterPage
from qmsdesk.ui.pages.context_page import (
    _foreground,
    page_action,
    review_column,
)
from qmsdesk.ui.register_table import RegisterTable
from qmsdesk.ui.table_model import Column, attribute_is
from qmsdesk.ui.write_access import writes

if TYPE_CHECKING:
    from qmsdesk.services.risks.records import RiskRecord, RiskRow
    from qmsdesk.services.risks.traceability import Traceability
    from qmsdesk.ui.main_window import MainWindow

NEEDS_ACTION = "needs action"
UNDECIDED = "undecided"


_needs_action = rules.row_needs_action


def _level_sort(level: str, score: int | None) -> int:
    return (rules.LEVELS.index(level) * 100 if level in rules.LEVELS else -100) + (score or 0)


RISK_COLUMNS: list[Column[RiskRow]] = [
    Column("Ref", lambda r: r.ref, foreground=_foreground),
    Column("Kind", lambda r: label(r.kind), foreground=_foreground),
    Column("Title", lambda r: r.title + (" (archived)" if r.status == "archived" else ""),
           foreground=_foreground, tooltip=lambda r: r.title),
    Column("Rating", lambda r: f"{label(r.rating)} · {r.score}", searchable=False,
           sort_key=lambda r: _level_sort(r.rating, r.score),
           tone=lambda r: colours.RISK_TONES.get(r.rating),
           tooltip=lambda r: f"Likelihood {r.likelihood} × impact {r.impact} = {r.score}"),
    Column("Treatment", lambda r: label(r.treatment) or "Not decided", foreground=_foreground),
    Column("Residual", lambda r: f"{label(r.residual_rating)} · {r.residual_score}"
           if r.residual_rating else NOTHING, searchable=False,
           sort_key=lambda r: _level_sort(r.residual_rating, r.residual_score),
           tone=lambda r: colours.RISK_TONES.get(r.residual_rating or ""),
           tooltip=lambda r: "Rating after treatment" if r.residual_rating
           else "Not rated after treatment yet"),
    Column("Owner", lambda r: r.owner, foreground=_foreground),
    review_column(),
    Column("Actions", lambda r: "None · Needs action" if _needs_action(r)
           else str(r.open_actions), sort_key=lambda r: r.open_actions, searchable=False,
           align=Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
           foreground=lambda r: colours.text(colours.BAD) if _needs_action(r) else _foreground(r),
           tooltip=lambda r: "A high risk that no open action addresses"
           if _needs_action(r) else "Open actions raised from it"),
    Column("Effectiveness", lambda r: label(r.effectiveness) or NOTHING, foreground=_foreground),
    Column("Sources", lambda r: r.sources or NOTHING, foreground=_foreground,
           tooltip=lambda r: r.sources or "No source recorded"),
]
RISK_WIDTHS = (72, 88, 240, 92, 86, 86, 110, 130, 105, 95, 140)


def needing_action(rows: list[RiskRow]) -> str:
    count = sum(1 for row in rows if _needs_action(row))
    return f"{plural(count, 'high risk')} without an open action" if count else ""


def _heat_map(cells: dict[tuple[int, int], int], levels: rules.Matrix, title: str,
              residual: bool) -> Any:
    """The heat map (on a worker): the builder the reports use."""
    from qmsdesk.reports.charts_risks import heat_map

    return heat_map(cells, levels, title, residual)


class RisksPage(RegisterPage):
    evidence_entity = "risk"

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window, self.tr("Risks and opportunities"), self.tr(
            "ISO 9001 clause 6.1 — what could go wrong or better, rated on the "
            "organisation's matrix, treated, and the treatment's effectiveness evaluated"))
        self.table = RegisterTable(RISK_COLUMNS, RISK_WIDTHS, 2, self.tr(
            "No risks or opportunities yet.\n\nClick New risk (Ctrl+N) to record one, and "
            "link it to the context issues and requirements it comes from."),
            ("risk or opportunity", "risks and opportunities"), self,
            state_key="risks")
        self.table.extra_count = needing_action
        self.model, self.proxy = self.table.model, self.table.proxy
        self.matrix: rules.Matrix = rules.DEFAULT_MATRIX
        self._chart_dirty = True
        self._build_actions()
        self.table.row_actions = [self.raise_action, self.archive_action, self.restore_action]
        self._build_filters()
        self._build_body()
        self._chart_timer = QTimer(self, singleShot=True, interval=250)
        self._chart_timer.timeout.connect(self.rebuild_chart)
        self.stale = True  # read when first shown

    # --- building -----------------------------------------------------------------------
    def _build_actions(self) -> None:
        self.new_action = page_action(self, self.tr("&New risk"), self.new_risk, "Ctrl+N",
                                      self.tr("Record a risk"))
        self.new_opportunity_action = page_action(
            self, self.tr("New o&pportunity"), self.new_opportunity, "Ctrl+Shift+N",
            self.tr("Record an opportunity"))
        self.open_action = page_action(self, self.tr("&Open"), self.open_selected, "Return",
                                       self.tr("Edit the selected risk or opportunity"))
        self.open_action.setShortcuts([QKeySequence("Return"), QKeySequence("Enter")])
        self.open_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.raise_action = page_action(self, self.tr("Raise a&ction…"), self.raise_action_,
                                        "Ctrl+Shift+A",
                                        self.tr("Plan an action that addresses the selected "
                                                "risk or opportunity"))
        self.archive_action = page_action(self, self.tr("&Archive"), self.archive_selected,
                                          "Ctrl+Del", self.tr("Archive the selected record"))
        self.restore_action = page_action(self, self.tr("&Restore"), self.restore_selected,
                                          "Ctrl+R", self.tr("Restore an archived record"))
        writes(self.new_action, self.new_opportunity_action, self.raise_action,
               self.archive_action, self.restore_action)
        self.trace_action = page_action(
            self, self.tr("&Traceability matrix…"), self.show_traceability, "Ctrl+T",
            self.tr("Each key requirement down to its risks, objectives, actions and their "
                    "effectiveness, with the gaps"))
        self.find_action = page_action(self, self.tr("&Find"), self.focus_search,
                                       QKeySequence.StandardKey.Find,
                                       self.tr("Search the register"))
        self.exchange = ExchangeActions(self, "risks", self.table)
        # The register's reports (the register and the traceability matrix), the first
        # on Ctrl+P; their modules load only when one is written.
        self.report_actions_: list[QAction] = []
        for position, report in enumerate(catalogue.BY_KEY["risks"].reports):
            self.report_actions_.append(page_action(
                self, self.tr("%s (PDF)…") % report.title, self._writer(report.key),
                "Ctrl+P" if position == 0 else "", self.tr("Write the report as PDF")))

    def show_traceability(self) -> None:
        """Read the matrix on a worker (it walks every traced chain), then show it."""
        from qmsdesk.services.risks.traceability import traceability
        from qmsdesk.ui.tasks import call, start_task

        db, today = self.db, self.today
        self.trace_action.setEnabled(False)

        def shown(data: Traceability) -> None:
            from qmsdesk.ui.dialogs.traceability_dialog import TraceabilityDialog

            self.trace_action.setEnabled(True)
            self.trace_dialog = TraceabilityDialog(data, self._writer("traceability"), self)
            self.trace_dialog.open()

        def failed(exc: BaseException) -> None:
            self.trace_action.setEnabled(True)
            show_error(self, self.tr("Traceability matrix"), str(exc))

        start_task(lambda: call(lambda: traceability(db, today)), shown, failed, owner=self)

    def _writer(self, key: str) -> Callable[[], None]:
        return lambda: self.write_report(key)

    def register_actions(self) -> list[QAction]:
        return [self.new_action, self.new_opportunity_action, self.open_action,
                self.raise_action, self.archive_action, self.restore_action,
                self.trace_action, self.find_action, *self.exchange.actions()]

    def report_actions(self) -> list[QAction]:
        return list(self.report_actions_)

    def _build_filters(self) -> None:
        bar = self.toolbar((self.new_action, self.new_opportunity_action, self.open_action,
                            self.raise_action, self.archive_action, self.restore_action),
                           self.tr("Search title, owner, source, ref… (Ctrl+F)"),
                           lambda _text: self._filters_changed())
        if self.report_actions_:
            button = QToolButton()
            button.setDefaultAction(self.report_actions_[0])
            button.setText(self.tr("Report PDF…"))
            bar.addWidget(button)
        self.exchange.add_button(bar, compact=True)
        filters = QHBoxLayout()  # the filters on a row of their own: the bar is full
        filters.addWidget(QLabel(self.tr("Show:")))
        self.kind = QComboBox()
        self.kind.addItem(self.tr("Risks and opportunities"), ALL)
        for value in rules.KINDS:
            self.kind.addItem(label(value) + "s", value)
        self.rating = QComboBox()
        self.rating.addItem(self.tr("Any rating"), ALL)
        for value in reversed(rules.LEVELS):
            self.rating.addItem(self.tr("Rated %s") % value, value)
        self.treatment = QComboBox()
        self.treatment.addItem(self.tr("Any treatment"), ALL)
        self.treatment.addItem(self.tr("Not decided"), UNDECIDED)
        for value in dict.fromkeys(t for kind in rules.KINDS for t in rules.TREATMENTS[kind]):
            self.treatment.addItem(label(value), value)
        for combo in (self.kind, self.rating, self.treatment):
            combo.currentIndexChanged.connect(self._filters_changed)
            filters.addWidget(combo)
        self.needs_action = QCheckBox(self.tr("Needs action"))
        self.needs_action.setToolTip(self.tr("High risks that no open action addresses"))
        self.needs_action.toggled.connect(self._filters_changed)
        filters.addWidget(self.needs_action)
        self.show_archived = QCheckBox(self.tr("Show archi&ved"))
        self.show_archived.toggled.connect(lambda _on: self.refresh())
        filters.addWidget(self.show_archived)
        filters.addStretch(1)
        self.layout_.addLayout(filters)

    def _build_body(self) -> None:
        splitter = QSplitter(Qt.Orientation.Horizontal)
        self.table.open_requested.connect(self.open_selected)
        self.table.current_changed.connect(self._update_actions)
        splitter.addWidget(self.table)
        side = QWidget()
        column = QVBoxLayout(side)
        column.setContentsMargins(8, 0, 0, 0)
        toggle = QHBoxLayout()
        caption = QLabel(self.tr("<b>Heat map</b>"))
        toggle.addWidget(caption)
        toggle.addStretch(1)
        self.inherent_button, self.residual_button = QToolButton(), QToolButton()
        for button, text in ((self.inherent_button, self.tr("&Before treatment")),
                             (self.residual_button, self.tr("After &treatment"))):
            button.setText(text)
            button.setCheckable(True)
        self.inherent_button.setToolTip(self.tr("Rated as identified (inherent)"))
        self.residual_button.setToolTip(self.tr("Rated again after treatment (residual)"))
        self.inherent_button.setChecked(True)
        group = QButtonGroup(self)
        group.setExclusive(True)
        for button in (self.inherent_button, self.residual_button):
            group.addButton(button)
            toggle.addWidget(button)
        self.residual_button.toggled.connect(lambda _on: self._chart_changed(0))
        column.addLayout(toggle)
        self.chart = ChartView(self.tr("Loading heat map…"))
        self.chart.setMinimumSize(300, 320)
        column.addWidget(self.chart, 1)
        note = QLabel(self.tr("Counts of the active records shown in the table, per cell "
                              "of the rating matrix (Settings)."))
        note.setWordWrap(True)
        note.setStyleSheet(colours.text_style(colours.MUTED))
        column.addWidget(note)
        splitter.addWidget(side)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([860, 340])
        self.splitter = splitter
        self.layout_.addWidget(splitter, 1)

    # --- data -----------------------------------------------------------------------------
    def refresh(self, select_id: int | None = None) -> None:
        self.stale = False
        self.matrix = matrix.load_matrix(self.db)
        db, today, archived = self.db, self.today, self.show_archived.isChecked()
        self.table.load(lambda: service.list_risks(db, today, archived), select_id,
                        lambda _rows: self._filters_changed())

    def _filters_changed(self) -> None:
        kind, rating = self.kind.currentData(), self.rating.currentData()
        treatment = self.treatment.currentData()
        self.table.set_predicate("kind", None if kind == ALL else attribute_is("kind", kind))
        self.table.set_predicate("rating", None if rating == ALL
                                 else attribute_is("rating", rating))
        self.table.set_predicate("treatment", None if treatment == ALL else
                                 attribute_is("treatment", "" if treatment == UNDECIDED
                                              else treatment))
        self.table.set_predicate(NEEDS_ACTION, _needs_action if self.needs_action.isChecked()
                                 else None)
        self.table.set_search_text(self.search.text())
        self._update_actions()
        self._chart_changed()

    def _update_actions(self) -> None:
        row = self.table.selected_row()
        self.open_action.setEnabled(row is not None)
        self.raise_action.setEnabled(row is not None and row.status == "active")
        self.archive_action.setEnabled(row is not None and row.status == "active")
        self.restore_action.setEnabled(row is not None and row.status == "archived")

    def visible_rows(self) -> list[RiskRow]:
        return self.table.visible_rows()

    def select_record(self, record_id: int) -> bool:
        found = self.table.select_id(record_id, self._clear_filters)
        if not found and not self.show_archived.isChecked():
            self.show_archived.setChecked(True)
            found = self.table.select_id(record_id, self._clear_filters)
        return found

    def _clear_filters(self) -> None:
        self.search.clear()
        for combo in (self.kind, self.rating, self.treatment):
            combo.setCurrentIndex(0)
        self.needs_action.setChecked(False)

    # --- heat map -------------------------------------------------------------------------
    def activated(self) -> None:
        super().activated()
        if self._chart_dirty:
            self._chart_timer.start(0)

    def _chart_changed(self, delay_ms: int = 250) -> None:
        """Rebuild soon when on screen, else when next shown (a hidden page never draws)."""
        self._chart_dirty = True
        if self.isVisible():
            self._chart_timer.start(delay_ms)

    def heat_cells(self) -> dict[tuple[int, int], int]:
        """What the map shows: the active rows in view, before or after treatment."""
        rows = [r for r in self.visible_rows() if r.status == "active"]
        return rules.heat_cells(rows, self.residual_button.isChecked())

    def rebuild_chart(self) -> None:
        if not self.isVisible():
            self._chart_dirty = True
            return
        self._chart_dirty = False
        residual = self.residual_button.isChecked()
        what = {"risk": self.tr("Risks"), "opportunity": self.tr("Opportunities")}.get(
            self.kind.currentData(), self.tr("All"))
        title = what + " — " + (self.tr("after treatment") if residual
                                else self.tr("before treatment"))
        cells, levels = self.heat_cells(), self.matrix
        self.chart.build_later(lambda: _heat_map(cells, levels, title, residual))

    # --- editing --------------------------------------------------------------------------
    def _actions_panel(self, risk_id: int | None) -> LinkedActions | None:
        if risk_id is None:
            return None
        db, today = self.db, self.today
        return LinkedActions(
            ACTION_COLUMNS, ACTION_WIDTHS,
            lambda: action_service.list_actions(db, today, include_closed=True,
                                                risk_id=risk_id),
            lambda: edit_action(self, db, today, action_service.new_action(
                today, risk_id=risk_id)) is not None,
            lambda action_id: open_action(self, db, today, action_id) is not None,
            empty_text=self.tr("No actions yet. Raise action… plans what will be done to "
                               "address it, by whom and by when."),
            new_label=self.tr("Raise a&ction…"))

    def _context(self, record: RiskRecord) -> RiskContext:
        db = self.db
        sources = choices.source_choices(db, record.context_issue_ids, record.requirement_ids,
                                         record.supplier_ids)
        owners = sorted({r.owner for r in self.table.rows() if r.owner})
        return RiskContext(matrix.load_matrix(db), sources, owners,
                           self._actions_panel(record.id))

    def _edit(self, record: RiskRecord) -> None:
        db, today = self.db, self.today
        self.edit_record(record, lambda rec: RiskDialog(
            rec, lambda changed: service.save_risk(db, changed, today), today,
            self._context(rec), self), lambda risk_id: service.get_risk(db, risk_id))

    def new_risk(self) -> None:
        self._edit(service.new_risk(self.today))

    def new_opportunity(self) -> None:
        self._edit(service.new_risk(self.today, kind="opportunity"))

    def open_selected(self) -> None:
        db = self.db
        self.open_record_by_id(self.table.selected_id(), lambda i: service.get_risk(db, i),
                               self._edit)

    def raise_action_(self) -> None:
        """A new action in the shared log, raised from the selected risk or opportunity."""
        row = self.table.selected_row()
        if row is None or row.status != "active":
            return
        saved = edit_action(self, self.db, self.today,
                            action_service.new_action(self.today, risk_id=row.id))
        if saved is not None:
            self.refresh(select_id=row.id)

    def _set_status(self, archive: bool) -> None:
        db, today = self.db, self.today
        self.change_status(
            self.table.selected_row(), archive, lambda i: service.get_risk(db, i),
            lambda i, version, status, reason: service.set_risk_status(
                db, i, version, status, today, reason),
            self.tr("risk or opportunity"))

    def archive_selected(self) -> None:
        self._set_status(archive=True)

    def restore_selected(self) -> None:
        self._set_status(archive=False)

