"""Opening the action editor from any page (actions page, objective and party editors)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from qmsdesk import registers as catalogue
from qmsdesk.services.actions import service
from qmsdesk.services.errors import ServiceError
from qmsdesk.ui.dialogs.action_dialog import ActionDialog, SourceChoices
from qmsdesk.ui.errors import show_error
from qmsdesk.ui.evidence_panel import add_evidence_tab

if TYPE_CHECKING:
    from qmsdesk.services.workspace import Database


def source_choices(db: Database, today: date) -> SourceChoices:
    """Source -> the records an action may be raised from, for the sources the register
    catalogue lets a person choose (a supplier review's actions are raised from it)."""
    return {source.name: catalogue.load(source.choices)(db, today)
            for source in catalogue.action_sources() if source.choices}


def edit_action(parent: QWidget, db: Database, today: date,
                record: service.ActionRecord) -> service.ActionRecord | None:
    """Show the editor; the saved action, or None when cancelled."""
    owners = sorted({row.owner for row in service.list_actions(db, today) if row.owner})
    dialog = ActionDialog(record, lambda rec: service.save_action(db, rec, today), today,
                          source_choices(db, today), owners, parent)
    add_evidence_tab(dialog, db, "action", record.id)  # the 8D report behind a closure
    if dialog.exec() and dialog.saved is not None:
        return dialog.saved
    if dialog.reload_requested and record.id is not None:
        return edit_action(parent, db, today, service.get_action(db, record.id))
    return None


def open_action(parent: QWidget, db: Database, today: date,
                action_id: int) -> service.ActionRecord | None:
    try:
        record = service.get_action(db, action_id)
    except ServiceError as exc:
        show_error(parent, parent.tr("Cannot open"), str(exc))
        return None
    return edit_action(parent, db, today, record)
