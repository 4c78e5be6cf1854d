"""Management-review input 9.3.2 c 7: the performance of external providers.

Suppliers as registered on the period's end (status from their history), approved reviews
and their bands, status changes, certificates expired or expiring, and the suppliers to
watch: conditional or disqualified, or in the lowest bands.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from qmsdesk.models.suppliers import Certificate, Supplier, SupplierReview, SupplierStatusChange
from qmsdesk.services.labels import label
from qmsdesk.services.suppliers import rules as supplier_rules
from qmsdesk.services.suppliers.records import CertificateRecord

NO_BAND = label(supplier_rules.NO_DATA)  # "No data", as on the dashboard
WATCH_STATUSES = ("conditional", "disqualified")
LOW_BANDS = 2  # "the lowest bands": the two lowest of three or more, else the lowest


@dataclass(frozen=True)
class ProviderReview:
    """An approved supplier review dated in the period."""

    review_date: date
    supplier_ref: str
    supplier_name: str
    review_ref: str
    total: float | None
    total_text: str  # supplier_rules.format_total: "84.9", "no data"
    band: str
    decision: str


@dataclass(frozen=True)
class ProviderStatusChange:
    on: date
    supplier_ref: str
    supplier_name: str
    from_status: str  # "" for a supplier registered in the period
    to_status: str
    reason: str


@dataclass(frozen=True)
class CertificateAlert:
    """A certificate expired, or expiring within the warning window, on the period's end."""

    valid_until: date
    supplier_ref: str
    supplier_name: str
    standard: str
    number: str
    state: str  # supplier_rules.EXPIRED or EXPIRING
    warning: str  # "ISO 9001 expired on 2026-10-01"


@dataclass(frozen=True)
class ProviderStanding:
    """A supplier's approval status (since when, why) and latest approved band on the end."""

    supplier_ref: str
    supplier_name: str
    status: str
    since: date
    reason: str
    band: str  # "" when no approved review yet
    total_text: str


@dataclass(frozen=True)
class ProviderPerformance:
    """Suppliers as registered on the period's end (status from their history); bands from
    the latest approved review dated on or before it. Disqualified ones are not counted."""

    reviews: tuple[ProviderReview, ...]
    by_band: dict[str, int]  # the configured bands best first, then "No data"
    status_changes: tuple[ProviderStatusChange, ...]
    certificates: tuple[CertificateAlert, ...]
    conditional_or_disqualified: tuple[ProviderStanding, ...]
    low_band: tuple[ProviderStanding, ...]  # not disqualified, latest band in lowest_bands
    lowest_bands: tuple[str, ...]


def _band(stored: str, total: float | None, bands: Sequence[supplier_rules.Band]) -> str:
    """The band a review recorded; re-derived from its total if the bands were renamed."""
    if stored in {band.name for band in bands}:
        return stored
    return supplier_rules.band_for(total, bands) or ""


def provider_performance(session: Session, period_from: date, period_to: date,
                         bands: Sequence[supplier_rules.Band]) -> ProviderPerformance:
    suppliers = {row.id: (row.ref, row.name) for row in session.execute(
        select(Supplier.id, Supplier.ref, Supplier.name))}
    standing: dict[int, tuple[str, date, str]] = {}  # status, since, reason on period_to
    changes = []
    for sid, on, old, new, reason in session.execute(
            select(SupplierStatusChange.supplier_id, SupplierStatusChange.changed_on,
                   SupplierStatusChange.from_status, SupplierStatusChange.to_status,
                   SupplierStatusChange.reason)
            .where(SupplierStatusChange.changed_on <= period_to)
            .order_by(SupplierStatusChange.changed_on, SupplierStatusChange.id)):
        standing[sid] = (new, on, reason)
        if on >= period_from:
            changes.append(ProviderStatusChange(on, *suppliers[sid], old, new, reason))
    changes.sort(key=lambda c: (c.on, c.supplier_ref))  # stable: same day keeps its order
    latest: dict[int, tuple[str, float | None]] = {}
    reviews = []
    for sid, on, ref, total, stored, decision in session.execute(
            select(SupplierReview.supplier_id, SupplierReview.review_date, SupplierReview.ref,
                   SupplierReview.total_score, SupplierReview.band, SupplierReview.decision)
            .where(SupplierReview.approved_on.is_not(None),
                   SupplierReview.review_date <= period_to)
            .order_by(SupplierReview.review_date, SupplierReview.ref, SupplierReview.id)):
        band = _band(stored, total, bands)
        latest[sid] = (band, total)
        if on >= period_from:
            reviews.append(ProviderReview(on, *suppliers[sid], ref, total,
                                          supplier_rules.format_total(total), band, decision))
    counted = {sid for sid, (status, _, _) in standing.items()
               if supplier_rules.in_use(status)}
    by_band = {band.name: 0 for band in bands} | {NO_BAND: 0}
    for sid in counted:
        band = latest.get(sid, ("", None))[0]
        by_band[band if band in by_band else NO_BAND] += 1
    ordered = sorted(bands, key=lambda b: b.minimum)
    lowest = tuple(b.name for b in ordered[:LOW_BANDS if len(bands) > LOW_BANDS else 1])

    def standing_of(sid: int) -> ProviderStanding:
        band, total = latest.get(sid, ("", None))
        (ref, name), (status, since, reason) = suppliers[sid], standing[sid]
        return ProviderStanding(ref, name, status, since, reason, band,
                                supplier_rules.format_total(total) if band else "")

    order = sorted(standing, key=lambda sid: suppliers[sid][0])
    certificates = []
    for sid, standard, number, until in session.execute(
            select(Certificate.supplier_id, Certificate.standard, Certificate.number,
                   Certificate.valid_until)
            .where(Certificate.valid_until <= period_to + timedelta(
                days=supplier_rules.CERTIFICATE_WARNING_DAYS))
            .order_by(Certificate.valid_until, Certificate.id)):
        if sid in counted:
            assert until is not None  # the WHERE clause leaves out undated certificates
            certificates.append(CertificateAlert(
                until, *suppliers[sid], standard, number,
                supplier_rules.certificate_state(until, period_to),
                supplier_rules.certificate_warning(CertificateRecord(standard,
                                                                     valid_until=until),
                                                   period_to)))
    certificates.sort(key=lambda c: (c.valid_until, c.supplier_ref, c.standard))
    return ProviderPerformance(
        tuple(reviews), by_band, tuple(changes), tuple(certificates),
        tuple(standing_of(sid) for sid in order if standing[sid][0] in WATCH_STATUSES),
        tuple(standing_of(sid) for sid in order
              if sid in counted and latest.get(sid, ("",))[0] in lowest), lowest)
