"""Archiving a supplier that is no longer used, and restoring it, through its status history.

A supplier's approval status changes only with a line in its history (who, when, why), so
archiving is a status change to ``archived`` with the reason, and restoring returns to the
status it had before (read from that line): the approval decided by reviews is never lost.
The archive rule is the one every register shares (records.with_status)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from qmsdesk.models.db import Database
from qmsdesk.services.errors import ValidationError
from qmsdesk.services.records import with_status
from qmsdesk.services.suppliers.records import SupplierRecord
from qmsdesk.services.suppliers.rules import ARCHIVED
from qmsdesk.services.suppliers.service import get_supplier, save_supplier

RESTORED = "Restored to the supplier list"


@dataclass
class _Standing:
    """What the shared rule judges: reference, the user's version, active or archived."""

    ref: str
    version: int
    status: str
    archive_reason: str = ""


def status_before_archiving(record: SupplierRecord) -> str:
    """The status an archived supplier had when it was archived (pending without history)."""
    for change in reversed(record.history):
        if change.to_status == ARCHIVED:
            return change.from_status or "pending"
    return "pending"


def set_supplier_status(db: Database, supplier_id: int, version: int, status: str,
                        today: date, reason: str = "") -> SupplierRecord:
    """Archive (``status`` "archived", with the reason) or restore (any other ``status``:
    "active") a supplier, in one transaction on its history and the audit trail.
    ConflictError when it changed since the user's copy; ValidationError without a reason
    or when it is already so."""
    record = get_supplier(db, supplier_id)
    archiving = status == ARCHIVED
    if (record.status == ARCHIVED) == archiving:
        raise ValidationError({"status": f"{record.ref} is already "
                                         f"{'archived' if archiving else 'in the list'}."})
    judged = with_status(_Standing(record.ref, record.version,
                                   ARCHIVED if not archiving else "active"),
                         version, ARCHIVED if archiving else "active", reason)
    new_status = ARCHIVED if archiving else status_before_archiving(record)
    return save_supplier(db, replace(record, status=new_status,
                                     status_reason=judged.archive_reason or RESTORED), today)
