"""Records linked to the one being edited, listed inside its editor: the actions raised from
an objective, party or review; a supplier's reviews."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from qmsdesk.services.actions import service as action_service
from qmsdesk.ui.action_editing import edit_action, open_action
from qmsdesk.ui.pages.actions_page import ACTION_COLUMNS
from qmsdesk.ui.register_table import RegisterTable
from qmsdesk.ui.write_access import writes

if TYPE_CHECKING:
    from qmsdesk.services.workspace import Database

# The action log's columns, narrower: the whole row fits inside an editor.
ACTION_WIDTHS = (72, 230, 90, 90, 110, 120, 85, 60, 95)


class LinkedActions(QWidget):
    """``load()`` lists the actions; ``add()`` / ``open(action_id)`` run the action editor
    (the page's code, which saves through the service) and return whether anything changed."""

    def __init__(self, columns: Sequence[Any], widths: Sequence[int],
                 load: Callable[[], list[Any]] | None, add: Callable[[], bool] | None,
                 open_: Callable[[int], bool] | None, parent: QWidget | None = None,
                 noun: tuple[str, str] = ("action", "actions"), empty_text: str = "",
                 new_label: str = "", open_label: str = "") -> None:
        super().__init__(parent)
        self._load, self._add, self._open = load, add, open_
        layout = QVBoxLayout(self)
        self.table = RegisterTable(columns, widths, 1, empty_text or self.tr(
            "No actions yet for this record. New action… records what will be done, "
            "by whom and by when."), noun, self)
        layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.new_button = QPushButton(new_label or self.tr("New action…"))
        writes(self.new_button)
        self.open_button = QPushButton(open_label or self.tr("Open action…"))
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.new_button.clicked.connect(self.add)
        self.open_button.clicked.connect(self.open_selected)
        self.table.open_requested.connect(self.open_selected)
        if load is None:
            note = QLabel(self.tr("Save the record first; then actions can be added to it."))
            note.setWordWrap(True)
            layout.insertWidget(0, note)
            for button in (self.new_button, self.open_button):
                button.setEnabled(False)
        self.reload()

    def reload(self, select_id: int | None = None) -> None:
        self.table.set_rows(self._load() if self._load else [], select_id)

    def add(self) -> None:
        if self._add is not None and self._add():
            self.reload()

    def open_selected(self) -> None:
        action_id = self.table.selected_id()
        if self._open is not None and action_id is not None and self._open(action_id):
            self.reload(action_id)


def actions_of(parent: QWidget, db: Database, today: date, link: str,
               record_id: int | None) -> LinkedActions | None:
    """The actions raised from one record (``link`` is the action's link field, e.g.
    "party_id"), for its editor: listed, added and opened through the action editor. None
    for a record not saved yet: it cannot have actions."""
    if record_id is None:
        return None
    links = {link: record_id}
    return LinkedActions(
        ACTION_COLUMNS, ACTION_WIDTHS,
        lambda: action_service.list_actions(db, today, include_closed=True,
                                            include_archived=True, **links),
        lambda: edit_action(parent, db, today,
                            action_service.new_action(today, **links)) is not None,
        lambda action_id: open_action(parent, db, today, action_id) is not None)
