"""A register page's spreadsheet actions: export, import template and import.

What a page offers follows the services: export for every register the exchange exports,
import and its template for every register it can import (one with an import adapter),
so a register gains its menu entries when its adapter is added, without a change here.
The services (and openpyxl behind them) load only when an action is used.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox, QToolButton

from qmsdesk import paths
from qmsdesk.services import user_settings
from qmsdesk.ui.errors import show_error
from qmsdesk.ui.tasks import run_with_progress
from qmsdesk.ui.widgets import MenuToolButton
from qmsdesk.ui.write_access import writes

if TYPE_CHECKING:
    from qmsdesk.ui.pages.base_page import RegisterPage
    from qmsdesk.ui.register_table import RegisterTable

SUFFIXES = (".xlsx", ".zip", ".csv")
STATUS_MS = 10000


def offered(key: str) -> tuple[bool, bool]:
    """(can export, can import) register ``key``."""
    from qmsdesk.services.exchange import exportable, importable

    return exportable(key), importable(key)


def _last_folder() -> Path:
    folder = user_settings.get(user_settings.EXPORT_FOLDER)
    if folder and Path(folder).is_dir():
        return Path(folder)
    return paths.reports_dir()


def _remember_folder(path: Path) -> None:
    user_settings.put(user_settings.EXPORT_FOLDER, str(path.parent))


class ExchangeActions(QObject):
    """The actions of one page; ``actions()`` for the Register menu, ``tool_button()`` for
    the page's toolbar. With the page's ``table``, an export can write what the table shows
    (the rows passing its search and filters, in its order), and the table's row menu
    offers that."""

    def __init__(self, page: RegisterPage, key: str, table: RegisterTable | None = None
                 ) -> None:
        super().__init__(page)
        self.page, self.key, self.table = page, key, table
        exportable, importable = offered(key)
        self.export_action = self._action(
            self.tr("E&xport to spreadsheet…"), self.export, "Ctrl+Shift+E",
            self.tr("Save the register, or the rows shown, as an Excel workbook or CSV "
                    "files")) if exportable else None
        self.export_shown_action: QAction | None = None
        if exportable and table is not None:
            self.export_shown_action = QAction(self.tr("E&xport the rows shown…"), self)
            self.export_shown_action.setToolTip(self.tr(
                "Save the rows the table shows, every column, as a spreadsheet"))
            self.export_shown_action.triggered.connect(lambda: self.export(shown_only=True))
            table.export_actions.append(self.export_shown_action)
        self.import_action = self._action(
            self.tr("&Import from spreadsheet…"), self.import_file, "Ctrl+Shift+I",
            self.tr("Add or update records from an Excel workbook or CSV files")) \
            if importable else None
        writes(self.import_action)
        self.template_action = self._action(
            self.tr("Import &template…"), self.write_template, None,
            self.tr("An empty workbook with the columns the import reads")) \
            if importable else None
        self._separator = QAction(self)
        self._separator.setSeparator(True)
        self.menu: QMenu | None = None
        self.button: QToolButton | None = None

    def _action(self, text: str, slot: Any, shortcut: str | None, tip: str) -> QAction:
        action = QAction(text, self.page)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
            tip = f"{tip} ({QKeySequence(shortcut).toString()})"
        action.setToolTip(tip)
        action.setStatusTip(tip)
        action.triggered.connect(slot)
        self.page.addAction(action)
        return action

    def actions(self) -> list[QAction]:
        found = [a for a in (self.export_action, self.import_action, self.template_action) if a]
        return [self._separator, *found] if found else []

    def tool_button(self, compact: bool = False) -> QToolButton | None:
        """"Spreadsheet ▾" with the actions (``compact``: an icon only, for a full
        toolbar), or None when the register offers none."""
        found = self.actions()[1:]
        if not found:
            return None
        menu = QMenu(self.page)
        menu.addActions(found)
        button = MenuToolButton()
        button.setText(self.tr("Spreadsheet"))
        button.setToolTip(self.tr("Spreadsheet: export, import, or an import template"))
        if compact:
            from PySide6.QtGui import QIcon
            from PySide6.QtWidgets import QStyle

            fallback = self.page.style().standardIcon(
                QStyle.StandardPixmap.SP_FileDialogDetailedView)
            button.setIcon(QIcon.fromTheme("x-office-spreadsheet", fallback))
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        button.setMenu(menu)
        button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        button.setAccessibleName(self.tr("Spreadsheet"))
        self.menu, self.button = menu, button
        return button

    def add_button(self, bar: Any, compact: bool = False) -> None:
        """Put the tool button at the end of a page's toolbar layout."""
        button = self.tool_button(compact)
        if button is not None:
            bar.addWidget(button)

    # --- helpers ----------------------------------------------------------------------------
    def _title(self) -> str:
        from qmsdesk.services.exchange import title

        return title(self.key)

    def _ask_save(self, caption: str, stem: str) -> Path | None:
        filters = {".xlsx": self.tr("Excel workbook (*.xlsx)"),
                   ".zip": self.tr("CSV files in a zip (*.zip)"),
                   ".csv": self.tr("CSV (*.csv)")}
        name, chosen = QFileDialog.getSaveFileName(
            self.page, caption, str(_last_folder() / f"{stem}.xlsx"),
            ";;".join(filters.values()), filters[".xlsx"])
        if not name:
            return None
        path = Path(name)
        if path.suffix.lower() not in SUFFIXES:  # typed without one: the chosen filter's
            suffix = next((s for s, text in filters.items() if text == chosen), ".xlsx")
            path = path.with_name(path.name + suffix)
            # the file dialog asked about the name as typed, not this one
            if path.exists() and QMessageBox.question(
                    self.page, self.tr("Replace file?"),
                    self.tr("%s already exists. Replace it?") % path) \
                    != QMessageBox.StandardButton.Yes:
                return None
        _remember_folder(path)
        return path

    def _status(self, text: str) -> None:
        self.page.window_.statusBar().showMessage(text, STATUS_MS)

    def _beside(self, path: Path) -> str:
        """ "and 2 more CSV files beside it" for the FILE.csv layout."""
        from qmsdesk.services.exchange import sheets

        more = len(sheets(self.key)) - 1
        if path.suffix.lower() != ".csv" or not more:
            return ""
        return " " + (self.tr("and 1 more CSV file beside it") if more == 1 else
                      self.tr("and %s more CSV files beside it") % more)

    # --- export and template ------------------------------------------------------------------
    def shown_refs(self) -> list[str] | None:
        """The references of the rows the table shows, in its order; None when it shows
        the whole register (or there is no table): nothing to choose between."""
        if self.table is None or self.table.loading:
            return None
        from qmsdesk.services.exchange import register_size

        refs = self.table.shown_refs()
        return None if len(refs) == register_size(self.page.db, self.key) else refs

    def _which_rows(self, refs: list[str]) -> list[str] | bool | None:
        """Ask: the rows shown (``refs``), or the whole register (None); False: cancelled."""
        from qmsdesk.services.exchange import register_size
        from qmsdesk.services.labels import plural

        whole = register_size(self.page.db, self.key)
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Export"), self.tr(
            "The table shows %1 of the register's %2: export "
            "the rows shown or the whole register?").replace("%1", str(len(refs)))
            .replace("%2", plural(whole, "record")), parent=self.page)
        shown = box.addButton(self.tr("&Rows shown (%s)") % len(refs),
                              QMessageBox.ButtonRole.AcceptRole)
        box.addButton(self.tr("&Whole register (%s)") % whole,
                      QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(shown)
        box.exec()
        clicked = box.clickedButton()
        box.deleteLater()
        if clicked is shown:
            return refs
        return None if box.buttonRole(clicked) == QMessageBox.ButtonRole.AcceptRole else False

    def export(self, shown_only: bool = False) -> None:
        """The whole register; when the table shows only part of it, asks which (or,
        ``shown_only``, writes the rows shown without asking)."""
        title = self._title()
        refs = self.shown_refs()
        if refs is not None and not shown_only:
            choice = self._which_rows(refs)
            if choice is False:
                return
            refs = choice if isinstance(choice, list) else None
        if refs is not None and not refs:
            self._status(self.tr("Nothing to export: no row matches the search and filters."))
            return
        stem = f"{self.key}-{self.page.today.isoformat()}" + ("-selection" if refs else "")
        out = self._ask_save(self.tr("Export %s") % title.lower(), stem)
        if out is None:
            return
        db, key = self.page.db, self.key
        what = title.lower() if refs is None else self.tr("the 1 row shown") \
            if len(refs) == 1 else self.tr("the %s rows shown") % len(refs)

        def task() -> Generator[Any, None, Any]:
            from qmsdesk.services.exchange import export_register

            return export_register(db, key, out, refs)

        run_with_progress(
            self.page, self.tr("Exporting %s") % title.lower(), task,
            lambda path: self._status(self.tr("Exported %1 to %2").replace(
                "%1", what).replace("%2", str(path)) + self._beside(Path(path))),
            lambda exc: show_error(self.page, self.tr("Export failed"), str(exc)))

    def write_template(self) -> None:
        title = self._title()
        out = self._ask_save(self.tr("Import template for %s") % title.lower(),
                             f"{self.key}-import-template")
        if out is None:
            return
        key = self.key

        def task() -> Generator[Any, None, Any]:
            from qmsdesk.services.exchange import write_template
            from qmsdesk.services.progress import Progress

            yield Progress(0, 0, "Writing the template")
            return write_template(key, out)

        run_with_progress(
            self.page, self.tr("Writing the import template"), task,
            lambda path: self._status(self.tr(
                "Import template written to %s: fill in the rows, then Import from "
                "spreadsheet…") % path),
            lambda exc: show_error(self.page, self.tr("Template not written"), str(exc)))

    # --- import -------------------------------------------------------------------------------
    def import_file(self) -> None:
        title = self._title()
        name, _ = QFileDialog.getOpenFileName(
            self.page, self.tr("Import %s") % title.lower(), str(_last_folder()),
            ";;".join((self.tr("Spreadsheets (*.xlsx *.xlsm *.zip *.csv)"),
                       self.tr("Excel workbook (*.xlsx *.xlsm)"),
                       self.tr("CSV files in a zip (*.zip)"), self.tr("CSV (*.csv)"))))
        if not name:
            return
        path = Path(name)
        _remember_folder(path)
        from qmsdesk.ui.dialogs.import_dialog import ImportDialog

        dialog = ImportDialog(self.import_job(path), self.page)
        dialog.exec()
        if dialog.imported:
            self.page.refresh()
            result = dialog.result_
            summary = result.summary() if result is not None else self.tr(
                "Imported: Cancel came after the import had finished.")
            self._status(f"{title} — {path.name}: {summary}")
        dialog.deleteLater()

    def import_job(self, path: Path) -> Any:
        """What the import dialog runs, with the database and date bound in."""
        from qmsdesk.services.exchange import required_headers
        from qmsdesk.ui.dialogs.import_dialog import ImportJob

        db, key, today = self.page.db, self.key, self.page.today

        def preview(remembered: Any, encoding: str | None) -> Any:
            from qmsdesk.services.exchange import preview_import

            return preview_import(key, path, remembered, encoding=encoding)

        def run(mapping: Any, dry_run: bool, cancelled: Callable[[], bool],
                encoding: str | None) -> Generator[Any, None, Any]:
            from qmsdesk.services.exchange import run_import

            return run_import(db, key, path, today, mapping=mapping, dry_run=dry_run,
                              cancelled=cancelled, encoding=encoding)

        return ImportJob(key, self._title(), path, preview, run,
                         required_headers(key, today))
