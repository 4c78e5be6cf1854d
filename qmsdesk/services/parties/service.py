"""Interested-parties use cases: list, load, save, archive and restore, returning dataclasses."""

from __future__ import annotations

from collections.abc import Generator, Sequence
from dataclasses import fields
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from qmsdesk.models.db import Database, DatabaseConflict
from qmsdesk.models.parties import ACTIVE_NAME_KEYS, Engagement, Party, PartyRequirement
from qmsdesk.services.archiving import archived_by
from qmsdesk.services.batch import BATCH, add_error, check_new_refs, finish, new_refs, store_all
from qmsdesk.services.dates import is_overdue
from qmsdesk.services.errors import (
    BatchValidationError,
    NotFoundError,
    ValidationError,
)
from qmsdesk.services.parties import rules
from qmsdesk.services.parties.records import (
    EngagementRecord,
    PartyRecord,
    PartyRow,
    RequirementRecord,
)
from qmsdesk.services.records import (
    archive_reasons,
    conflict_guard,
    sync_children,
    touch,
    with_status,
)
from qmsdesk.services.validation import tidy_text

_PARTY_FIELDS = ("name", "category", "internal", "description", "contact_person", "email",
                 "phone", "influence", "interest", "owner", "monitoring_method",
                 "monitoring_frequency", "review_interval_months", "last_review", "next_review",
                 "focus", "status", "archive_reason", "notes")
_REQ_FIELDS = tuple(f.name for f in fields(RequirementRecord) if f.name != "id")
_ENG_FIELDS = tuple(f.name for f in fields(EngagementRecord) if f.name != "id")


def new_party(today: date) -> PartyRecord:
    """A blank party with the defaults the editor starts from."""
    record = PartyRecord()
    record.next_review = rules.suggested_next_review(None, record.review_interval_months, today)
    return record


def list_parties(db: Database, today: date, include_archived: bool = False,
                 limit: int | None = None) -> list[PartyRow]:
    """The register by reference; ``limit``: its first rows only (a page shows them while
    the rest are read)."""
    # Each party's requirements counted by an indexed look-up beside it: grouping every
    # requirement first made the first screenful wait for all of them (23 ms against 5 at
    # 100x), and the whole register reads no slower.
    requirements = (select(func.count()).where(PartyRequirement.party_id == Party.id)
                    .correlate(Party).scalar_subquery())
    query = (select(Party.id, Party.ref, Party.name, Party.category, Party.internal,
                    Party.influence, Party.interest, Party.owner, Party.next_review,
                    requirements, Party.status)
             .order_by(Party.ref).limit(limit))
    if not include_archived:
        query = query.where(Party.status == "active")
    with db.read() as session:
        # Core rows, not ORM entities: this runs on every refresh of a 100 000-row register.
        # Eleven columns: more than SQLAlchemy's typed select() overloads name.
        rows: Sequence[tuple[Any, ...]] = session.connection().execute(query).all()
        scores = _last_two_scores(session, [row[0] for row in rows] if limit else None)
    none = (None, None)
    return [PartyRow(*(*row, row[10] == "active" and is_overdue(row[8], today),
                       rules.quadrant(row[5], row[6]), *scores.get(row[0], none)))
            for row in rows]


def party_choices(db: Database, today: date) -> list[tuple[int, str]]:
    """(id, "REF — name") of every active party, for choosing an action's source."""
    return [(row.id, f"{row.ref} — {row.name}") for row in list_parties(db, today)]


def _last_two_scores(session: Session, party_ids: Sequence[int] | None = None
                     ) -> dict[int, tuple[int | None, int | None]]:
    """Per party (of ``party_ids``; None: every party), its latest and previous
    satisfaction scores (how the relationship goes)."""
    query = (select(Engagement.party_id, Engagement.satisfaction)
             .where(Engagement.satisfaction.is_not(None))
             .order_by(Engagement.party_id, Engagement.on_date, Engagement.id))
    if party_ids is not None:
        query = query.where(Engagement.party_id.in_(party_ids))
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


def parties_by_id(session: Session, ids: Sequence[int]) -> dict[int, PartyRecord]:
    """The records of ``ids`` (those that exist) with their requirements and engagements,
    in one read: records.records_in_batches loads a report's parties with it."""
    return {party.id: to_record(party) for party in session.scalars(
        select(Party).where(Party.id.in_(ids)).options(
            selectinload(Party.requirements), selectinload(Party.engagements)))}


def get_party(db: Database, party_id: int) -> PartyRecord:
    with db.read() as session:
        party = _load(session, party_id)
        if party is None:
            raise NotFoundError(f"Interested party #{party_id} does not exist.")
        return to_record(party)


def normalise(record: PartyRecord) -> None:
    tidy_text(record, ("name", "email", "phone", "contact_person", "owner"))


