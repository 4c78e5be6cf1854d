"""Reports: issue controlled reports and packs, the report log, management reviews."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QWidget,
)

from qmsdesk.reports.catalog import REPORT_KINDS
from qmsdesk.services import report_log, signoff
from qmsdesk.services.review_inputs import validate_period
from qmsdesk.ui import report_runner
from qmsdesk.ui.dialogs.record_dialog import error_style
from qmsdesk.ui.formatting import format_date
from qmsdesk.ui.meetings_panel import MeetingsPanel
from qmsdesk.ui.pages.base_page import RegisterPage
from qmsdesk.ui.register_table import RegisterTable
from qmsdesk.ui.table_model import Column
from qmsdesk.ui.widgets import DateEdit
from qmsdesk.ui.write_access import writes

if TYPE_CHECKING:
    from qmsdesk.services.report_log import LoggedReport
    from qmsdesk.ui.main_window import MainWindow


def _local(entry: LoggedReport) -> str:
    return entry.generated_at.astimezone().strftime("%Y-%m-%d %H:%M")


def _where(entry: LoggedReport) -> str:
    if not entry.file_present:
        return "Missing"
    return "In auditor pack" if entry.archive_member else "Available"


LOG_COLUMNS: list[Column[LoggedReport]] = [
    Column("Generated", _local, sort_key=lambda r: r.generated_at.timestamp()),
    Column("Report", lambda r: r.title, tooltip=lambda r: r.location),
    Column("Document", lambda r: r.document_number),
    Column("Rev", lambda r: str(r.revision), sort_key=lambda r: r.revision),
    Column("Issued", lambda r: format_date(r.issue_date),
           sort_key=lambda r: r.issue_date.toordinal()),
    Column("Period", lambda r: r.period),
    Column("Pages", lambda r: str(r.pages), sort_key=lambda r: r.pages, searchable=False),
    Column("By", lambda r: r.generated_by),
    Column("Approval", lambda r: r.approved or "Not yet approved"),
    Column("File", _where, tooltip=lambda r: f"{r.location}\nsha256 {r.sha256}"),
]
LOG_WIDTHS = (125, 270, 110, 45, 95, 190, 50, 110, 200, 110)


class ReportsPage(RegisterPage):
    BUTTONS_PER_ROW = 3
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window, self.tr("Reports"), self.tr(
            "ISO 9001 clauses 7.5 and 9.3 — controlled reports with their revisions, the "
            "management-review input pack and the auditor pack"))
        self._report_actions = [self._kind_action(key) for key in REPORT_KINDS]
        self._build_issue_box()
        self.tabs = QTabWidget()
        self.log = RegisterTable(LOG_COLUMNS, LOG_WIDTHS, 1, self.tr(
            "No reports issued yet.\n\nEvery report you write (from here or from a register "
            "page) is listed here with its revision and checksum."),
            ("report", "reports"), self)
        self.log.view.sortByColumn(0, Qt.SortOrder.DescendingOrder)  # newest first
        log_tab = QWidget()
        column = QGridLayout(log_tab)
        column.addWidget(self.log, 0, 0, 1, 4)
        self.open_button = QPushButton(self.tr("&Open report"))
        self.folder_button = QPushButton(self.tr("Show in &folder"))
        self.approve_button = QPushButton(self.tr("A&pprove revision…"))
        writes(self.approve_button)
        self.approve_button.setToolTip(self.tr(
            "Record your approval of the selected report's revision (ISO 9001 7.5.2)"))
        column.addWidget(self.open_button, 1, 0)
        column.addWidget(self.folder_button, 1, 1)
        column.addWidget(self.approve_button, 1, 2)
        column.setColumnStretch(3, 1)
        self.tabs.addTab(log_tab, self.tr("Report &log"))
        self.meetings = MeetingsPanel(self)
        self.tabs.addTab(self.meetings, self.tr("&Management reviews"))
        self.layout_.addWidget(self.tabs, 1)
        self.open_button.clicked.connect(self.open_selected)
        self.folder_button.clicked.connect(self.show_folder)
        self.approve_button.clicked.connect(self.approve_selected)
        self.log.open_requested.connect(self.open_selected)
        self.log.current_changed.connect(self._update_buttons)
        self.meetings.changed.connect(self._default_period)
        self._period_set = False  # the default is filled once; the user's choice then stays
        self._update_buttons()

    # --- issuing ------------------------------------------------------------------------------
    def _kind_action(self, key: str) -> QAction:
        kind = REPORT_KINDS[key]
        action = QAction(self.tr("%s (PDF)…") % kind.title, self)
        action.triggered.connect(lambda: self.issue(key))
        return action

    def report_actions(self) -> list[QAction]:
        return self._report_actions

    def _build_issue_box(self) -> None:
        box = QGroupBox(self.tr("Issue a report"))
        grid = QGridLayout(box)
        grid.addWidget(QLabel(self.tr("Registers, as of today:")), 0, 0,
                       Qt.AlignmentFlag.AlignTop)
        buttons = QGridLayout()  # rows of three: every title readable on a small screen
        snapshots = [(key, kind) for key, kind in REPORT_KINDS.items() if not kind.periodic]
        for n, (key, kind) in enumerate(snapshots):
            button = QPushButton(kind.title)
            button.setObjectName(f"issue_{key}")
            button.setToolTip(self.tr("Issue the %s as a controlled PDF") % kind.title)
            button.clicked.connect(lambda _=False, k=key: self.issue(k))
            buttons.addWidget(button, n // self.BUTTONS_PER_ROW, n % self.BUTTONS_PER_ROW)
        buttons.setColumnStretch(self.BUTTONS_PER_ROW, 1)
        grid.addLayout(buttons, 0, 1)
        grid.addWidget(QLabel(self.tr("For the period:")), 1, 0)
        period = QHBoxLayout()
        self.period_from, self.period_to = DateEdit(), DateEdit()
        period.addWidget(self.period_from)
        period.addWidget(QLabel(self.tr("to")))
        period.addWidget(self.period_to)
        self.review_button = QPushButton(self.tr("Management review pack…"))
        self.pack_button = QPushButton(self.tr("Auditor pack…"))
        self.review_button.clicked.connect(lambda: self.issue("management-review"))
        self.pack_button.clicked.connect(self.auditor_pack)
        period.addSpacing(12)
        period.addWidget(self.review_button)
        period.addWidget(self.pack_button)
        period.addStretch(1)
        grid.addLayout(period, 1, 1)
        self.period_error = QLabel()
        self.period_error.setStyleSheet(error_style())
        self.period_error.hide()
        grid.addWidget(self.period_error, 2, 1)
        grid.setColumnStretch(1, 1)
        self.layout_.addWidget(box)

    def period(self) -> tuple[date, date] | None:
        """The chosen period, or None (with the reason shown) when it cannot be used."""
        start, end = self.period_from.value(), self.period_to.value()
        message = "\n".join(validate_period(start, end, self.today).values())
        self.period_error.setText(message)
        self.period_error.setVisible(bool(message))
        if message or start is None or end is None:  # validate_period names a missing date
            return None
        return start, end

    def issue(self, key: str) -> None:
        period = None
        if REPORT_KINDS[key].periodic:
            period = self.period()
            if period is None:
                return
        report_runner.write_report(self, self.db, key, self.today, self.report_done, period)

    def auditor_pack(self) -> None:
        period = self.period()
        if period is not None:
            report_runner.write_auditor_pack(self, self.db, self.today, period, self._pack_done)

    def _pack_done(self, pack: Any) -> None:
        self.window_.statusBar().showMessage(
            self.tr("Auditor pack written to %s (%d files)") % (pack.path, len(pack.files)),
            10000)
        self.refresh()
        report_runner.open_file(str(Path(pack.path).parent))

    def _default_period(self) -> None:
        """From the day after the last review's period (else 1 January) to today; called
        when the page is first shown and when a management review is recorded."""
        self._period_set = True
        meetings = self.meetings.rows()
        start = date(self.today.year, 1, 1)
        if meetings:
            last = max(meetings, key=lambda m: m.period_to).period_to
            start = min(date.fromordinal(last.toordinal() + 1), self.today)
        self.period_from.set_value(start)
        self.period_to.set_value(self.today)

    # --- the log ------------------------------------------------------------------------------
    def refresh(self, select_id: int | None = None) -> None:
        self.stale = False
        self.log.set_rows(report_log.list_report_log(self.db), select_id)
        self._update_buttons()

    def activated(self) -> None:
        self.refresh(self.log.selected_id())
        self.meetings.refresh()
        if not self._period_set:
            self._default_period()

    def _update_buttons(self) -> None:
        entry = self.log.selected_row()
        present = entry is not None and entry.file_present
        self.open_button.setEnabled(present)
        self.folder_button.setEnabled(present)
        refusal = signoff.role_refusal(self.db)  # approving a revision is for approvers
        self.approve_button.setEnabled(entry is not None and not entry.approved
                                       and not self.db.readonly and not refusal)
        self.approve_button.setToolTip(refusal or self.tr(
            "Record your approval of the selected report's revision (ISO 9001 7.5.2)"))

    def approve_selected(self) -> None:
        entry: LoggedReport | None = self.log.selected_row()
        if entry is None or entry.approved:
            return
        from qmsdesk.ui.dialogs.approval_dialog import ApprovalDialog

        dialog = ApprovalDialog(self.db, entry, self)
        accepted = dialog.exec() == ApprovalDialog.DialogCode.Accepted
        approved = dialog.approval
        dialog.deleteLater()
        if not accepted or approved is None:
            return
        self.refresh(entry.id)
        kind = REPORT_KINDS[entry.report_type]
        self.window_.statusBar().showMessage(self.tr("Approved %1 revision %2")
                                            .replace("%1", kind.title)
                                            .replace("%2", str(entry.revision)), 5000)
        if not kind.periodic and QMessageBox.question(
                self, self.tr("Issue with the approval?"), self.tr(
                    "Revision %s is approved. Issue the report again now, so that a copy "
                    "prints the approval? (If the registers changed since, it becomes the "
                    "next revision, to be approved in turn.)") % entry.revision) \
                == QMessageBox.StandardButton.Yes:
            self.issue(kind.key)

    def open_selected(self) -> None:
        entry: LoggedReport | None = self.log.selected_row()
        if entry is None:
            return
        state = entry.file_state()
        if state == report_log.MISSING:
            QMessageBox.information(self, self.tr("Report not found"), self.tr(
                "%s no longer exists. Issue the report again to get a fresh copy.")
                % entry.location)
            return
        if state == report_log.CHANGED and QMessageBox.question(
                self, self.tr("File changed"), self.tr(
                    "%s was changed after it was issued: its checksum no longer matches the "
                    "report log. Open it anyway?") % entry.location) \
                != QMessageBox.StandardButton.Yes:
            return
        report_runner.open_file(str(report_runner.readable_copy(entry)))

    def show_folder(self) -> None:
        entry: LoggedReport | None = self.log.selected_row()
        if entry is not None:
            folder = Path(entry.path).parent
            from qmsdesk.ui import report_runner

            report_runner.open_file(str(folder), self)  # says where, if nothing opens it
