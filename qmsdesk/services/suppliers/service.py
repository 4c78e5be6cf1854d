"""Supplier register use cases (ISO 9001 8.4): suppliers, certificates, status history."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from qmsdesk.models.db import Database
from qmsdesk.models.parties import Party
from qmsdesk.models.suppliers import Certificate, Supplier, SupplierReview
from qmsdesk.services.dates import add_months, is_overdue
from qmsdesk.services.errors import NotFoundError, ValidationError
from qmsdesk.services.records import conflict_guard, load_for_update, next_ref, sync_children, touch
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


def new_supplier(today: date) -> SupplierRecord:
    """A blank supplier; its first review date follows from its criticality when saved."""
    return SupplierRecord()


def list_suppliers(db: Database, today: date) -> list[SupplierRow]:
    with db.read() as session:
        suppliers = session.execute(
            select(Supplier.id, Supplier.ref, Supplier.name, Supplier.category,
                   Supplier.criticality, Supplier.status, Supplier.next_review, Party.ref)
            .outerjoin(Party, Party.id == Supplier.party_id).order_by(Supplier.ref)).all()
        totals: dict[int, list[tuple[float | None, str]]] = defaultdict(list)
        for supplier_id, total, band in session.execute(
                select(SupplierReview.supplier_id, SupplierReview.total_score,
                       SupplierReview.band)
                .where(SupplierReview.approved_on.is_not(None))  # drafts are not yet a result
                .order_by(SupplierReview.review_date.desc(), SupplierReview.id.desc())):
            totals[supplier_id].append((total, band))
        certificates: dict[int, list[CertificateRecord]] = defaultdict(list)
        for supplier_id, standard, valid_until in session.execute(
                select(Certificate.supplier_id, Certificate.standard, Certificate.valid_until)):
            certificates[supplier_id].append(CertificateRecord(standard, valid_until=valid_until))
    rows = []
    for sid, ref, name, category, criticality, status, next_review, party_ref in suppliers:
        history = totals.get(sid, [])
        warnings = tuple(w for c in certificates.get(sid, [])
                         if (w := rules.certificate_warning(c, today)))
        latest = history[0][0] if history else None
        previous = history[1][0] if len(history) > 1 else None
        rows.append(SupplierRow(
            sid, ref, name, category, criticality, status, next_review,
            status != "disqualified" and is_overdue(next_review, today),
            latest, history[0][1] if history else "", previous, warnings,
            rules.trend(latest, previous), party_ref or ""))
    return rows


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


def _to_record(supplier: Supplier, session: Session) -> SupplierRecord:
    review_refs = dict(session.execute(
        select(SupplierReview.id, SupplierReview.ref)
        .where(SupplierReview.supplier_id == supplier.id)).all())
    return to_record(supplier, review_refs)


def get_supplier(db: Database, supplier_id: int) -> SupplierRecord:
    with db.read() as session:
        supplier = session.get(Supplier, supplier_id)
        if supplier is None:
            raise NotFoundError(f"Supplier #{supplier_id} does not exist.")
        return _to_record(supplier, session)


def _party_for(session: Session, record: SupplierRecord, today: date, user: str) -> int:
    """A supplier is an interested party: create its party (category supplier) now."""
    party = Party(ref=next_ref(session, Party), name=record.name, category="supplier",
                  internal=False, description=record.scope, contact_person=record.contact_person,
                  email=record.email, phone=record.phone, influence=3, interest=3,
                  owner=user, review_interval_months=12,
                  next_review=add_months(today, 12), focus="long-term", status="active")
    session.add(party)
    session.flush()
    return party.id


def normalise(record: SupplierRecord) -> None:
    """Tidy a record before the rules see it: trimmed names and codes, no blank text."""
    tidy_text(record, ("name", "email", "phone", "contact_person", "category"))


def save_supplier(db: Database, record: SupplierRecord, today: date,
                  create_party: bool = False) -> SupplierRecord:
    """Validate and save a supplier with its certificates in one transaction.

    A status change is written to the supplier's history with its reason; with
    ``create_party`` the supplier's interested party is created and linked.
    """
    normalise(record)
    errors = rules.validate_supplier(record, today)
    label = record.ref or "The supplier"
    with db.session() as session, conflict_guard(label):
        intervals = intervals_in(session)  # read before anything is added (no early autoflush)
        old = ""
        if record.id is not None:
            supplier = load_for_update(session, Supplier, record.id, record.version, label)
            old = supplier.status
        errors |= rules.validate_status_change(old, record.status, record.status_reason)
        if record.party_id is not None and session.get(Party, record.party_id) is None:
            errors["party_id"] = "The linked interested party no longer exists."
        if errors:
            raise ValidationError(errors)
        if create_party and record.party_id is None:
            record.party_id = _party_for(session, record, today, db.user)
        if record.id is None:
            supplier = Supplier(ref=next_ref(session, Supplier), status=record.status)
            session.add(supplier)
        if record.next_review is None:
            record.next_review = rules.next_review_date(
                None, record.criticality, record.review_interval_months, today, intervals)
        if record.id is None or old != record.status:
            record_status_change(session, supplier, record.status, record.status_reason or
                                 "New supplier", today, db.user)
        store_supplier(session, supplier, record)
        session.flush()
        supplier_id = supplier.id
    return get_supplier(db, supplier_id)


def store_supplier(session: Session, supplier: Supplier, record: SupplierRecord) -> None:
    """Copy a validated record onto ``supplier`` (new or loaded in ``session``) with its
    certificates, all but the status: that changes with its history (record_status_change,
    or an import's history rows). The caller validates, flushes and commits."""
    for name in _SUPPLIER_FIELDS:
        if name != "status":
            setattr(supplier, name, getattr(record, name))
    changed = sync_children(
        session, list(supplier.certificates), record.certificates, _CERT_FIELDS,
        lambda values: supplier.certificates.append(Certificate(**values)))
    if supplier.id is not None and changed:
        touch(supplier)
