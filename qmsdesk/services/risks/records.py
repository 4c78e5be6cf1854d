"""Risk-and-opportunity records: the dataclasses the editor, the table and the import share."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass
class RiskRecord:
    """One risk or opportunity as the editor sees it, with its sources (ids by kind)."""

    kind: str = "risk"
    title: str = ""
    description: str = ""
    processes: str = ""  # the processes it concerns, one a line
    cause: str = ""
    consequence: str = ""
    likelihood: int = 3
    impact: int = 3
    treatment: str = ""  # "" until decided
    treatment_rationale: str = ""
    owner: str = ""
    review_interval_months: int = 12
    last_review: date | None = None
    next_review: date | None = None
    residual_likelihood: int | None = None
    residual_impact: int | None = None
    evaluation_due: date | None = None
    evaluated_on: date | None = None
    evaluated_by: str = ""
    effectiveness: str = ""
    evaluation_notes: str = ""
    status: str = "active"
    archive_reason: str = ""  # why it was archived (set by archiving, cleared by restoring)
    context_issue_ids: list[int] = field(default_factory=list)
    requirement_ids: list[int] = field(default_factory=list)
    supplier_ids: list[int] = field(default_factory=list)
    id: int | None = None
    ref: str = ""
    version: int = 0
    updated_at: datetime | None = None


@dataclass(frozen=True, slots=True)  # one per line: a register may hold 100 000s
class RiskRow:
    """One line of the register table; score and ratings filled in by the service."""

    id: int
    ref: str
    kind: str
    title: str
    owner: str
    likelihood: int
    impact: int
    score: int
    rating: str
    residual_score: int | None
    residual_rating: str  # "" until rated after treatment
    treatment: str
    next_review: date | None
    status: str
    overdue: bool
    effectiveness: str
    open_actions: int
    sources: str  # the references of its sources, comma-separated
    residual_likelihood: int | None = None  # both set, or neither, once rated after
    residual_impact: int | None = None  # treatment (the heat map's residual cell)
