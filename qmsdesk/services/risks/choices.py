"""What the context and risk editors offer to link to: (id, "REF — text") pairs.

Archived records are offered only when the record being edited already links to them
(``keep``), marked "(archived)", so that opening and saving an editor never drops a link
silently.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, or_, select

from qmsdesk.models.db import Database
from qmsdesk.models.parties import Party, PartyRequirement
from qmsdesk.models.risks import ContextIssue, Risk
from qmsdesk.models.suppliers import Supplier
from qmsdesk.services.suppliers.rules import NOT_IN_USE

Choices = list[tuple[int, str]]
TEXT_LIMIT = 90  # a requirement is a sentence or a paragraph: the list shows its start
ARCHIVED = " (archived)"


def _short(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= TEXT_LIMIT else line[:TEXT_LIMIT - 1].rstrip() + "…"


@dataclass
class SourceChoices:
    """A risk's possible sources, by kind."""

    issues: Choices = field(default_factory=list)
    requirements: Choices = field(default_factory=list)
    suppliers: Choices = field(default_factory=list)


def _active_or_kept(model: type[Party | ContextIssue | Risk], archived: str,
                    keep: Collection[int]) -> ColumnElement[bool]:
    return or_(model.status != archived, model.id.in_(list(keep)))


def party_choices(db: Database, keep: Collection[int] = ()) -> Choices:
    """Interested parties for a context issue: "IP-0001 — name"."""
    with db.read() as session:
        rows = session.execute(select(Party.id, Party.ref, Party.name, Party.status)
                               .where(_active_or_kept(Party, "archived", keep))
                               .order_by(Party.ref)).all()
    return [(i, f"{ref} — {name}" + (ARCHIVED if status == "archived" else ""))
            for i, ref, name, status in rows]


def issue_choices(db: Database, keep: Collection[int] = ()) -> Choices:
    """Context issues: "CTX-0001 — title"."""
    with db.read() as session:
        rows = session.execute(select(ContextIssue.id, ContextIssue.ref, ContextIssue.title,
                                      ContextIssue.status)
                               .where(_active_or_kept(ContextIssue, "archived", keep))
                               .order_by(ContextIssue.ref)).all()
    return [(i, f"{ref} — {title}" + (ARCHIVED if status == "archived" else ""))
            for i, ref, title, status in rows]


def requirement_choices(db: Database, keep: Collection[int] = ()) -> Choices:
    """Needs and expectations of interested parties, by party: "IP-0001 — text"."""
    with db.read() as session:
        rows = session.execute(
            select(PartyRequirement.id, Party.ref, PartyRequirement.description, Party.status)
            .join(Party, Party.id == PartyRequirement.party_id)
            .where(_active_or_kept(Party, "archived", ()) | PartyRequirement.id.in_(list(keep)))
            .order_by(Party.ref, PartyRequirement.id)).all()
    return [(i, f"{ref} — {_short(text)}" + (ARCHIVED if status == "archived" else ""))
            for i, ref, text, status in rows]


def supplier_choices(db: Database, keep: Collection[int] = ()) -> Choices:
    """Suppliers (a disqualified or archived one only when already linked):
    "SUP-0001 — name"."""
    with db.read() as session:
        rows = session.execute(
            select(Supplier.id, Supplier.ref, Supplier.name, Supplier.status)
            .where(or_(Supplier.status.not_in(NOT_IN_USE), Supplier.id.in_(list(keep))))
            .order_by(Supplier.ref)).all()
    return [(i, f"{ref} — {name}" + (f" ({status})" if status in NOT_IN_USE else ""))
            for i, ref, name, status in rows]


def risk_choices(db: Database, keep: Collection[int] = ()) -> Choices:
    """Risks and opportunities an objective may cite: "RO-0001 — title"."""
    with db.read() as session:
        rows = session.execute(select(Risk.id, Risk.ref, Risk.title, Risk.status, Risk.kind)
                               .where(_active_or_kept(Risk, "archived", keep))
                               .order_by(Risk.ref)).all()
    return [(i, f"{ref} — {title}" + (" (opportunity)" if kind == "opportunity" else "")
             + (ARCHIVED if status == "archived" else ""))
            for i, ref, title, status, kind in rows]


def source_choices(db: Database, issues: Collection[int] = (),
                   requirements: Collection[int] = (),
                   suppliers: Collection[int] = ()) -> SourceChoices:
    """Everything a risk may come from, keeping the sources it already has."""
    return SourceChoices(issue_choices(db, issues), requirement_choices(db, requirements),
                         supplier_choices(db, suppliers))
