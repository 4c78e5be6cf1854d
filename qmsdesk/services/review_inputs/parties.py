"""Management-review input 9.3.2 b: changes in interested parties and their requirements.

What changed in the period comes from the audit trail (parties added, archived, restored;
their relevance and requirements changed); the register as it stands now gives the counts
by category and quadrant and the power/interest grid.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from qmsdesk.models.audit import AuditEntry
from qmsdesk.models.parties import Party, PartyRequirement
from qmsdesk.services.dates import utc_window
from qmsdesk.services.parties import rules as party_rules

ADDED, ARCHIVED, RESTORED = "added", "archived", "restored"
CHANGED, REMOVED = "changed", "removed"
# What makes a party relevant (4.2) and where it sits on the power/interest grid.
RELEVANCE_FIELDS = ("category", "internal", "influence", "interest")

T = TypeVar("T")
# Changes are listed by day, then reference, then the order they were made in.
ChangeKey = tuple[date, str, int]


# --- 9.3.2 b: interested parties ---------------------------------------------------------

@dataclass(frozen=True)
class PartyEvent:
    """A party added, archived or restored in the period (``event``)."""

    on: date
    ref: str
    name: str
    category: str
    event: str


@dataclass(frozen=True)
class PartyFieldChange:
    """A change of what makes a party relevant: category, internal, influence or interest."""

    on: date
    ref: str
    name: str
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class RequirementChange:
    """A requirement added, changed (``field`` from ``old`` to ``new``) or removed.

    ``requirement`` is its description after the change (before it, when removed).
    """

    on: date
    party_ref: str
    party_name: str
    change: str
    requirement: str
    field: str = ""
    old: str = ""
    new: str = ""


@dataclass(frozen=True)
class PartyPoint:
    """One active party on the power/interest grid: the fields of reports.charts.GridPoint."""

    ref: str
    name: str
    influence: int
    interest: int

    @property
    def quadrant(self) -> str:
        return party_rules.quadrant(self.influence, self.interest)


@dataclass(frozen=True)
class PartyChanges:
    """Changes in interested parties during the period (from the audit trail) and the
    register as it stands now: active parties by category, by quadrant, on the grid."""

    added: tuple[PartyEvent, ...]
    archived_or_restored: tuple[PartyEvent, ...]
    relevance_changes: tuple[PartyFieldChange, ...]
    requirement_changes: tuple[RequirementChange, ...]
    by_category: dict[str, int]
    by_quadrant: dict[str, int]
    grid: tuple[PartyPoint, ...]


def _in_order(found: list[tuple[ChangeKey, T]]) -> tuple[T, ...]:
    return tuple(item for _, item in sorted(found, key=lambda pair: pair[0]))


def party_changes(session: Session, period_from: date, period_to: date) -> PartyChanges:
    start, end = utc_window(period_from, period_to)
    party, requirement = Party.audit_entity, PartyRequirement.audit_entity
    register = session.execute(select(Party.ref, Party.name, Party.category, Party.status,
                                      Party.influence, Party.interest)
                               .order_by(Party.ref)).all()
    names = {row.ref: row.name for row in register}
    categories = {row.ref: row.category for row in register}
    # A requirement's description over time, to name it in a change of another field.
    descriptions: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for record_id, entry_id, old, new in session.execute(
            select(AuditEntry.record_id, AuditEntry.id, AuditEntry.old_value,
                   AuditEntry.new_value)
            .where(AuditEntry.entity == requirement, AuditEntry.field == "description",
                   AuditEntry.at < end).order_by(AuditEntry.id)):
        descriptions[record_id].append((entry_id, new or old))
    entries = session.execute(
        select(AuditEntry.id, AuditEntry.at, AuditEntry.action, AuditEntry.entity,
               AuditEntry.record_id, AuditEntry.ref, AuditEntry.field, AuditEntry.old_value,
               AuditEntry.new_value)
        .where(AuditEntry.entity.in_((party, requirement)), AuditEntry.at >= start,
               AuditEntry.at < end).order_by(AuditEntry.id)).all()
    added: list[tuple[ChangeKey, PartyEvent]] = []
    archived: list[tuple[ChangeKey, PartyEvent]] = []
    relevance: list[tuple[ChangeKey, PartyFieldChange]] = []
    requirements: list[tuple[ChangeKey, RequirementChange]] = []
    for e in entries:
        on, name = e.at.date(), names.get(e.ref, "")
        key = (on, e.ref, e.id)
        if e.entity == party:
            if e.action == "create" and e.field == "name":
                added.append((key, PartyEvent(on, e.ref, name or e.new_value,
                                              categories.get(e.ref, ""), ADDED)))
            elif e.action in ("archive", "restore"):
                event = ARCHIVED if e.action == "archive" else RESTORED
                archived.append((key, PartyEvent(on, e.ref, name, categories.get(e.ref, ""),
                                                 event)))
            elif e.action == "update" and e.field in RELEVANCE_FIELDS:
                relevance.append((key, PartyFieldChange(on, e.ref, name, e.field, e.old_value,
                                                        e.new_value)))
        elif e.action == "create" and e.field == "description":
            requirements.append((key, RequirementChange(on, e.ref, name, ADDED, e.new_value)))
        elif e.action == "delete" and e.field == "description":
            requirements.append((key, RequirementChange(on, e.ref, name, REMOVED, e.old_value)))
        elif e.action == "update" and e.field != "party_id":
            text = next((value for entry_id, value in reversed(descriptions[e.record_id])
                         if entry_id <= e.id), "")
            requirements.append((key, RequirementChange(on, e.ref, name, CHANGED, text,
                                                        e.field, e.old_value, e.new_value)))
    active = [row for row in register if row.status == "active"]
    by_category = dict.fromkeys(party_rules.CATEGORIES, 0)
    by_quadrant = dict.fromkeys(party_rules.QUADRANTS, 0)
    for row in active:
        by_category[row.category] = by_category.get(row.category, 0) + 1
        by_quadrant[party_rules.quadrant(row.influence, row.interest)] += 1
    return PartyChanges(
        _in_order(added), _in_order(archived), _in_order(relevance), _in_order(requirements),
        by_category, by_quadrant,
        tuple(PartyPoint(r.ref, r.name, r.influence, r.interest) for r in active))
