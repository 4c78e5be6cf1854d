"""Supplier rules without a database: weights, re-normalisation, bands, KPIs, validation."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qmsdesk.services.suppliers import rules
from qmsdesk.services.suppliers.records import (
    CertificateRecord,
    CriterionScore,
    ReviewRecord,
    SupplierRecord,
)
from qmsdesk.services.suppliers.rules import Band, Criterion

TODAY = date(2026, 11, 21)
DAY = timedelta(days=1)
NAMES = ("Quality", "Delivery", "Responsiveness / communication", "Price / commercial terms",
         "Compliance / certification")
WEIGHTS = (35, 30, 15, 10, 10)
STATUS_LIST = "pending, approved, conditional, preferred, suspended, disqualified"
REASON_TO_SUSPEND = "Give the reason for changing the status from approved to suspended."
ENTER_APPROVAL = "Enter who approved the review and when."
BAD_NUMBERS = [True, "35", None, math.nan, math.inf]


def scores(*values: float | None, weights: tuple[float, ...] = WEIGHTS) -> list[CriterionScore]:
    return [CriterionScore(name, weight, value)
            for name, weight, value in zip(NAMES, weights, values, strict=True)]


def criteria(*weights: object, names: tuple[str, ...] = NAMES) -> list[Criterion]:
    return [Criterion(name, "", weight)  # type: ignore[arg-type]
            for name, weight in zip(names, weights, strict=False)]


# --- constants ----------------------------------------------------------------------------

def test_choices_and_defaults_are_the_documented_ones() -> None:
    assert rules.CRITICALITIES == ("critical", "major", "minor")
    assert rules.STATUSES == ("pending", "approved", "conditional", "preferred", "suspended",
                              "disqualified")
    assert rules.REVIEW_KINDS == ("initial", "periodic", "ad hoc", "re-evaluation")
    assert dict(rules.DEFAULT_INTERVALS) == {"critical": 6, "major": 12, "minor": 24}
    assert rules.CERTIFICATE_WARNING_DAYS == 60
    assert dict(rules.LIKERT) == {1: 0, 2: 25, 3: 50, 4: 75, 5: 100}
    assert [(c.name, c.weight) for c in rules.DEFAULT_CRITERIA] == list(zip(NAMES, WEIGHTS,
                                                                           strict=True))
    assert all(c.description for c in rules.DEFAULT_CRITERIA)
    assert tuple(rules.DEFAULT_BANDS) == (Band("A", 85), Band("B", 70), Band("C", 50),
                                          Band("D", 0))
    assert dict(rules.BAND_DECISIONS) == {"A": "preferred", "B": "approved",
                                          "C": "conditional", "D": "disqualified"}
    assert set(rules.BAND_DECISIONS.values()) <= set(rules.STATUSES)


def test_the_defaults_pass_their_own_checks() -> None:
    assert rules.validate_criteria(rules.DEFAULT_CRITERIA) == {}
    assert rules.validate_bands(rules.DEFAULT_BANDS) == {}
    assert sum(c.weight for c in rules.DEFAULT_CRITERIA) == 100


def test_criteria_and_bands_are_frozen() -> None:
    with pytest.raises(AttributeError):
        rules.DEFAULT_CRITERIA[0].weight = 50  # type: ignore[misc]
    with pytest.raises(AttributeError):
        rules.DEFAULT_BANDS[0].minimum = 90  # type: ignore[misc]


# --- 1-5 entry ----------------------------------------------------------------------------

@pytest.mark.parametrize(("point", "score"), [(1, 0.0), (2, 25.0), (3, 50.0), (4, 75.0),
                                              (5, 100.0)])
def test_likert_round_trip(point: int, score: float) -> None:
    assert rules.likert_to_score(point) == score
    assert rules.score_to_likert(score) == point


@pytest.mark.parametrize("point", [0, 6, -1, 2.5, True, False, None, "3"])
def test_likert_refuses_anything_but_1_to_5(point: object) -> None:
    with pytest.raises(ValueError, match="1-5"):
        rules.likert_to_score(point)  # type: ignore[arg-type]


@pytest.mark.parametrize(("score", "point"), [
    (None, None), (0, 1), (12.4, 1), (12.5, 2), (37.4, 2), (37.5, 3), (62.5, 4), (87.49, 4),
    (87.5, 5), (100, 5), (-30, 1), (140, 5),
])
def test_score_to_likert_takes_the_nearest_point(score: float | None,
                                                 point: int | None) -> None:
    assert rules.score_to_likert(score) == point


# --- criteria -----------------------------------------------------------------------------

@pytest.mark.parametrize(("rows", "expected"), [
    (criteria(*WEIGHTS), {}),
    ([], {"criteria": "Define at least one criterion."}),
    (criteria(100), {}),
    (criteria(35, 30, 15, 10, 5),
     {"weights": "The weights add up to 95; they must add up to 100."}),
    (criteria(35, 30, 15, 10, 15),
     {"weights": "The weights add up to 105; they must add up to 100."}),
    (criteria(33.3, 33.3, 33.3),
     {"weights": "The weights add up to 99.9; they must add up to 100."}),
    (criteria(33.33, 33.33, 33.33), {}),           # within the 0.01 tolerance
    (criteria(60, 40.01), {}),
    (criteria(60, 40.02), {"weights": "The weights add up to 100.02; they must add up to 100."}),
    (criteria(0.1, 0.2, 99.7), {}),                 # float noise is no error
    (criteria(35, 0, 15, 10, 40),
     {"criteria[1].weight": "Criterion 2: the weight must be a number above 0."}),
    (criteria(135, -35),
     {"criteria[1].weight": "Criterion 2: the weight must be a number above 0."}),
    ([Criterion("Quality", "", 60), Criterion(" ", "", 40)],
     {"criteria[1].name": "Criterion 2: name is required."}),
    ([Criterion("Quality", "", 60), Criterion(" quality ", "", 40)],
     {"criteria[1].name": "Criterion 2: 'quality' is already used by criterion 1."}),
    ([Criterion("Q" * 101, "", 100)],
     {"criteria[0].name": "Criterion 1: name is too long (101 characters; at most 100)."}),
])
def test_validate_criteria(rows: list[Criterion], expected: dict[str, str]) -> None:
    assert rules.validate_criteria(rows) == expected


@pytest.mark.parametrize("weight", BAD_NUMBERS)
def test_a_weight_must_be_a_number(weight: object) -> None:
    rows = criteria(weight, 65)
    # No total while a weight is unusable: one message, on the row to fix.
    assert rules.validate_criteria(rows) == {
        "criteria[0].weight": "Criterion 1: the weight must be a number above 0."}


# --- weighted score -----------------------------------------------------------------------

def test_all_scored_is_the_weighted_mean() -> None:
    result = rules.weighted_score(scores(80, 90, 70, 60, 100))
    assert result.total == pytest.approx((35 * 80 + 30 * 90 + 15 * 70 + 10 * 60 + 10 * 100) / 100)
    assert result.total == pytest.approx(81.5)
    assert result.used_weight == pytest.approx(100)
    assert result.excluded == ()
    assert not result.renormalised
    assert result.note == ""
    assert result.weights == tuple(zip(NAMES, (35.0, 30.0, 15.0, 10.0, 10.0), strict=True))


def test_an_unscored_criterion_is_left_out_and_the_rest_re_normalised() -> None:
    result = rules.weighted_score(scores(80, 90, 70, None, 100))
    expected = (35 * 80 + 30 * 90 + 15 * 70 + 10 * 100) / 90
    assert result.total == pytest.approx(expected)
    assert result.total == pytest.approx(83.888888888)
    assert result.total != pytest.approx((35 * 80 + 30 * 90 + 15 * 70 + 10 * 100) / 100)
    assert result.used_weight == pytest.approx(90)
    assert result.excluded == ("Price / commercial terms",)
    assert result.renormalised
    assert result.note == ("Price / commercial terms not scored; the other weights were "
                           "re-normalised to 100 %.")
    effective = dict(result.weights)
    assert effective["Price / commercial terms"] == 0
    assert effective["Quality"] == pytest.approx(35 / 0.9)
    assert sum(effective.values()) == pytest.approx(100)
    assert [name for name, _ in result.weights] == list(NAMES)   # the order given


@pytest.mark.parametrize(("values", "note"), [
    ((80, 90, 70, None, None), "Price / commercial terms and Compliance / certification not "
                               "scored; the other weights were re-normalised to 100 %."),
    ((80, None, None, None, 100), "Delivery, Responsiveness / communication and Price / "
                                  "commercial terms not scored; the other weights were "
                                  "re-normalised to 100 %."),
])
def test_the_note_names_every_unscored_criterion(values: tuple, note: str) -> None:
    assert rules.weighted_score(scores(*values)).note == note


def test_the_note_starts_with_a_capital() -> None:
    result = rules.weighted_score([CriterionScore("quality", 50, 70),
                                   CriterionScore("price", 50, None)])
    assert result.note == "Price not scored; the other weights were re-normalised to 100 %."
    assert result.total == 70


@pytest.mark.parametrize("items", [
    scores(None, None, None, None, None),
    [],
])
def test_nothing_scored_is_no_data_not_zero(items: list[CriterionScore]) -> None:
    result = rules.weighted_score(items)
    assert result.total is None
    assert result.used_weight == 0
    assert not result.renormalised
    assert result.note == "No criterion was scored, so the review has no total (no data)."
    assert rules.band_for(result.total) is None
    assert rules.format_total(result.total) == "no data"
    assert rules.recommended_decision(rules.band_for(result.total)) is None
    assert all(weight == 0 for _, weight in result.weights)


@pytest.mark.parametrize(("values", "total"), [
    ((120, 100, 100, 100, 100), 100.0),           # clamped to 100
    ((-20, 0, 0, 0, 0), 0.0),                     # clamped to 0
    ((150, -50, 50, 50, 50), 35 + 0 + 7.5 + 5 + 5),
])
def test_scores_are_clamped_to_0_to_100(values: tuple, total: float) -> None:
    assert rules.weighted_score(scores(*values)).total == pytest.approx(total)


@pytest.mark.parametrize("item", [
    CriterionScore("Quality", 0, 50), CriterionScore("Quality", -10, 50),
    CriterionScore("Quality", math.nan, 50), CriterionScore("Quality", True, 50),
    CriterionScore("Quality", 35, math.nan), CriterionScore("Quality", 35, "80"),  # type: ignore[arg-type]
])
def test_weighted_score_refuses_unusable_weights_and_scores(item: CriterionScore) -> None:
    with pytest.raises(ValueError, match="Quality"):
        rules.weighted_score([item, CriterionScore("Delivery", 65, 80)])


scored_items = st.lists(
    st.tuples(st.floats(min_value=0.01, max_value=1000, allow_nan=False),
              st.one_of(st.none(), st.floats(min_value=-50, max_value=150, allow_nan=False))),
    min_size=1, max_size=8,
).filter(lambda items: any(score is not None for _, score in items))


def as_scores(items: list[tuple[float, float | None]]) -> list[CriterionScore]:
    return [CriterionScore(f"C{i}", weight, score) for i, (weight, score) in enumerate(items)]


@settings(max_examples=200)
@given(scored_items)
def test_the_total_lies_between_the_lowest_and_highest_score(items: list) -> None:
    clamped = [min(100.0, max(0.0, score)) for _, score in items if score is not None]
    result = rules.weighted_score(as_scores(items))
    assert result.total is not None
    assert min(clamped) <= result.total <= max(clamped)
    assert sum(weight for _, weight in result.weights) == pytest.approx(100)


@settings(max_examples=200)
@given(scored_items, st.floats(min_value=0.01, max_value=1000, allow_nan=False),
       st.integers(min_value=0, max_value=8))
def test_an_unscored_criterion_never_changes_the_total(items: list, weight: float,
                                                      position: int) -> None:
    before = rules.weighted_score(as_scores(items))
    extended = as_scores(items)
    extended.insert(min(position, len(extended)), CriterionScore("Unscored", weight, None))
    after = rules.weighted_score(extended)
    assert after.total == before.total
    assert "Unscored" in after.excluded and after.renormalised


@settings(max_examples=200)
@given(scored_items, st.floats(min_value=0.001, max_value=1000, allow_nan=False))
def test_scaling_every_weight_never_changes_the_total(items: list, factor: float) -> None:
    scaled = [(weight * factor, score) for weight, score in items]
    before = rules.weighted_score(as_scores(items))
    after = rules.weighted_score(as_scores(scaled))
    assert after.total == pytest.approx(before.total, rel=1e-9, abs=1e-9)
    assert after.excluded == before.excluded


# --- bands, decisions, display, trend -----------------------------------------------------

@pytest.mark.parametrize(("total", "band"), [
    (100, "A"), (85, "A"), (84.94, "B"), (85 - 1e-12, "A"),   # float noise is still 85
    (84.95, "A"),  # printed 85.0: the band is the printed total's
    (70, "B"), (69.94, "C"), (50, "C"), (49.94, "D"), (0.01, "D"), (0, "D"), (None, None),
])
def test_band_at_the_thresholds(total: float | None, band: str | None) -> None:
    assert rules.band_for(total) == band


def test_custom_bands_in_any_order() -> None:
    bands = [Band("Bronze", 0), Band("Gold", 90), Band("Silver", 60)]
    assert [rules.band_for(t, bands) for t in (95, 90, 89.9, 60, 59.9, 0)] == [
        "Gold", "Gold", "Silver", "Silver", "Bronze", "Bronze"]


def test_a_total_below_every_band_is_an_error_not_a_guess() -> None:
    with pytest.raises(ValueError, match="no band"):
        rules.band_for(40, [Band("A", 85), Band("B", 50)])


@pytest.mark.parametrize(("band", "decision"), [
    ("A", "preferred"), ("B", "approved"), ("C", "conditional"), ("D", "disqualified"),
    (None, None), ("E", None),
])
def test_recommended_decision(band: str | None, decision: str | None) -> None:
    assert rules.recommended_decision(band) == decision


def test_recommended_decision_with_custom_bands() -> None:
    assert rules.recommended_decision("Gold", {"Gold": "preferred"}) == "preferred"
    assert rules.recommended_decision("A", {"Gold": "preferred"}) is None


@pytest.mark.parametrize(("bands", "expected"), [
    (rules.DEFAULT_BANDS, {}),
    ([Band("Pass", 0)], {}),
    ([Band("A", 84.5), Band("B", 0)], {}),
    ([], {"bands": "Define at least one band."}),
    ([Band("A", 85), Band("B", 70), Band("C", 50)],                    # a gap below 50
     {"bands": "Totals below 50 get no band: the last band's minimum must be 0."}),
    ([Band("A", 85), Band("B", 70), Band("C", 50), Band("D", 10)],     # not starting at 0
     {"bands": "Totals below 10 get no band: the last band's minimum must be 0."}),
    ([Band("A", 85), Band("B", 70), Band("a", 50), Band("D", 0)],      # duplicate name
     {"bands[2].name": "Band 3: 'a' is already used by band 1."}),
    ([Band("A", 85), Band("B", 85), Band("C", 50), Band("D", 0)],      # duplicate minimum
     {"bands[1].minimum": "Band 2: the minimum must be below the band above (85); list the "
                          "best band first."}),
    ([Band("D", 0), Band("C", 50), Band("B", 70), Band("A", 85)],      # worst first
     {"bands[1].minimum": "Band 2: the minimum must be below the band above (0); list the "
                          "best band first.",
      "bands[2].minimum": "Band 3: the minimum must be below the band above (50); list the "
                          "best band first.",
      "bands[3].minimum": "Band 4: the minimum must be below the band above (70); list the "
                          "best band first.",
      "bands": "Totals below 85 get no band: the last band's minimum must be 0."}),
    ([Band("A", 101), Band("B", 0)],
     {"bands[0].minimum": "Band 1: the minimum must be a number from 0 to 100."}),
    ([Band("A", 85), Band("B", -5)],
     {"bands[1].minimum": "Band 2: the minimum must be a number from 0 to 100."}),
    ([Band("", 85), Band("B", 0)], {"bands[0].name": "Band 1: name is required."}),
    ([Band("Excellent!!", 85), Band("B", 0)],
     {"bands[0].name": "Band 1: name is too long (11 characters; at most 10)."}),
])
def test_validate_bands(bands: list[Band], expected: dict[str, str]) -> None:
    assert rules.validate_bands(bands) == expected


@pytest.mark.parametrize("minimum", BAD_NUMBERS)
def test_a_band_minimum_must_be_a_number(minimum: object) -> None:
    bands = [Band("A", 85), Band("B", minimum), Band("C", 0)]  # type: ignore[arg-type]
    assert rules.validate_bands(bands) == {
        "bands[1].minimum": "Band 2: the minimum must be a number from 0 to 100."}


@pytest.mark.parametrize(("total", "text"), [
    (None, "no data"), (0, "0.0"), (100, "100.0"), (85, "85.0"), (84.99, "85.0"),
    (84.94, "84.9"), (83.888888, "83.9"), (70.05, "70.1"), (85 - 1e-12, "85.0"),
    (49.95, "50.0"), (93.75, "93.8"),
])
def test_format_total_rounds_half_up_to_one_decimal(total: float | None, text: str) -> None:
    assert rules.format_total(total) == text


@given(st.integers(min_value=0, max_value=100_000))
def test_the_displayed_total_is_in_the_same_band(thousandths: int) -> None:
    total = thousandths / 1000
    assert rules.band_for(float(rules.format_total(total))) == rules.band_for(total)


@pytest.mark.parametrize(("latest", "previous", "arrow"), [
    (80, 70, "↑"), (70, 80, "↓"), (80, 80, "→"), (80.04, 80.0, "→"), (80.1, 80.0, "↑"),
    (79.99, 80.0, "→"), (79.9, 80.0, "↓"), (None, 80, ""), (80, None, ""), (None, None, ""),
])
def test_trend(latest: float | None, previous: float | None, arrow: str) -> None:
    assert rules.trend(latest, previous) == arrow


# --- KPIs ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("total", "on_time", "pct"), [
    (10, 9, 90.0), (3, 3, 100.0), (3, 0, 0.0), (7, 5, 500 / 7),
    (0, 0, None),            # nothing delivered: no data, not 0 % and not 100 %
    (None, None, None), (10, None, None), (None, 3, None),
])
def test_on_time_delivery_pct(total: int | None, on_time: int | None,
                              pct: float | None) -> None:
    result = rules.on_time_delivery_pct(total, on_time)
    assert result == (None if pct is None else pytest.approx(pct))
    if pct is None:
        assert result is None


@pytest.mark.parametrize(("received", "rejected", "pct"), [
    (20, 1, 95.0), (20, 0, 100.0), (20, 20, 0.0), (3, 1, 200 / 3),
    (0, 0, None), (None, None, None), (None, 0, None), (12, None, None),
])
def test_lot_acceptance_pct(received: int | None, rejected: int | None,
                            pct: float | None) -> None:
    result = rules.lot_acceptance_pct(received, rejected)
    if pct is None:
        assert result is None
    else:
        assert result == pytest.approx(pct)


@pytest.mark.parametrize(("received", "rejected", "ppm"), [
    (1_500_000, 3, 2.0), (1_000_000, 1, 1.0), (1000, 1, 1000.0), (1000, 0, 0.0),
    (250, 250, 1_000_000.0), (0, 0, None), (None, None, None), (None, 2, None),
    (5000, None, None),
])
def test_defect_ppm(received: int | None, rejected: int | None, ppm: float | None) -> None:
    assert rules.defect_ppm(received, rejected) == ppm


@pytest.mark.parametrize(("function", "whole", "part"), [
    (rules.on_time_delivery_pct, 5, 6), (rules.on_time_delivery_pct, -1, 0),
    (rules.on_time_delivery_pct, 5, -1), (rules.on_time_delivery_pct, True, 1),
    (rules.lot_acceptance_pct, 2, 3), (rules.lot_acceptance_pct, 2.0, 1),
    (rules.defect_ppm, 10, 11), (rules.defect_ppm, 10, 0.5),
])
def test_kpis_refuse_counts_validation_refuses(function: object, whole: object,
                                               part: object) -> None:
    with pytest.raises(ValueError, match="part of a whole"):
        function(whole, part)  # type: ignore[operator]


@given(st.integers(min_value=0, max_value=10**7), st.data())
def test_kpis_are_percentages_or_no_data(whole: int, data: st.DataObject) -> None:
    part = data.draw(st.integers(min_value=0, max_value=whole))
    for value in (rules.on_time_delivery_pct(whole, part), rules.lot_acceptance_pct(whole, part)):
        assert (value is None) == (whole == 0)
        assert value is None or 0 <= value <= 100
    ppm = rules.defect_ppm(whole, part)
    assert (ppm is None) == (whole == 0)
    assert ppm is None or 0 <= ppm <= 1_000_000


def kpi_review(**counts: object) -> ReviewRecord:
    return ReviewRecord(**counts)  # type: ignore[arg-type]


@pytest.mark.parametrize(("counts", "expected"), [
    ({}, {}),
    (dict(deliveries_total=0, deliveries_on_time=0, lots_received=0, lots_rejected=0,
          units_received=0, units_rejected=0), {}),
    (dict(deliveries_total=40, deliveries_on_time=38, lots_received=12, lots_rejected=1,
          units_received=50_000, units_rejected=7), {}),
    (dict(deliveries_total=40, lots_received=12, units_received=5), {}),   # part unknown: ok
    (dict(deliveries_on_time=3),
     {"deliveries_total": "Enter how many deliveries there were in the period."}),
    (dict(lots_rejected=0), {"lots_received": "Enter how many lots were received in the period."}),
    (dict(units_rejected=2),
     {"units_received": "Enter how many units were received in the period."}),
    (dict(deliveries_total=10, deliveries_on_time=12),
     {"deliveries_on_time": "Deliveries on time (12) cannot be more than the deliveries (10)."}),
    (dict(lots_received=2, lots_rejected=3),
     {"lots_rejected": "Lots rejected (3) cannot be more than the lots received (2)."}),
    (dict(units_received=4, units_rejected=5),
     {"units_rejected": "Units rejected (5) cannot be more than the units received (4)."}),
    (dict(deliveries_total=-1),
     {"deliveries_total": "Deliveries total must be a whole number, 0 or more, or left empty."}),
    (dict(lots_received=True),
     {"lots_received": "Lots received must be a whole number, 0 or more, or left empty."}),
    (dict(units_received=2.5, units_rejected=1),
     {"units_received": "Units received must be a whole number, 0 or more, or left empty."}),
    (dict(deliveries_on_time="3"),     # a bad part: its own message, not "enter the total"
     {"deliveries_on_time": "Deliveries on time must be a whole number, 0 or more, or left "
                            "empty."}),
])
def test_validate_kpis(counts: dict, expected: dict[str, str]) -> None:
    assert rules.validate_kpis(kpi_review(**counts)) == expected


# --- certificates and review dates --------------------------------------------------------

@pytest.mark.parametrize(("valid_until", "warning_days", "state"), [
    (TODAY - DAY, 60, "expired"),
    (TODAY, 60, "expiring"),            # valid until today: still valid, expiring
    (TODAY + DAY, 60, "expiring"),
    (TODAY + 60 * DAY, 60, "expiring"),
    (TODAY + 61 * DAY, 60, "valid"),
    (TODAY + 31 * DAY, 30, "valid"),
    (TODAY, 0, "expiring"),
    (TODAY + DAY, 0, "valid"),
    (None, 60, "no expiry"),
])
def test_certificate_state(valid_until: date | None, warning_days: int, state: str) -> None:
    assert rules.certificate_state(valid_until, TODAY, warning_days) == state


def test_certificate_state_defaults_to_60_days() -> None:
    assert rules.certificate_state(TODAY + 60 * DAY, TODAY) == rules.EXPIRING
    assert rules.certificate_state(TODAY + 61 * DAY, TODAY) == rules.VALID
    assert rules.certificate_state(TODAY - DAY, TODAY) == rules.EXPIRED
    assert rules.certificate_state(None, TODAY) == rules.NO_EXPIRY


@pytest.mark.parametrize(("standard", "valid_until", "warning"), [
    ("ISO 9001", date(2026, 10, 1), "ISO 9001 expired on 2026-10-01"),
    ("IATF 16949", date(2026, 12, 3), "IATF 16949 expires in 12 days (2026-12-03)"),
    ("ISO 9001", TODAY, "ISO 9001 expires today (2026-11-21)"),
    ("ISO 9001", TODAY + DAY, "ISO 9001 expires in 1 day (2026-11-22)"),
    ("ISO 13485", TODAY + 60 * DAY, "ISO 13485 expires in 60 days (2027-01-20)"),
    ("ISO 9001", TODAY - DAY, "ISO 9001 expired on 2026-11-20"),
    (" ISO 14001 ", TODAY - DAY, "ISO 14001 expired on 2026-11-20"),
    ("", TODAY - DAY, "Certificate expired on 2026-11-20"),
    ("ISO 9001", TODAY + 61 * DAY, ""),
    ("ISO 9001", None, ""),
])
def test_certificate_warning(standard: str, valid_until: date | None, warning: str) -> None:
    cert = CertificateRecord(standard=standard, number="Q-1", valid_until=valid_until)
    assert rules.certificate_warning(cert, TODAY) == warning


@pytest.mark.parametrize(("criticality", "override", "intervals", "months"), [
    ("critical", None, rules.DEFAULT_INTERVALS, 6),
    ("major", None, rules.DEFAULT_INTERVALS, 12),
    ("minor", None, rules.DEFAULT_INTERVALS, 24),
    ("minor", 3, rules.DEFAULT_INTERVALS, 3),
    ("critical", 36, rules.DEFAULT_INTERVALS, 36),
    ("critical", None, {"critical": 3, "major": 6, "minor": 12}, 3),
    ("minor", None, {"critical": 3, "major": 6, "minor": 12}, 12),
])
def test_review_interval(criticality: str, override: int | None, intervals: dict,
                         months: int) -> None:
    assert rules.review_interval(criticality, override, intervals) == months


def test_review_interval_of_an_unknown_criticality() -> None:
    with pytest.raises(KeyError):
        rules.review_interval("high", None)


@pytest.mark.parametrize(("last", "criticality", "override", "expected"), [
    (date(2026, 1, 31), "critical", None, date(2026, 7, 31)),
    (date(2026, 1, 31), "major", None, date(2027, 1, 31)),
    (date(2026, 1, 31), "minor", None, date(2028, 1, 31)),
    (date(2026, 1, 31), "minor", 1, date(2026, 2, 28)),       # clamped to the month's end
    (date(2025, 8, 31), "critical", None, date(2026, 2, 28)),
    (None, "major", None, date(2027, 11, 21)),                # never reviewed: from today
    (None, "critical", None, date(2027, 5, 21)),
])
def test_next_review_date(last: date | None, criticality: str, override: int | None,
                          expected: date) -> None:
    assert rules.next_review_date(last, criticality, override, TODAY) == expected


def test_next_review_date_uses_the_configured_intervals() -> None:
    custom = {"critical": 3, "major": 9, "minor": 18}
    assert rules.next_review_date(date(2026, 1, 15), "major", None, TODAY,
                                  custom) == date(2026, 10, 15)


# --- suppliers ----------------------------------------------------------------------------

@pytest.mark.parametrize(("old", "new", "reason", "expected"), [
    ("approved", "approved", "", {}),
    ("", "pending", "", {}),
    ("", "approved", "", {"status_reason": "Give the reason for changing the status to "
                                           "approved."}),
    ("", "approved", "On the approved supplier list since 2019.", {}),
    ("approved", "suspended", "", {"status_reason": REASON_TO_SUSPEND}),
    ("approved", "suspended", "   ", {"status_reason": REASON_TO_SUSPEND}),
    ("approved", "suspended", "Three late lots in May.", {}),
    ("pending", "approved", "Initial review REV-0001, band B.", {}),
    ("approved", "pending", "Start again.",
     {"status": "A supplier that is approved cannot go back to pending; choose suspended, or "
                "record a re-evaluation."}),
    ("disqualified", "pending", "",
     {"status": "A supplier that is disqualified cannot go back to pending; choose "
                "suspended, or record a re-evaluation.",
      "status_reason": "Give the reason for changing the status from disqualified to pending."}),
    ("approved", "blocked", "x", {"status": f"Status must be one of: {STATUS_LIST}."}),
    ("approved", "suspended", "x" * 2001,
     {"status_reason": "The reason is too long (2001 characters; at most 2000)."}),
])
def test_validate_status_change(old: str, new: str, reason: str,
                                expected: dict[str, str]) -> None:
    assert rules.validate_status_change(old, new, reason) == expected


GOOD_SUPPLIER = SupplierRecord(
    name="Präzisionsteile Müller GmbH", scope="Turned parts", category="Machining",
    criticality="critical", contact_person="Jana Müller", email="qm@mueller-teile.de",
    phone="+49 (0)711 1234-56", status="approved", review_interval_months=None,
    certificates=[CertificateRecord("IATF 16949", "0111-2222", "TÜV", date(2027, 6, 30)),
                  CertificateRecord("ISO 9001", "", "", TODAY - DAY)])   # expired: a warning


def test_a_good_supplier_passes() -> None:
    assert rules.validate_supplier(GOOD_SUPPLIER, TODAY) == {}


@pytest.mark.parametrize(("changes", "expected"), [
    ({"name": ""}, {"name": "Name is required."}),
    ({"name": "   "}, {"name": "Name is required."}),
    ({"name": "N" * 201}, {"name": "Name is too long (201 characters; at most 200)."}),
    ({"name": "N" * 200}, {}),
    ({"category": "C" * 101}, {"category": "Category is too long (101 characters; at most "
                                           "100)."}),
    ({"contact_person": "P" * 201},
     {"contact_person": "Contact person is too long (201 characters; at most 200)."}),
    ({"criticality": "high"},
     {"criticality": "Criticality must be one of: critical, major, minor."}),
    ({"status": "active"}, {"status": f"Status must be one of: {STATUS_LIST}."}),
    ({"email": "qm at mueller"}, {"email": "'qm at mueller' is not an email address "
                                           "(name@example.com)."}),
    ({"email": " qm@mueller-teile.de "}, {}),
    ({"email": ""}, {}),
    ({"phone": "call Jana"}, {"phone": "Phone may hold digits, spaces and + ( ) - . / only."}),
    ({"phone": ""}, {}),
    ({"review_interval_months": 1}, {}),
    ({"review_interval_months": 60}, {}),
    ({"certificates": []}, {}),
    ({"certificates": [CertificateRecord()]},
     {"certificates[0].standard": "Certificate 1: standard is required.",
      "certificates[0].valid_until": "Certificate 1: enter the date the certificate is valid "
                                     "until."}),
    ({"certificates": [CertificateRecord("ISO 9001", valid_until=TODAY),
                       CertificateRecord("ISO 14001", "N" * 101, "I" * 201, TODAY)]},
     {"certificates[1].number": "Certificate 2: number is too long (101 characters; at most "
                                "100).",
      "certificates[1].issuer": "Certificate 2: issuer is too long (201 characters; at most "
                                "200)."}),
])
def test_validate_supplier(changes: dict, expected: dict[str, str]) -> None:
    assert rules.validate_supplier(replace(GOOD_SUPPLIER, **changes), TODAY) == expected


@pytest.mark.parametrize("months", [0, 61, -6, True, 6.0, "12"])
def test_a_review_interval_is_1_to_60_months_or_empty(months: object) -> None:
    record = replace(GOOD_SUPPLIER, review_interval_months=months)
    assert rules.validate_supplier(record, TODAY) == {
        "review_interval_months": "Review interval must be 1 to 60 months, or left empty for "
                                  "the criticality's default."}


# --- reviews ------------------------------------------------------------------------------

GOOD_REVIEW = ReviewRecord(
    supplier_id=7, period_from=date(2026, 1, 1), period_to=date(2026, 6, 30),
    review_date=date(2026, 7, 15), reviewer="Anna Einkauf", kind="periodic",
    scores=scores(80, 90, 70, None, 100), deliveries_total=40, deliveries_on_time=38,
    lots_received=12, lots_rejected=1, units_received=50_000, units_rejected=7,
    decision="approved", ref="REV-0007")
APPROVED = {"approved_by": "Max Direktor", "approved_on": date(2026, 7, 20)}


def with_score(index: int, **changes: object) -> list[CriterionScore]:
    items = scores(80, 90, 70, None, 100)
    items[index] = replace(items[index], **changes)
    return items


def test_a_good_review_passes_draft_and_approved() -> None:
    assert rules.validate_review(GOOD_REVIEW, TODAY, locked_before=False) == {}
    assert rules.validate_review(replace(GOOD_REVIEW, **APPROVED), TODAY, False) == {}


@pytest.mark.parametrize(("changes", "expected"), [
    ({"supplier_id": None}, {"supplier_id": "Choose the supplier this review is for."}),
    ({"supplier_id": 0}, {"supplier_id": "Choose the supplier this review is for."}),
    ({"supplier_id": True}, {"supplier_id": "Choose the supplier this review is for."}),
    ({"period_to": date(2025, 12, 31)}, {"period_to": "The period cannot end before it starts."}),
    ({"period_to": date(2026, 1, 1)}, {}),                      # a one-day period
    ({"period_from": None}, {"period_from": "Enter both dates of the period, or neither."}),
    ({"period_to": None}, {"period_to": "Enter both dates of the period, or neither."}),
    ({"period_from": None, "period_to": None}, {}),
    ({"review_date": None}, {"review_date": "Enter the review date."}),
    ({"review_date": TODAY + DAY}, {"review_date": "The review date cannot be in the future."}),
    ({"review_date": TODAY}, {}),
    ({"review_date": date(2025, 12, 31)},
     {"review_date": "The review date cannot be before the period starts (2026-01-01)."}),
    ({"review_date": date(2026, 1, 1)}, {}),
    ({"review_date": date(2026, 3, 1)}, {}),                    # mid-period review
    ({"reviewer": " "}, {"reviewer": "Reviewer is required."}),
    ({"reviewer": "R" * 201}, {"reviewer": "Reviewer is too long (201 characters; at most "
                                           "200)."}),
    ({"kind": "annual"},
     {"kind": "Type must be one of: initial, periodic, ad hoc, re-evaluation."}),
    ({"kind": "ad hoc"}, {}),
    ({"scores": scores(None, None, None, None, None)},
     {"scores": "Score at least one criterion."}),
    ({"scores": []}, {"scores": "Score at least one criterion."}),
    ({"scores": scores(0, None, None, None, None)}, {}),
    ({"scores": scores(100, 100, 100, 100, 100)}, {}),
    ({"scores": with_score(2, score=101)},
     {"scores[2].score": "Responsiveness / communication: the score must be 0 to 100, or "
                         "empty."}),
    ({"scores": with_score(0, score=-1)},
     {"scores[0].score": "Quality: the score must be 0 to 100, or empty."}),
    ({"scores": with_score(0, score=True)},
     {"scores[0].score": "Quality: the score must be 0 to 100, or empty."}),
    ({"scores": with_score(0, score=math.nan)},
     {"scores[0].score": "Quality: the score must be 0 to 100, or empty."}),
    ({"scores": with_score(0, score=math.nan, criterion="")},
     {"scores[0].score": "Criterion 1: the score must be 0 to 100, or empty."}),
    ({"scores": with_score(1, weight=0)},
     {"scores[1].weight": "Delivery: the weight must be a number above 0."}),
    ({"deliveries_total": 10, "deliveries_on_time": 12},
     {"deliveries_on_time": "Deliveries on time (12) cannot be more than the deliveries (10)."}),
    ({"deliveries_total": 0, "deliveries_on_time": 0}, {}),
    ({"deliveries_total": None},
     {"deliveries_total": "Enter how many deliveries there were in the period."}),
    ({"decision": "keep"}, {"decision": f"The decision must be one of: {STATUS_LIST}."}),
    ({"decision": ""}, {}),
    ({"decision": "conditional"}, {}),
])
def test_validate_review(changes: dict, expected: dict[str, str]) -> None:
    assert rules.validate_review(replace(GOOD_REVIEW, **changes), TODAY, False) == expected


@pytest.mark.parametrize(("changes", "expected"), [
    ({"approved_by": "Max Direktor"}, {"approved_on": ENTER_APPROVAL}),
    ({"approved_on": date(2026, 7, 20)}, {"approved_by": ENTER_APPROVAL}),
    ({"approved_by": "  ", "approved_on": date(2026, 7, 20)}, {"approved_by": ENTER_APPROVAL}),
    ({**APPROVED, "approved_on": date(2026, 7, 14)},
     {"approved_on": "The approval cannot be before the review date (2026-07-15)."}),
    ({**APPROVED, "approved_on": date(2026, 7, 15)}, {}),
    ({**APPROVED, "approved_on": TODAY}, {}),
    ({**APPROVED, "approved_on": TODAY + DAY},
     {"approved_on": "The approval date cannot be in the future."}),
    ({**APPROVED, "decision": ""},
     {"decision": "Choose the final decision before approving the review."}),
    ({"approved_by": "Max Direktor", "decision": ""},
     {"approved_on": ENTER_APPROVAL,
      "decision": "Choose the final decision before approving the review."}),
    ({**APPROVED, "approved_by": "A" * 201},
     {"approved_by": "Approved by is too long (201 characters; at most 200)."}),
])
def test_approving_a_review(changes: dict, expected: dict[str, str]) -> None:
    assert rules.validate_review(replace(GOOD_REVIEW, **changes), TODAY, False) == expected


def test_an_approved_review_is_locked_whatever_is_changed() -> None:
    changed = replace(GOOD_REVIEW, **APPROVED, reviewer="", scores=[], kind="??")
    locked = {"locked": "REV-0007 was approved on 2026-07-20 and cannot be changed; record a "
                        "correction as a new review."}
    assert rules.validate_review(changed, TODAY, locked_before=True) == locked
    assert rules.validate_review(replace(GOOD_REVIEW, **APPROVED), TODAY, True) == locked
    assert rules.validate_review(replace(GOOD_REVIEW, ref=""), TODAY, True) == {
        "locked": "This review was approved and cannot be changed; record a correction as a "
                  "new review."}


def test_many_problems_are_reported_together() -> None:
    record = replace(GOOD_REVIEW, supplier_id=None, reviewer="", kind="", review_date=None,
                     scores=[], lots_rejected=20, decision="maybe")
    assert rules.validate_review(record, TODAY, False) == {
        "supplier_id": "Choose the supplier this review is for.",
        "reviewer": "Reviewer is required.",
        "kind": "Type must be one of: initial, periodic, ad hoc, re-evaluation.",
        "review_date": "Enter the review date.",
        "scores": "Score at least one criterion.",
        "lots_rejected": "Lots rejected (20) cannot be more than the lots received (12).",
        "decision": f"The decision must be one of: {STATUS_LIST}.",
    }


def test_a_valid_review_scores_without_error() -> None:
    """What validation lets through, the score accepts: no ValueError past the checks."""
    result = rules.weighted_score(GOOD_REVIEW.scores)
    assert rules.format_total(result.total) == "83.9"  # 83.888…, halves up
    assert rules.band_for(result.total) == "B"
    assert rules.recommended_decision("B") == "approved"
    assert rules.on_time_delivery_pct(GOOD_REVIEW.deliveries_total,
                                      GOOD_REVIEW.deliveries_on_time) == 95.0
    assert rules.defect_ppm(GOOD_REVIEW.units_received, GOOD_REVIEW.units_rejected) == 140.0


RENAMED = [Band("Exit", 0), Band("Gold", 85), Band("Watch", 50), Band("Silver", 70)]


def test_weak_bands_are_the_two_lowest_by_rank_whatever_their_names():
    assert [b.name for b in rules.ranked(RENAMED)] == ["Gold", "Silver", "Watch", "Exit"]
    assert [rules.is_weak_band(n, RENAMED) for n in ("Gold", "Silver", "Watch", "Exit")] == [
        False, False, True, True]
    assert [rules.is_weak_band(n, rules.DEFAULT_BANDS) for n in "ABCD"] == [
        False, False, True, True]
    assert not rules.is_weak_band("C", RENAMED)  # not a band any more
    assert not rules.is_weak_band(None, RENAMED)
    three = [Band("Good", 70), Band("Fair", 40), Band("Poor", 0)]
    assert [rules.is_weak_band(b.name, three) for b in three] == [False, True, True]


def test_a_recorded_band_stands_where_its_total_reaches_once_bands_are_renamed():
    assert rules.current_band("B", 72.5, rules.DEFAULT_BANDS) == "B"
    assert rules.current_band("B", 72.5, RENAMED) == "Silver"
    assert rules.current_band("C", 49.94, RENAMED) == "Exit"
    assert rules.current_band("Watch", 10.0, RENAMED) == "Watch"  # its own name still exists
    assert rules.current_band("", None, RENAMED) is None


def test_band_decisions_follow_the_rank_not_the_name():
    assert rules.band_decisions(rules.DEFAULT_BANDS) == rules.BAND_DECISIONS
    assert rules.band_decisions(RENAMED) == {"Gold": "preferred", "Silver": "approved",
                                             "Watch": "conditional", "Exit": "disqualified"}
    assert rules.band_decisions([Band("Good", 60), Band("Poor", 0)]) == {
        "Good": "preferred", "Poor": "disqualified"}
    assert rules.band_decisions([Band("Only", 0)]) == {"Only": "preferred"}
