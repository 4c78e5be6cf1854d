"""External providers (ISO 9001 clause 8.4): suppliers, certificates, status history, reviews."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Float, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qmsdesk.models.base import Audited, Base, RegisterRecord, UTCDateTime
from qmsdesk.models.parties import Party


class Supplier(Audited, RegisterRecord, Base):
    __tablename__ = "supplier"
    ref_prefix = "SUP"
    audit_entity = "supplier"

    name: Mapped[str] = mapped_column(String(200), nullable=False, index=True)
    scope: Mapped[str] = mapped_column(Text, nullable=False, default="")
    category: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    criticality: Mapped[str] = mapped_column(String(20), nullable=False)
    contact_person: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    email: Mapped[str] = mapped_column(String(254), nullable=False, default="")
    phone: Mapped[str] = mapped_column(String(50), nullable=False, default="")
    party_id: Mapped[int | None] = mapped_column(
        ForeignKey("party.id", ondelete="RESTRICT"), index=True)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="pending",
                                        index=True)
    review_interval_months: Mapped[int | None] = mapped_column(Integer)
    next_review: Mapped[date | None] = mapped_column(Date, index=True)
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")

    party: Mapped[Party | None] = relationship()
    certificates: Mapped[list[Certificate]] = relationship(
        back_populates="supplier", cascade="all, delete-orphan", order_by="Certificate.id")
    history: Mapped[list[SupplierStatusChange]] = relationship(
        back_populates="supplier", cascade="all, delete-orphan",
        order_by="SupplierStatusChange.id")


class Certificate(Audited, Base):
    __tablename__ = "supplier_certificate"
    audit_entity = "supplier certificate"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    supplier_id: Mapped[int] = mapped_column(
        ForeignKey("supplier.id", ondelete="CASCADE"), index=True)
    standard: Mapped[str] = mapped_column(String(100), nullable=False)
    number: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    issuer: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    valid_until: Mapped[date | None] = mapped_column(Date, index=True)

    supplier: Mapped[Supplier] = relationship(back_populates="certificates")

    @property
    def audit_ref(self) -> str:
        return self.supplier.ref if self.supplier is not None else ""


class SupplierStatusChange(Audited, Base):
    """One approval-status change: kept for ever, never edited."""

    __tablename__ = "supplier_status_change"
    audit_entity = "supplier status change"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    supplier_id: Mapped[int] = mapped_column(
        ForeignKey("supplier.id", ondelete="CASCADE"), index=True)
    changed_on: Mapped[date] = mapped_column(Date, nullable=False)
    from_status: Mapped[str] = mapped_column(String(20), nullable=False, default="")
    to_status: Mapped[str] = mapped_column(String(20), nullable=False)
    reason: Mapped[str] = mapped_column(Text, nullable=False, default="")
    changed_by: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    review_id: Mapped[int | None] = mapped_column(
        ForeignKey("supplier_review.id", ondelete="RESTRICT"), index=True)

    supplier: Mapped[Supplier] = relationship(back_populates="history")

    @property
    def audit_ref(self) -> str:
        return self.supplier.ref if self.supplier is not None else ""


class ReviewCriterion(Audited, Base):
    """A configured evaluation criterion; reviews copy name and weight when made."""

    __tablename__ = "review_criterion"
    audit_entity = "review criterion"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    weight: Mapped[float] = mapped_column(Float, nullable=False)

    @property
    def audit_ref(self) -> str:
        return f"criterion {self.name}"


class SupplierReview(Audited, RegisterRecord, Base):
    __tablename__ = "supplier_review"
    # each supplier's latest approved results, found by one seek (0013); drafts left out
    __table_args__ = (Index("ix_supplier_review_latest", "supplier_id", "review_date", "id",
                            sqlite_where=text("approved_on IS NOT NULL"),
                            postgresql_where=text("approved_on IS NOT NULL")),)
    ref_prefix = "REV"
    audit_entity = "supplier review"

    supplier_id: Mapped[int] = mapped_column(
        ForeignKey("supplier.id", ondelete="RESTRICT"), index=True)
    period_from: Mapped[date | None] = mapped_column(Date)
    period_to: Mapped[date | None] = mapped_column(Date)
    review_date: Mapped[date] = mapped_column(Date, nullable=False, index=True)
    reviewer: Mapped[str] = mapped_column(String(200), nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    deliveries_total: Mapped[int | None] = mapped_column(Integer)
    deliveries_on_time: Mapped[int | None] = mapped_column(Integer)
    lots_received: Mapped[int | None] = mapped_column(Integer)
    lots_rejected: Mapped[int | None] = mapped_column(Integer)
    units_received: Mapped[int | None] = mapped_column(Integer)
    units_rejected: Mapped[int | None] = mapped_column(Integer)
    total_score: Mapped[float | None] = mapped_column(Float)  # kept for lists and reports
    band: Mapped[str] = mapped_column(String(10), nullable=False, default="")
    decision: Mapped[str] = mapped_column(String(20), nullable=False, default="")
    strengths: Mapped[str] = mapped_column(Text, nullable=False, default="")
    weaknesses: Mapped[str] = mapped_column(Text, nullable=False, default="")
    comments: Mapped[str] = mapped_column(Text, nullable=False, default="")
    approved_by: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    approved_on: Mapped[date | None] = mapped_column(Date)
    # The approval as a recorded act: the approver's login, the moment, the content's hash.
    approved_login: Mapped[str] = mapped_column(String(63), nullable=False, default="",
                                                server_default="")
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    approved_hash: Mapped[str] = mapped_column(String(64), nullable=False, default="",
                                               server_default="")
    # What the approver meant by it ("Approved as reviewer"); empty when none was given.
    approved_meaning: Mapped[str] = mapped_column(String(200), nullable=False, default="",
                                                  server_default="")

    supplier: Mapped[Supplier] = relationship()
    scores: Mapped[list[ReviewScore]] = relationship(
        back_populates="review", cascade="all, delete-orphan", order_by="ReviewScore.id")


class ReviewScore(Audited, Base):
    __tablename__ = "supplier_review_score"
    audit_entity = "review score"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    review_id: Mapped[int] = mapped_column(
        ForeignKey("supplier_review.id", ondelete="CASCADE"), index=True)
    criterion: Mapped[str] = mapped_column(String(100), nullable=False)
    weight: Mapped[float] = mapped_column(Float, nullable=False)
    score: Mapped[float | None] = mapped_column(Float)

    review: Mapped[SupplierReview] = relationship(back_populates="scores")

    @property
    def audit_ref(self) -> str:
        return self.review.ref if self.review is not None else ""
