"""The list of management-review meetings, with the editor and each meeting's actions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from qmsdesk.services import management_reviews as service
from qmsdesk.ui.dialogs.meeting_dialog import MeetingDialog
from qmsdesk.ui.formatting import format_date
from qmsdesk.ui.linked_actions import ACTION_WIDTHS, LinkedActions, actions_of
from qmsdesk.ui.pages.actions_page import ACTION_COLUMNS
from qmsdesk.ui.register_table import RegisterTable
from qmsdesk.ui.table_model import Column
from qmsdesk.ui.write_access import writes

if TYPE_CHECKING:
    from qmsdesk.services.management_reviews import ReviewMeeting, ReviewMeetingRow
    from qmsdesk.ui.pages.base_page import RegisterPage

MEETING_COLUMNS: list[Column[ReviewMeetingRow]] = [
    Column("Ref", lambda r: r.ref),
    Column("Held on", lambda r: format_date(r.held_on), sort_key=lambda r: r.held_on.toordinal()),
    Column("Period reviewed",
           lambda r: f"{format_date(r.period_from)} – {format_date(r.period_to)}",
           sort_key=lambda r: r.period_from.toordinal()),
    Column("Chair", lambda r: r.chair),
    Column("Actions", lambda r: str(r.actions), sort_key=lambda r: r.actions, searchable=False),
    Column("Still open", lambda r: str(r.open_actions), sort_key=lambda r: r.open_actions,
           searchable=False),
]
MEETING_WIDTHS = (90, 95, 200, 180, 70, 80)


class MeetingsPanel(QWidget):
    """Meetings on the Reports page; ``changed`` fires after a meeting is saved."""

    changed = Signal()

    def __init__(self, page: RegisterPage) -> None:
        super().__init__(page)
        self.page = page
        layout = QVBoxLayout(self)
        self.table = RegisterTable(MEETING_COLUMNS, MEETING_WIDTHS, 3, self.tr(
            "No management reviews recorded.\n\nAfter the meeting, record it with New "
            "management review…: the period reviewed, who attended, the conclusions and the "
            "actions decided. The next input pack reports those actions' status."),
            ("management review", "management reviews"), self)
        self.table.view.sortByColumn(1, Qt.SortOrder.DescendingOrder)  # latest meeting first
        layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.new_button = QPushButton(self.tr("&New management review…"))
        writes(self.new_button)
        self.open_button = QPushButton(self.tr("Open…"))
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.new_button.clicked.connect(self.new)
        self.open_button.clicked.connect(self.open_selected)
        self.table.open_requested.connect(self.open_selected)
        self.table.current_changed.connect(
            lambda: self.open_button.setEnabled(self.table.selected_row() is not None))
        self.open_button.setEnabled(False)

    def rows(self) -> list[ReviewMeetingRow]:
        return self.table.rows()

    def refresh(self, select_id: int | None = None) -> None:
        self.table.set_rows(service.list_meetings(self.page.db), select_id)
        self.open_button.setEnabled(self.table.selected_row() is not None)

    def _actions(self, record: ReviewMeeting) -> LinkedActions:
        # An unsaved meeting shows the panel disabled, with a note to save first.
        return actions_of(self, self.page.db, self.page.today, "management_review_id",
                          record.id) or LinkedActions(ACTION_COLUMNS, ACTION_WIDTHS, None, None,
                                                      None)

    def edit(self, record: ReviewMeeting) -> None:
        from qmsdesk.ui.evidence_panel import add_evidence_tab

        db, today = self.page.db, self.page.today
        dialog = MeetingDialog(record, lambda rec: service.save_meeting(db, rec, today), today,
                               self._actions(record), self)
        add_evidence_tab(dialog, db, "management review", record.id)  # minutes, slides
        accepted = dialog.exec()
        if dialog.reload_requested and record.id is not None:
            self.edit(service.get_meeting(db, record.id))
            return
        saved = accepted and dialog.saved is not None
        self.refresh(dialog.saved.id if saved else record.id)
        if saved:
            self.changed.emit()

    def new(self) -> None:
        self.edit(service.ReviewMeeting())

    def open_selected(self) -> None:
        meeting_id = self.table.selected_id()
        if meeting_id is not None:
            self.edit(service.get_meeting(self.page.db, meeting_id))
