"""The suppliers register as flat tables (export, auditor pack) and in a spreadsheet:
suppliers, certificates, status history, reviews and their scores."""

from __future__ import annotations

from sqlalchemy.orm import aliased, join

from qmsdesk.models.parties import Party
from qmsdesk.models.suppliers import (
    Certificate,
    ReviewScore,
    Supplier,
    SupplierReview,
    SupplierStatusChange,
)
from qmsdesk.services.exchange.columns import Table, col, stamps
from qmsdesk.services.exchange.specs import RegisterSpec, SheetSpec

_supplier_party = aliased(Party, name="supplier_party")
SUPPLIERS = Table("suppliers", "Suppliers (external providers)", (
    col("Reference", Supplier.ref, "code"),
    col("Name", Supplier.name),
    col("Scope", Supplier.scope),
    col("Category", Supplier.category),  # free text, unlike a party's category
    col("Criticality", Supplier.criticality, "code"),
    col("Contact person", Supplier.contact_person),
    col("Email", Supplier.email),
    col("Phone", Supplier.phone),
    col("Party reference", _supplier_party.ref, "code"),
    col("Status", Supplier.status, "code"),
    col("Review interval (months)", Supplier.review_interval_months, "int"),
    col("Next review", Supplier.next_review, "date"),
    col("Notes", Supplier.notes),
    *stamps(Supplier),
), join(Supplier, _supplier_party, Supplier.party_id == _supplier_party.id, isouter=True),
    (Supplier.ref, Supplier.id))

CERTIFICATES = Table("certificates", "Supplier certificates", (
    col("Supplier reference", Supplier.ref, "code"),
    col("Standard", Certificate.standard),
    col("Certificate no.", Certificate.number),
    col("Issued by", Certificate.issuer),
    col("Valid until", Certificate.valid_until, "date"),
), join(Certificate, Supplier, Certificate.supplier_id == Supplier.id),
    (Supplier.ref, Certificate.id))

_deciding_review = aliased(SupplierReview, name="deciding_review")
STATUS_HISTORY = Table("supplier_status_history", "Supplier approval-status history", (
    col("Supplier reference", Supplier.ref, "code"),
    col("Changed on", SupplierStatusChange.changed_on, "date"),
    col("From status", SupplierStatusChange.from_status, "code"),
    col("To status", SupplierStatusChange.to_status, "code"),
    col("Reason", SupplierStatusChange.reason),
    col("Changed by", SupplierStatusChange.changed_by),
    col("Review reference", _deciding_review.ref, "code"),
), join(SupplierStatusChange, Supplier, SupplierStatusChange.supplier_id == Supplier.id)
    .join(_deciding_review, SupplierStatusChange.review_id == _deciding_review.id,
          isouter=True),
    (Supplier.ref, SupplierStatusChange.id))

REVIEWS = Table("reviews", "Supplier reviews", (
    col("Supplier reference", Supplier.ref, "code"),
    col("Reference", SupplierReview.ref, "code"),
    col("Period from", SupplierReview.period_from, "date"),
    col("Period to", SupplierReview.period_to, "date"),
    col("Review date", SupplierReview.review_date, "date"),
    col("Reviewer", SupplierReview.reviewer),
    col("Kind", SupplierReview.kind, "code"),
    col("Deliveries total", SupplierReview.deliveries_total, "int"),
    col("Deliveries on time", SupplierReview.deliveries_on_time, "int"),
    col("Lots received", SupplierReview.lots_received, "int"),
    col("Lots rejected", SupplierReview.lots_rejected, "int"),
    col("Units received", SupplierReview.units_received, "int"),
    col("Units rejected", SupplierReview.units_rejected, "int"),
    col("Total score", SupplierReview.total_score, "float"),
    col("Band", SupplierReview.band, "code"),
    col("Decision", SupplierReview.decision, "code"),
    col("Strengths", SupplierReview.strengths),
    col("Weaknesses", SupplierReview.weaknesses),
    col("Comments", SupplierReview.comments),
    col("Approved by", SupplierReview.approved_by),
    col("Approved on", SupplierReview.approved_on, "date"),
    *stamps(SupplierReview),
), join(SupplierReview, Supplier, SupplierReview.supplier_id == Supplier.id),
    (Supplier.ref, SupplierReview.ref, SupplierReview.id))

REVIEW_SCORES = Table("review_scores", "Supplier review scores", (
    col("Review reference", SupplierReview.ref, "code"),
    col("Supplier reference", Supplier.ref, "code"),
    col("Criterion", ReviewScore.criterion),
    col("Weight %", ReviewScore.weight, "float"),
    col("Score", ReviewScore.score, "float"),
), join(ReviewScore, SupplierReview, ReviewScore.review_id == SupplierReview.id)
    .join(Supplier, SupplierReview.supplier_id == Supplier.id),
    (SupplierReview.ref, ReviewScore.id))

TABLES = (SUPPLIERS, CERTIFICATES, STATUS_HISTORY, REVIEWS, REVIEW_SCORES)

SPEC = RegisterSpec("suppliers", "Suppliers", (
    SheetSpec(SUPPLIERS), SheetSpec(CERTIFICATES, "Supplier reference"),
    SheetSpec(STATUS_HISTORY, "Supplier reference"),
    SheetSpec(REVIEWS, "Supplier reference"),
    SheetSpec(REVIEW_SCORES, "Review reference")))
