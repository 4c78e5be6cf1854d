"""Supplier records: the dataclasses the editors, the tables and the import share."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass
class CertificateRecord:
    standard: str = ""  # ISO 9001, IATF 16949, ISO 13485, ...
    number: str = ""
    issuer: str = ""
    valid_until: date | None = None
    id: int | None = None


@dataclass(frozen=True)
class StatusChange:
    """One change of a supplier's approval status, as kept in its history."""

    changed_on: date
    from_status: str
    to_status: str
    reason: str
    changed_by: str
    review_ref: str = ""


@dataclass
class SupplierRecord:
    name: str = ""
    scope: str = ""  # what they supply (commodity)
    category: str = ""
    criticality: str = "major"
    contact_person: str = ""
    email: str = ""
    phone: str = ""
    party_id: int | None = None
    status: str = "pending"
    status_reason: str = ""  # why, when the status is changed in this save
    review_interval_months: int | None = None  # None: the default for its criticality
    next_review: date | None = None
    notes: str = ""
    certificates: list[CertificateRecord] = field(default_factory=list)
    history: list[StatusChange] = field(default_factory=list)  # read-only
    id: int | None = None
    ref: str = ""
    version: int = 0
    updated_at: datetime | None = None


@dataclass
class CriterionScore:
    """A criterion as it stood when the review was made (name and weight are copied)."""

    criterion: str
    weight: float
    score: float | None = None  # 0-100, None when not scored
    id: int | None = None


@dataclass
class ReviewRecord:
    supplier_id: int | None = None
    period_from: date | None = None
    period_to: date | None = None
    review_date: date | None = None
    reviewer: str = ""
    kind: str = "periodic"
    scores: list[CriterionScore] = field(default_factory=list)
    deliveries_total: int | None = None
    deliveries_on_time: int | None = None
    lots_received: int | None = None
    lots_rejected: int | None = None
    units_received: int | None = None
    units_rejected: int | None = None
    decision: str = ""  # the reviewer's final decision (a supplier status)
    strengths: str = ""
    weaknesses: str = ""
    comments: str = ""
    approved_by: str = ""
    approved_on: date | None = None
    id: int | None = None
    ref: str = ""
    version: int = 0
    updated_at: datetime | None = None
    signature: str = ""  # the approval as signed: login, moment, content hash (signoff)

    @property
    def locked(self) -> bool:
        """An approved review is a record: a correction is a new review."""
        return self.id is not None and self.approved_on is not None


@dataclass(frozen=True, slots=True)  # one per line: a register may hold 100 000s
class SupplierRow:
    """One line of the supplier table."""

    id: int
    ref: str
    name: str
    category: str
    criticality: str
    status: str
    next_review: date | None
    overdue: bool
    latest_total: float | None
    latest_band: str
    previous_total: float | None
    certificate_warnings: tuple[str, ...]
    trend: str  # ↑ ↓ → from the previous total to the latest: rules.trend, by list_suppliers
    party_ref: str = ""
    # Its expired certificates while it is approved or preferred (rules.expired_while_approved)
    approved_expired: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)  # one per line: a register may hold 100 000s
class ReviewRow:
    id: int
    ref: str
    supplier_id: int
    supplier_ref: str
    supplier_name: str
    review_date: date
    kind: str
    total: float | None
    band: str
    decision: str
    approved_on: date | None
    reviewer: str
