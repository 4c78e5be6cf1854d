"""Interested-party records: the dataclasses the editor, the table and the import share.

The power/interest grid lives here too, below the rules (which export it), because a record
knows its quadrant: the quadrant follows from the two ratings alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

MANAGE_CLOSELY = "Manage closely"
KEEP_SATISFIED = "Keep satisfied"
KEEP_INFORMED = "Keep informed"
MONITOR = "Monitor"
QUADRANTS = (MANAGE_CLOSELY, KEEP_SATISFIED, KEEP_INFORMED, MONITOR)
# On the 1-5 scales, 3 and above counts as high: the grid's dividing lines sit at 2.5.
HIGH_FROM = 3


def quadrant(influence: int, interest: int) -> str:
    """The power/interest grid quadrant that says how much attention a party needs."""
    high_influence = influence >= HIGH_FROM
    high_interest = interest >= HIGH_FROM
    if high_influence and high_interest:
        return MANAGE_CLOSELY
    if high_influence:
        return KEEP_SATISFIED
    if high_interest:
        return KEEP_INFORMED
    return MONITOR


@dataclass
class RequirementRecord:
    description: str = ""
    kind: str = "requirement"
    obligation: str = ""
    source: str = ""
    addressed_by: str = ""
    id: int | None = None


@dataclass
class EngagementRecord:
    on_date: date | None = None
    kind: str = "meeting"
    summary: str = ""
    satisfaction: int | None = None
    follow_up: str = ""
    id: int | None = None


@dataclass
class PartyRecord:
    """One party as the editor sees it: every field plus its requirements and engagements."""

    name: str = ""
    category: str = "customer"
    internal: bool = False
    description: str = ""
    contact_person: str = ""
    email: str = ""
    phone: str = ""
    # Unrated until the user rates them (the rules require both): a default would
    # pre-judge the party's place on the grid (3 and 3 made every new party "Manage closely").
    influence: int | None = None
    interest: int | None = None
    owner: str = ""
    monitoring_method: str = ""
    monitoring_frequency: str = ""
    review_interval_months: int = 12
    last_review: date | None = None
    next_review: date | None = None
    focus: str = "long-term"
    status: str = "active"
    archive_reason: str = ""  # why it was archived (set by archiving, cleared by restoring)
    notes: str = ""
    requirements: list[RequirementRecord] = field(default_factory=list)
    engagements: list[EngagementRecord] = field(default_factory=list)
    id: int | None = None
    ref: str = ""
    version: int = 0
    updated_at: datetime | None = None

    @property
    def quadrant(self) -> str:
        """Where the ratings put the party on the grid, as they stand while it is edited
        ("" until both are rated)."""
        if self.influence is None or self.interest is None:
            return ""
        return quadrant(self.influence, self.interest)


@dataclass(frozen=True, slots=True)  # one per line: a register may hold 100 000s
class PartyRow:
    """One line of the register table."""

    id: int
    ref: str
    name: str
    category: str
    internal: bool
    influence: int
    interest: int
    owner: str
    next_review: date | None
    requirement_count: int
    status: str
    overdue: bool
    quadrant: str  # rules.quadrant of the two ratings, filled in by list_parties
    latest_satisfaction: int | None = None
    previous_satisfaction: int | None = None
