"""Archiving by date (objectives, actions): the record leaves the working lists and is kept
for the record. Their status keeps the outcome (achieved, done…), so archiving is a date and
a reason beside it, checked as the registers archived by status check theirs
(records.archiving_reason)."""

from __future__ import annotations

from datetime import date
from typing import Any, Protocol, TypeVar

from sqlalchemy import select

from qmsdesk.models.audit import AuditEntry
from qmsdesk.models.db import Database
from qmsdesk.services.errors import ValidationError
from qmsdesk.services.records import archiving_reason, reason_problem


class DatedRecord(Protocol):
    """A record archived by date, as its editor sees it."""

    ref: str
    version: int
    archived_on: date | None
    archive_reason: str


D = TypeVar("D", bound=DatedRecord)


def with_archived(record: D, version: int, archive: bool, today: date, reason: str = "",
                  refusal: str = "") -> D:
    """``record`` (as just loaded) archived today with its ``reason``, or restored (date
    and reason cleared; the audit trail keeps them). ValidationError when it is already so,
    when the register's rule refuses (``refusal``, e.g. an action still open) or the reason
    is missing; ConflictError when it changed since the user's copy (``version``)."""
    if (record.archived_on is not None) == archive:
        raise ValidationError({"archived_on": f"{record.ref} is already "
                                              f"{'archived' if archive else 'in the register'}."})
    kept = archiving_reason(record, version, archive, reason)
    if archive and refusal:
        raise ValidationError({"archived_on": refusal})
    record.archived_on = today if archive else None
    record.archive_reason = kept
    return record


def archive_problems(record: DatedRecord, refusal: str) -> dict[str, str]:
    """The rules of a record saved (from its editor, an import) with its archive fields:
    an archived one still meets the register's rule (``refusal`` says why not) and keeps
    its reason; an active one has none."""
    if record.archived_on is None:
        return ({"archive_reason": "Only an archived record has an archive reason."}
                if record.archive_reason.strip() else {})
    # Saved archived and no longer meeting the rule: a record taken up again in its editor.
    errors = {"archived_on": f"{refusal} Restore it to take it up again."} if refusal else {}
    if problem := reason_problem(record.ref, record.archive_reason):
        errors["archive_reason"] = problem
    return errors


def archived_by(db: Database, entity: str) -> dict[str, tuple[date, str]]:
    """Reference -> (day, who) of each record's latest archiving, from the audit trail
    (the reason is on the record): what a report prints beside an archived record."""
    with db.read() as session:
        rows = session.execute(
            select(AuditEntry.ref, AuditEntry.at, AuditEntry.user)
            .where(AuditEntry.entity == entity, AuditEntry.action == "archive")
            .order_by(AuditEntry.id)).all()
    return {ref: (at.date(), user) for ref, at, user in rows}


def is_archived(row: Any) -> bool:
    """A row or record archived by date (the pages' and reports' one test)."""
    return getattr(row, "archived_on", None) is not None
