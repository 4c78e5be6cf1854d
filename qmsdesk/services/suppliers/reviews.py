"""Supplier reviews (evaluations, ISO 9001 8.4): scorecards, sign-off, decisions, settings."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from qmsdesk.models.db import Database
from qmsdesk.models.suppliers import ReviewCriterion, ReviewScore, Supplier, SupplierReview
from qmsdesk.services import db_settings, signoff
from qmsdesk.services.dates import add_months
from qmsdesk.services.errors import NotFoundError, ValidationError
from qmsdesk.services.records import conflict_guard, load_for_update, next_ref, sync_children
from qmsdesk.services.suppliers import rules
from qmsdesk.services.suppliers.records import CriterionScore, ReviewRecord, ReviewRow
from qmsdesk.services.suppliers.status import record_status_change, registered_on
from qmsdesk.services.validation import tidy_text


@dataclass(frozen=True)
class ReviewSummary:
    """What the scorecard says, computed by the rules from a (possibly unsaved) review."""

    score: rules.ScoreResult
    band: str | None
    recommended: str | None
    on_time_pct: float | None
    lot_acceptance_pct: float | None
    defect_ppm: float | None


# --- settings: criteria, bands, review intervals ----------------------------------------------
def load_criteria(db: Database) -> list[rules.Criterion]:
    with db.read() as session:
        rows = session.scalars(select(ReviewCriterion).order_by(ReviewCriterion.position))
        criteria = [rules.Criterion(r.name, r.description, r.weight) for r in rows]
    return criteria or list(rules.DEFAULT_CRITERIA)


def save_criteria(db: Database, criteria: list[rules.Criterion]) -> None:
    """Replace the criteria (weights must add up to 100); earlier reviews keep their copy."""
    errors = rules.validate_criteria(criteria)
    if errors:
        raise ValidationError(errors)
    with db.session() as session:
        _write_criteria(session, criteria)


def _write_criteria(session: Session, criteria: list[rules.Criterion]) -> None:
    for row in session.scalars(select(ReviewCriterion)):
        session.delete(row)
    session.flush()
    for position, criterion in enumerate(criteria):
        session.add(ReviewCriterion(position=position, name=criterion.name.strip(),
                                    description=criterion.description,
                                    weight=float(criterion.weight)))


def bands_in(session: Session) -> list[rules.Band]:
    """The bands set now, read inside the caller's unit of work."""
    value = db_settings.read(session, db_settings.SUPPLIER_BANDS)
    if not value:
        return list(rules.DEFAULT_BANDS)
    return [rules.Band(name, float(minimum)) for name, minimum in json.loads(value)]


def _intervals(session: Session) -> dict[str, int]:
    intervals = dict(rules.DEFAULT_INTERVALS)
    for criticality in rules.CRITICALITIES:
        value = db_settings.read(session, db_settings.SUPPLIER_INTERVAL + criticality)
        if value:
            intervals[criticality] = int(value)
    return intervals


def load_bands(db: Database) -> list[rules.Band]:
    with db.read() as session:
        return bands_in(session)


def save_bands(db: Database, bands: list[rules.Band]) -> None:
    errors = rules.validate_bands(bands)
    if errors:
        raise ValidationError(errors)
    with db.session() as session:
        db_settings.write(session, _bands_setting(bands))


def load_intervals(db: Database) -> dict[str, int]:
    with db.read() as session:
        return _intervals(session)


def intervals_in(session: Session) -> dict[str, int]:
    """The configured review intervals, read inside the caller's unit of work."""
    return _intervals(session)


def _interval_errors(intervals: dict[str, int]) -> dict[str, str]:
    return {f"interval.{c}": f"The review interval for {c} suppliers must be 1 to "
                             f"{rules.MAX_INTERVAL_MONTHS} months."
            for c, months in intervals.items()
            if c not in rules.CRITICALITIES or not rules.is_count(months)
            or not 1 <= months <= rules.MAX_INTERVAL_MONTHS}


def save_intervals(db: Database, intervals: dict[str, int]) -> None:
    errors = _interval_errors(intervals)
    if errors:
        raise ValidationError(errors)
    with db.session() as session:
        db_settings.write(session, _intervals_setting(intervals))


def _bands_setting(bands: list[rules.Band]) -> dict[str, str]:
    return {db_settings.SUPPLIER_BANDS: json.dumps([[b.name, b.minimum] for b in bands])}


def _intervals_setting(intervals: dict[str, int]) -> dict[str, str]:
    return {db_settings.SUPPLIER_INTERVAL + criticality: str(months)
            for criticality, months in intervals.items()}


