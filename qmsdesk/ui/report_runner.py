"""Writing a report or an auditor pack from the GUI: where to save, progress, open.

The report modules (reportlab, matplotlib) load only when a report is asked for.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from qmsdesk import paths
from qmsdesk.reports.catalog import REPORT_KINDS
from qmsdesk.services.dates import period_slug
from qmsdesk.services.user_settings import prepared_by
from qmsdesk.ui.errors import show_error
from qmsdesk.ui.tasks import run_with_progress

if TYPE_CHECKING:
    from qmsdesk.services.report_log import LoggedReport
    from qmsdesk.services.workspace import Database

Period = tuple[date, date] | None


def open_file(path: str, parent: QWidget | None = None) -> None:
    """Open a file (or a folder) with the system's program for it (tests replace this).

    When there is none, say where the file is: on Linux the opener is started whether or
    not anything can open the file, and its complaint would reach only a terminal.
    """
    import shutil
    import sys

    opener = shutil.which("xdg-open") if sys.platform.startswith(("linux", "freebsd")) else None
    if opener is None:
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(path)):
            cannot_open(parent, path)
        return
    from PySide6.QtCore import QCoreApplication, QProcess

    process = QProcess(QCoreApplication.instance())

    def ended(code: int = 0, _status: object = None) -> None:
        if code != 0 or process.exitStatus() != QProcess.ExitStatus.NormalExit:
            cannot_open(parent, path)
        process.deleteLater()

    process.finished.connect(ended)
    process.errorOccurred.connect(
        lambda error: ended(1) if error == QProcess.ProcessError.FailedToStart else None)
    process.start(opener, [path])


def cannot_open(parent: QWidget | None, path: str) -> None:
    """One sentence naming where the file is, instead of nothing at all."""
    from PySide6.QtWidgets import QApplication

    target = Path(path)
    where = target if target.is_dir() else target.parent
    QMessageBox.information(
        parent or QApplication.activeWindow(), QApplication.translate("report", "Cannot open"),
        QApplication.translate(
            "report", "No program on this computer opens %1, so it was not opened; it is "
                      "saved in %2.").replace("%1", target.name).replace("%2", str(where)))


def readable_copy(entry: LoggedReport) -> Path:
    """The logged report as a file a viewer can open: itself, or for a report inside an
    auditor pack, a copy taken out of the zip into a temporary folder."""
    import zipfile

    from qmsdesk import paths

    member = entry.archive_member
    if member is None:
        return Path(entry.path)
    # One folder, one file per logged report: opening it again reuses the copy.
    folder = paths.cache_dir() / "reports"
    folder.mkdir(exist_ok=True)
    target = folder / f"{entry.sha256[:12]}-{Path(member[1]).name}"
    if not target.is_file():
        with zipfile.ZipFile(member[0]) as archive:
            target.write_bytes(archive.read(member[1]))
    return target


def _ask_path(parent: QWidget, title: str, default: Path, filter_text: str) -> Path | None:
    name, _ = QFileDialog.getSaveFileName(parent, title, str(default), filter_text)
    return Path(name) if name else None


def ask_returned_workbook(parent: QWidget, title: str) -> Path | None:
    """A workbook someone filled in and sent back (a questionnaire, a survey), looked for
    where exports go; None when the user cancels."""
    from qmsdesk.services.user_settings import EXPORT_FOLDER, get

    folder = Path(get(EXPORT_FOLDER) or paths.reports_dir())
    name, _ = QFileDialog.getOpenFileName(parent, title, str(folder),
                                          parent.tr("Excel workbook (*.xlsx)"))
    return Path(name) if name else None


def _request(today: date, period: Period) -> Any:
    from qmsdesk.reports.issue import ReportRequest

    start, end = period if period is not None else (None, None)
    return ReportRequest(today, prepared_by(), start, end)


def _period_name(today: date, period: Period) -> str:
    return today.isoformat() if period is None else period_slug(*period)


def write_report(parent: QWidget, db: Database, kind_key: str, today: date,
                 on_done: Callable[[Any], None], period: Period = None) -> None:
    """Ask where to save, then issue the report in the background with progress;
    ``on_done`` gets the IssuedReport (revision, path)."""
    kind = REPORT_KINDS[kind_key]
    default = paths.reports_dir() / kind.file_name(_period_name(today, period))
    out = _ask_path(parent, parent.tr("Save report"), default, parent.tr("PDF (*.pdf)"))
    if out is None:
        return
    request = _request(today, period)

    def task() -> Any:
        from qmsdesk.reports.issue import generate_report

        return generate_report(db, kind.key, out, request)

    run_with_progress(parent, parent.tr("Writing: %s") % kind.title, task, on_done,
                      lambda exc: show_error(parent, parent.tr("Report failed"), str(exc)))


def write_auditor_pack(parent: QWidget, db: Database, today: date, period: tuple[date, date],
                       on_done: Callable[[Any], None]) -> None:
    """Ask where to save the zip, then write the auditor pack with progress."""
    default = paths.reports_dir() / f"qms-auditor-pack-{_period_name(today, period)}.zip"
    out = _ask_path(parent, parent.tr("Save auditor pack"), default, parent.tr("Zip (*.zip)"))
    if out is None:
        return
    if out.suffix.lower() != ".zip":
        out = out.with_name(out.name + ".zip")
        if out.exists() and QMessageBox.question(
                parent, parent.tr("Replace file?"),
                parent.tr("%s already exists. Replace it?") % out) \
                != QMessageBox.StandardButton.Yes:
            return
    request = _request(today, period)

    def task() -> Any:
        from qmsdesk.reports.auditor_pack import write_auditor_pack as write_pack

        return write_pack(db, out, request)

    run_with_progress(parent, parent.tr("Writing the auditor pack"), task, on_done,
                      lambda exc: show_error(parent, parent.tr("Auditor pack failed"), str(exc)))
