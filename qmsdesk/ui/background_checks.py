"""Work the window starts on a worker once a database is open: the check of a file too big
to check in full on open, and the daily backup."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from qmsdesk.ui.errors import show_error

if TYPE_CHECKING:
    from PySide6.QtWidgets import QStatusBar, QWidget

    from qmsdesk.services.workspace import Database


class Window(Protocol):
    """What these need of the main window."""

    db: Database | None
    automatic_backups: bool

    def close_database(self) -> None: ...

    def statusBar(self) -> QStatusBar: ...

    def tr(self, text: str) -> str: ...

    def widget(self) -> QWidget: ...


def check_in_background(window: Window, db: Database) -> None:
    """SQLite's check over the whole file, off the GUI thread. A damaged file is closed at
    once and the user told which file and what to do; an intact one gets its daily backup
    next (the backup of a damaged file would be refused anyway)."""
    from qmsdesk.services.workspace import check_whole_file
    from qmsdesk.ui.tasks import READS, call, start_task

    def done(_: object) -> None:
        if window.db is db and window.automatic_backups:
            daily_backup(window, db)

    def damaged(exc: BaseException) -> None:
        if window.db is db:
            window.close_database()
            show_error(window.widget(), window.tr("Database damaged"), str(exc))

    window.statusBar().showMessage(window.tr("Checking %s…") % db.display_name, 5000)
    start_task(lambda: call(lambda: check_whole_file(db)), done, damaged, owner=window.widget(),
               group=READS)


def daily_backup(window: Window, db: Database) -> None:
    """Once a day, a verified backup in the data folder, in the background."""
    from qmsdesk.services.backups import automatic_backup_task
    from qmsdesk.ui.tasks import start_task

    def done(taken: object) -> None:
        if taken is not None and window.db is db:
            window.statusBar().showMessage(window.tr("Daily backup written"), 5000)

    def failed(exc: BaseException) -> None:
        if window.db is db:
            window.statusBar().showMessage(window.tr("Daily backup failed: %s") % exc, 15000)

    start_task(lambda: automatic_backup_task(db), done, failed, owner=window.widget())