def save_evaluation_settings(db: Database, criteria: list[rules.Criterion],
                             bands: list[rules.Band], intervals: dict[str, int]) -> None:
    """Criteria, bands and review intervals checked together and saved in one transaction."""
    errors = rules.validate_criteria(criteria) | rules.validate_bands(bands) | \
        _interval_errors(intervals)
    if errors:
        raise ValidationError(errors)
    with db.session() as session:
        _write_criteria(session, criteria)
        db_settings.write(session, _bands_setting(bands) | _intervals_setting(intervals))


# --- reviews ---------------------------------------------------------------------------------
def summarise(record: ReviewRecord, bands: list[rules.Band]) -> ReviewSummary:
    """The live scorecard: weighted total, band, recommendation and the period's KPIs."""
    score = rules.weighted_score(record.scores)
    band = rules.band_for(score.total, bands)
    return ReviewSummary(
        score, band, rules.recommended_decision(band, rules.band_decisions(bands)),
        rules.on_time_delivery_pct(record.deliveries_total, record.deliveries_on_time),
        rules.lot_acceptance_pct(record.lots_received, record.lots_rejected),
        rules.defect_ppm(record.units_received, record.units_rejected))


def new_review(db: Database, supplier_id: int, today: date) -> ReviewRecord:
    """A review of the supplier over the period since its last one, on today's criteria."""
    with db.read() as session:
        last = session.scalar(select(SupplierReview)
                              .where(SupplierReview.supplier_id == supplier_id)
                              .order_by(SupplierReview.review_date.desc()).limit(1))
        period_from = (last.period_to or last.review_date) if last else add_months(today, -12)
    scores = [CriterionScore(c.name, c.weight) for c in load_criteria(db)]
    return ReviewRecord(supplier_id=supplier_id, period_from=period_from, period_to=today,
                        review_date=today, reviewer=db.user,
                        kind="periodic" if last else "initial", scores=scores)


_REVIEW_FIELDS = ("supplier_id", "period_from", "period_to", "review_date", "reviewer", "kind",
                  "deliveries_total", "deliveries_on_time", "lots_received", "lots_rejected",
                  "units_received", "units_rejected", "decision", "strengths", "weaknesses",
                  "comments", "approved_by", "approved_on")
_SCORE_FIELDS = ("criterion", "weight", "score")


def to_record(review: SupplierReview) -> ReviewRecord:
    record = ReviewRecord(**{name: getattr(review, name) for name in _REVIEW_FIELDS})
    record.id, record.ref, record.version = review.id, review.ref, review.version
    record.updated_at = review.updated_at
    record.scores = [CriterionScore(s.criterion, s.weight, s.score, s.id) for s in review.scores]
    record.signature = signoff.signature_line(review.approved_login, review.approved_at,
                                              review.approved_hash, review.approved_meaning)
    return record


def get_review(db: Database, review_id: int) -> ReviewRecord:
    review = get_reviews(db, [review_id]).get(review_id)
    if review is None:
        raise NotFoundError(f"Supplier review #{review_id} does not exist.")
    return review


def get_reviews(db: Database, review_ids: Sequence[int]) -> dict[int, ReviewRecord]:
    """The reviews of ``review_ids`` that exist, with their scores, in two queries (a
    report reads its suppliers' latest reviews a batch at a time)."""
    with db.read() as session:
        return {review.id: to_record(review) for review in session.scalars(
            select(SupplierReview).where(SupplierReview.id.in_(review_ids))
            .options(selectinload(SupplierReview.scores)))}


def list_reviews(db: Database, supplier_id: int | None = None,
                 supplier_ids: Sequence[int] | None = None) -> list[ReviewRow]:
    """The reviews by date: every supplier's, one supplier's, or those of ``supplier_ids``
    (a batch of a report's suppliers, read at once)."""
    query = (select(SupplierReview.id, SupplierReview.ref, SupplierReview.supplier_id,
                    Supplier.ref, Supplier.name, SupplierReview.review_date, SupplierReview.kind,
                    SupplierReview.total_score, SupplierReview.band, SupplierReview.decision,
                    SupplierReview.approved_on, SupplierReview.reviewer)
             .join(Supplier, Supplier.id == SupplierReview.supplier_id)
             .order_by(SupplierReview.review_date, SupplierReview.id))
    if supplier_id is not None:
        query = query.where(SupplierReview.supplier_id == supplier_id)
    if supplier_ids is not None:
        query = query.where(SupplierReview.supplier_id.in_(supplier_ids))
    with db.read() as session:
        # Twelve columns: more than SQLAlchemy's typed select() overloads name.
        rows: Sequence[tuple[Any, ...]] = session.connection().execute(query).all()
    return [ReviewRow(*row) for row in rows]


