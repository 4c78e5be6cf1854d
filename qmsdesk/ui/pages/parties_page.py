"""The interested-parties register: table, filters, power/interest grid, editor, report."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QColor, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from qmsdesk.services import user_settings
from qmsdesk.services.labels import label, plural, trend_arrow
from qmsdesk.services.numbers import NOTHING
from qmsdesk.services.parties import rules, service
from qmsdesk.services.parties.records import PartyRow
from qmsdesk.ui import colours
from qmsdesk.ui.chart_view import ChartView
from qmsdesk.ui.dialogs.party_dialog import PartyDialog
from qmsdesk.ui.exchange_actions import ExchangeActions
from qmsdesk.ui.flow_layout import FlowLayout
from qmsdesk.ui.formatting import format_date
from qmsdesk.ui.linked_actions import actions_of
from qmsdesk.ui.pages.base_page import SEARCH_MIN_WIDTH, RegisterPage
from qmsdesk.ui.register_table import RegisterTable
from qmsdesk.ui.survey_actions import SurveyActions
from qmsdesk.ui.table_model import Column, attribute_is
from qmsdesk.ui.window_state import qt_state, state_text
from qmsdesk.ui.write_access import writes

if TYPE_CHECKING:
    from qmsdesk.ui.main_window import MainWindow

LOW_SATISFACTION = 2
ALL = "all"


def _next_review_text(row: PartyRow) -> str:
    text = format_date(row.next_review)
    return f"{text} · Overdue" if row.overdue else text


def _satisfaction_text(row: PartyRow) -> str:
    if row.latest_satisfaction is None:
        return NOTHING
    arrow = trend_arrow(row.latest_satisfaction, row.previous_satisfaction)
    return f"{row.latest_satisfaction}/5 {arrow}".rstrip()


def _satisfaction_tip(row: PartyRow) -> str:
    if row.latest_satisfaction is None:
        return "No satisfaction score recorded in the engagement log"
    previous = (f" (previous {row.previous_satisfaction}/5)"
                if row.previous_satisfaction is not None else "")
    return f"Latest satisfaction from the engagement log: {row.latest_satisfaction}/5{previous}"


def _grid(rows: list[PartyRow]) -> Any:
    """The power/interest grid of these parties (on a worker)."""
    from qmsdesk.reports.charts import GridPoint, power_interest_grid

    return power_interest_grid([GridPoint(r.ref, r.name, r.influence, r.interest)
                                for r in rows])


def overdue_reviews(rows: list[PartyRow]) -> str:
    overdue = sum(1 for row in rows if row.overdue)
    return f"{plural(overdue, 'review')} overdue" if overdue else ""


def _foreground(row: PartyRow) -> QColor | None:
    return colours.text(colours.MUTED) if row.status == "archived" else None


COLUMNS: list[Column[PartyRow]] = [
    Column("Ref", lambda r: r.ref, foreground=_foreground),
    Column("Name", lambda r: r.name + (" (archived)" if r.status == "archived" else ""),
           foreground=_foreground, tooltip=lambda r: r.name),
    Column("Category", lambda r: label(r.category), foreground=_foreground),
    Column("Quadrant", lambda r: r.quadrant,
           sort_key=lambda r: rules.QUADRANTS.index(r.quadrant),
           tone=lambda r: colours.QUADRANT_TONES.get(r.quadrant),
           tooltip=lambda r: f"Influence {r.influence} / 5, interest {r.interest} / 5"),
    Column("Owner", lambda r: r.owner, foreground=_foreground),
    Column("Next review", _next_review_text, searchable=False,
           sort_key=lambda r: r.next_review.toordinal() if r.next_review else 0,
           foreground=lambda r: colours.text(colours.BAD) if r.overdue else _foreground(r),
           tooltip=lambda r: "Review overdue" if r.overdue else None),
    Column("Satisf.", _satisfaction_text, searchable=False,
           sort_key=lambda r: r.latest_satisfaction or 0,
           foreground=lambda r: colours.text(colours.BAD)
           if (r.latest_satisfaction or 5) <= LOW_SATISFACTION else _foreground(r),
           tooltip=_satisfaction_tip),
    Column("Reqs.", lambda r: str(r.requirement_count), sort_key=lambda r: r.requirement_count,
           searchable=False,
           align=Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
           tooltip=lambda r: "Needs and expectations recorded"),
]


class PartiesPage(RegisterPage):
    evidence_entity = "party"

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window, self.tr("Interested parties"), self.tr(
            "ISO 9001 clause 4.2 — who matters to the QMS, what they need, "
            "and how each relationship is monitored"))
        self.register = RegisterTable(
            COLUMNS, (68, 220, 106, 104, 106, 146, 58, 42), 1, self.tr(
                "No interested parties yet.\n\nClick New party (Ctrl+N) to record your first "
                "stakeholder: customers, suppliers, employees, owners, regulators…"),
            ("party", "parties"), self, state_key="parties")
        self.register.extra_count = overdue_reviews
        # The parts tests and other pages reach for, named as before.
        self.model, self.proxy, self.table = (self.register.model, self.register.proxy,
                                              self.register.view)
        self.body, self.empty, self.count_label = (self.register.body, self.register.empty,
                                                   self.register.count_label)
        self._chart_points: list[Any] = []
        self._chart_dirty = True  # the grid no longer shows the rows; drawn when visible
        self._build_actions()
        self.surveys = SurveyActions(self, self.register)
        self.register.row_actions = [self.archive_action, self.restore_action,
                                     *self.surveys.actions()]
        self._build_filters()
        self._build_body()
        # Filter keystrokes within this time make one rebuild.
        self._chart_timer = QTimer(self, singleShot=True, interval=250)
        self._chart_timer.timeout.connect(self.rebuild_chart)
        self.refresh()

    # --- building -----------------------------------------------------------------------
    def _action(self, text: str, slot: Any, shortcut: str | QKeySequence.StandardKey,
                tip: str) -> QAction:
        action = QAction(text, self)
        action.setShortcut(QKeySequence(shortcut))
        action.setToolTip(f"{tip} ({QKeySequence(shortcut).toString()})")
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        self.new_action = self._action(self.tr("&New party"), self.new_party, "Ctrl+N",
                                       self.tr("Add an interested party"))
        self.open_action = self._action(self.tr("&Open"), self.open_selected, "Return",
                                        self.tr("Edit the selected party"))
        self.open_action.setShortcuts([QKeySequence("Return"), QKeySequence("Enter")])
        self.open_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.archive_action = self._action(self.tr("&Archive"), self.archive_selected,
                                           "Ctrl+Del", self.tr("Archive the selected party"))
        self.restore_action = self._action(self.tr("&Restore"), self.restore_selected,
                                           "Ctrl+R", self.tr("Restore an archived party"))
        writes(self.new_action, self.archive_action, self.restore_action)
        self.report_action = self._action(self.tr("Interested parties &register (PDF)…"),
                                          self.run_report, "Ctrl+P",
                                          self.tr("Write the register report as PDF"))
        self.search_action = self._action(self.tr("&Find"), self.focus_search,
                                          QKeySequence.StandardKey.Find,
                                          self.tr("Search the register"))
        self.exchange = ExchangeActions(self, "parties", self.register)

    def register_actions(self) -> list[QAction]:
        return [self.new_action, self.open_action, self.archive_action, self.restore_action,
                self.search_action, *self.surveys.actions(), *self.exchange.actions()]

    def report_actions(self) -> list[QAction]:
        return [self.report_action]

    def _build_filters(self) -> None:
        bar = FlowLayout()  # wraps when the window is narrow
        for action in (self.new_action, self.open_action, self.archive_action,
                       self.restore_action):
            button = QToolButton()
            button.setDefaultAction(action)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            bar.addWidget(button)
        bar.addSpacing(12)
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search name, owner, ref… (Ctrl+F)"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(SEARCH_MIN_WIDTH)
        self.search.textChanged.connect(self._filters_changed)
        bar.addWidget(self.search, 1)
        self.category = QComboBox()
        self.category.addItem(self.tr("All categories"), ALL)
        for value in rules.CATEGORIES:
            self.category.addItem(value.capitalize(), value)
        self.quadrant = QComboBox()
        self.quadrant.addItem(self.tr("All quadrants"), ALL)
        for value in rules.QUADRANTS:
            self.quadrant.addItem(value, value)
        for combo in (self.category, self.quadrant):
            combo.currentIndexChanged.connect(self._filters_changed)
            bar.addWidget(combo)
        self.show_archived = QCheckBox(self.tr("Show archived"))
        self.show_archived.toggled.connect(self.refresh)
        bar.addWidget(self.show_archived)
        report = QToolButton()
        report.setDefaultAction(self.report_action)
        report.setText(self.tr("Report PDF…"))
        bar.addWidget(report)
        self.exchange.add_button(bar, compact=True)  # the bar is full: an icon
        self.layout_.addLayout(bar)

    def _build_body(self) -> None:
        splitter = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        self.register.open_requested.connect(self.open_selected)
        self.register.current_changed.connect(self._selection_changed)
        column.addWidget(self.register, 1)
        splitter.addWidget(left)
        chart_box = QWidget()
        chart_column = QVBoxLayout(chart_box)
        chart_column.setContentsMargins(8, 0, 0, 0)
        caption = QLabel(self.tr("<b>Power / interest grid</b> — click a dot to select "
                                 "the party"))
        caption.setWordWrap(True)
        chart_column.addWidget(caption)
        self.chart = ChartView(self.tr("Loading chart…"))
        self.chart.setMinimumSize(350, 330)
        self.chart.on_pick(self._chart_picked)
        chart_column.addWidget(self.chart, 1)
        splitter.addWidget(chart_box)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([830, 370])
        self.splitter = splitter
        splitter.restoreState(qt_state(user_settings.get(user_settings.PARTIES_SPLITTER)))
        splitter.splitterMoved.connect(lambda *_: user_settings.put(
            user_settings.PARTIES_SPLITTER, state_text(splitter.saveState())))
        self.layout_.addWidget(splitter, 1)

    # --- data -----------------------------------------------------------------------------
    def refresh(self, select_id: int | None = None) -> None:
        """Read the parties on a worker; the rows and then the grid arrive in one step."""
        self.stale = False
        db, today, archived = self.db, self.today, self.show_archived.isChecked()
        self.register.load(lambda: service.list_parties(db, today, archived), select_id,
                           self._arrived,
                           lambda n: service.list_parties(db, today, archived, limit=n))

    def _arrived(self, _rows: list[PartyRow]) -> None:
        self._update_actions()
        self._chart_changed()

    def _filters_changed(self) -> None:
        category, quadrant = self.category.currentData(), self.quadrant.currentData()
        self.register.set_predicate("category", None if category == ALL else
                                    attribute_is("category", category))
        self.register.set_predicate("quadrant", None if quadrant == ALL else
                                    attribute_is("quadrant", quadrant))
        self.register.set_search_text(self.search.text())
        self._chart_changed()

    def visible_rows(self) -> list[PartyRow]:
        return self.register.visible_rows()

    def selected_row(self) -> PartyRow | None:
        return self.register.selected_row()

    def selected_id(self) -> int | None:
        return self.register.selected_id()

    def select_record(self, record_id: int) -> bool:
        return self.select_party(record_id)

    def select_party(self, party_id: int) -> bool:
        return self.register.select_id(party_id, self._clear_filters)

    def _clear_filters(self) -> None:
        self.search.clear()
        self.category.setCurrentIndex(0)
        self.quadrant.setCurrentIndex(0)

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    # --- chart ----------------------------------------------------------------------------
    def activated(self) -> None:
        super().activated()
        if self._chart_dirty:
            self._chart_timer.start(0)

    def _chart_changed(self, delay_ms: int = 250) -> None:
        """The rows behind the grid changed: rebuild it soon if the page is on screen,
        else when it is next shown (a hidden page never draws)."""
        self._chart_dirty = True
        if self.isVisible():
            self._chart_timer.start(delay_ms)

    def rebuild_chart(self) -> None:
        """Build the grid of the active parties shown on a worker; it replaces the old one
        when it arrives (the table stays usable meanwhile)."""
        # Hidden, or the register still being read (its first rows may be shown): built
        # once it is shown, or once every row has come (_arrived). A grid of the first
        # rows would be thrown away a moment later, and drawing it took the interpreter
        # from the window while it painted those rows (at 100x: shown in 250-380 ms, not
        # 100-160).
        if not self.isVisible() or self.register.loading:
            self._chart_dirty = True
            return
        self._chart_dirty = False
        rows = [r for r in self.visible_rows() if r.status == "active"]
        if not rows:
            self.chart.show_message(self.tr("The grid shows active parties once there are "
                                            "some to show."))
            self._chart_points = []
            return
        def arrived() -> None:
            self._chart_points = rows
            self._selection_changed()

        self.chart.build_later(lambda: _grid(rows), arrived)

    def _chart_picked(self, event: Any) -> None:
        if not len(getattr(event, "ind", [])) or not self._chart_points:
            return
        row = self._chart_points[int(event.ind[0])]
        self.select_party(row.id)
        self.table.setFocus()

    def _update_actions(self) -> None:
        row = self.selected_row()
        self.open_action.setEnabled(row is not None)
        self.archive_action.setEnabled(row is not None and row.status == "active")
        self.restore_action.setEnabled(row is not None and row.status == "archived")

    def _selection_changed(self, *_: Any) -> None:
        """Ring the selected party on the grid and name it: an overlay, not a redraw."""
        self._update_actions()
        figure = self.chart.figure
        scatter = getattr(figure, "qms_scatter", None) if figure is not None else None
        if scatter is None:
            return
        selected = self.selected_id()
        position = next((i for i, r in enumerate(self._chart_points) if r.id == selected), -1)
        overlay = []
        if position >= 0:
            from qmsdesk.reports.charts import FONT_FAMILY  # loaded with the figure

            row = self._chart_points[position]
            x, y = scatter.get_offsets()[position]
            ax = scatter.axes
            overlay.append(ax.scatter([x], [y], s=260, facecolors="none",
                                      edgecolors="#111111", linewidths=2, zorder=7))
            # Above the ring, leaning into the grid at its edges so it stays inside.
            align = "left" if x < 2 else "right" if x > 4 else "center"
            name = row.name if len(row.name) <= 32 else row.name[:31].rstrip() + "…"
            overlay.append(ax.annotate(
                f"{row.ref} {name}", (x, y), xytext=(0, 13), textcoords="offset points",
                ha=align, fontsize=8,
                fontfamily=FONT_FAMILY, parse_math=False, zorder=8,
                bbox={"boxstyle": "round,pad=0.2", "facecolor": "white",
                      "edgecolor": "#111111", "linewidth": 0.6}))
        self.chart.set_overlay(overlay)

    # --- actions --------------------------------------------------------------------------
    def _owners(self) -> list[str]:
        return sorted({r.owner for r in self.model.rows() if r.owner})

    def _edit(self, record: service.PartyRecord) -> None:
        db, today = self.db, self.today
        self.edit_record(record, lambda rec: PartyDialog(
            rec, lambda changed: service.save_party(db, changed, today), today, self._owners(),
            self, actions=actions_of(self, db, today, "party_id", rec.id)),
            lambda party_id: service.get_party(db, party_id))

    def new_party(self) -> None:
        self._edit(service.new_party(self.today))

    def open_selected(self) -> None:
        db = self.db
        self.open_record_by_id(self.selected_id(), lambda i: service.get_party(db, i),
                               self._edit)

    def _set_status(self, archive: bool) -> None:
        db, today = self.db, self.today
        self.change_status(
            self.selected_row(), archive, lambda i: service.get_party(db, i),
            lambda i, version, status, reason: service.set_party_status(
                db, i, version, status, today, reason),
            self.tr("party"))

    def archive_selected(self) -> None:
        self._set_status(archive=True)

    def restore_selected(self) -> None:
        self._set_status(archive=False)

    def run_report(self) -> None:
        self.write_report("parties")
