"""Archiving an objective that is decided and done with, and restoring it: a date and a
reason beside its status (which keeps the outcome), in one transaction on the record and the
audit trail (which reads "archive" and "restore", as for every register)."""

from __future__ import annotations

from datetime import date

from qmsdesk.models.db import Database
from qmsdesk.services.archiving import with_archived
from qmsdesk.services.objectives import rules
from qmsdesk.services.objectives.records import ObjectiveRecord
from qmsdesk.services.objectives.service import get_objective, open_action_refs, save_objective


def set_objective_archived(db: Database, objective_id: int, version: int, archive: bool,
                           today: date, reason: str = "") -> ObjectiveRecord:
    """Archive (with the reason; refused while it is undecided or has open actions) or
    restore an objective. ConflictError when it changed since the user's copy
    (``version``); ValidationError with the refusal, without a reason, or when it is already
    so."""
    record = get_objective(db, objective_id)
    refusal = ""
    if archive:
        with db.read() as session:
            refusal = rules.archive_refusal(record.ref, record.status,
                                            open_action_refs(session, objective_id))
    return save_objective(db, with_archived(record, version, archive, today, reason, refusal),
                          today)
