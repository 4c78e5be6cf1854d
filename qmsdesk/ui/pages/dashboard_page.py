"""The first page: what is overdue or due within 30 days, and how the registers stand."""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QScrollArea,
    QSplitter,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from qmsdesk.services import dashboard as service
from qmsdesk.services import user_settings
from qmsdesk.services.labels import plural
from qmsdesk.services.numbers import NOTHING
from qmsdesk.ui import colours
from qmsdesk.ui.chart_view import ChartView, build_figures_later
from qmsdesk.ui.formatting import format_date
from qmsdesk.ui.notices import notify
from qmsdesk.ui.pages.base_page import RegisterPage
from qmsdesk.ui.register_table import RegisterTable
from qmsdesk.ui.table_model import Column

if TYPE_CHECKING:
    from qmsdesk.services.due import DueItem
    from qmsdesk.ui.main_window import MainWindow

MINE = "mine"


def is_mine(item: DueItem, name: str) -> bool:
    """An item whose owner is ``name`` (as typed: case and spacing aside)."""
    return same_person(item.owner, name)


def same_person(owner: str, name: str) -> bool:
    return " ".join(owner.split()).casefold() == " ".join(name.split()).casefold()


def overdue_count(items: list[DueItem]) -> int:
    """How many of ``items`` (most urgent first, as services.dashboard.due_items gives
    them) are overdue: they come first, so a binary search finds where they end, not a
    test of each of the 80 000 items of the 100x org on the GUI thread."""
    return bisect_left(items, items[0].today, key=attrgetter("due")) if items else 0


def _when(item: DueItem) -> str:
    if item.overdue:
        return f"Overdue {plural(-item.days, 'day')}"
    return "Today" if item.days == 0 else f"In {plural(item.days, 'day')}"


DUE_COLUMNS: list[Column[DueItem]] = [
    Column("Due", lambda i: format_date(i.due), searchable=False,
           sort_key=lambda i: i.due.toordinal(),
           foreground=lambda i: colours.text(colours.BAD) if i.overdue else None),
    Column("When", _when, sort_key=lambda i: i.days,
           foreground=lambda i: colours.text(colours.BAD) if i.overdue else None),
    # What is due comes before what kind of record it is: in a 1024-pixel window the table
    # beside the charts shows about five columns, and the title must be one of them.
    Column("Ref", lambda i: i.ref),
    Column("Title", lambda i: i.title, tooltip=lambda i: i.title),
    Column("What", lambda i: i.kind),
    Column("Owner", lambda i: i.owner or NOTHING),
]
TITLE_COLUMN = 3


def build_charts(view: service.Overview, titles: tuple[str, str]) -> tuple[Any, Any, Any]:
    """The three figures, built on a worker."""
    from qmsdesk.reports.charts_dashboard import band_bars, health_bars, opened_closed

    return (health_bars(view.objectives_by_health, titles[0]),
            band_bars(view.suppliers_by_band, titles[1]),
            opened_closed(list(view.flow_months), list(view.opened), list(view.closed)))


CHART_MIN_WIDTH, CHART_MIN_HEIGHT = 260, 140
CHARTS_SHARE, CHARTS_MAX_WIDTH = 0.36, 420  # of the width beside the navigation


def _scrolling(charts: QWidget) -> QScrollArea:
    """The charts in a column that scrolls when the window is too short for all three (a
    700-pixel screen at 150 %): below their minimum they would be laid over one another."""
    scroller = QScrollArea()
    scroller.setWidget(charts)
    scroller.setWidgetResizable(True)
    scroller.setFrameShape(QScrollArea.Shape.NoFrame)
    scroller.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    bar = scroller.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
    scroller.setMinimumWidth(charts.minimumSizeHint().width() + bar)
    return scroller


