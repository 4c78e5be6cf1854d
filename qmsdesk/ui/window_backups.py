"""File › Backups… for the main window: the open file's backups, back up now, restore one."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QCoreApplication

from qmsdesk.ui.errors import show_error

if TYPE_CHECKING:
    from PySide6.QtWidgets import QStatusBar, QWidget

    from qmsdesk.services.workspace import Database


class MainWindow(Protocol):
    """What the backups need of the main window (named by its role: the window module
    imports this one)."""

    db: Database | None
    backups_dialog: Any

    def window(self) -> QWidget: ...

    def statusBar(self) -> QStatusBar: ...

    def show_placeholder(self, text: str) -> None: ...

    def close_db(self) -> None: ...

    def open_database(self, target: str | Path, create: bool = False) -> bool: ...


def _tr(text: str) -> str:
    return QCoreApplication.translate("MainWindow", text)


def show_backups(window: MainWindow) -> None:
    """The backups dialog of the open file (a server's database says how to back it up)."""
    if window.db is None:
        return
    if window.db.path is None:
        show_error(window.window(), _tr("Backups"), _tr(
            "This database is on a server: back it up with the server's own tools (for "
            "PostgreSQL, pg_dump)."))
        return
    from qmsdesk.ui.dialogs.backups_dialog import BackupsDialog

    window.backups_dialog = BackupsDialog(window.db.path, lambda: backup_now(window),
                                          lambda backup: restore_backup(window, backup),
                                          window.window())
    window.backups_dialog.exec()


def backup_now(window: MainWindow) -> None:
    from qmsdesk.services.backups import backup_task
    from qmsdesk.ui.tasks import run_with_progress

    db, dialog = window.db, window.backups_dialog
    if db is None or dialog is None:
        return

    def done(taken: object) -> None:
        dialog.reload()
        window.statusBar().showMessage(
            _tr("Backup written to %s") % getattr(taken, "path", ""), 8000)

    run_with_progress(window.window(), _tr("Backing up"), lambda: backup_task(db), done,
                      lambda exc: show_error(window.window(), _tr("Backup failed"), str(exc)))


def restore_backup(window: MainWindow, backup: Path) -> None:
    """Close the database, put the backup in its place (the current file is backed up
    first), open it again."""
    from qmsdesk.services.backups import restore_task
    from qmsdesk.ui.tasks import run_with_progress

    if window.db is None or window.db.path is None:
        return
    path = window.db.path
    window.show_placeholder(_tr("Restoring %s…") % backup.name)  # no page reads meanwhile
    window.close_db()

    def done(safety: object) -> None:
        window.open_database(path)
        window.statusBar().showMessage(_tr("Restored %s; the file as it was is kept as %s")
                                       % (backup.name, getattr(safety, "path", "")), 15000)

    def failed(exc: BaseException) -> None:
        show_error(window.window(), _tr("Not restored"), str(exc))
        window.open_database(path)

    run_with_progress(window.window(), _tr("Restoring"), lambda: restore_task(path, backup), done,
                      failed)
