"""Importing a register from a spreadsheet, step by step: read the file, choose where its
columns go, check every row (nothing written), then see the problems or import. A CSV file
that is not UTF-8 is read again in the encoding the person chooses (never guessed).

The dialog runs what the page hands it (ImportJob: the reading and the import, with the
database bound in) on the thread pool; it never opens a session itself. The columns a person
chose are remembered per register and sheet, keyed by the file's headers, so the next file
with the same layout comes with the same choices.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Generator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from qmsdesk import paths
from qmsdesk.services import user_settings
from qmsdesk.ui.dialogs.import_encoding import EncodingPage
from qmsdesk.ui.dialogs.import_pages import ColumnsPage, ProblemsPage, ReadyPage
from qmsdesk.ui.errors import show_error
from qmsdesk.ui.tasks import BackgroundTask, start_task

Chosen = dict[str, dict[str, str]]  # sheet -> {file header: register header}


@dataclass
class ImportJob:
    """One file to import into one register. ``preview`` and ``run`` run off the GUI
    thread: preview(remembered, encoding) -> (SheetPreviews, sheets not used);
    run(mapping, dry_run, cancelled, encoding) -> a generator yielding Progress and
    returning an ImportResult, which asks ``cancelled()`` while it reads the file.
    ``encoding``: the one chosen for a CSV file that is not UTF-8 (None: UTF-8 only)."""

    key: str
    title: str
    path: Path
    preview: Callable[[Chosen | None, str | None], tuple[list[Any], list[str]]]
    run: Callable[[Chosen, bool, Callable[[], bool], str | None], Generator[Any, None, Any]]
    required: Mapping[str, Sequence[str]] = field(default_factory=dict)
    encoding: str | None = None


# --- the columns chosen before ----------------------------------------------------------------
def layout_key(headers: Sequence[str]) -> str:
    """The file's headers, in order, as a short settings key."""
    return hashlib.sha1("\x1f".join(headers).encode("utf-8")).hexdigest()[:16]


def remembered_layouts(register: str) -> dict[str, dict[str, dict[str, str]]]:
    """sheet -> layout key -> the mapping chosen for files with those headers."""
    layouts: dict[str, dict[str, dict[str, str]]] = user_settings.get(
        user_settings.IMPORT_MAPPINGS).get(register, {})
    return layouts


def remember_mapping(register: str, sheet: str, headers: Sequence[str],
                     mapping: Mapping[str, str]) -> None:
    every = user_settings.get(user_settings.IMPORT_MAPPINGS)
    every.setdefault(register, {}).setdefault(sheet, {})[layout_key(headers)] = dict(mapping)
    user_settings.put(user_settings.IMPORT_MAPPINGS, every)


def read_file(job: ImportJob, layouts: Mapping[str, Mapping[str, Mapping[str, str]]]
              ) -> Generator[Any, None, tuple[list[Any], list[str], Chosen]]:
    """Preview the file; when a table's headers match a layout chosen before, preview again
    with that choice as ``remembered``. Runs on the thread pool."""
    from qmsdesk.services.progress import Progress

    yield Progress(0, 0, f"Reading {job.path.name}")
    previews, ignored = job.preview(None, job.encoding)
    remembered = {p.sheet.name: dict(layouts[p.sheet.name][layout_key(p.headers)])
                  for p in previews
                  if layout_key(p.headers) in layouts.get(p.sheet.name, {})}
    if remembered:
        yield Progress(1, 2, "Selecting the columns chosen last time")
        previews, ignored = job.preview(remembered, job.encoding)
    return previews, ignored, remembered