def name_taken(ref: str) -> str:
    """The message for an active name another active party has (``ref``)."""
    return f"An active party with this name already exists ({ref})."


def check_parties(session: Session, records: Sequence[PartyRecord],
                  today: date) -> dict[int, dict[str, str]]:
    """Every rule for parties about to be stored together (tidied first), by position in
    ``records``: the form's rules (rules.validate_party) and the database's
    (check_stored_parties)."""
    errors: dict[int, dict[str, str]] = {}
    for index, record in enumerate(records):
        normalise(record)
        if found := rules.validate_party(record, today):
            errors[index] = found
    return check_stored_parties(session, records, errors)


def check_stored_parties(session: Session, records: Sequence[PartyRecord],
                         errors: dict[int, dict[str, str]] | None = None,
                         ) -> dict[int, dict[str, str]]:
    """The database's rules for parties about to be stored together, added to ``errors``
    (what the form's rules found): an active party's name is no other active party's,
    stored or in the batch (an earlier record keeps it), and a new record's given reference
    is free. On their own for records that met the form's rules, tidied, and have not
    changed since (an import checks its file, then checks these again as it writes)."""
    errors = {} if errors is None else errors
    in_batch = {r.id for r in records if r.id is not None}
    # Compared in Python: SQLite's lower() folds ASCII only, and "MÜLLER" is "Müller".
    taken: dict[str, str] = {}
    for party_id, ref, name in session.execute(
            select(Party.id, Party.ref, Party.name).where(Party.status == "active")
            .order_by(Party.ref)):
        if party_id not in in_batch:
            taken.setdefault(name.strip().casefold(), ref)
    for index, record in enumerate(records):
        if record.status != "active" or "name" in errors.get(index, {}):
            continue
        name = record.name.strip().casefold()
        if name in taken:
            add_error(errors, index, "name", name_taken(taken[name]) if taken[name] else
                      "Another new party saved with this one has this name.")
        else:
            taken[name] = record.ref
    check_new_refs(session, Party, records, errors)
    return errors


def save_parties(session: Session, records: Sequence[PartyRecord], today: date,
                 batch: int = BATCH) -> Generator[int, None, list[Party]]:
    """The one way parties are written: check every record (check_parties), then store
    them all in the caller's session, or none (BatchValidationError, nothing written).

    A new record gets its given reference or the next free one; a stored one is loaded
    for update (ConflictError when its version moved on, NotFoundError when it is gone).
    Yields how many are stored after each ``batch``; returns the stored rows.
    """
    errors = check_parties(session, records, today)
    if errors:
        raise BatchValidationError(errors)
    refs = iter(new_refs(session, Party, sum(1 for r in records if r.id is None and not r.ref),
                         {r.ref for r in records if r.ref}))
    return (yield from store_all(
        session, Party, "The party", records,
        lambda r: Party(ref=r.ref or next(refs)), store_party, batch))


def save_party(db: Database, record: PartyRecord, today: date) -> PartyRecord:
    """Validate and save one party with its children in one transaction; return it reloaded.

    Raises ValidationError (field -> message), ConflictError when the record changed
    elsewhere since it was loaded, NotFoundError when it vanished.
    """
    try:
        with db.session() as session, conflict_guard(record.ref or "The party"):
            party_id = finish(save_parties(session, [record], today))[0].id
    except DatabaseConflict as exc:
        if exc.constraint not in ACTIVE_NAME_KEYS:
            raise
        # The database's own rule (a unique index) caught what the check could not see: a
        # party of this name saved by someone else since (the form shows it by the field).
        raise ValidationError({"name": "An active party with this name was saved by "
                                       "someone else a moment ago."}) from None
    return get_party(db, party_id)


def store_party(session: Session, party: Party, record: PartyRecord) -> None:
    """Copy a checked record onto ``party`` (new or loaded in ``session``) with its
    requirements and engagements; only save_parties calls it, after check_parties."""
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
                     today: date, reason: str = "") -> PartyRecord:
    """Archive (with the reason) or restore a party (records referenced by history are
    never deleted)."""
    return save_party(db, with_status(get_party(db, party_id), version, status, reason), today)


def archive_events(db: Database) -> dict[str, tuple[date, str, str]]:
    """Reference -> (day, who, why) of each archived party's latest archiving: when and by
    whom from the audit trail, the reason from the record."""
    with db.read() as session:
        reasons = archive_reasons(session, Party)
    return {ref: (day, user, reasons.get(ref, ""))
            for ref, (day, user) in archived_by(db, Party.audit_entity).items()}


def archive_party(db: Database, party_id: int, version: int, today: date,
                  reason: str) -> PartyRecord:
    return set_party_status(db, party_id, version, "archived", today, reason)


def restore_party(db: Database, party_id: int, version: int, today: date) -> PartyRecord:
    return set_party_status(db, party_id, version, "active", today)
