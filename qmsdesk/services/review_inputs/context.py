"""Management-review input 9.3.2 b, first half: changes in the external and internal issues
relevant to the QMS (ISO 9001 4.1), from the audit trail of the context register, and the
issues as they stand now by SWOT."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from qmsdesk.models.audit import AuditEntry
from qmsdesk.models.risks import ContextIssue
from qmsdesk.services.context import rules
from qmsdesk.services.dates import utc_window

ADDED, CHANGED, ARCHIVED, RESTORED = "added", "changed", "archived", "restored"
_FIELD_NAMES = {"title": "title", "origin": "origin", "swot": "SWOT", "pestle": "PESTLE",
                "description": "description", "effect": "effect on the QMS",
                "owner": "owner"}  # a review date moving is not a change of the issue


@dataclass(frozen=True)
class IssueChange:
    """An issue added, archived, restored or changed (``fields`` that changed) on a day."""

    on: date
    ref: str
    title: str
    change: str
    fields: str = ""


@dataclass(frozen=True)
class ContextChanges:
    changes: tuple[IssueChange, ...]
    by_swot: dict[str, int]  # active issues now

    def count(self, change: str) -> int:
        return sum(1 for item in self.changes if item.change == change)


def context_changes(session: Session, period_from: date, period_to: date) -> ContextChanges:
    start, end = utc_window(period_from, period_to)
    issues = session.execute(select(ContextIssue.ref, ContextIssue.title, ContextIssue.swot,
                                    ContextIssue.status)).all()
    titles = {row.ref: row.title for row in issues}
    entries = session.execute(
        select(AuditEntry.at, AuditEntry.action, AuditEntry.ref, AuditEntry.field,
               AuditEntry.new_value)
        .where(AuditEntry.entity == ContextIssue.audit_entity, AuditEntry.at >= start,
               AuditEntry.at < end).order_by(AuditEntry.id)).all()
    events: dict[tuple[date, str, str], list[str]] = {}
    for entry in entries:
        key_date, ref = entry.at.date(), entry.ref
        if entry.action == "create":
            events.setdefault((key_date, ref, ADDED), [])
        elif entry.action in ("archive", "restore"):
            events.setdefault((key_date, ref, ARCHIVED if entry.action == "archive"
                               else RESTORED), [])
        elif entry.action == "update" and entry.field in _FIELD_NAMES:
            if (key_date, ref, ADDED) in events:
                continue  # changed on the day it was added: still just added
            fields = events.setdefault((key_date, ref, CHANGED), [])
            if _FIELD_NAMES[entry.field] not in fields:
                fields.append(_FIELD_NAMES[entry.field])
    changes = tuple(IssueChange(on, ref, titles.get(ref, ""), change, ", ".join(fields))
                    for (on, ref, change), fields in sorted(events.items()))
    by_swot = dict.fromkeys(rules.SWOT, 0)
    for row in issues:
        if row.status == "active":
            by_swot[row.swot] = by_swot.get(row.swot, 0) + 1
    return ContextChanges(changes, by_swot)
