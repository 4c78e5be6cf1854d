"""The supplier-review service: settings, scorecards, sign-off and the decision it applies."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from qmsdesk.models.audit import AuditEntry, verify_chain
from qmsdesk.models.db import Database
from qmsdesk.models.suppliers import ReviewScore, Supplier, SupplierReview, SupplierStatusChange
from qmsdesk.services.dates import add_months
from qmsdesk.services.errors import ConflictError, NotFoundError, ValidationError
from qmsdesk.services.suppliers import reviews, rules
from qmsdesk.services.suppliers import service as suppliers
from qmsdesk.services.suppliers.records import ReviewRecord, StatusChange, SupplierRecord
from qmsdesk.services.suppliers.rules import Band, Criterion
from tests.factories import make_supplier

DAY = timedelta(days=1)
DEFAULT_WEIGHTS = [(c.name, c.weight) for c in rules.DEFAULT_CRITERIA]
# Against the default weights 35/30/15/10/10:
FIRST = (90, 80, 70, 60, 100)  # 82.0 -> B
SECOND = (95, 90, 80, 90, 100)  # 91.25 -> A
APPROVAL = {"approved_by": "Q. Manager"}


def _counts(db: Database) -> tuple[int, ...]:
    with db.session() as session:
        return tuple(session.scalar(select(func.count()).select_from(model))
                     for model in (SupplierReview, ReviewScore, Supplier,
                                   SupplierStatusChange, AuditEntry))


def _supplier(db: Database, today: date, registered: date | None = None,
              **values: object) -> SupplierRecord:
    """A saved supplier, registered ``registered`` (today when None): its reviews are
    approved on that day or later."""
    return suppliers.save_supplier(db, make_supplier(today, **values), registered or today)


def _draft(db: Database, supplier_id: int, today: date,
           scores: tuple[float | None, ...] = FIRST, **values: object) -> ReviewRecord:
    record = reviews.new_review(db, supplier_id, today)
    for item, score in zip(record.scores, scores, strict=True):
        item.score = score
    for key, value in values.items():
        setattr(record, key, value)
    return record


def _save(db: Database, supplier_id: int, today: date,
          scores: tuple[float | None, ...] = FIRST, **values: object) -> ReviewRecord:
    return reviews.save_review(db, _draft(db, supplier_id, today, scores, **values), today)


def _refused(db: Database, record: ReviewRecord, today: date) -> dict[str, str]:
    """The errors of a save that must write nothing at all, not even an audit entry."""
    before = _counts(db)
    with pytest.raises(ValidationError) as caught:
        reviews.save_review(db, record, today)
    assert _counts(db) == before
    return caught.value.errors


# --- settings --------------------------------------------------------------------------------
def test_settings_default_to_the_rules(db: Database) -> None:
    assert reviews.load_criteria(db) == list(rules.DEFAULT_CRITERIA)
    assert reviews.load_bands(db) == list(rules.DEFAULT_BANDS)
    assert reviews.load_intervals(db) == dict(rules.DEFAULT_INTERVALS)


def test_criteria_round_trip(db: Database) -> None:
    criteria = [Criterion(" Quality ", "ppm", 50), Criterion("Delivery", "OTIF", 30),
                Criterion("Service", "", 20)]
    reviews.save_criteria(db, criteria)
    assert reviews.load_criteria(db) == [Criterion("Quality", "ppm", 50),
                                         Criterion("Delivery", "OTIF", 30),
                                         Criterion("Service", "", 20)]
    reviews.save_criteria(db, [Criterion("Only", "", 100)])
    assert reviews.load_criteria(db) == [Criterion("Only", "", 100)]


def test_criteria_that_do_not_add_up_to_100_are_refused(db: Database) -> None:
    reviews.save_criteria(db, [Criterion("Quality", "", 60), Criterion("Delivery", "", 40)])
    with pytest.raises(ValidationError) as caught:
        reviews.save_criteria(db, [Criterion("Quality", "", 60), Criterion("Delivery", "", 30)])
    assert caught.value.errors == {
        "weights": "The weights add up to 90; they must add up to 100."}
    assert reviews.load_criteria(db) == [Criterion("Quality", "", 60),
                                         Criterion("Delivery", "", 40)]


def test_bands_round_trip(db: Database) -> None:
    bands = [Band("Gold", 80), Band("Silver", 55.5), Band("Bronze", 0)]
    reviews.save_bands(db, bands)
    assert reviews.load_bands(db) == bands


@pytest.mark.parametrize(("bands", "key"), [
    ([Band("A", 85), Band("B", 70), Band("C", 50)], "bands"),  # below 50 gets no band
    ([Band("A", 85), Band("B", 90), Band("C", 0)], "bands[1].minimum"),
    ([], "bands")])
def test_bands_with_a_gap_are_refused(db: Database, bands: list[Band], key: str) -> None:
    with pytest.raises(ValidationError) as caught:
        reviews.save_bands(db, bands)
    assert key in caught.value.errors
    assert reviews.load_bands(db) == list(rules.DEFAULT_BANDS)


def test_bands_gap_message(db: Database) -> None:
    with pytest.raises(ValidationError) as caught:
        reviews.save_bands(db, [Band("A", 85), Band("B", 70), Band("C", 50)])
    assert caught.value.errors == {
        "bands": "Totals below 50 get no band: the last band's minimum must be 0."}


def test_intervals_round_trip_and_validation(db: Database) -> None:
    reviews.save_intervals(db, {"critical": 3})
    assert reviews.load_intervals(db) == {"critical": 3, "major": 12, "minor": 24}
    for bad in ({"major": 0}, {"major": 61}, {"major": True}, {"major": "6"}, {"vital": 6}):
        with pytest.raises(ValidationError) as caught:
            reviews.save_intervals(db, bad)  # type: ignore[arg-type]
        (key,) = caught.value.errors
        assert key == f"interval.{next(iter(bad))}"
        assert "must be 1 to 60 months" in caught.value.errors[key]
    assert reviews.load_intervals(db) == {"critical": 3, "major": 12, "minor": 24}


# --- new review ------------------------------------------------------------------------------
def test_new_review_copies_the_current_criteria(db: Database, today: date) -> None:
    supplier = _supplier(db, today)
    first = reviews.new_review(db, supplier.id, today)
    assert [(s.criterion, s.weight, s.score) for s in first.scores] == [
        (name, weight, None) for name, weight in DEFAULT_WEIGHTS]
    reviews.save_criteria(db, [Criterion("Quality", "", 70), Criterion("Delivery", "", 30)])
    second = reviews.new_review(db, supplier.id, today)
    assert [(s.criterion, s.weight) for s in second.scores] == [("Quality", 70),
                                                                ("Delivery", 30)]
    assert (second.supplier_id, second.review_date, second.reviewer) == (
        supplier.id, today, "tester")


def test_period_follows_on_and_kind_is_initial_then_periodic(db: Database,
                                                              today: date) -> None:
    supplier = _supplier(db, today)
    first = reviews.new_review(db, supplier.id, today)
    assert (first.kind, first.period_from, first.period_to) == (
        "initial", date(2025, 11, 21), today)
    _save(db, supplier.id, today, period_to=date(2026, 9, 30), review_date=date(2026, 10, 5))
    second = reviews.new_review(db, supplier.id, today)
    assert (second.kind, second.period_from, second.period_to) == (
        "periodic", date(2026, 9, 30), today)
    # Another supplier's reviews have nothing to do with it.
    other = _supplier(db, today, name="Other")
    assert reviews.new_review(db, other.id, today).kind == "initial"


# --- saving and scoring ----------------------------------------------------------------------
def test_save_stores_total_and_band(db: Database, today: date) -> None:
    supplier = _supplier(db, today)
    saved = _save(db, supplier.id, today, reviewer="Anna")
    assert saved.ref == "REV-0001" and saved.approved_on is None and not saved.locked
    assert [(s.criterion, s.weight, s.score) for s in saved.scores] == [
        (name, weight, score) for (name, weight), score in zip(DEFAULT_WEIGHTS, FIRST,
                                                               strict=True)]
    assert reviews.get_review(db, saved.id) == saved
    (row,) = reviews.list_reviews(db, supplier.id)
    assert (row.ref, row.supplier_ref, row.supplier_name, row.kind, row.reviewer) == (
        "REV-0001", "SUP-0001", "Precision Castings Ltd", "initial", "Anna")
    assert row.total == pytest.approx(82.0) and row.band == "B"
    assert (row.decision, row.approved_on) == ("", None)
    # A draft review changes nothing on the supplier.
    assert suppliers.get_supplier(db, supplier.id) == supplier


def test_editing_a_draft_rescores_it_without_duplicating_scores(db: Database,
                                                                today: date) -> None:
    supplier = _supplier(db, today)
    saved = _save(db, supplier.id, today)
    saved.scores[0].score = 40  # Quality 90 -> 40: 82 - 35 * 50 / 100 = 64.5 -> C
    edited = reviews.save_review(db, saved, today)
    assert [s.id for s in edited.scores] == [s.id for s in saved.scores]
    assert _counts(db)[1] == 5
    (row,) = reviews.list_reviews(db)
    assert row.total == pytest.approx(64.5) and row.band == "C"


def test_latest_total_band_and_trend_after_two_reviews(db: Database, today: date) -> None:
    supplier = _supplier(db, today, today - 365 * DAY)
    _save(db, supplier.id, today - 200 * DAY, period_to=today - 200 * DAY, decision="approved",
          approved_on=today - 200 * DAY, **APPROVAL)
    _save(db, supplier.id, today, SECOND, decision="preferred", approved_on=today, **APPROVAL)
    totals = [(r.ref, round(r.total, 2), r.band, r.kind)
              for r in reviews.list_reviews(db, supplier.id)]
    assert totals == [("REV-0001", 82.0, "B", "initial"), ("REV-0002", 91.25, "A", "periodic")]
    (row,) = suppliers.list_suppliers(db, today)
    assert row.latest_total == pytest.approx(91.25) and row.latest_band == "A"
    assert row.previous_total == pytest.approx(82.0) and row.trend == "↑"


def test_a_draft_review_is_not_yet_the_suppliers_result(db: Database, today: date) -> None:
    supplier = _supplier(db, today, today - 365 * DAY)
    _save(db, supplier.id, today - 30 * DAY, period_to=today - 30 * DAY, decision="approved",
          approved_on=today - 30 * DAY, **APPROVAL)
    _save(db, supplier.id, today, SECOND)  # a draft, not signed off
    (row,) = suppliers.list_suppliers(db, today)
    assert (row.latest_total, row.latest_band, row.previous_total) == (
        pytest.approx(82.0), "B", None)


def test_a_falling_total_trends_down(db: Database, today: date) -> None:
    supplier = _supplier(db, today, today - 365 * DAY)
    _save(db, supplier.id, today - 30 * DAY, SECOND, period_to=today - 30 * DAY,
          decision="preferred", approved_on=today - 30 * DAY, **APPROVAL)
    _save(db, supplier.id, today, FIRST, decision="approved", approved_on=today, **APPROVAL)
    (row,) = suppliers.list_suppliers(db, today)
    assert (row.latest_band, row.trend) == ("B", "↓")


def test_list_reviews_filters_by_supplier(db: Database, today: date) -> None:
    one, two = _supplier(db, today, name="One"), _supplier(db, today, name="Two")
    _save(db, one.id, today)
    _save(db, two.id, today, SECOND)
    assert [r.supplier_name for r in reviews.list_reviews(db)] == ["One", "Two"]
    assert [r.ref for r in reviews.list_reviews(db, two.id)] == ["REV-0002"]


def test_an_unscored_criterion_is_re_normalised(db: Database, today: date) -> None:
    supplier = _supplier(db, today)
    draft = _draft(db, supplier.id, today, (90, None, 70, 60, 100))
    summary = reviews.summarise(draft, reviews.load_bands(db))
    # (35 x 90 + 15 x 70 + 10 x 60 + 10 x 100) / 70 = 82.857...
    assert summary.score.total == pytest.approx(5800 / 70)
    assert summary.score.excluded == ("Delivery",)
    assert "Delivery not scored" in summary.score.note
    assert "re-normalised" in summary.score.note
    assert (summary.band, summary.recommended) == ("B", "approved")
    saved = reviews.save_review(db, draft, today)
    assert saved.scores[1].score is None
    (row,) = reviews.list_reviews(db)
    assert row.total == pytest.approx(5800 / 70)


def test_kpis_with_no_deliveries_are_no_data(db: Database, today: date) -> None:
    supplier = _supplier(db, today)
    empty = _draft(db, supplier.id, today, deliveries_total=0, deliveries_on_time=0,
                   lots_received=0, units_received=0, units_rejected=0)
    summary = reviews.summarise(empty, reviews.load_bands(db))
    assert (summary.on_time_pct, summary.lot_acceptance_pct, summary.defect_ppm) == (
        None, None, None)
    unknown = reviews.summarise(_draft(db, supplier.id, today), reviews.load_bands(db))
    assert (unknown.on_time_pct, unknown.lot_acceptance_pct, unknown.defect_ppm) == (
        None, None, None)
    saved = reviews.save_review(db, empty, today)
    assert (saved.deliveries_total, saved.deliveries_on_time, saved.lots_rejected) == (0, 0, None)


def test_kpis_with_data(db: Database, today: date) -> None:
    supplier = _supplier(db, today)
    draft = _draft(db, supplier.id, today, deliveries_total=20, deliveries_on_time=18,
                   lots_received=40, lots_rejected=1, units_received=500_000, units_rejected=3)
    summary = reviews.summarise(draft, reviews.load_bands(db))
    assert summary.on_time_pct == pytest.approx(90.0)
    assert summary.lot_acceptance_pct == pytest.approx(97.5)
    assert summary.defect_ppm == pytest.approx(6.0)


def test_a_kpi_part_above_its_whole_is_refused(db: Database, today: date) -> None:
    supplier = _supplier(db, today)
    errors = _refused(db, _draft(db, supplier.id, today, deliveries_total=5,
                                 deliveries_on_time=6), today)
    assert set(errors) == {"deliveries_on_time"}


def test_later_criteria_changes_leave_old_reviews_alone(db: Database, today: date) -> None:
    supplier = _supplier(db, today)
    old = _save(db, supplier.id, today)
    reviews.save_criteria(db, [Criterion("Quality", "", 50), Criterion("Delivery", "", 50)])
    kept = reviews.get_review(db, old.id)
    assert [(s.criterion, s.weight) for s in kept.scores] == DEFAULT_WEIGHTS
    (row,) = reviews.list_reviews(db)
    assert row.total == pytest.approx(82.0) and row.band == "B"
    new = _save(db, supplier.id, today, (90, 80))
    assert [(s.criterion, s.weight) for s in new.scores] == [("Quality", 50), ("Delivery", 50)]
    assert reviews.list_reviews(db)[-1].total == pytest.approx(85.0)


def test_custom_bands_change_the_band_of_a_new_review(db: Database, today: date) -> None:
    supplier = _supplier(db, today)
    _save(db, supplier.id, today)  # 82.0 -> B with the default bands
    reviews.save_bands(db, [Band("Gold", 80), Band("Silver", 60), Band("Bronze", 0)])
    draft = _draft(db, supplier.id, today)
    assert reviews.summarise(draft, reviews.load_bands(db)).band == "Gold"
    reviews.save_review(db, replace(draft, decision="approved", approved_on=today, **APPROVAL),
                        today)
    assert [r.band for r in reviews.list_reviews(db)] == ["B", "Gold"]
    assert suppliers.list_suppliers(db, today)[0].latest_band == "Gold"


def test_a_review_of_a_missing_supplier_is_refused(db: Database, today: date) -> None:
    supplier = _supplier(db, today)
    draft = replace(_draft(db, supplier.id, today), supplier_id=999)
    assert _refused(db, draft, today) == {
        "supplier_id": "Choose the supplier this review evaluates."}
    assert "supplier_id" in _refused(db, replace(draft, supplier_id=None), today)


def test_get_a_missing_review(db: Database) -> None:
    with pytest.raises(NotFoundError, match="Supplier review #5 does not exist"):
        reviews.get_review(db, 5)


def test_a_stale_review_is_refused(db: Database, today: date) -> None:
    supplier = _supplier(db, today)
    saved = _save(db, supplier.id, today)
    reviews.save_review(db, replace(saved, comments="theirs"), today)
    with pytest.raises(ConflictError, match="REV-0001 was changed elsewhere"):
        reviews.save_review(db, replace(saved, comments="mine"), today)
    assert reviews.get_review(db, saved.id).comments == "theirs"


# --- approval --------------------------------------------------------------------------------
def test_approving_locks_the_review(db: Database, today: date) -> None:
    supplier = _supplier(db, today)
    approved = _save(db, supplier.id, today, decision="approved", approved_on=today, **APPROVAL)
    assert approved.locked
    after_supplier = suppliers.get_supplier(db, supplier.id)
    before = _counts(db)
    changes = [replace(approved, comments="late note"),
               replace(approved, approved_on=None, approved_by=""),
               replace(approved, decision="preferred"),
               replace(approved, scores=[replace(s, score=0) for s in approved.scores])]
    for change in changes:
        with pytest.raises(ValidationError) as caught:
            reviews.save_review(db, change, today)
        assert caught.value.errors == {"locked": "REV-0001 was approved on 2026-11-21 and "
                                                 "cannot be changed; record a correction as "
                                                 "a new review."}
    assert _counts(db) == before
    assert reviews.get_review(db, approved.id) == approved
    assert suppliers.get_supplier(db, supplier.id) == after_supplier


def test_approving_applies_the_decision(db: Database, today: date) -> None:
    supplier = _supplier(db, today)  # pending, major: next review in 12 months
    review_date = today - 10 * DAY
    draft = _save(db, supplier.id, today, SECOND, review_date=review_date)
    assert suppliers.get_supplier(db, supplier.id).status == "pending"
    db.user = "maria"
    reviews.save_review(db, replace(draft, decision="preferred", approved_on=today,
                                    **APPROVAL), today)
    after = suppliers.get_supplier(db, supplier.id)
    assert after.status == "preferred"
    assert after.history[:-1] == supplier.history
    assert after.history[-1] == StatusChange(
        today, "pending", "preferred", "REV-0001 approved by Q. Manager: total 91.3, band A",
        "maria", "REV-0001")
    assert after.next_review == add_months(review_date, 12) == date(2027, 11, 11)
    assert suppliers.list_suppliers(db, today)[0].status == "preferred"


def test_approval_uses_the_configured_interval(db: Database, today: date) -> None:
    supplier = _supplier(db, today, criticality="critical")
    reviews.save_intervals(db, {"critical": 3})
    _save(db, supplier.id, today, review_date=date(2026, 11, 1), decision="conditional",
          approved_on=today, **APPROVAL)
    after = suppliers.get_supplier(db, supplier.id)
    assert (after.status, after.next_review) == ("conditional", date(2027, 2, 1))


def test_approval_keeps_a_supplier_interval_override(db: Database, today: date) -> None:
    supplier = _supplier(db, today, criticality="critical", review_interval_months=2)
    _save(db, supplier.id, today, decision="approved", approved_on=today, **APPROVAL)
    assert suppliers.get_supplier(db, supplier.id).next_review == date(2027, 1, 21)


def test_approving_makes_an_open_supplier_copy_stale(db: Database, today: date) -> None:
    supplier = _supplier(db, today)
    _save(db, supplier.id, today, decision="disqualified", approved_on=today, **APPROVAL)
    with pytest.raises(ConflictError):
        suppliers.save_supplier(db, replace(supplier, notes="edited meanwhile"), today)
    assert suppliers.get_supplier(db, supplier.id).status == "disqualified"


def test_approving_without_a_decision_is_refused(db: Database, today: date) -> None:
    supplier = _supplier(db, today)
    draft = _draft(db, supplier.id, today, approved_on=today, **APPROVAL)
    assert _refused(db, draft, today) == {
        "decision": "Choose the final decision before approving the review."}
    assert suppliers.get_supplier(db, supplier.id) == supplier


def test_a_review_decision_cannot_send_a_supplier_back_to_pending(db: Database,
                                                                   today: date) -> None:
    supplier = _supplier(db, today, status="approved", status_reason="Audit passed")
    draft = _draft(db, supplier.id, today, decision="pending", approved_on=today, **APPROVAL)
    try:
        reviews.save_review(db, draft, today)
    except ValidationError as caught:
        assert "decision" in caught.errors
    assert suppliers.get_supplier(db, supplier.id).status == "approved"


def test_the_audit_trail_records_the_review_and_its_scores(db: Database, today: date) -> None:
    supplier = _supplier(db, today)
    _save(db, supplier.id, today, decision="approved", approved_on=today, **APPROVAL)
    with db.session() as session:
        entries = list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
        report = verify_chain(session)
    assert report.intact and report.entries == len(entries)
    # The total and band are written in a second flush of the same save (an "update").
    review = {(e.field, e.new_value) for e in entries
              if (e.entity, e.ref) == ("supplier review", "REV-0001")}
    assert {("total_score", "82.0"), ("band", "B"), ("decision", "approved"),
            ("approved_by", "Q. Manager"), ("approved_on", "2026-11-21")} <= review
    scores = [(e.field, e.new_value) for e in entries
              if (e.entity, e.ref) == ("review score", "REV-0001")]
    assert [float(v) for f, v in scores if f == "score"] == list(FIRST)
    assert [v for f, v in scores if f == "criterion"] == [n for n, _ in DEFAULT_WEIGHTS]
    decision = {(e.entity, e.ref, e.field, e.old_value, e.new_value) for e in entries
                if e.action == "update"}
    assert ("supplier", "SUP-0001", "status", "pending", "approved") in decision
    assert {e.user for e in entries} == {"tester"}
