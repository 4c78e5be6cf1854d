"""Context-issue records: the dataclasses the editor, the table and the import share."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass
class ContextIssueRecord:
    """One issue as the editor sees it, with the interested parties it concerns."""

    title: str = ""
    origin: str = "external"
    swot: str = "threat"
    pestle: str = ""
    description: str = ""
    effect: str = ""
    owner: str = ""
    review_interval_months: int = 12
    last_review: date | None = None
    next_review: date | None = None
    status: str = "active"
    archive_reason: str = ""  # why it was archived (set by archiving, cleared by restoring)
    party_ids: list[int] = field(default_factory=list)
    id: int | None = None
    ref: str = ""
    version: int = 0
    updated_at: datetime | None = None


@dataclass(frozen=True, slots=True)  # one per line: a register may hold 100 000s
class ContextIssueRow:
    """One line of the register table."""

    id: int
    ref: str
    title: str
    origin: str
    swot: str
    pestle: str
    owner: str
    next_review: date | None
    status: str
    overdue: bool
    parties: str  # the references of the parties it concerns, comma-separated
    risks: int  # risks and opportunities it is a source of