def save_review(db: Database, record: ReviewRecord, today: date,
                meaning: str = "") -> ReviewRecord:
    """Save a review in one transaction; approving it locks it and applies its decision.
    An approval is signed (services.signoff) with what the approver meant (``meaning``).

    The final decision becomes the supplier's status (kept in its history, linked to the
    review) and the next review date moves one interval on from the review date.
    """
    tidy_text(record)
    label = record.ref or "The review"
    me = db.identity()
    if me.on_server and record.approved_on is not None and not record.approved_by.strip():
        record = replace(record, approved_by=db.user)  # the server login's staff name
    with db.session() as session, conflict_guard(label):
        bands = bands_in(session)  # read before anything is added (no early autoflush)
        review: SupplierReview | None = None
        if record.id is not None:
            review = load_for_update(session, SupplierReview, record.id, record.version, label)
        locked = review is not None and review.approved_on is not None
        # A locked review is judged as stored (its ref and approval date name it).
        checked = replace(record, ref=review.ref, approved_on=review.approved_on) \
            if locked and review is not None else record
        supplier = session.get(Supplier, record.supplier_id) if record.supplier_id else None
        errors = rules.validate_review(
            checked, today, locked_before=locked,
            registered_on=registered_on(session, supplier.id) if supplier else None)
        if supplier is None and "supplier_id" not in errors:
            errors["supplier_id"] = "Choose the supplier this review evaluates."
        elif supplier is not None and record.approved_on is not None and record.decision \
                and "decision" not in errors:
            # The decision becomes the supplier's status: the same rules as a manual change.
            change = rules.validate_status_change(supplier.status, record.decision, "review")
            if "status" in change:
                errors["decision"] = change["status"]
        approving = record.approved_on is not None and not locked
        if approving and me.on_server:  # the approver is the server's login, not typed text
            record = replace(record, approved_by=db.user)
        if approving and "approved_on" not in errors and \
                (reason := signoff.approver_refusal(db, record.approved_by)):
            errors["approved_on"] = reason
        meaning = signoff.tidy_meaning(errors, meaning, "approved_on") if approving else ""
        if errors:
            raise ValidationError(errors)
        assert supplier is not None
        if review is None:
            review = SupplierReview(ref=next_ref(session, SupplierReview))
            session.add(review)
        summary = summarise(record, bands)
        store_review(session, review, record, summary.score.total, summary.band or "")
        if approving:  # a recorded act: who (login), when, and what exactly was approved
            signed = signoff.sign(me, review.approved_by, _content(review), meaning)
            review.approved_login, review.approved_at = signed.login, signed.at
            review.approved_hash, review.approved_meaning = signed.content_hash, signed.meaning
        session.flush()
        if record.approved_on is not None:
            _apply_decision(session, supplier, review, db.user)
        review_id = review.id
    return get_review(db, review_id)


def _content(review: SupplierReview) -> dict[str, Any]:
    """What an approval of ``review`` signs: every field the reviewer filled in, the total,
    the band and each criterion's weight and score."""
    return {**{name: getattr(review, name) for name in _REVIEW_FIELDS}, "ref": review.ref,
            "total_score": review.total_score, "band": review.band,
            "scores": [[s.criterion, s.weight, s.score] for s in review.scores]}


def store_review(session: Session, review: SupplierReview, record: ReviewRecord,
                 total: float | None, band: str) -> None:
    """Copy a validated record onto ``review`` (new or loaded in ``session``) with its scores,
    total and band as given (save_review computes them; an import keeps the file's). The
    caller validates, applies any decision, flushes and commits."""
    for name in _REVIEW_FIELDS:
        setattr(review, name, getattr(record, name))
    review.total_score, review.band = total, band
    sync_children(session, list(review.scores), record.scores, _SCORE_FIELDS,
                  lambda values: review.scores.append(ReviewScore(**values)))


def _apply_decision(session: Session, supplier: Supplier, review: SupplierReview,
                    user: str) -> None:
    total = rules.format_total(review.total_score)
    reason = (f"{review.ref} approved by {review.approved_by}: total {total}, "
              f"band {review.band or rules.NO_DATA}")
    record_status_change(session, supplier, review.decision, reason, review.approved_on
                         or review.review_date, user, review.id)
    supplier.next_review = rules.next_review_date(
        review.review_date, supplier.criticality, supplier.review_interval_months,
        review.review_date, _intervals(session))
