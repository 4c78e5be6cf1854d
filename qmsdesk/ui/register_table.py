"""A register's table: generic model + filter proxy + view, empty state and a count line,
and the habits every table has: remembered columns, a column chooser, a row menu, Ctrl+C."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QGuiApplication, QHideEvent, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QMenu,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from qmsdesk.services import user_settings
from qmsdesk.ui.table_model import Column, Prepared, RecordFilterProxy, RecordTableModel, prepare
from qmsdesk.ui.window_state import qt_state, state_text

if TYPE_CHECKING:
    from qmsdesk.ui.tasks import BackgroundTask

SAVE_DELAY_MS = 500  # a drag of a column edge is one write, not one per pixel
# A read finished within this is shown before load() returns, as if read inline: a small
# register refreshes at once (a save shows its row); a big one arrives when read, the
# table staying usable meanwhile. Below the 100 ms the GUI thread may ever be blocked,
# and shared with the step that asked (building a page first opened: tasks.gui_step).
INLINE_WAIT_S = 0.06
# A page opened on a big register shows this many of its first rows (by reference) while the
# rest are read: a screenful and more, in tens of milliseconds at any size.
FIRST_ROWS = 100
POLL_S = 0.002  # how often a wait for the whole register looks at its first rows


def _whole_or_a_first_screen(whole: BackgroundTask, quick: BackgroundTask | None,
                             head: list[tuple[list[Any], Prepared]], budget_s: float) -> bool:
    """Wait up to ``budget_s`` for the ``whole`` register, but no longer once its first
    rows (``quick``) have come as a full screen (FIRST_ROWS): the register is then long, its
    whole read takes longer than the wait (at 100x, 0.6-4 s), and the window would only
    have held its first rows back, painting them in the same blocked step. Whether the
    whole register came."""
    end = time.perf_counter() + budget_s
    while not whole.done.is_set():
        if quick is not None and quick.done.is_set() and head \
                and len(head[-1][0]) >= FIRST_ROWS:
            return False
        left = end - time.perf_counter()
        if left <= 0:
            return False
        whole.done.wait(min(left, POLL_S))
    return True


class RegisterTable(QWidget):
    """Rows are service dataclasses with an ``id``; double-click or Enter asks to open one.

    ``state_key`` names the table in the user's settings, where its columns (widths, order,
    hidden ones, sort) are kept; empty means they are not remembered. ``row_actions`` are
    the page's own actions offered in the row menu after Open and the copies.
    """

    open_requested = Signal()
    current_changed = Signal()

    def __init__(self, columns: Sequence[Column[Any]], widths: Sequence[int], stretch: int,
                 empty_text: str, noun: tuple[str, str], parent: QWidget | None = None,
                 *, state_key: str = "") -> None:
        super().__init__(parent)
        self.model = RecordTableModel(columns, self)
        self.proxy = RecordFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self._empty_text = empty_text
        self._noun = noun
        self.extra_count: Callable[[list[Any]], str] | None = None
        self.state_key = state_key
        self.row_actions: list[QAction] = []
        self.export_actions: list[QAction] = []  # last in the row menu (exchange_actions)
        self.loading = False  # a read is on its way from a worker
        self.partial = False  # only the first rows are shown; the rest are being read
        self._wanted = 0
        self._extra = ""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.view = QTableView()
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.verticalHeader().hide()
        # Fixed heights: the view never measures rows, so a jump to the end of 200 000 rows
        # is arithmetic, not a pass over every row.
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.view.verticalHeader().setDefaultSectionSize(26)
        self.view.setWordWrap(False)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for i, width in enumerate(widths):
            self.view.setColumnWidth(i, width)
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
        from qmsdesk.ui.column_fit import MainColumnFit

        self.column_fit = MainColumnFit(self.view, stretch)  # never squeezed to "…"
        self.view.doubleClicked.connect(lambda _index: self.open_requested.emit())
        self.view.selectionModel().currentRowChanged.connect(
            lambda *_: self.current_changed.emit())
        self.empty = QLabel()
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.body = QStackedWidget()
        self.body.addWidget(self.view)
        self.body.addWidget(self.empty)
        layout.addWidget(self.body, 1)
        self.count_label = QLabel()
        layout.addWidget(self.count_label)
        self._build_habits()

    # --- columns remembered, chosen and reset --------------------------------------------------
    def _build_habits(self) -> None:
        header = self.view.horizontalHeader()
        self._default_state = header.saveState()
        self._save_timer = QTimer(self, singleShot=True, interval=SAVE_DELAY_MS)
        self._save_timer.timeout.connect(self.save_column_state)
        self.restore_column_state()
        if self.state_key:  # connected after the restore, which is not a change
            header.sectionResized.connect(self._columns_changed)
            header.sectionMoved.connect(self._columns_changed)
            header.sortIndicatorChanged.connect(self._columns_changed)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._show_header_menu)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._show_row_menu)
        self.copy_action = QAction(self.tr("&Copy rows"), self.view)
        self.copy_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Copy))
        self.copy_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.copy_action.triggered.connect(self.copy_rows)
        self.view.addAction(self.copy_action)  # shown in the row menu with its shortcut
        # The view copies only the current cell on Ctrl+C, before any shortcut sees the key.
        self.view.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (watched is self.view and event.type() == QEvent.Type.KeyPress
                and isinstance(event, QKeyEvent)
                and event.matches(QKeySequence.StandardKey.Copy)):
            self.copy_rows()
            return True
        return super().eventFilter(watched, event)

    def _columns_changed(self, *_: object) -> None:
        self._save_timer.start()

    def restore_column_state(self) -> None:
        """Put back the columns as the user left them (a damaged or foreign state is
        ignored: the page's own widths stay)."""
        if not self.state_key:
            return
        state = qt_state(user_settings.get(user_settings.TABLE_STATES).get(self.state_key, ""))
        header = self.view.horizontalHeader()
        if state.isEmpty() or not header.restoreState(state):
            return
        if header.hiddenSectionCount() >= header.count():
            header.showSection(header.logicalIndex(0))
        # The header only remembers the sort indicator; the rows are sorted here.
        self.view.sortByColumn(header.sortIndicatorSection(), header.sortIndicatorOrder())

    def save_column_state(self) -> None:
        self._save_timer.stop()
        if not self.state_key:
            return
        states = user_settings.get(user_settings.TABLE_STATES)
        text = state_text(self.view.horizontalHeader().saveState())
        if states.get(self.state_key) != text:
            states[self.state_key] = text
            user_settings.put(user_settings.TABLE_STATES, states)

    def hideEvent(self, event: QHideEvent) -> None:
        if self._save_timer.isActive():  # a change made just before the window closes
            self.save_column_state()
        super().hideEvent(event)

    def reset_columns(self) -> None:
        """The page's own widths and order, every column shown, sorted by the first."""
        self.view.horizontalHeader().restoreState(self._default_state)
        self.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.save_column_state()

    def set_column_visible(self, column: int, visible: bool) -> None:
        """Show or hide a column (by model index); the last one shown stays."""
        header = self.view.horizontalHeader()
        if not visible and header.count() - header.hiddenSectionCount() <= 1:
            return
        header.setSectionHidden(column, not visible)
        if self.state_key:
            self._save_timer.start()

    def header_menu(self) -> QMenu:
        """The column chooser: every column in view order, ticked when shown."""
        header = self.view.horizontalHeader()
        menu = QMenu(self)
        shown = header.count() - header.hiddenSectionCount()
        for visual in range(header.count()):
            column = header.logicalIndex(visual)
            title = str(self.model.headerData(column, Qt.Orientation.Horizontal) or "")
            action = QAction(title or self.tr("Column %1").replace("%1", str(visual + 1)),
                             menu)
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(column))
            action.setEnabled(header.isSectionHidden(column) or shown > 1)
            action.toggled.connect(
                lambda checked, column=column: self.set_column_visible(column, checked))
            menu.addAction(action)
        menu.addSeparator()
        reset = QAction(self.tr("&Reset columns"), menu)
        reset.triggered.connect(self.reset_columns)
        menu.addAction(reset)
        return menu

    def _show_header_menu(self, pos: QPoint) -> None:
        menu = self.header_menu()
        menu.exec(self.view.horizontalHeader().mapToGlobal(pos))
        menu.deleteLater()

    # --- the row menu and copying ---------------------------------------------------------------
    def row_menu(self) -> QMenu:
        """Open, the copies, then the page's own actions, for the selected row."""
        menu = QMenu(self)
        open_ = QAction(self.tr("&Open"), menu)
        open_.triggered.connect(lambda: self.open_requested.emit())
        menu.addAction(open_)
        row = self.selected_row()
        if getattr(row, "ref", ""):
            copy_ref = QAction(self.tr("Copy &reference"), menu)
            copy_ref.triggered.connect(self.copy_reference)
            menu.addAction(copy_ref)
        menu.addAction(self.copy_action)
        if self.row_actions:
            menu.addSeparator()
            menu.addActions(self.row_actions)
        if self.export_actions:
            menu.addSeparator()
            menu.addActions(self.export_actions)
        return menu

    def _show_row_menu(self, pos: QPoint) -> None:
        index = self.view.indexAt(pos)
        if not index.isValid():
            return
        self.view.setCurrentIndex(index)  # the menu acts on the row under the pointer
        menu = self.row_menu()
        menu.exec(self.view.viewport().mapToGlobal(pos))
        menu.deleteLater()

    def copy_reference(self) -> None:
        ref = getattr(self.selected_row(), "ref", "")
        if ref:
            QGuiApplication.clipboard().setText(ref)

    def selection_text(self) -> str:
        """The selected rows as tab-separated text: a header line, then one line a row, the
        shown columns in the order on screen, as displayed ("" when nothing is selected)."""
        header = self.view.horizontalHeader()
        columns = [header.logicalIndex(v) for v in range(header.count())
                   if not header.isSectionHidden(header.logicalIndex(v))]
        rows = sorted({index.row() for index in self.view.selectionModel().selectedIndexes()})
        if not rows and self.view.currentIndex().isValid():
            rows = [self.view.currentIndex().row()]
        if not rows:
            return ""

        def cell(value: object) -> str:  # a tab or line break inside a cell would split it
            return " ".join(str(value or "").replace("\t", " ").splitlines())

        lines = ["\t".join(cell(self.proxy.headerData(c, Qt.Orientation.Horizontal))
                           for c in columns)]
        lines += ["\t".join(cell(self.proxy.index(r, c).data()) for c in columns)
                  for r in rows]
        return "\n".join(lines)

    def copy_rows(self) -> None:
        text = self.selection_text()
        if text:
            QGuiApplication.clipboard().setText(text)

    # --- rows -----------------------------------------------------------------------------
    def load(self, read: Callable[[], Sequence[Any]], select_id: int | None = None,
             then: Callable[[list[Any]], object] | None = None,
             first: Callable[[int], Sequence[Any]] | None = None,
             failed: Callable[[BaseException], object] | None = None,
             wait: bool = True,
             beside: tuple[Callable[[], Any], Callable[[Any], object]] | None = None
             ) -> None:
        """Read the rows on a worker, with their search texts and order, and show them in
        one step (keeping the selection, or selecting ``select_id``); ``then(rows)`` runs
        once they are shown. A newer load makes an older one's rows moot.

        ``first(n)`` reads the register's first ``n`` rows: on a table still empty (a page
        opened), they are read beside the whole register and shown while it is read, so a
        register of any size shows rows at once; filters and sorting apply to what is
        shown, and the count line says the rest is on its way. A read that fails is shown
        as an error, or given to ``failed`` when the caller says it otherwise. ``wait``:
        whether to wait INLINE_WAIT_S for a quick read (not while the program starts,
        when the worker is still importing what the read needs). ``beside``: a read of
        the page's own beside its table (the dashboard's counts) and what to do with its
        result on the GUI thread: read after the first rows and before the whole register,
        so that a long register holds back neither.

        The reads run one after the other, each starting when the one before has ended:
        run side by side, they only take turns with the interpreter, and at 100x the first
        rows came in three times their own time."""
        from qmsdesk.ui.errors import show_error
        from qmsdesk.ui.tasks import (
            READS,
            after,
            call,
            own_pool,
            start_task,
            time_left,
        )

        self._wanted += 1
        wanted, columns = self._wanted, self.model.columns
        order = self.model.sort_order
        filters, note = self.proxy.predicates(), self.extra_count
        done: list[tuple[list[Any], Prepared]] = []
        head: list[tuple[list[Any], Prepared]] = []

        def work(reading: Callable[[], Sequence[Any]],
                 into: list[tuple[list[Any], Prepared]]) -> tuple[list[Any], Prepared]:
            rows = list(reading())
            into.append((rows, prepare(columns, rows, order[0] if order else None, filters,
                                       note if into is done else None)))
            return into[-1]

        def arrived(result: tuple[list[Any], Prepared]) -> None:
            if wanted != self._wanted:  # shown already, or a newer read is on its way
                return
            self._wanted += 1
            self.loading = self.partial = False
            rows, prepared = result
            self.set_rows(rows, select_id, prepared)
            if then is not None:
                then(rows)

        def first_arrived(result: tuple[list[Any], Prepared]) -> None:
            if wanted != self._wanted or self.partial:  # all arrived first, or moot
                return
            self.partial = True
            rows, prepared = result
            self.set_rows(rows, select_id, prepared)

        def not_read(exc: BaseException) -> None:
            if wanted == self._wanted:
                self.loading = self.partial = False
                self.update_counts()
                if failed is not None:
                    failed(exc)
                else:
                    show_error(self, self.tr("Cannot read the register"), str(exc))

        self.loading = True
        pool = own_pool("registers")
        quick = None
        earlier: list[BackgroundTask] = []
        if not self.model.rowCount():
            self.count_label.setText(self.tr("Loading…"))
            if first is not None:
                quick = start_task(lambda: call(lambda: work(lambda: first(FIRST_ROWS), head)),
                                   first_arrived, lambda _exc: None, owner=self,
                                   group=READS, pool=pool)
                earlier.append(quick)
        if beside is not None:
            beside_read = after(list(earlier), beside[0])
            earlier.append(start_task(lambda: call(beside_read), beside[1],
                                      failed or not_read, owner=self, group=READS, pool=pool))
        whole = after(list(earlier), lambda: work(read, done))
        task = start_task(lambda: call(whole), arrived, not_read, owner=self, group=READS,
                          pool=pool)
        # One wait in all: the whole register if it comes quickly, else its first rows if
        # they have come meanwhile.
        if wait and _whole_or_a_first_screen(task, quick, head, time_left(INLINE_WAIT_S)) \
                and done:
            arrived(done[-1])
        elif quick is not None and quick.done.is_set() and head:
            first_arrived(head[-1])

    def set_rows(self, rows: Sequence[Any], select_id: int | None = None,
                 prepared: Prepared | None = None) -> None:
        current = select_id if select_id is not None else self.selected_id()
        self.model.set_rows(rows, prepared)
        selected = current is not None and self.select_id(current)
        if not selected and self.proxy.rowCount():
            self.view.setCurrentIndex(self.proxy.index(0, 0))
        if not self.extra_count or self.partial:
            self._extra = ""
        elif prepared is not None and prepared.note is not None:
            self._extra = prepared.note  # worked out with the read
        else:
            self._extra = self.extra_count(self.model.base_rows())
        self.update_counts()

    def rows(self) -> list[Any]:
        return self.model.rows()

    def visible_rows(self) -> list[Any]:
        row_at = self.model.row_at
        return [row_at(row) for row in self.proxy.source_rows()]

    def shown_refs(self) -> list[str]:
        """The references of the rows shown (passing the search and filters), in view order."""
        return [row.ref for row in self.visible_rows()]

    def selected_row(self) -> Any:
        index = self.view.currentIndex()
        if not index.isValid():
            return None
        return self.model.row_at(self.proxy.mapToSource(index).row())

    def selected_id(self) -> int | None:
        row = self.selected_row()
        return row.id if row is not None else None

    def select_id(self, record_id: int,
                  clear_filters: Callable[[], None] | None = None) -> bool:
        """Select a record; if a filter hides it, ``clear_filters`` is called first."""
        source_row = self.model.find(lambda r: r.id == record_id)
        if source_row < 0:
            return False
        index = self.proxy.mapFromSource(self.model.index(source_row, 0))
        if not index.isValid() and clear_filters is not None:
            clear_filters()
            index = self.proxy.mapFromSource(self.model.index(source_row, 0))
        if not index.isValid():
            return False
        self.view.setCurrentIndex(index)
        self.view.scrollTo(index)
        return True

    # --- filters and counts -------------------------------------------------------------------
    def set_search_text(self, text: str) -> None:
        self.proxy.set_search_text(text)
        self._keep_a_current_row()
        self.update_counts()

    def set_predicate(self, name: str, predicate: Callable[[Any], bool] | None) -> None:
        self.proxy.set_predicate(name, predicate)
        self._keep_a_current_row()
        self.update_counts()

    def _keep_a_current_row(self) -> None:
        """A filter that hid the current row leaves the first row shown current (as the
        view did when a QSortFilterProxyModel removed rows), so the row actions still act."""
        if not self.view.currentIndex().isValid() and self.proxy.rowCount():
            self.view.setCurrentIndex(self.proxy.index(0, 0))

    def update_counts(self) -> None:
        from qmsdesk.services.labels import plural

        total, shown = self.model.rowCount(), self.proxy.rowCount()
        if total == 0:
            self.empty.setText(self._empty_text)
            self.body.setCurrentWidget(self.empty)
        elif shown == 0:
            self.empty.setText(self.tr("Nothing matches the search and filters."))
            self.body.setCurrentWidget(self.empty)
        else:
            self.body.setCurrentWidget(self.view)
        singular, plural_form = self._noun
        if self.partial:
            self.count_label.setText(self.tr(
                "The first %1 shown; reading the rest…").replace(
                "%1", plural(total, singular, plural_form)))
            return
        text = plural(total, singular, plural_form) if shown == total else self.tr(
            "%1 of %2 shown").replace("%1", str(shown)).replace(
            "%2", plural(total, singular, plural_form))
        if self._extra:  # counted when the rows arrive: the filters do not change it
            text += " · " + self._extra
        self.count_label.setText(text)

    def current_index(self) -> QModelIndex:
        return self.view.currentIndex()
