"""Archiving a finished action, and restoring it: a date and a reason beside its status
(which keeps the outcome, done or cancelled), in one transaction on the record and the audit
trail (which reads "archive" and "restore", as for every register)."""

from __future__ import annotations

from datetime import date

from qmsdesk.models.db import Database
from qmsdesk.services.actions import rules
from qmsdesk.services.actions.records import ActionRecord
from qmsdesk.services.actions.service import get_action, save_action
from qmsdesk.services.archiving import with_archived


def set_action_archived(db: Database, action_id: int, version: int, archive: bool,
                        today: date, reason: str = "") -> ActionRecord:
    """Archive (with the reason; refused while it is open or in progress) or restore an
    action. ConflictError when it changed since the user's copy (``version``);
    ValidationError with the refusal, without a reason, or when it is already so."""
    record = get_action(db, action_id)
    refusal = rules.archive_refusal(record.ref, record.status) if archive else ""
    return save_action(db, with_archived(record, version, archive, today, reason, refusal),
                       today)