class DashboardPage(RegisterPage):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window, self.tr("Dashboard"), self.tr(
            "What is overdue or due within 30 days across the registers — double-click a "
            "line to open it"))
        self.figures = QHBoxLayout()
        self.figure_labels: dict[str, QLabel] = {}
        for key in ("overdue", "soon", "actions", "objectives", "suppliers", "risks"):
            box = QLabel()
            box.setTextFormat(Qt.TextFormat.RichText)
            box.setWordWrap(True)  # six figures share a 1024-pixel window
            self.figure_labels[key] = box
            self.figures.addWidget(box, 1)
        self._figures: dict[str, tuple[str, str, bool]] = {}
        self._style_figures()
        self.layout_.addLayout(self.figures)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        # The columns' remembered widths and order are kept under a name of this order.
        self.table = RegisterTable(DUE_COLUMNS, (90, 120, 88, 300, 165, 110), TITLE_COLUMN,
                                   self.tr("Nothing is overdue or due in the next 30 days."),
                                   ("item", "items"), self, state_key="dashboard due list")
        self.table.open_requested.connect(self.open_selected)
        # "My work": the items the user owns (actions, party reviews, measurements, risks).
        self.mine = QCheckBox(self.tr("&My work only"))
        self.mine.toggled.connect(self._mine_toggled)
        due = QWidget()
        column = QVBoxLayout(due)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.mine)
        column.addWidget(self.table, 1)
        splitter.addWidget(due)
        self._told = False  # the user's overdue items said once, after the first read
        charts = QWidget()
        grid = QGridLayout(charts)
        grid.setContentsMargins(8, 0, 0, 0)
        self.health_chart = ChartView(self.tr("Loading…"))
        self.band_chart = ChartView(self.tr("Loading…"))
        self.flow_chart = ChartView(self.tr("Loading…"))
        for chart in (self.health_chart, self.band_chart, self.flow_chart):
            # Small enough for three in a 1024x700 window (larger minimums were laid over
            # one another there, cutting their labels); the labels fit any size they get
            # (reports.chart_fit).
            chart.setMinimumSize(CHART_MIN_WIDTH, CHART_MIN_HEIGHT)
        grid.addWidget(self.health_chart, 0, 0)
        grid.addWidget(self.band_chart, 1, 0)
        grid.addWidget(self.flow_chart, 2, 0)
        grid.setRowStretch(0, 4)  # the health chart's long names slant below it when narrow
        grid.setRowStretch(1, 3)
        grid.setRowStretch(2, 3)
        self.charts_pane = _scrolling(charts)
        splitter.addWidget(self.charts_pane)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        self.layout_.addWidget(splitter, 1)
        self.splitter = splitter
        # Until the user drags the handle, the charts take about a third of the width (between
        # their minimum and 420 px) and the due list the rest, at every window width.
        self._split_by_user = False
        splitter.splitterMoved.connect(self._split_moved)
        splitter.installEventFilter(self)
        self.overview: service.Overview | None = None
        self.loading = False  # a read is on its way from a worker
        self._read_once = False  # the due list has been asked for since the page was built
        self._wanted = 0
        # filled by activated() when the page is first shown: opening a database loads
        # only the page in view, not every register

    def _split_moved(self, _position: int, _index: int) -> None:
        self._split_by_user = True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.splitter and event.type() == QEvent.Type.Resize \
                and not self._split_by_user:
            self._fit_split()
        return super().eventFilter(watched, event)

    def _fit_split(self) -> None:
        total = self.splitter.width() - self.splitter.handleWidth()
        charts = max(self.charts_pane.minimumWidth(),
                     min(CHARTS_MAX_WIDTH, round(total * CHARTS_SHARE)))
        self.splitter.setSizes([total - charts, charts])

    def refresh(self, select_id: int | None = None) -> None:
        """Read on workers, one read after the other: the first screenful of the due list,
        then the counts behind the other figures and the charts, then the whole due list
        (sorted and filtered on the worker) with its two figures. At 100x the first rows
        come in about 0.1 s and the counts about 0.2 s later, while the list of some
        80 000 items takes half a second more."""
        self.stale = False
        self.loading = True
        self._wanted += 1
        wanted, db, today = self._wanted, self.db, self.today
        pending = {"items", "counts"}

        def current() -> bool:
            return wanted == self._wanted and self.window_.db is db

        def failed(exc: BaseException) -> None:
            if current():
                self.loading = False
                self.window_.statusBar().showMessage(
                    self.tr("The dashboard could not be read: %s") % exc, 15000)

        def items_read(items: list[DueItem]) -> None:
            if current():  # else a newer read is on its way, or another database is open
                self._show_figures(items)
                pending.discard("items")
                self.loading = bool(pending)

        def overview_read(overview: service.Overview) -> None:
            if current():
                self._show_overview(overview)
                pending.discard("counts")
                self.loading = bool(pending)

        # The first read, as the program starts, is not waited for: the worker is still
        # importing the registers' modules, and the window would stop answering meanwhile.
        self.table.load(lambda: service.due_items(db, today), select_id, items_read,
                        lambda n: service.due_items(db, today, limit=n), failed,
                        wait=self._read_once,
                        beside=(lambda: service.overview(db, today), overview_read))
        self._read_once = True

    def _show_figures(self, items: list[DueItem]) -> None:
        overdue = overdue_count(items)
        self._tell_overdue(items[:overdue])
        self._figure("overdue", str(overdue), self.tr("overdue"), overdue > 0)
        self._figure("soon", str(len(items) - overdue), self.tr("due within 30 days"))

    def _show_overview(self, overview: service.Overview) -> None:
        self.overview = overview
        actions = overview.actions_by_status
        attention = overview.objectives_needing_attention
        weak = overview.weak_suppliers
        still_open = actions.get("open", 0) + actions.get("in progress", 0)
        self._figure("actions", str(still_open), self.tr("open action") if still_open == 1
                     else self.tr("open actions"))
        self._figure("objectives", str(attention), self.tr("objective needs attention")
                     if attention == 1 else self.tr("objectives need attention"),
                     attention > 0)
        caption = (self.tr("supplier in use in band %1") if weak == 1
                   else self.tr("suppliers in use in band %1")).replace(
            "%1", self.tr(" or ").join(overview.weak_bands))
        if expired := overview.approved_expired:  # supplier_rules.expired_while_approved
            caption += "<br>" + self.tr("%n approved with an expired certificate", "", expired)
        self._figure("suppliers", str(weak), caption, weak > 0 or expired > 0)
        risks = overview.high_risks_without_action
        self._figure("risks", str(risks), self.tr("high risk without an open action")
                     if risks == 1 else self.tr("high risks without an open action"),
                     risks > 0)
        if self.isVisible():  # a hidden dashboard reads again, charts too, when shown
            self.rebuild_charts()

    def _mine_toggled(self, only: bool) -> None:
        name = user_settings.user_name()
        self.mine.setToolTip(self.tr("Items owned by %s") % name)
        self.table.set_predicate(MINE, (lambda item: is_mine(item, name)) if only else None)

    def _tell_overdue(self, overdue: list[DueItem]) -> None:
        """Once a session: how many of the user's own items are overdue (a tray message
        where the desktop has a tray, and the status bar). Counted per owner (in C), then
        each owner compared once with the user's name."""
        if self._told:
            return
        self._told = True
        name = user_settings.user_name()
        mine = sum(n for owner, n in Counter(map(attrgetter("owner"), overdue)).items()
                   if same_person(owner, name))
        if mine and isinstance(self.window_, QMainWindow):
            notify(self.window_, self.tr("QMS Desk: your overdue items"), self.tr(
                "%1, %2 of yours overdue: tick “My work only” on the dashboard to see "
                "them.").replace("%1", name).replace("%2", plural(mine, "item")))

    def _figure(self, key: str, number: str, text: str, alert: bool = False) -> None:
        self._figures[key] = (number, text, alert)
        tone = colours.BAD if alert else colours.NEUTRAL
        self.figure_labels[key].setText(
            f"<span style='font-size:20px; font-weight:600; "
            f"color:{colours.text(tone).name()}'>{number}</span><br>{text}")

    def _style_figures(self) -> None:
        """Figure boxes in the palette's colours (a light or dark scheme, read again when
        it changes), the caption in the window's own text colour."""
        background, border, ink = colours.panel()
        style = (f"QLabel {{ background: {background.name()}; color: {ink.name()}; "
                 f"border: 1px solid {border.name()}; border-radius: 4px; "
                 f"padding: 6px 10px; }}")
        for key, box in self.figure_labels.items():
            if box.styleSheet() != style:
                box.setStyleSheet(style)
            if key in self._figures:
                self._figure(key, *self._figures[key])

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange,
                            QEvent.Type.ThemeChange):
            self._style_figures()
        super().changeEvent(event)

    def rebuild_charts(self) -> None:
        """Build the charts on a worker (matplotlib loads there); show them together."""
        view = self.overview
        if view is None:
            return
        titles = (self.tr("Objectives by health"),
                  self.tr("Suppliers by latest approved band"))

        def show(figures: tuple[Any, Any, Any]) -> None:
            for chart, figure in zip((self.health_chart, self.band_chart, self.flow_chart),
                                     figures, strict=True):
                chart.set_figure(figure)

        build_figures_later(self.health_chart, lambda: build_charts(view, titles), show,
                            (self.health_chart, self.band_chart, self.flow_chart))

    def activated(self) -> None:
        self.refresh()

    def open_selected(self) -> None:
        item: Any = self.table.selected_row()
        if item is not None:
            self.window_.open_record(item.register, item.record_id)
            self.refresh()
