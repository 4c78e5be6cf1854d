"""File > Export calendar…: every due item as events in the user's own calendar (.ics)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PySide6.QtWidgets import QFileDialog, QStatusBar, QWidget

from qmsdesk import clock, paths
from qmsdesk.ui.errors import show_error

if TYPE_CHECKING:
    from qmsdesk.services.workspace import Database


class Window(Protocol):
    """What the export needs of the main window."""

    @property
    def db(self) -> Database | None: ...

    def statusBar(self) -> QStatusBar: ...

    def tr(self, text: str) -> str: ...


def export_calendar_dialog(window: Window, parent: QWidget) -> None:
    """Ask where, write the file on a worker, say what it holds in the status bar."""
    from qmsdesk.services.calendar import CalendarExport, export_calendar
    from qmsdesk.services.user_settings import EXPORT_FOLDER, get
    from qmsdesk.ui.tasks import call, start_task

    db = window.db
    if db is None:
        return
    folder = Path(get(EXPORT_FOLDER) or paths.reports_dir())
    name, _ = QFileDialog.getSaveFileName(
        parent, window.tr("Export calendar"), str(folder / "qms-due.ics"),
        window.tr("Calendar (*.ics)"))
    if not name:
        return
    target = Path(name) if name.lower().endswith(".ics") else Path(f"{name}.ics")
    today = clock.today()

    def done(written: CalendarExport) -> None:
        window.statusBar().showMessage(window.tr(
            "Calendar written: %1 (%2 due items, %3 overdue). Import it into your calendar "
            "app; import a newer one to update.").replace("%1", str(written.path))
            .replace("%2", str(written.events)).replace("%3", str(written.overdue)), 15000)

    start_task(lambda: call(lambda: export_calendar(db, target, today)), done,
               lambda exc: show_error(parent, window.tr("Calendar not written"), str(exc)),
               owner=parent)
