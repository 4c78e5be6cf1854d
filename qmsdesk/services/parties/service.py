"""Interested-parties use cases: list, load, save, archive and restore, returning dataclasses."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from qmsdesk.models.db import Database
from qmsdesk.models.parties import Engagement, Party, PartyRequirement
from qmsdesk.services.dates import is_overdue
from qmsdesk.services.errors import ConflictError, NotFoundError, ValidationError
from qmsdesk.services.parties import rules
from qmsdesk.services.parties.records import (
    EngagementRecord,
    PartyRecord,
    PartyRow,
    RequirementRecord,
)
from qmsdesk.services.records import (
    conflict_guard,
    load_for_update,
    next_ref,
    sync_children,
    touch,
)
from qmsdesk.services.validation import tidy_text

_PARTY_FIELDS = ("name", "category", "internal", "description", "contact_person", "email",
                 "phone", "influence", "interest", "owner", "monitoring_method",
                 "monitoring_frequency", "review_interval_months", "last_review", "next_review",
                 "focus", "status", "notes")
_REQ_FIELDS = tuple(f.name for f in fields(RequirementRecord) if f.name != "id")
_ENG_FIELDS = tuple(f.name for f in fields(EngagementRecord) if f.name != "id")


def new_party(today: date) -> PartyRecord:
    """A blank party with the defaults the editor starts from."""
    record = PartyRecord()
    record.next_review = rules.suggested_next_review(None, record.review_interval_months, today)
    return record


def list_parties(db: Database, today: date, include_archived: bool = False) -> list[PartyRow]:
    counts = (select(PartyRequirement.party_id, func.count().label("n"))
              .group_by(PartyRequirement.party_id).subquery())
    query = (select(Party.id, Party.ref, Party.name, Party.category, Party.internal,
                    Party.influence, Party.interest, Party.owner, Party.next_review,
                    func.coalesce(counts.c.n, 0), Party.status)
             .outerjoin(counts, counts.c.party_id == Party.id)
             .order_by(Party.ref))
    if not include_archived:
        query = query.where(Party.status == "active")
    with db.read() as session:
        # Core rows, not ORM entities: this runs on every refresh of a 100 000-row register.
        # Eleven columns: more than SQLAlchemy's typed select() overloads name.
        rows: Sequence[tuple[Any, ...]] = session.connection().execute(query).all()
        scores = _last_two_scores(session)
    none = (None, None)
    return [PartyRow(*(*row, row[10] == "active" and is_overdue(row[8], today),
                       rules.quadrant(row[5], row[6]), *scores.get(row[0], none)))
            for row in rows]


def _last_two_scores(session: Session) -> dict[int, tuple[int | None, int | None]]:
    """Per party, its latest and previous satisfaction scores (how the relationship goes)."""
    query = (select(Engagement.party_id, Engagement.satisfaction)
             .where(Engagement.satisfaction.is_not(None))
             .order_by(Engagement.party_id, Engagement.on_date, Engagement.id))
    scores: dict[int, tuple[int | None, int | None]] = {}
    for party_id, score in session.connection().execute(query):
        scores[party_id] = (score, scores.get(party_id, (None, None))[0])
    return scores


def to_record(party: Party) -> PartyRecord:
    record = PartyRecord(**{name: getattr(party, name) for name in _PARTY_FIELDS})
    record.id, record.ref, record.version = party.id, party.ref, party.version
    record.updated_at = party.updated_at
    record.requirements = [
        RequirementRecord(id=r.id, **{n: getattr(r, n) for n in _REQ_FIELDS})
        for r in party.requirements]
    record.engagements = [
        EngagementRecord(id=e.id, **{n: getattr(e, n) for n in _ENG_FIELDS})
        for e in party.engagements]
    return record


def _load(session: Session, party_id: int) -> Party | None:
    return session.scalar(select(Party).where(Party.id == party_id).options(
        selectinload(Party.requirements), selectinload(Party.engagements)))


def get_party(db: Database, party_id: int) -> PartyRecord:
    with db.read() as session:
        party = _load(session, party_id)
        if party is None:
            raise NotFoundError(f"Interested party #{party_id} does not exist.")
        return to_record(party)


def _check_unique_name(session: Session, record: PartyRecord) -> dict[str, str]:
    if record.status != "active":
        return {}
    # Compared in Python: SQLite's lower() folds ASCII only, and "MÜLLER" is "Müller".
    wanted = record.name.strip().casefold()
    active = session.execute(select(Party.ref, Party.name).where(
        Party.status == "active", Party.id != (record.id or 0)))
    for ref, name in active:
        if name.strip().casefold() == wanted:
            return {"name": f"An active party with this name already exists ({ref})."}
    return {}


def normalise(record: PartyRecord) -> None:
    tidy_text(record, ("name", "email", "phone", "contact_person", "owner"))


def save_party(db: Database, record: PartyRecord, today: date) -> PartyRecord:
    """Validate and save one party with its children in one transaction; return it reloaded.

    Raises ValidationError (field -> message), ConflictError when the record changed
    elsewhere since it was loaded, NotFoundError when it vanished.
    """
    normalise(record)
    errors = rules.validate_party(record, today)
    if errors:
        raise ValidationError(errors)
    label = record.ref or "The party"
    with db.session() as session, conflict_guard(label):
        errors = _check_unique_name(session, record)
        if errors:
            raise ValidationError(errors)
        if record.id is None:
            party = Party(ref=next_ref(session, Party))
            session.add(party)
        else:
            party = load_for_update(session, Party, record.id, record.version, label)
        store_party(session, party, record)
        session.flush()
        party_id = party.id
    return get_party(db, party_id)


def store_party(session: Session, party: Party, record: PartyRecord) -> None:
    """Copy a validated record onto ``party`` (new or loaded in ``session``) with its
    requirements and engagements; the caller validates, flushes and commits."""
    for name in _PARTY_FIELDS:
        setattr(party, name, getattr(record, name))
    children_changed = sync_children(
        session, list(party.requirements), record.requirements, _REQ_FIELDS,
        lambda values: party.requirements.append(PartyRequirement(**values)))
    children_changed |= sync_children(
        session, list(party.engagements), record.engagements, _ENG_FIELDS,
        lambda values: party.engagements.append(Engagement(**values)))
    if party.id is not None and children_changed:
        touch(party)


def set_party_status(db: Database, party_id: int, version: int, status: str,
                     today: date) -> PartyRecord:
    """Archive or restore a party (records referenced by history are never deleted)."""
    record = get_party(db, party_id)
    if record.version != version:
        raise ConflictError(f"{record.ref} was changed elsewhere. Reload; nothing was changed.")
    record.status = status
    return save_party(db, record, today)


def archive_party(db: Database, party_id: int, version: int, today: date) -> PartyRecord:
    return set_party_status(db, party_id, version, "archived", today)


def restore_party(db: Database, party_id: int, version: int, today: date) -> PartyRecord:
    return set_party_status(db, party_id, version, "active", today)
