"""The window shell: navigation, menus, status bar, opening databases, recent files."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from qmsdesk import clock, paths, registers
from qmsdesk.services import user_settings
from qmsdesk.ui import server_connect, write_access
from qmsdesk.ui.calendar_export import export_calendar_dialog
from qmsdesk.ui.errors import show_error
from qmsdesk.ui.window_state import qt_state, state_text

# Only what the first paint needs is imported at the top: each Qt class costs start-up
# time when first touched (the Qt namespace ~16 ms, QStyle ~5 ms), so the rest is
# imported inside the methods that run after the window is shown.

if TYPE_CHECKING:
    from PySide6.QtGui import QCloseEvent

    from qmsdesk.services.workspace import Database
    from qmsdesk.ui.pages.base_page import RegisterPage

MAX_RECENT = 8
DB_FILTER = "QMS Desk database (*.db);;All files (*)"


class MainWindow(QMainWindow):
    database_changed = Signal()
    # The registers a committed write touched (a frozenset of catalogue keys), on the GUI
    # thread whichever thread wrote: pages that show them refresh, now or when next shown.
    data_changed = Signal(object)
    _entities_changed = Signal(object)  # from Database listeners, on the writer's thread

    def __init__(self, automatic_backups: bool = False) -> None:
        super().__init__()
        self.db: Database | None = None
        self.identity_dialog: QWidget | None = None  # asked on a first start without one
        self.backups_dialog: Any = None  # File › Backups…, while open
        self.automatic_backups = automatic_backups  # on in the app, off in tests
        self.pages: dict[str, RegisterPage] = {}
        self._pending_shortcuts: list[tuple[QAction, QKeySequence]] = []
        self.setWindowTitle("QMS Desk")
        self.setMinimumSize(900, 600)
        self._build_body()
        self._build_menus()
        self._db_label = QLabel(self.tr("No database open"))
        self.statusBar().addPermanentWidget(self._db_label)
        self._restore_geometry()
        # Auto connection: queued when a worker thread wrote, so pages hear on the GUI thread.
        self._entities_changed.connect(self._relay_changes)

    # --- layout ----------------------------------------------------------------------
    def _build_body(self) -> None:
        body = QWidget()
        layout = QHBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setFixedWidth(160)
        self.nav.setFrameShape(QListWidget.Shape.NoFrame)
        self.nav.setSpacing(4)  # no style sheet here: polishing one costs start-up time
        self.stack = QStackedWidget()
        self.placeholder = QLabel()
        self.placeholder.setWordWrap(True)
        self._set_placeholder(self.tr("Opening database…"))
        self.stack.addWidget(self.placeholder)
        # Above the pages: says when the open file can only be read.
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.hide()  # styled when shown (set_database): the palette is known then
        right = QWidget()
        column = QVBoxLayout(right)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.banner)
        column.addWidget(self.stack, 1)
        layout.addWidget(self.nav)
        layout.addWidget(right, 1)
        self.setCentralWidget(body)
        self.nav.currentRowChanged.connect(self._show_page)

    def _set_placeholder(self, text: str) -> None:
        # Centred by markup: QLabel's default is vertically centred already, and touching
        # Qt.AlignmentFlag here would load the whole Qt namespace before the first paint.
        html = text.replace("&", "&amp;").replace("<", "&lt;").replace("\n", "<br>")
        self.placeholder.setText(f'<div align="center">{html}</div>')

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        self._add_action(file_menu, self.tr("&New database…"), self.new_database,
                         None, "Ctrl+Shift+N")
        self._add_action(file_menu, self.tr("&Open…"), self.choose_database,
                         QKeySequence.StandardKey.Open)
        self.recent_menu = file_menu.addMenu(self.tr("Open &recent"))
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        self._add_action(file_menu, self.tr("Connect to &server…"),
                         lambda: server_connect.connect_to_server(self))
        file_menu.addSeparator()
        self.backup_action = self._add_action(file_menu, self.tr("&Backups…"), self.backup,
                                              None, "Ctrl+B")
        self.settings_action = self._add_action(file_menu, self.tr("&Settings…"),
                                                self.edit_settings, None, "Ctrl+,")
        self.calendar_action = self._add_action(file_menu, self.tr("Export &calendar…"),
                                                lambda: export_calendar_dialog(self, self))
        file_menu.addSeparator()
        self._add_action(file_menu, self.tr("&Quit"), self.close, QKeySequence.StandardKey.Quit,
                         "Ctrl+Q")
        from qmsdesk.ui.undo import UndoAction

        self.edit_menu = self.menuBar().addMenu(self.tr("&Edit"))
        self.undo = UndoAction(self, self.edit_menu)
        write_access.writes(self.undo.action)
        self._pending_shortcuts.append((self.undo.action,
                                        QKeySequence(QKeySequence.StandardKey.Undo)))
        self.register_menu = self.menuBar().addMenu(self.tr("&Register"))
        self.reports_menu = self.menuBar().addMenu(self.tr("Re&ports"))
        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        self.guide_action = self._add_action(help_menu, self.tr("&Quick guide…"),
                                             self.quick_guide,
                                             QKeySequence.StandardKey.HelpContents, "F1")
        self._add_action(help_menu, self.tr("&About QMS Desk"), self.about)
        self._set_database_actions_enabled(False)

    def _add_action(self, menu: Any, text: str, slot: Any, standard: Any = None,
                    fallback: str | None = None) -> QAction:
        action = QAction(text, self)
        shortcut = QKeySequence(standard) if standard is not None else QKeySequence()
        if shortcut.isEmpty() and fallback:
            shortcut = QKeySequence(fallback)
        if not shortcut.isEmpty():
            self._pending_shortcuts.append((action, shortcut))
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def install_shortcuts(self) -> None:
        """Attach the menu shortcuts. Called once the window is up (run_gui, set_database):
        QAction.setShortcut's first call loads the whole Qt namespace (~15 ms), which would
        otherwise delay the first paint."""
        for action, shortcut in self._pending_shortcuts:
            action.setShortcut(shortcut)
        self._pending_shortcuts.clear()

    def _set_database_actions_enabled(self, enabled: bool) -> None:
        for action in (self.backup_action, self.settings_action, self.calendar_action):
            action.setEnabled(enabled)
        self.register_menu.setEnabled(enabled)
        self.reports_menu.setEnabled(enabled)
        self.edit_menu.setEnabled(enabled)

    # --- pages -------------------------------------------------------------------------
    def _build_pages(self) -> None:
        """List every register in the navigation; a page itself is built when first shown
        (page()), so opening a database reads only what the first page shows."""
        from PySide6.QtCore import Qt
        from PySide6.QtWidgets import QListWidgetItem, QStyle

        self._drop_pages()
        self.nav.blockSignals(True)  # no page switching while the pages are rebuilt
        for register in registers.with_pages():
            pixmap = getattr(QStyle.StandardPixmap, register.icon)
            item = QListWidgetItem(self.style().standardIcon(pixmap), self.tr(register.label))
            item.setData(Qt.ItemDataRole.UserRole, register.key)
            self.nav.addItem(item)
        # As wide as its longest label ("Risks & opportunities"), never less than 160 px.
        self.nav.setFixedWidth(max(160, self.nav.sizeHintForColumn(0) + 16))
        self.nav.blockSignals(False)
        self.nav.setCurrentRow(-1)
        self.nav.setCurrentRow(0)

    def widget(self) -> QWidget:
        """The window as a parent for dialogs (what background_checks asks of it)."""
        return self

    def _drop_pages(self) -> None:
        self.nav.blockSignals(True)  # emptying the list must not switch to (build) a page
        self.nav.clear()
        self.nav.blockSignals(False)
        for page in self.pages.values():
            self.stack.removeWidget(page)
            page.deleteLater()
        self.pages.clear()

    def _page_keys(self) -> list[str]:
        return [register.key for register in registers.with_pages()]

    def page(self, key: str) -> RegisterPage:
        """The page of a register, built (hidden) on first use."""
        page = self.pages.get(key)
        if page is None:
            import importlib

            register = next(r for r in registers.with_pages() if r.key == key)
            module, cls = register.page.split(":")
            page = getattr(importlib.import_module(module), cls)(self)
            page.watched = registers.watched_by(key)
            self.data_changed.connect(page.data_changed)
            self.stack.addWidget(page)
            self.pages[key] = page
            write_access.guard(page)  # a viewer's page: its write actions disabled, why
        return page

    def _show_page(self, row: int) -> None:
        if row < 0 or self.db is None:
            return
        from PySide6.QtCore import Qt

        from qmsdesk.ui.tasks import gui_step

        key = self.nav.item(row).data(Qt.ItemDataRole.UserRole)
        with gui_step():  # building a page and waiting for its rows hold the window once
            page = self.page(key)
            self.stack.setCurrentWidget(page)
            self.register_menu.clear()
            self.register_menu.addActions(page.register_actions())
            self.reports_menu.clear()
            self.reports_menu.addActions(page.report_actions())
            page.activated()

    def _relay_changes(self, entities: frozenset[str]) -> None:
        touched = registers.registers_of(entities)
        if touched:
            self.data_changed.emit(touched)

    def report_issued(self) -> None:
        """A report was written: the Reports page lists it next time it is shown."""
        reports = self.pages.get("reports")
        if reports is not None and self.stack.currentWidget() is reports:
            reports.activated()

    def open_record(self, register: str, record_id: int) -> None:
        """Show a record's page with the record selected, and open its editor."""
        page = self.show_page(register)
        page.open_record(record_id)

    def show_page(self, key: str) -> RegisterPage:
        """Switch to a page as the navigation would, and return it."""
        self.nav.setCurrentRow(self._page_keys().index(key))
        return self.page(key)

    @property
    def today(self) -> date:
        return clock.today()

    # --- databases ---------------------------------------------------------------------
    def open_initial(self, target: str | Path | None, demo: bool) -> None:
        if demo or target is not None:  # the welcome asks who you are itself
            from qmsdesk.ui.dialogs.identity_dialog import ask_identity

            self.identity_dialog = ask_identity(self, self._identity_given)
        if demo:
            self.open_demo()
        elif target is not None:
            if not self.open_database(target, create=True):
                self._show_no_database()
        else:
            recent = [p for p in self.recent_databases() if Path(p).exists()]
            if recent and self.open_database(recent[0]):
                return
            self.welcome()

    def _identity_given(self) -> None:
        """From now on the open database's changes carry the name just given."""
        from qmsdesk.services.user_settings import user_name

        if self.db is not None:
            self.db.user = user_name()

    def open_demo(self) -> None:
        path = paths.demo_database_path()
        if path.exists():
            self.open_database(path)
            return
        from qmsdesk.services.workspace import create_demo_database
        from qmsdesk.ui.tasks import run_with_progress

        self._set_placeholder(self.tr("Creating the demo database…"))
        run_with_progress(self, self.tr("Creating the demo database"),
                          lambda: create_demo_database(path, clock.today()),
                          lambda created: self.open_database(created),
                          lambda exc: self._open_failed(path, exc))

    def welcome(self) -> None:
        from qmsdesk.ui.dialogs.welcome_dialog import WelcomeDialog

        dialog = WelcomeDialog(paths.default_database_path(), self)
        if not dialog.exec():
            self._show_no_database()
            return
        choice = dialog.value()
        from qmsdesk.services.user_settings import set_identity

        set_identity(choice.user_name, choice.user_role)
        if choice.demo:
            self.open_demo()
            return
        from qmsdesk.services.workspace import create_new_database

        try:
            db = create_new_database(choice.path, choice.organisation)
        except Exception as exc:
            self._open_failed(choice.path, exc)
            return
        self.set_database(db)

    def _show_no_database(self) -> None:
        self._set_placeholder(self.tr(
            "No database is open.\n\nUse File › New database… to start your QMS, "
            "or File › Open… to open an existing one."))
        self.stack.setCurrentWidget(self.placeholder)

    def open_database(self, target: str | Path, create: bool = False) -> bool:
        from PySide6.QtWidgets import QMessageBox

        from qmsdesk.services.workspace import open_workspace
        self.statusBar().showMessage(self.tr("Opening %s…") % target)
        try:
            db = open_workspace(target, create=create)
        except Exception as exc:
            self._open_failed(target, exc)
            return False
        self.set_database(db)
        if db.backup_path is not None:
            QMessageBox.information(self, self.tr("Database upgraded"), self.tr(
                "This database was made by an older QMS Desk and has been upgraded. "
                "A copy of the original was kept:\n%s") % db.backup_path)
        return True

    def _open_failed(self, target: str | Path, exc: BaseException) -> None:
        self.statusBar().clearMessage()
        show_error(self, self.tr("Cannot open database"), str(exc))
        if self.db is None:
            self._show_no_database()

    def set_database(self, db: Database) -> None:
        from qmsdesk.ui import undo

        self.close_db()
        undo.forget()  # the last save belongs to the file it was made in
        self.db = db
        db.subscribe(self._entities_changed.emit)
        self.banner.setText(self.tr(
            "Read-only: this file or its folder cannot be changed from here. You can look, "
            "search and print; to make changes, copy the file to a folder where you may "
            "write, or ask for write access."))
        from qmsdesk.ui import colours

        self.banner.setStyleSheet(colours.cell_style(colours.WARNING) + " padding: 6px 16px;")
        self.banner.setVisible(db.readonly)
        if viewer := write_access.set_database(db):  # the role says so: read and report
            self.banner.setText(viewer)
            self.banner.setVisible(True)
        self._db_label.setText(self.tr("Database: %s") % db.display_name)
        self.setWindowTitle(f"QMS Desk — {db.display_name}")
        self.statusBar().showMessage(self.tr("Opened %s") % db.display_name, 5000)
        if db.path is not None:
            self.remember(str(db.path))
        self.install_shortcuts()
        self._build_pages()
        self._set_database_actions_enabled(True)
        write_access.guard(self)
        self.database_changed.emit()
        from qmsdesk.ui import background_checks

        if not db.checked:
            background_checks.check_in_background(self, db)
        elif self.automatic_backups:
            background_checks.daily_backup(self, db)

    def close_db(self) -> None:
        """Close the open database once the reads still under way for it have finished."""
        from qmsdesk.ui.tasks import READS, wait_for

        if self.db is not None:
            wait_for(READS)
            self.db.close()
            self.db = None

    def close_database(self) -> None:
        """Close the open database and take its pages down (a damaged file found late)."""
        self.close_db()
        self._set_database_actions_enabled(False)
        self._drop_pages()
        self._db_label.setText(self.tr("No database open"))
        self._show_no_database()

    def choose_database(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        start = str(self.db.path.parent if self.db and self.db.path else paths.data_dir())
        name, _ = QFileDialog.getOpenFileName(self, self.tr("Open database"), start, DB_FILTER)
        if name:
            self.open_database(name)

    def new_database(self) -> None:
        from PySide6.QtWidgets import QFileDialog, QInputDialog

        name, _ = QFileDialog.getSaveFileName(self, self.tr("New database"),
                                              str(paths.data_dir() / "qms.db"), DB_FILTER)
        if not name:
            return
        organisation, ok = QInputDialog.getText(self, self.tr("New database"),
                                                self.tr("Organisation name:"))
        if not ok or not organisation.strip():
            return
        from qmsdesk.services.workspace import create_new_database

        try:
            db = create_new_database(Path(name), organisation)
        except Exception as exc:
            self._open_failed(name, exc)
            return
        self.set_database(db)

    def backup(self) -> None:
        """File › Backups…: the open file's backups; back up now or restore one."""
        from qmsdesk.ui.window_backups import show_backups

        show_backups(self)

    def show_placeholder(self, text: str) -> None:
        """The placeholder instead of a page (while the file is away)."""
        self._set_placeholder(text)
        self.stack.setCurrentWidget(self.placeholder)

    def edit_settings(self) -> None:
        if self.db is None:
            return
        from qmsdesk.ui.dialogs.settings_dialog import edit_settings

        if edit_settings(self, self.db):
            self.statusBar().showMessage(self.tr("Settings saved"), 5000)

    # --- recent files, geometry, about ---------------------------------------------------
    def recent_databases(self) -> list[str]:
        return user_settings.get(user_settings.RECENT_DATABASES)

    def remember(self, path: str) -> None:
        recent = [p for p in self.recent_databases() if p != path]
        user_settings.put(user_settings.RECENT_DATABASES, [path, *recent][:MAX_RECENT])

    def _fill_recent_menu(self) -> None:
        server_connect.fill_recent_menu(self, self.recent_menu, self.recent_databases())

    def _restore_geometry(self) -> None:
        geometry = qt_state(user_settings.get(user_settings.WINDOW_GEOMETRY))
        if geometry.isEmpty() or not self.restoreGeometry(geometry):
            screen = self.screen().availableGeometry()
            self.resize(min(1600, int(screen.width() * 0.94)),
                        min(900, int(screen.height() * 0.92)))

    def closeEvent(self, event: QCloseEvent) -> None:
        user_settings.put(user_settings.WINDOW_GEOMETRY, state_text(self.saveGeometry()))
        self.close_db()
        super().closeEvent(event)

    def quick_guide(self) -> None:
        """Help › Quick guide (F1): the page of the register in view."""
        from PySide6.QtCore import Qt

        from qmsdesk.ui.quick_guide import show_guide

        item = self.nav.currentItem()
        show_guide(self, item.data(Qt.ItemDataRole.UserRole) if item is not None else "")

    def about(self) -> None:
        from qmsdesk.ui.about import show_about

        show_about(self, self.db.display_name if self.db is not None else None)