# --- the dialog ---------------------------------------------------------------------------------
class ImportDialog(QDialog):
    """After exec(): ``imported`` says whether anything was written, ``result_`` is the
    ImportResult (None if Cancel came after the import had already finished)."""

    def __init__(self, job: ImportJob, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.job = job
        self.result_: Any = None
        self.imported = False
        self.previews: list[Any] = []
        self._task: BackgroundTask | None = None
        self._stop_reading: threading.Event | None = None
        self._task_kind = ""
        self._last_progress = (0, 0)
        self._close_when_idle = False
        self._changes = False
        self.setWindowTitle(self.tr("Import %s") % job.title.lower())
        self.resize(900, 620)
        self._build()
        self._read()

    def _read(self) -> None:
        job, layouts = self.job, remembered_layouts(self.job.key)
        self._start("read", lambda: read_file(job, layouts), self._file_read)

    def read_in(self, encoding: str) -> None:
        """Read the file again, a CSV file that is not UTF-8 in ``encoding``."""
        self.job.encoding = encoding
        self._show(self.message_page, self.tr("Reading %s") % self.job.path.name)
        self._read()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        self.heading = QLabel()
        self.heading.setStyleSheet("font-size: 15px; font-weight: 600;")
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.heading)
        self.stack = QStackedWidget()
        self.message_page = QLabel()
        self.message_page.setWordWrap(True)
        self.message_page.setTextFormat(Qt.TextFormat.PlainText)
        self.message_page.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.columns_page = ColumnsPage()
        self.columns_page.changed.connect(self._update_buttons)
        self.problems_page = ProblemsPage()
        self.problems_page.save_button.clicked.connect(self.save_report)
        self.ready_page = ReadyPage()
        self.encoding_page = EncodingPage()
        self.encoding_page.chosen.connect(self.read_in)
        for page in (self.message_page, self.columns_page, self.problems_page,
                     self.ready_page, self.encoding_page):
            self.stack.addWidget(page)
        layout.addWidget(self.stack, 1)
        self.progress_label = QLabel()
        self.progress = QProgressBar()
        self.progress.setTextVisible(False)
        busy = QHBoxLayout()
        busy.addWidget(self.progress_label)
        busy.addWidget(self.progress, 1)
        layout.addLayout(busy)
        buttons = QHBoxLayout()
        self.back_button = QPushButton(self.tr("< &Back"))
        self.back_button.clicked.connect(self.back)
        self.check_button = QPushButton(self.tr("&Check >"))
        self.check_button.setToolTip(self.tr("Check every row; nothing is written"))
        self.check_button.clicked.connect(self.check)
        self.import_button = QPushButton(self.tr("&Import"))
        self.import_button.clicked.connect(self.run_import)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.clicked.connect(self.cancel)
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        for button in (self.check_button, self.import_button, self.cancel_button):
            buttons.addWidget(button)
        layout.addLayout(buttons)

    # --- pages and buttons ------------------------------------------------------------------
    def _show(self, page: QWidget, heading: str) -> None:
        self.stack.setCurrentWidget(page)
        self.heading.setText(heading)
        self._update_buttons()

    def _update_buttons(self) -> None:
        page, busy = self.stack.currentWidget(), self._task is not None
        self.progress.setVisible(busy)
        self.progress_label.setVisible(busy)
        on_columns = page is self.columns_page
        self.back_button.setVisible(bool(self.previews) and page in (
            self.problems_page, self.ready_page, self.message_page))
        self.back_button.setEnabled(not busy)
        self.check_button.setVisible(on_columns)
        problem = self.columns_page.problem() if on_columns else ""
        self.check_button.setEnabled(on_columns and not busy and not problem)
        self.check_button.setToolTip(problem or self.tr("Check every row; nothing is written"))
        self.import_button.setVisible(page is self.ready_page)
        self.import_button.setEnabled(page is self.ready_page and not busy
                                      and self._changes)
        self.problems_page.setEnabled(not busy)
        self.encoding_page.setEnabled(not busy)
        self.columns_page.tabs.setEnabled(not busy)
        done = not busy and (page in (self.problems_page, self.message_page,
                                      self.encoding_page)
                             or (page is self.ready_page and not self._changes))
        self.cancel_button.setText(self.tr("Close") if done else self.tr("Cancel"))
        default = self.check_button if on_columns else self.import_button \
            if page is self.ready_page and self._changes else self.cancel_button
        for button in (self.check_button, self.import_button, self.cancel_button):
            button.setDefault(button is default)

    def back(self) -> None:
        self._show(self.columns_page, self.tr("1 · Columns"))

    # --- background work ----------------------------------------------------------------------
    def _start(self, kind: str, factory: Callable[[], Generator[Any, None, Any]],
               on_done: Callable[[Any], None]) -> None:
        self._task_kind = kind
        self._last_progress = (0, 0)
        self.progress.setRange(0, 0)
        self.progress_label.setText(self.tr("Working…"))

        def finished(result: Any) -> None:
            self._task = None
            on_done(result)
            self._idle()

        self._task = start_task(factory, finished, self._failed, self._progress,
                                self._cancelled)
        if self.stack.currentWidget() is self.message_page:
            self._show(self.message_page, self.tr("Reading %s") % self.job.path.name)
        self._update_buttons()

    def _progress(self, done: int, total: int, text: str) -> None:
        self._last_progress = (done, total)
        self.progress.setRange(0, max(total, 0))
        self.progress.setValue(min(done, total) if total > 0 else 0)
        if text:
            self.progress_label.setText(text)

    def _failed(self, exc: BaseException) -> None:
        from qmsdesk.services.errors import ServiceError
        from qmsdesk.services.exchange import Cancelled, EncodingError, ImportRefused

        self._task = None
        if isinstance(exc, Cancelled):  # stopped while reading the file
            self._cancelled()
            return
        if isinstance(exc, EncodingError) and exc.choosable:
            self.encoding_page.show_error(exc)
            self._show(self.encoding_page, self.tr("Which encoding is %s in?")
                       % self.job.path.name)
        elif isinstance(exc, ImportRefused):
            self.problems_page.show_problems(exc)
            self._show(self.problems_page, self.tr("2 · Problems"))
        else:
            # a file that cannot be read says why; anything else is logged by tasks.py
            self.message_page.setText(str(exc) if isinstance(exc, ServiceError) else self.tr(
                "Something went wrong: %1\n\nNothing was imported. The details were written "
                "to the log folder:\n%2").replace("%1", str(exc)).replace(
                "%2", str(paths.log_dir())))
            self._show(self.message_page, self.tr("Cannot import %s") % self.job.path.name)
        self._idle()

    def _cancelled(self) -> None:
        self._task = None
        self.cancel_button.setEnabled(True)
        done, total = self._last_progress
        if self._task_kind == "import" and total > 0 and done >= total:
            # Cancel came after the last step: the import had been written already.
            self.imported = True
            super().accept()
            return
        if self._task_kind == "read" or self._close_when_idle:
            super().reject()
            return
        self._update_buttons()
        self.progress_label.setText(self.tr("Cancelled: nothing was imported."))
        self.progress_label.show()

    def _idle(self) -> None:
        if self._close_when_idle and self.isVisible():
            super().reject()

    # --- the steps ----------------------------------------------------------------------------
    def _file_read(self, found: tuple[list[Any], list[str], Chosen]) -> None:
        previews, ignored, remembered = found
        self.previews = previews
        chosen = {p.sheet.name: ({h: t for h, t in p.mapping.items()
                                  if h in remembered[p.sheet.name]}
                                 if p.sheet.name in remembered else dict(p.mapping))
                  for p in previews}
        present = {p.sheet.name for p in previews}
        missing = [s.table.title for s in self._all_sheets() if s.name not in present]
        where = {p.sheet.name: self.tr("Sheet '%1' of %2").replace(
            "%1", p.file_sheet).replace("%2", self.job.path.name)
            if self.job.path.suffix.lower() != ".csv" else p.file_sheet
            for p in previews}
        self.columns_page.show_previews(previews, ignored, missing, chosen, self.job.required,
                                        where, list(remembered))
        self._show(self.columns_page, self.tr("1 · Columns"))

    def _all_sheets(self) -> list[Any]:
        from qmsdesk.services.exchange import sheets

        return list(sheets(self.job.key))

    def chosen_mapping(self) -> Chosen:
        return self.columns_page.mapping()

    def check(self) -> None:
        mapping = self.chosen_mapping()
        for preview in self.previews:
            remember_mapping(self.job.key, preview.sheet.name,
                             preview.headers, mapping[preview.sheet.name])
        job = self.job
        stop = self._new_stop()
        self._start("check", lambda: job.run(mapping, True, stop.is_set, job.encoding),
                    self._checked)

    def _checked(self, result: Any) -> None:
        self._changes = self.ready_page.show_result(result, self.job.path.name)
        self._show(self.ready_page, self.tr("3 · Ready to import") if self._changes
                   else self.tr("3 · Checked"))

    def run_import(self) -> None:
        mapping, job, stop = self.chosen_mapping(), self.job, self._new_stop()
        self._start("import", lambda: job.run(mapping, False, stop.is_set, job.encoding),
                    self._done)

    def _new_stop(self) -> threading.Event:
        """Set by Cancel: also stops the reading of a large file, not only between steps."""
        self._stop_reading = threading.Event()
        return self._stop_reading

    def _done(self, result: Any) -> None:
        self.result_ = result
        self.imported = True
        super().accept()

    # --- report and leaving -------------------------------------------------------------------
    def save_report(self) -> None:
        default = paths.reports_dir() / f"{self.job.path.stem}-import-problems.txt"
        name, _ = QFileDialog.getSaveFileName(self, self.tr("Save report"), str(default),
                                              self.tr("Text file (*.txt)"))
        if not name:
            return
        try:
            Path(name).write_text(self.problems_page.report + "\n", encoding="utf-8")
        except OSError as exc:
            show_error(self, self.tr("Report not saved"), str(exc))

    def cancel(self) -> None:
        """The Cancel button: stop the work in progress, or leave."""
        if self._task is not None:
            self._stop(close=False)
        else:
            self.reject()

    def reject(self) -> None:
        """Esc or closing the window: while work runs, stop it and close once stopped."""
        if self._task is not None:
            self._stop(close=True)
            return
        super().reject()

    def _stop(self, close: bool) -> None:
        assert self._task is not None
        self._close_when_idle = close
        self._task.cancel()  # honoured between two steps of the work
        if self._stop_reading is not None:
            self._stop_reading.set()
        self.progress_label.setText(self.tr("Cancelling…"))
        self.cancel_button.setEnabled(False)

    def closeEvent(self, event: Any) -> None:
        if self._task is not None:
            event.ignore()
            self.reject()
            return
        super().closeEvent(event)
