"""Opening the action editor from any page (actions page, objective and party editors)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from html import escape
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from qmsdesk import registers as catalogue
from qmsdesk.services import signoff
from qmsdesk.services.actions import effectiveness, rules, service
from qmsdesk.services.errors import ServiceError
from qmsdesk.ui.archived_note import note_archived
from qmsdesk.ui.dialogs.action_dialog import ActionDialog, SourceChoices
from qmsdesk.ui.dialogs.approval_dialog import signed_save
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
    dialog = ActionDialog(record, lambda rec: save_signed(parent, db, today, record, rec),
                          today, source_choices(db, today), owners, parent)
    me = db.identity()
    dialog.set_checker(signoff.role_refusal(db), db.user if me.on_server else "")
    add_evidence_tab(dialog, db, "action", record.id)  # the 8D report behind a closure
    note_archived(dialog, record)
    if dialog.exec() and dialog.saved is not None:
        return dialog.saved
    if dialog.reload_requested and record.id is not None:
        return edit_action(parent, db, today, service.get_action(db, record.id))
    return None


def save_signed(parent: QWidget, db: Database, today: date, before: service.ActionRecord,
                record: service.ActionRecord) -> service.ActionRecord:
    """Save an action; recording its effectiveness check is signed first (the shared sign
    dialog), once the form's rules pass."""
    record = effectiveness.with_checker(db, record)

    def precheck() -> dict[str, str]:
        checked = replace(record)
        service.normalise(checked)
        return rules.validate_action(checked, today)

    approving = rules.signs_check(before if before.id is not None else None, record)
    what = parent.tr("Record the effectiveness check of <b>%s</b> (ISO 9001 10.2.1 d) as "
                     "your approval.") % escape(record.ref or record.title or "the action")
    return signed_save(parent, db, parent.tr("Sign effectiveness check"), what, approving,
                       "effectiveness", lambda meaning: service.save_action(
                           db, record, today, meaning), precheck)


def open_action(parent: QWidget, db: Database, today: date,
                action_id: int) -> service.ActionRecord | None:
    try:
        record = service.get_action(db, action_id)
    except ServiceError as exc:
        show_error(parent, parent.tr("Cannot open"), str(exc))
        return None
    return edit_action(parent, db, today, record)
