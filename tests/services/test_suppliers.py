"""The supplier service: saving with certificates, status history, review dates, the list."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from qmsdesk.models.audit import AuditEntry, verify_chain
from qmsdesk.models.db import Database
from qmsdesk.models.parties import Party
from qmsdesk.models.suppliers import Certificate, Supplier, SupplierStatusChange
from qmsdesk.services.errors import ConflictError, NotFoundError, ValidationError
from qmsdesk.services.parties import service as parties
from qmsdesk.services.suppliers import reviews as supplier_reviews
from qmsdesk.services.suppliers import service as suppliers
from qmsdesk.services.suppliers.records import CertificateRecord, StatusChange, SupplierRecord
from tests.factories import make_party, make_supplier

DAY = timedelta(days=1)
ISO_9001 = "ISO 9001"


def _counts(db: Database) -> tuple[int, ...]:
    with db.session() as session:
        return tuple(session.scalar(select(func.count()).select_from(model))
                     for model in (Supplier, Certificate, SupplierStatusChange, Party, AuditEntry))


def _refused(db: Database, record: SupplierRecord, today: date,
             create_party: bool = False) -> dict[str, str]:
    """The errors of a save that must write nothing at all, not even an audit entry."""
    before = _counts(db)
    with pytest.raises(ValidationError) as caught:
        suppliers.save_supplier(db, record, today, create_party=create_party)
    assert _counts(db) == before
    for key, message in caught.value.errors.items():
        assert f"{key}: {message}" in str(caught.value)
    return caught.value.errors


def _row(db: Database, today: date, supplier_id: int) -> suppliers.SupplierRow:
    (row,) = [r for r in suppliers.list_suppliers(db, today) if r.id == supplier_id]
    return row


def _audit(db: Database, **where: str) -> list[AuditEntry]:
    with db.session() as session:
        query = select(AuditEntry).order_by(AuditEntry.id)
        for name, value in where.items():
            query = query.where(getattr(AuditEntry, name) == value)
        return list(session.scalars(query))


def test_new_supplier_is_blank_pending_and_major(today: date) -> None:
    record = suppliers.new_supplier(today)
    assert (record.id, record.ref, record.name, record.status) == (None, "", "", "pending")
    assert record.criticality == "major"
    assert record.next_review is None and record.certificates == [] and record.history == []


def test_create_with_certificates(db: Database, today: date) -> None:
    record = make_supplier(
        today, name="  Precision Castings Ltd  ", email=" sales@castings.example ",
        certificates=[CertificateRecord(ISO_9001, "Q-1234", "TÜV", date(2028, 3, 1)),
                      CertificateRecord("IATF 16949", "A-77", "DEKRA", date(2027, 6, 30))])
    saved = suppliers.save_supplier(db, record, today)
    assert saved.id is not None and saved.ref == "SUP-0001"
    assert saved.name == "Precision Castings Ltd" and saved.email == "sales@castings.example"
    assert [(c.standard, c.number, c.issuer, c.valid_until) for c in saved.certificates] == [
        (ISO_9001, "Q-1234", "TÜV", date(2028, 3, 1)),
        ("IATF 16949", "A-77", "DEKRA", date(2027, 6, 30))]
    assert all(c.id is not None for c in saved.certificates)
    assert suppliers.get_supplier(db, saved.id) == saved
    # A new pending supplier still has one history line: where it started.
    assert saved.history == [StatusChange(today, "", "pending", "New supplier", "tester")]
    assert saved.status_reason == ""


def test_refs_are_numbered_in_order(db: Database, today: date) -> None:
    refs = [suppliers.save_supplier(db, make_supplier(today, name=f"Supplier {i}"), today).ref
            for i in range(3)]
    assert refs == ["SUP-0001", "SUP-0002", "SUP-0003"]
    assert [row.ref for row in suppliers.list_suppliers(db, today)] == refs


def test_get_a_missing_supplier(db: Database) -> None:
    with pytest.raises(NotFoundError, match="Supplier #42 does not exist"):
        suppliers.get_supplier(db, 42)


def test_every_status_change_is_kept_with_reason_date_and_user(db: Database,
                                                               today: date) -> None:
    first = suppliers.save_supplier(
        db, make_supplier(today, status="approved", status_reason="  Initial audit passed "),
        today - 30 * DAY)
    db.user = "maria"
    suspended = suppliers.save_supplier(
        db, replace(first, status="suspended", status_reason="Two rejected lots in May"),
        today - 10 * DAY)
    db.user = "tom"
    back = suppliers.save_supplier(
        db, replace(suspended, status="conditional", status_reason="8D accepted"), today)
    assert back.status == "conditional"
    assert back.history == [
        StatusChange(today - 30 * DAY, "", "approved", "Initial audit passed", "tester"),
        StatusChange(today - 10 * DAY, "approved", "suspended", "Two rejected lots in May",
                     "maria"),
        StatusChange(today, "suspended", "conditional", "8D accepted", "tom")]
    # Saving without a status change adds no line, whatever the reason field says.
    same = suppliers.save_supplier(db, replace(back, notes="call monthly",
                                               status_reason="ignored"), today)
    assert same.history == back.history


def test_a_status_change_without_a_reason_is_refused(db: Database, today: date) -> None:
    saved = suppliers.save_supplier(
        db, make_supplier(today, status="approved", status_reason="Audit passed"), today)
    for reason in ("", "   "):
        errors = _refused(db, replace(saved, status="suspended", status_reason=reason), today)
        assert errors == {"status_reason": "Give the reason for changing the status from "
                                           "approved to suspended."}
    assert suppliers.get_supplier(db, saved.id) == saved


def test_a_new_supplier_that_starts_approved_needs_a_reason(db: Database, today: date) -> None:
    errors = _refused(db, make_supplier(today, status="approved"), today)
    assert errors == {"status_reason": "Give the reason for changing the status to approved."}


def test_a_supplier_never_goes_back_to_pending(db: Database, today: date) -> None:
    saved = suppliers.save_supplier(
        db, make_supplier(today, status="approved", status_reason="Audit passed"), today)
    errors = _refused(db, replace(saved, status="pending", status_reason="Start over"), today)
    assert errors["status"].startswith("A supplier that is approved cannot go back to pending")
    assert suppliers.get_supplier(db, saved.id).status == "approved"


@pytest.mark.parametrize(("criticality", "expected"), [
    ("critical", date(2027, 5, 21)), ("major", date(2027, 11, 21)),
    ("minor", date(2028, 11, 21))])
def test_next_review_follows_criticality(db: Database, today: date, criticality: str,
                                         expected: date) -> None:
    saved = suppliers.save_supplier(db, make_supplier(today, criticality=criticality), today)
    assert saved.next_review == expected
    assert _row(db, today, saved.id).next_review == expected


def test_a_given_next_review_or_interval_wins(db: Database, today: date) -> None:
    given = suppliers.save_supplier(
        db, make_supplier(today, criticality="critical", next_review=date(2027, 1, 15)), today)
    assert given.next_review == date(2027, 1, 15)
    override = suppliers.save_supplier(
        db, make_supplier(today, name="B", criticality="critical", review_interval_months=4),
        today)
    assert override.next_review == date(2027, 3, 21)


def test_next_review_follows_the_configured_intervals(db: Database, today: date) -> None:
    before = suppliers.save_supplier(db, make_supplier(today, name="Early", criticality="minor"),
                                     today)
    supplier_reviews.save_intervals(db, {"critical": 3, "major": 9, "minor": 18})
    dates = {c: suppliers.save_supplier(db, make_supplier(today, name=c, criticality=c),
                                        today).next_review
             for c in ("critical", "major", "minor")}
    assert suppliers.get_supplier(db, before.id).next_review == date(2028, 11, 21)
    assert dates == {"critical": date(2027, 2, 21), "major": date(2027, 8, 21),
                     "minor": date(2028, 5, 21)}


def test_create_party_creates_and_links_a_supplier_party(db: Database, today: date) -> None:
    record = make_supplier(today, contact_person="Jan Novak", email="jan@castings.example",
                           phone="+420 555 123")
    saved = suppliers.save_supplier(db, record, today, create_party=True)
    assert saved.party_id is not None
    with db.session() as session:
        party = session.get(Party, saved.party_id)
        assert party is not None
        assert (party.ref, party.name, party.category, party.internal) == (
            "IP-0001", "Precision Castings Ltd", "supplier", False)
        assert (party.contact_person, party.email, party.phone, party.description) == (
            "Jan Novak", "jan@castings.example", "+420 555 123", "Aluminium die castings")
    assert _row(db, today, saved.id).party_ref == "IP-0001"
    # Saving again with create_party does not make a second party.
    again = suppliers.save_supplier(db, replace(saved, notes="x"), today, create_party=True)
    assert again.party_id == saved.party_id
    assert _counts(db)[3] == 1


def test_without_create_party_no_party_is_made(db: Database, today: date) -> None:
    saved = suppliers.save_supplier(db, make_supplier(today), today)
    assert saved.party_id is None and _counts(db)[3] == 0
    assert _row(db, today, saved.id).party_ref == ""


def test_an_existing_party_can_be_linked(db: Database, today: date) -> None:
    party = parties.save_party(db, make_party(today, category="supplier"), today)
    saved = suppliers.save_supplier(db, make_supplier(today, party_id=party.id), today,
                                    create_party=True)
    assert saved.party_id == party.id and _counts(db)[3] == 1
    assert _row(db, today, saved.id).party_ref == party.ref


def test_a_missing_linked_party_is_refused(db: Database, today: date) -> None:
    errors = _refused(db, make_supplier(today, party_id=999), today, create_party=True)
    assert errors == {"party_id": "The linked interested party no longer exists."}


def test_an_invalid_supplier_creates_no_party(db: Database, today: date) -> None:
    errors = _refused(db, make_supplier(today, name=""), today, create_party=True)
    assert set(errors) == {"name"}


def test_certificates_are_added_edited_and_deleted_by_saving(db: Database,
                                                             today: date) -> None:
    saved = suppliers.save_supplier(db, make_supplier(today, certificates=[
        CertificateRecord(ISO_9001, "Q-1", "TÜV", date(2027, 3, 1)),
        CertificateRecord("ISO 14001", "E-2", "BSI", date(2027, 4, 1))]), today)
    keep, drop = saved.certificates
    edited = replace(saved, certificates=[
        replace(keep, valid_until=date(2030, 3, 1), number="Q-1/2"),
        CertificateRecord("IATF 16949", "A-3", "DEKRA", date(2029, 1, 1))])
    after = suppliers.save_supplier(db, edited, today)
    assert after.version > saved.version
    assert [(c.id, c.standard, c.number, c.valid_until) for c in after.certificates] == [
        (keep.id, ISO_9001, "Q-1/2", date(2030, 3, 1)),
        (after.certificates[1].id, "IATF 16949", "A-3", date(2029, 1, 1))]
    assert _counts(db)[1] == 2
    deleted = _audit(db, action="delete", entity="supplier certificate")
    assert {(e.ref, e.field, e.old_value) for e in deleted} >= {
        ("SUP-0001", "standard", "ISO 14001"), ("SUP-0001", "number", "E-2"),
        ("SUP-0001", "valid_until", "2027-04-01")}
    assert {e.record_id for e in deleted} == {str(drop.id)}
    updated = _audit(db, action="update", entity="supplier certificate", field="valid_until")
    assert [(e.ref, e.old_value, e.new_value) for e in updated] == [
        ("SUP-0001", "2027-03-01", "2030-03-01")]
    with db.session() as session:
        assert verify_chain(session).intact


def test_certificate_warnings_in_the_list(db: Database, today: date) -> None:
    saved = suppliers.save_supplier(db, make_supplier(today, certificates=[
        CertificateRecord(ISO_9001, valid_until=today - DAY),
        CertificateRecord("IATF 16949", valid_until=today + 60 * DAY),
        CertificateRecord("ISO 14001", valid_until=today + 61 * DAY)]), today)
    clean = suppliers.save_supplier(db, make_supplier(today, name="Clean", certificates=[
        CertificateRecord(ISO_9001, valid_until=today + 400 * DAY)]), today)
    none = suppliers.save_supplier(db, make_supplier(today, name="None"), today)
    assert _row(db, today, saved.id).certificate_warnings == (
        "ISO 9001 expired on 2026-11-20", "IATF 16949 expires in 60 days (2027-01-20)")
    assert _row(db, today, clean.id).certificate_warnings == ()
    assert _row(db, today, none.id).certificate_warnings == ()
    # The same certificate warns once it is within 60 days of a later "today".
    assert _row(db, today + 400 * DAY - 5 * DAY, clean.id).certificate_warnings == (
        "ISO 9001 expires in 5 days (2027-12-26)",)


def test_overdue_next_review_is_flagged_but_not_for_disqualified(db: Database,
                                                                  today: date) -> None:
    late = suppliers.save_supplier(db, make_supplier(today, name="Late",
                                                     next_review=today - DAY), today)
    due = suppliers.save_supplier(db, make_supplier(today, name="Due", next_review=today), today)
    gone = suppliers.save_supplier(db, make_supplier(
        today, name="Gone", next_review=today - 100 * DAY, status="disqualified",
        status_reason="Fraudulent certificate"), today)
    assert _row(db, today, late.id).overdue is True
    assert _row(db, today, due.id).overdue is False
    assert _row(db, today + DAY, due.id).overdue is True
    assert _row(db, today, gone.id).overdue is False
    assert _row(db, today, gone.id).status == "disqualified"


def test_a_list_row_without_reviews(db: Database, today: date) -> None:
    saved = suppliers.save_supplier(db, make_supplier(today, category="Castings",
                                                      criticality="critical"), today)
    row = _row(db, today, saved.id)
    assert (row.ref, row.name, row.category, row.criticality, row.status) == (
        "SUP-0001", "Precision Castings Ltd", "Castings", "critical", "pending")
    assert (row.latest_total, row.latest_band, row.previous_total, row.trend) == (
        None, "", None, "")


def test_a_stale_copy_is_refused_and_the_first_save_kept(db: Database, today: date) -> None:
    saved = suppliers.save_supplier(db, make_supplier(today), today)
    mine, theirs = replace(saved, notes="mine"), replace(saved, notes="theirs")
    suppliers.save_supplier(db, theirs, today)
    before = _counts(db)
    with pytest.raises(ConflictError, match="SUP-0001 was changed elsewhere"):
        suppliers.save_supplier(db, mine, today)
    assert _counts(db) == before
    assert suppliers.get_supplier(db, saved.id).notes == "theirs"


def test_a_certificate_only_edit_also_makes_other_copies_stale(db: Database,
                                                               today: date) -> None:
    saved = suppliers.save_supplier(db, make_supplier(today), today)
    suppliers.save_supplier(db, replace(saved, certificates=[
        CertificateRecord(ISO_9001, valid_until=date(2028, 1, 1))]), today)
    with pytest.raises(ConflictError):
        suppliers.save_supplier(db, replace(saved, notes="stale"), today)
    assert [c.standard for c in suppliers.get_supplier(db, saved.id).certificates] == [ISO_9001]


def test_saving_a_deleted_supplier_is_not_found(db: Database, today: date) -> None:
    with pytest.raises(NotFoundError, match="no longer exists"):
        suppliers.save_supplier(db, make_supplier(today, id=77, version=1), today)


def test_validation_messages_pass_through_with_field_keys(db: Database, today: date) -> None:
    record = make_supplier(
        today, name="  ", email="not-an-email", phone="ring reception", criticality="vital",
        review_interval_months=0,
        certificates=[CertificateRecord("", valid_until=None)])
    errors = _refused(db, record, today)
    assert errors == {
        "name": "Name is required.",
        "email": "'not-an-email' is not an email address (name@example.com).",
        "phone": "Phone may hold digits, spaces and + ( ) - . / only.",
        "criticality": "Criticality must be one of: critical, major, minor.",
        "review_interval_months": "Review interval must be 1 to 60 months, or left empty for "
                                  "the criticality's default.",
        "certificates[0].standard": errors["certificates[0].standard"],
        "certificates[0].valid_until": "Certificate 1: enter the date the certificate is valid "
                                       "until."}
    assert errors["certificates[0].standard"].startswith("Certificate 1: standard")


def test_an_unknown_status_is_refused(db: Database, today: date) -> None:
    errors = _refused(db, make_supplier(today, status="blocked", status_reason="x"), today)
    assert errors == {"status": "Status must be one of: pending, approved, conditional, "
                                "preferred, suspended, disqualified."}


def test_creating_a_supplier_is_audited(db: Database, today: date) -> None:
    suppliers.save_supplier(db, make_supplier(today, status="approved", status_reason="Audit",
                                              certificates=[CertificateRecord(
                                                  ISO_9001, valid_until=date(2028, 1, 1))]),
                            today)
    entries = _audit(db, ref="SUP-0001", action="create")
    fields = {(e.entity, e.field, e.new_value) for e in entries}
    assert {("supplier", "name", "Precision Castings Ltd"), ("supplier", "status", "approved"),
            ("supplier certificate", "standard", ISO_9001),
            ("supplier status change", "to_status", "approved"),
            ("supplier status change", "reason", "Audit")} <= fields
    assert {e.user for e in entries} == {"tester"}
