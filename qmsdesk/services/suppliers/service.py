"""Supplier register use cases (ISO 9001 8.4): suppliers, certificates, status history."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Generator, Mapping, Sequence
from dataclasses import replace
from datetime import date
from functools import partial
from typing import Any

from sqlalchemy import ScalarSelect, case, func, select
from sqlalchemy.orm import Session, aliased, selectinload

from qmsdesk.models.db import Database
from qmsdesk.models.parties import Party
from qmsdesk.models.suppliers import Certificate, Supplier, SupplierReview
from qmsdesk.services.batch import (
    BATCH,
    CHUNK,
    add_error,
    check_new_refs,
    existing_ids,
    finish,
    new_refs,
    store_all,
)
from qmsdesk.services.dates import is_overdue
from qmsdesk.services.errors import BatchValidationError, NotFoundError, ValidationError
from qmsdesk.services.parties.service import new_party, save_parties
from qmsdesk.services.records import conflict_guard, load_for_update, sync_children, touch
from qmsdesk.services.suppliers import rules
from qmsdesk.services.suppliers.records import (
    CertificateRecord,
    StatusChange,
    SupplierRecord,
    SupplierRow,
)
from qmsdesk.services.suppliers.reviews import intervals_in
from qmsdesk.services.suppliers.status import record_status_change
from qmsdesk.services.validation import tidy_text

_SUPPLIER_FIELDS = ("name", "scope", "category", "criticality", "contact_person", "email",
                    "phone", "party_id", "status", "review_interval_months", "next_review",
                    "notes")
_CERT_FIELDS = ("standard", "number", "issuer", "valid_until")
# Where the party a supplier becomes starts on the power/interest grid: its influence follows
# its criticality (how much its supply affects conformity), its interest is rated low to
# medium; the user rates both in the parties register (a new party has no default rating).
PARTY_RATINGS = {"critical": (4, 3), "major": (3, 2), "minor": (2, 2)}


def new_supplier(today: date) -> SupplierRecord:
    """A blank supplier; its first review date follows from its criticality when saved."""
    return SupplierRecord()


def _approved_result(n: int) -> ScalarSelect[int]:
    """The id of a supplier's ``n``-th latest approved review (0: the latest), looked up for
    each supplier by the database instead of reading every review: drafts are no result."""
    review = aliased(SupplierReview)
    return (select(review.id)
            .where(review.supplier_id == Supplier.id, review.approved_on.is_not(None))
            .order_by(review.review_date.desc(), review.id.desc()).limit(1).offset(n)
            .correlate(Supplier).scalar_subquery())


def list_suppliers(db: Database, today: date, limit: int | None = None) -> list[SupplierRow]:
    """The register by reference; ``limit``: its first rows only (a page shows them while
    the rest are read)."""
    latest, previous = aliased(SupplierReview), aliased(SupplierReview)
    with db.read() as session:
        suppliers = session.execute(
            select(Supplier.id, Supplier.ref, Supplier.name, Supplier.category,
                   Supplier.criticality, Supplier.status, Supplier.next_review, Party.ref,
                   latest.total_score, latest.band, previous.total_score)
            .outerjoin(Party, Party.id == Supplier.party_id)
            .outerjoin(latest, latest.id == _approved_result(0))
            .outerjoin(previous, previous.id == _approved_result(1))
            .order_by(Supplier.ref).limit(limit)).all()
        held = select(Certificate.supplier_id, Certificate.standard, Certificate.valid_until)
        if limit is not None:
            held = held.where(Certificate.supplier_id.in_([row[0] for row in suppliers]))
        certificates: dict[int, list[CertificateRecord]] = defaultdict(list)
        for supplier_id, standard, valid_until in session.execute(held):
            certificates[supplier_id].append(CertificateRecord(standard, valid_until=valid_until))
    rows = []
    for (sid, ref, name, category, criticality, status, next_review, party_ref, total, band,
         before) in suppliers:
        warnings = tuple(w for c in certificates.get(sid, [])
                         if (w := rules.certificate_warning(c, today)))
        rows.append(SupplierRow(
            sid, ref, name, category, criticality, status, next_review,
            rules.in_use(status) and is_overdue(next_review, today),
            total, band or "", before, warnings, rules.trend(total, before), party_ref or "",
            rules.expired_while_approved(status, certificates.get(sid, []), today)))
    return rows


def standing_counts(session: Session, standings: Sequence[rules.Band]
                    ) -> tuple[dict[str, int], int]:
    """How many suppliers stand in each band (``standings``, the bands set now) by their
    latest approved result, every supplier counted as the register and its report count
    them (rules.NO_BAND without a result); and how many of those still in use stand in a weak
    band. Counted by the database in one pass, per status and recorded band, not supplier by
    supplier; a result recorded under a band since renamed or redrawn is grouped by its
    total as well, to place it by that total."""
    latest = aliased(SupplierReview)
    names = [band.name for band in standings]
    bands = dict.fromkeys(names, 0) | {rules.NO_BAND: 0}
    weak = 0
    # The total matters only where the band recorded is no longer one of today's.
    placed_by = case((latest.band.in_(names), None), else_=latest.total_score)
    for status, recorded, total, n in session.execute(
            select(Supplier.status, latest.band, placed_by, func.count())
            .outerjoin(latest, latest.id == _approved_result(0))
            .group_by(Supplier.status, latest.band, placed_by)):
        band = recorded if recorded is None or recorded in names else (
            rules.current_band(recorded, total, standings))
        bands[band or rules.NO_BAND] += n
        if rules.in_use(status):
            weak += n * rules.is_weak_band(band, standings)
    return bands, weak


def approved_with_expired_certificate(session: Session, today: date) -> int:
    """How many suppliers are approved or preferred while a certificate of theirs has
    expired (:func:`rules.expired_while_approved`), counted by the database."""
    expired = (select(Certificate.id)
               .where(Certificate.supplier_id == Supplier.id, Certificate.valid_until < today)
               .exists())
    return session.scalar(select(func.count()).select_from(Supplier)
                          .where(Supplier.status.in_(rules.APPROVED_STATUSES), expired)) or 0


def to_record(supplier: Supplier, review_refs: Mapping[int, str]) -> SupplierRecord:
    """The record of a loaded supplier; ``review_refs`` (review id -> reference) names the
    reviews its history links to."""
    record = SupplierRecord(**{name: getattr(supplier, name) for name in _SUPPLIER_FIELDS})
    record.id, record.ref, record.version = supplier.id, supplier.ref, supplier.version
    record.updated_at = supplier.updated_at
    record.certificates = [CertificateRecord(id=c.id, **{n: getattr(c, n) for n in _CERT_FIELDS})
                           for c in supplier.certificates]
    record.history = [StatusChange(h.changed_on, h.from_status, h.to_status, h.reason,
                                   h.changed_by, review_refs.get(h.review_id or 0, ""))
                      for h in supplier.history]
    return record


def get_supplier(db: Database, supplier_id: int) -> SupplierRecord:
    supplier = get_suppliers(db, [supplier_id]).get(supplier_id)
    if supplier is None:
        raise NotFoundError(f"Supplier #{supplier_id} does not exist.")
    return supplier


def get_suppliers(db: Database, supplier_ids: Sequence[int]) -> dict[int, SupplierRecord]:
    """The suppliers of ``supplier_ids`` that exist, with their certificates and history,
    in four queries however many (a report reads its suppliers a batch at a time)."""
    with db.read() as session:
        review_refs = dict(session.execute(
            select(SupplierReview.id, SupplierReview.ref)
            .where(SupplierReview.supplier_id.in_(supplier_ids))).all())
        return {supplier.id: to_record(supplier, review_refs) for supplier in session.scalars(
            select(Supplier).where(Supplier.id.in_(supplier_ids))
            .options(selectinload(Supplier.certificates), selectinload(Supplier.history)))}


def _party_for(session: Session, record: SupplierRecord, today: date, user: str) -> int:
    """A supplier is an interested party: create its party (category supplier) now, through
    the parties register's own save. Refused with that register's message (keyed to the
    supplier's party link) when a rule says no: a name an active party already has is
    that party, which the user links instead."""
    party = new_party(today)
    party.name, party.category, party.internal = record.name, "supplier", False
    party.description, party.contact_person = record.scope, record.contact_person
    party.email, party.phone, party.owner = record.email, record.phone, user
    party.influence, party.interest = PARTY_RATINGS.get(record.criticality, (None, None))
    try:
        return finish(save_parties(session, [party], today))[0].id
    except BatchValidationError as exc:
        raise ValidationError({"party_id": " ".join(exc.errors.values())}) from exc


def normalise(record: SupplierRecord) -> None:
    """Tidy a record before the rules see it: trimmed names and codes, no blank text."""
    tidy_text(record, ("name", "email", "phone", "contact_person", "category"))


def history_end_differs(last: str) -> str:
    """The message for a new supplier whose status is not where its history ends."""
    return f"The status history ends in {last}, so that is the status; or add the change " \
           "to the history."


def check_suppliers(session: Session, records: Sequence[SupplierRecord],
                    today: date) -> dict[int, dict[str, str]]:
    """Every rule for suppliers about to be stored together (tidied first), by position in
    ``records``: the form's rules (rules.validate_supplier) and the database's
    (check_stored_suppliers)."""
    errors: dict[int, dict[str, str]] = {}
    for index, record in enumerate(records):
        normalise(record)
        if rule_errors := rules.validate_supplier(record, today):
            errors[index] = rule_errors
    return check_stored_suppliers(session, records, errors)


def check_stored_suppliers(session: Session, records: Sequence[SupplierRecord],
                           errors: dict[int, dict[str, str]] | None = None,
                           ) -> dict[int, dict[str, str]]:
    """The rules for suppliers about to be stored together that ask the database, added to
    ``errors`` (what the form's rules found): a status change allowed from the stored
    status, with its reason (a new supplier that brings its own history, as an import
    does, has the status that history ends in); the linked interested party exists; a new
    record's given reference is free. On their own for records that met the form's rules,
    tidied, and have not changed since (an import checks its file, then checks these again
    as it writes)."""
    errors = {} if errors is None else errors
    ids = sorted({r.id for r in records if r.id is not None})
    stored: dict[int, str] = {}
    for start in range(0, len(ids), CHUNK):
        stored.update(session.execute(select(Supplier.id, Supplier.status).where(
            Supplier.id.in_(ids[start:start + CHUNK]))).all())
    parties = existing_ids(session, Party, (r.party_id for r in records))
    for index, record in enumerate(records):
        found: dict[str, str] = {}
        if record.id is None and record.history:
            last = record.history[-1].to_status
            if record.status != last:
                found["status"] = history_end_differs(last)
        elif record.id is None or record.id in stored:  # else gone: the save says so
            found = rules.validate_status_change(stored.get(record.id or 0, ""),
                                                 record.status, record.status_reason)
        if record.party_id is not None and record.party_id not in parties:
            found["party_id"] = "The linked interested party no longer exists."
        for key, message in found.items():
            add_error(errors, index, key, message)
    check_new_refs(session, Supplier, records, errors)
    return errors


def save_suppliers(session: Session, records: Sequence[SupplierRecord], today: date,
                   user: str, batch: int = BATCH) -> Generator[int, None, list[Supplier]]:
    """The one way suppliers are written: check every record (check_suppliers), then store
    them all with their certificates in the caller's session, or none
    (BatchValidationError, nothing written).

    An empty next review follows from the criticality (the configured intervals); a status
    change is written to the supplier's history by ``user`` with its reason. A new supplier
    that brings its history (an import) gets the status it ends in, and the caller stores
    those lines (they name reviews saved with it). A new record gets its given reference or
    the next free one; a stored one is loaded for update (ConflictError, NotFoundError).
    Yields how many are stored after each ``batch``; returns the stored rows.
    """
    errors = check_suppliers(session, records, today)
    if errors:
        raise BatchValidationError(errors)
    intervals = intervals_in(session)  # read before anything is added (no early autoflush)
    refs = iter(new_refs(session, Supplier,
                         sum(1 for r in records if r.id is None and not r.ref),
                         {r.ref for r in records if r.ref}))
    # An empty history on a new supplier: after a flush it is not loaded, row by row.
    return (yield from store_all(
        session, Supplier, "The supplier", records,
        lambda r: Supplier(**new_row_values(r, r.ref or next(refs))),
        partial(store_checked, today=today, user=user, intervals=intervals), batch))


def new_row_values(record: SupplierRecord, ref: str) -> dict[str, Any]:
    """What a new supplier's row is made with: the status is set here, its later changes
    come with a line of history."""
    return {"ref": ref, "status": record.status, "history": []}


def store_checked(session: Session, supplier: Supplier, record: SupplierRecord, today: date,
                  user: str, intervals: Mapping[str, int]) -> None:
    """save_suppliers' store step, for a record check_suppliers passed: an empty next review
    follows from the criticality (``intervals``, read before anything was added), a status
    change goes into the history, then store_supplier."""
    if record.next_review is None:
        record.next_review = rules.next_review_date(
            None, record.criticality, record.review_interval_months, today, intervals)
    if not (record.id is None and record.history):
        record_status_change(session, supplier, record.status, record.status_reason or
                             "New supplier", today, user)
    store_supplier(session, supplier, record)


def save_supplier(db: Database, record: SupplierRecord, today: date,
                  create_party: bool = False) -> SupplierRecord:
    """Validate and save a supplier with its certificates in one transaction.

    A status change is written to the supplier's history with its reason; with
    ``create_party`` the supplier's interested party is created and linked (refused when
    an active party has its name: link that one).
    """
    label = record.ref or "The supplier"
    with db.session() as session, conflict_guard(label):
        if record.id is not None:  # a conflict is said before any rule
            load_for_update(session, Supplier, record.id, record.version, label)
        if create_party and record.party_id is None:
            if errors := check_suppliers(session, [record], today):
                raise BatchValidationError(errors)  # an invalid supplier makes no party
            record = replace(record, party_id=_party_for(session, record, today, db.user))
        supplier_id = finish(save_suppliers(session, [record], today, db.user))[0].id
    return get_supplier(db, supplier_id)


def store_supplier(session: Session, supplier: Supplier, record: SupplierRecord) -> None:
    """Copy a checked record onto ``supplier`` (new or loaded in ``session``) with its
    certificates, all but the status: that changes with its history (record_status_change,
    or an import's history rows). Only save_suppliers calls it, after check_suppliers."""
    for name in _SUPPLIER_FIELDS:
        if name != "status":
            setattr(supplier, name, getattr(record, name))
    changed = sync_children(
        session, list(supplier.certificates), record.certificates, _CERT_FIELDS,
        lambda values: supplier.certificates.append(Certificate(**values)))
    if supplier.id is not None and changed:
        touch(supplier)
