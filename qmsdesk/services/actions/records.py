"""Action-log records: the dataclasses the editor, the table and the import share.

What an action's record computes itself (whether it is overdue) is defined here, below the
rules, which export it with the other action rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from qmsdesk.services.dates import is_overdue as _past_due

CLOSED_STATUSES = ("done", "cancelled")
NO_SOURCE = "none"


def is_overdue(due: date | None, status: str, today: date) -> bool:
    """Due date passed and the action neither done nor cancelled (due today is not overdue)."""
    return status not in CLOSED_STATUSES and _past_due(due, today)


@dataclass
class ActionRecord:
    """One action as the editor sees it; ``source`` says which of the links is meant."""

    title: str = ""
    description: str = ""
    kind: str = "corrective"
    source: str = NO_SOURCE
    objective_id: int | None = None
    party_id: int | None = None
    supplier_review_id: int | None = None
    management_review_id: int | None = None
    risk_id: int | None = None
    owner: str = ""
    start_date: date | None = None
    due_date: date | None = None
    status: str = "open"
    completed_on: date | None = None
    progress: int = 0
    effectiveness: str = ""
    effectiveness_by: str = ""
    effectiveness_on: date | None = None
    evidence: str = ""
    # Set by archiving only (archive.py); the editor and an import hand them back unchanged.
    archived_on: date | None = None
    archive_reason: str = ""
    id: int | None = None
    ref: str = ""
    version: int = 0
    updated_at: datetime | None = None
    # Read-only, filled on load for display ("OBJ-2026-01", "Right First Time 99.8 %").
    source_ref: str = ""
    source_title: str = ""
    # Read-only: the check as signed ("“Effective as QA”, login anna, … UTC, content sha256 …").
    effectiveness_signature: str = ""

    def is_overdue(self, today: date) -> bool:
        return is_overdue(self.due_date, self.status, today)


@dataclass(frozen=True, slots=True)  # one per line: a register may hold 100 000s
class ActionRow:
    """One line of the action log table."""

    id: int
    ref: str
    title: str
    kind: str
    source: str
    source_ref: str
    owner: str
    due_date: date | None
    status: str
    progress: int
    overdue: bool
    effectiveness: str
    archived_on: date | None = None  # out of the working lists since (archive.py)
    archive_reason: str = ""
