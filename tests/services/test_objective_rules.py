"""Objective rules without a database: periods, overdue measurements, health, validation."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qmsdesk.services.objectives import rules
from qmsdesk.services.objectives.records import MeasurementRecord, ObjectiveRecord
from qmsdesk.services.objectives.rules import Point, Target

OVERDUE, OFF, RISK, NODATA = "measurement overdue", "off track", "at risk", "no data"
ON, DONE, UNTRACKED = "on track", "achieved", "not tracked"
# Higher is better; only the words that depend on the measured value.
RANK = {OFF: 0, RISK: 1, ON: 2, DONE: 3}

START, DUE = date(2026, 1, 1), date(2026, 12, 31)   # 364 days: 2 July is exactly half way
HALF = date(2026, 7, 2)
MID_JULY = date(2026, 7, 10)                          # May is the latest period that is due
UP = Target("increase", 80.0, 90.0)
DOWN = Target("decrease", 10.0, 5.0)
BAND = Target("band", 20.0, 18.0, 22.0)
BAND_FROM_ABOVE = Target("band", 30.0, 18.0, 22.0)
HOLD = Target("increase", 99.8, 99.8)


def d(text: str) -> date:
    return date.fromisoformat(text)


def test_health_words_are_listed_worst_first() -> None:
    assert rules.HEALTHS == (OVERDUE, OFF, RISK, NODATA, ON, DONE, "missed", UNTRACKED)
    assert (rules.MEASUREMENT_OVERDUE, rules.OFF_TRACK, rules.AT_RISK, rules.NO_DATA,
            rules.ON_TRACK, rules.ACHIEVED, rules.MISSED, rules.NOT_TRACKED) == rules.HEALTHS
    assert rules.DIRECTIONS == ("increase", "decrease", "band")
    assert rules.FREQUENCIES == ("monthly", "quarterly", "half-yearly", "yearly")
    assert rules.STATUSES == ("draft", "active", "achieved", "missed", "cancelled")
    assert (rules.GRACE_DAYS, rules.ON_TRACK_TOLERANCE, rules.AT_RISK_TOLERANCE,
            rules.BAND_TOLERANCE) == (15, 0.10, 0.25, 0.25)


# --- periods ----------------------------------------------------------------------------

@pytest.mark.parametrize(("on", "monthly", "quarterly", "half", "yearly"), [
    ("2026-01-01", "2026-01", "2026-Q1", "2026-H1", "2026"),
    ("2026-03-31", "2026-03", "2026-Q1", "2026-H1", "2026"),
    ("2026-04-01", "2026-04", "2026-Q2", "2026-H1", "2026"),
    ("2026-06-30", "2026-06", "2026-Q2", "2026-H1", "2026"),
    ("2026-07-01", "2026-07", "2026-Q3", "2026-H2", "2026"),
    ("2026-09-30", "2026-09", "2026-Q3", "2026-H2", "2026"),
    ("2026-10-01", "2026-10", "2026-Q4", "2026-H2", "2026"),
    ("2026-12-31", "2026-12", "2026-Q4", "2026-H2", "2026"),
    ("2024-02-29", "2024-02", "2024-Q1", "2024-H1", "2024"),
    ("0999-11-05", "0999-11", "0999-Q4", "0999-H2", "0999"),
])
def test_period_of(on: str, monthly: str, quarterly: str, half: str, yearly: str) -> None:
    day = d(on)
    assert [rules.period_of(day, f) for f in rules.FREQUENCIES] == [monthly, quarterly, half,
                                                                     yearly]


@pytest.mark.parametrize(("period", "first", "last"), [
    ("2026-01", "2026-01-01", "2026-01-31"),
    ("2026-02", "2026-02-01", "2026-02-28"),
    ("2024-02", "2024-02-01", "2024-02-29"),   # leap year
    ("2000-02", "2000-02-01", "2000-02-29"),   # every 400 years
    ("2100-02", "2100-02-01", "2100-02-28"),   # century: not a leap year
    ("2026-04", "2026-04-01", "2026-04-30"),
    ("2026-12", "2026-12-01", "2026-12-31"),
    ("2026-Q1", "2026-01-01", "2026-03-31"),
    ("2026-Q2", "2026-04-01", "2026-06-30"),
    ("2026-Q3", "2026-07-01", "2026-09-30"),
    ("2026-Q4", "2026-10-01", "2026-12-31"),
    ("2026-H1", "2026-01-01", "2026-06-30"),
    ("2026-H2", "2026-07-01", "2026-12-31"),
    ("2026", "2026-01-01", "2026-12-31"),
])
def test_period_bounds(period: str, first: str, last: str) -> None:
    assert rules.period_bounds(period) == (d(first), d(last))


@pytest.mark.parametrize("bad", ["", "2026-00", "2026-13", "2026-3", "2026-Q0", "2026-Q5",
                                 "2026-H0", "2026-H3", "26", "2026-", "2026-q1", "2026-W05",
                                 " 2026", "2026-01-01"])
def test_period_bounds_rejects_what_period_of_never_writes(bad: str) -> None:
    with pytest.raises(ValueError, match="not a period"):
        rules.period_bounds(bad)


def test_unknown_frequency_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="weekly"):
        rules.period_of(START, "weekly")
    with pytest.raises(ValueError, match="frequency"):
        rules.periods_between(START, DUE, "")


@pytest.mark.parametrize(("start", "end", "frequency", "expected"), [
    ("2026-01-15", "2026-04-01", "monthly", ["2026-01", "2026-02", "2026-03", "2026-04"]),
    ("2025-11-30", "2026-02-01", "monthly", ["2025-11", "2025-12", "2026-01", "2026-02"]),
    ("2026-03-31", "2026-04-01", "monthly", ["2026-03", "2026-04"]),
    ("2026-05-17", "2026-05-17", "monthly", ["2026-05"]),
    ("2026-05-17", "2026-05-16", "monthly", []),
    ("2025-12-31", "2026-01-01", "quarterly", ["2025-Q4", "2026-Q1"]),
    ("2026-02-10", "2026-11-30", "quarterly", ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]),
    ("2024-02-29", "2025-07-01", "half-yearly", ["2024-H1", "2024-H2", "2025-H1", "2025-H2"]),
    ("2026-06-30", "2026-07-01", "half-yearly", ["2026-H1", "2026-H2"]),
    ("2024-12-31", "2026-01-01", "yearly", ["2024", "2025", "2026"]),
    ("2026-01-01", "2026-12-31", "yearly", ["2026"]),
])
def test_periods_between(start: str, end: str, frequency: str, expected: list[str]) -> None:
    assert rules.periods_between(d(start), d(end), frequency) == expected


dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31))
frequencies = st.sampled_from(rules.FREQUENCIES)


@given(dates, frequencies)
def test_a_period_holds_its_day_and_touches_its_neighbours(on: date, frequency: str) -> None:
    period = rules.period_of(on, frequency)
    first, last = rules.period_bounds(period)
    assert first <= on <= last
    assert first.day == 1 and (last + timedelta(days=1)).day == 1
    assert rules.period_of(first, frequency) == rules.period_of(last, frequency) == period
    assert rules.period_of(first - timedelta(days=1), frequency) < period
    assert rules.period_of(last + timedelta(days=1), frequency) > period
    assert 28 <= (last - first).days + 1 <= 366


@given(dates, st.integers(min_value=0, max_value=2000), frequencies)
def test_periods_between_tiles_the_range_without_gaps(start: date, days: int,
                                                      frequency: str) -> None:
    end = start + timedelta(days=days)
    periods = rules.periods_between(start, end, frequency)
    bounds = [rules.period_bounds(p) for p in periods]
    assert bounds[0][0] <= start <= bounds[0][1]
    assert bounds[-1][0] <= end <= bounds[-1][1]
    for (_, last), (first, _) in itertools.pairwise(bounds):
        assert last + timedelta(days=1) == first
    assert periods == sorted(set(periods))


# --- targets, the straight line ---------------------------------------------------------

@pytest.mark.parametrize(("target", "value", "met"), [
    (UP, 90.0, True), (UP, 95.0, True), (UP, 89.99, False),
    (DOWN, 5.0, True), (DOWN, 1.0, True), (DOWN, 5.01, False),
    (BAND, 18.0, True), (BAND, 22.0, True), (BAND, 20.0, True),
    (BAND, 17.99, False), (BAND, 22.01, False),
    (Target("band", 0.0, 5.0), 5.0, True), (Target("band", 0.0, 5.0), 5.1, False),
])
def test_target_met(target: Target, value: float, met: bool) -> None:
    assert target.met(value) is met


def test_target_with_unknown_direction() -> None:
    with pytest.raises(ValueError, match="sideways"):
        Target("sideways", 1.0, 2.0).met(1.0)
    with pytest.raises(ValueError, match="sideways"):
        rules.health(Target("sideways", 1.0, 2.0), START, DUE, "monthly", [], START)


@pytest.mark.parametrize(("on", "fraction"), [
    ("2025-06-01", 0.0), ("2026-01-01", 0.0), ("2026-07-02", 0.5), ("2026-12-31", 1.0),
    ("2027-03-01", 1.0),
])
def test_elapsed_fraction(on: str, fraction: float) -> None:
    assert rules.elapsed_fraction(START, DUE, d(on)) == fraction


def test_elapsed_fraction_of_an_empty_range_is_all_or_nothing() -> None:
    assert rules.elapsed_fraction(START, START, START) == 1.0
    assert rules.elapsed_fraction(START, START, START - timedelta(days=1)) == 0.0


@pytest.mark.parametrize(("target", "on", "value"), [
    (UP, "2026-01-01", 80.0), (UP, "2026-07-02", 85.0), (UP, "2026-12-31", 90.0),
    (UP, "2025-01-01", 80.0), (UP, "2030-01-01", 90.0),
    (DOWN, "2026-07-02", 7.5),
    (BAND, "2026-07-02", 20.0),              # baseline in the band: flat
    (BAND_FROM_ABOVE, "2026-07-02", 26.0),   # towards the nearest edge, 22
    (BAND_FROM_ABOVE, "2026-12-31", 22.0),
])
def test_expected_value_is_the_straight_line(target: Target, on: str, value: float) -> None:
    assert rules.expected_value(target, START, DUE, d(on)) == pytest.approx(value)


# --- measurement overdue ----------------------------------------------------------------

def overdue(today: str, points: list[str], start: str = "2026-01-01", due: str = "2026-12-31",
            frequency: str = "monthly", grace: int = 15) -> bool:
    return rules.measurement_overdue(d(start), d(due), frequency,
                                     [Point(d(p), 1.0) for p in points], d(today), grace)


@pytest.mark.parametrize(("case", "today", "points", "kwargs", "expected"), [
    ("before the start", "2025-12-01", [], {}, False),
    ("first period running", "2026-01-20", [], {}, False),
    ("first period ended, in grace", "2026-02-10", [], {}, False),
    ("last day of grace", "2026-02-15", [], {}, False),
    ("grace over", "2026-02-16", [], {}, True),
    ("no grace", "2026-02-01", [], {"grace": 0}, True),
    ("no grace, last day", "2026-01-31", [], {"grace": 0}, False),
    ("measured in the period", "2026-02-16", ["2026-01-31"], {}, False),
    ("measured late, in grace", "2026-02-16", ["2026-02-14"], {}, False),
    ("measured an earlier period only", "2026-04-20", ["2026-02-10"], {}, True),
    ("latest period measured, older gaps", "2026-04-20", ["2026-03-05"], {}, False),
    ("future point counts for nothing", "2026-02-16", ["2026-03-01"], {}, True),
    ("quarter in grace", "2026-04-15", [], {"frequency": "quarterly"}, False),
    ("quarter over", "2026-04-16", [], {"frequency": "quarterly"}, True),
    ("quarter: monthly point in it", "2026-05-01", ["2026-02-01"],
     {"frequency": "quarterly"}, False),
    ("half-year running", "2026-06-30", [], {"frequency": "half-yearly"}, False),
    ("half-year over", "2026-07-16", [], {"frequency": "half-yearly"}, True),
    ("yearly: nothing until the year ends", "2026-12-31", [], {"frequency": "yearly"}, False),
    ("yearly: nothing all year", "2027-01-16", [], {"frequency": "yearly"}, True),
    ("yearly: one value in the year", "2027-01-16", ["2026-06-01"], {"frequency": "yearly"},
     False),
    ("due passed, final period measured", "2026-09-01", ["2026-06-10"],
     {"due": "2026-06-30"}, False),
    ("due passed, final period missing", "2026-09-01", ["2026-05-31"],
     {"due": "2026-06-30"}, True),
    ("due passed, period after due is never asked for", "2027-06-01", ["2026-06-10"],
     {"due": "2026-06-15"}, False),
    ("partial first period counts", "2026-04-16", [], {"start": "2026-03-30"}, True),
    ("a later value covers a partial first period", "2026-04-16", ["2026-04-10"],
     {"start": "2026-03-30"}, False),
    ("due before start asks for nothing", "2027-01-01", [], {"due": "2025-06-01"}, False),
])
def test_measurement_overdue(case: str, today: str, points: list[str], kwargs: dict,
                             expected: bool) -> None:
    assert overdue(today, points, **kwargs) is expected, case


# --- health: every branch ---------------------------------------------------------------

def pts(*pairs: tuple[str, float]) -> list[Point]:
    return [Point(d(on), value) for on, value in pairs]


HEALTH_CASES = [
    # case, target, points, today, status, expected
    ("draft", UP, pts(("2026-02-01", 95.0)), MID_JULY, "draft", UNTRACKED),
    ("cancelled, even if overdue", UP, [], d("2026-09-01"), "cancelled", UNTRACKED),
    ("closed as achieved, whatever the data", UP, pts(("2026-07-01", 70.0)), MID_JULY,
     "achieved", DONE),
    # a closed outcome, not "off track": the 2025 objective the auditor found both
    ("closed as missed, even if met", UP, pts(("2026-07-01", 95.0)), MID_JULY, "missed",
     "missed"),
    ("unknown status counts as active", UP, pts(("2026-07-02", 85.0)), MID_JULY, "paused", ON),
    ("nothing measured yet", UP, [], d("2026-02-15"), "active", NODATA),
    ("not started", UP, [], d("2025-12-01"), "active", NODATA),
    ("only a future value", UP, pts(("2026-02-10", 95.0)), d("2026-02-01"), "active", NODATA),
    ("nothing measured, a period missed", UP, [], d("2026-02-16"), "active", OVERDUE),
    ("overdue beats achieved", UP, pts(("2026-01-20", 95.0)), d("2026-03-20"), "active",
     OVERDUE),
    ("overdue beats off track", UP, pts(("2026-01-20", 70.0)), d("2026-03-20"), "active",
     OVERDUE),
    ("increase met", UP, pts(("2026-07-02", 90.0)), MID_JULY, "active", DONE),
    ("increase beaten", UP, pts(("2026-07-02", 97.0)), MID_JULY, "active", DONE),
    ("on the line", UP, pts(("2026-07-02", 85.0)), MID_JULY, "active", ON),
    ("10 % behind: still on track", UP, pts(("2026-07-02", 84.0)), MID_JULY, "active", ON),
    ("just over 10 % behind", UP, pts(("2026-07-02", 83.9)), MID_JULY, "active", RISK),
    ("25 % behind: at risk", UP, pts(("2026-07-02", 82.5)), MID_JULY, "active", RISK),
    ("just over 25 % behind", UP, pts(("2026-07-02", 82.4)), MID_JULY, "active", OFF),
    ("worse than the baseline", UP, pts(("2026-07-02", 79.0)), MID_JULY, "active", OFF),
    ("early and small steps are fine", UP, pts(("2026-01-10", 80.0)), d("2026-01-20"),
     "active", ON),
    ("ahead of the line", UP, pts(("2026-03-01", 88.0)), d("2026-03-05"), "active", ON),
    ("judged on the latest date, not order", UP,
     pts(("2026-07-02", 85.0), ("2026-06-01", 95.0)), MID_JULY, "active", ON),
    ("latest value decides", UP, pts(("2026-06-01", 95.0), ("2026-07-02", 82.0)), MID_JULY,
     "active", OFF),
    ("same date: the last one given", UP, pts(("2026-07-02", 95.0), ("2026-07-02", 85.0)),
     MID_JULY, "active", ON),
    ("future values ignored", UP, pts(("2026-07-02", 85.0), ("2026-07-20", 95.0)), MID_JULY,
     "active", ON),
    ("due passed, not met", UP, pts(("2026-12-20", 89.0)), d("2027-01-05"), "active", OFF),
    ("due passed, met", UP, pts(("2026-12-20", 90.0)), d("2027-01-05"), "active", DONE),
    ("due passed, final value missing", UP, pts(("2026-11-20", 95.0)), d("2027-01-16"),
     "active", OVERDUE),
    ("due day itself is not passed", UP, pts(("2026-12-20", 89.5)), DUE, "active", ON),
    ("decrease met", DOWN, pts(("2026-07-02", 5.0)), MID_JULY, "active", DONE),
    ("decrease on the line", DOWN, pts(("2026-07-02", 7.5)), MID_JULY, "active", ON),
    ("decrease at risk", DOWN, pts(("2026-07-02", 8.5)), MID_JULY, "active", RISK),
    ("decrease off track", DOWN, pts(("2026-07-02", 8.8)), MID_JULY, "active", OFF),
    ("decrease going up", DOWN, pts(("2026-07-02", 11.0)), MID_JULY, "active", OFF),
    ("band held", BAND, pts(("2026-07-02", 20.0)), MID_JULY, "active", ON),
    ("band edge held", BAND, pts(("2026-07-02", 22.0)), MID_JULY, "active", ON),
    ("band held to the end", BAND, pts(("2026-12-20", 21.0)), d("2027-01-05"), "active",
     DONE),
    ("band a little above", BAND, pts(("2026-07-02", 22.5)), MID_JULY, "active", RISK),
    ("band 25 % of width above", BAND, pts(("2026-07-02", 23.0)), MID_JULY, "active", RISK),
    ("band further above", BAND, pts(("2026-07-02", 23.1)), MID_JULY, "active", OFF),
    ("band 25 % of width below", BAND, pts(("2026-07-02", 17.0)), MID_JULY, "active", RISK),
    ("band further below", BAND, pts(("2026-07-02", 16.9)), MID_JULY, "active", OFF),
    ("band missed at the end", BAND, pts(("2026-12-20", 22.5)), d("2027-01-05"), "active",
     OFF),
    ("into the band: on the line", BAND_FROM_ABOVE, pts(("2026-07-02", 26.0)), MID_JULY,
     "active", ON),
    ("into the band: behind", BAND_FROM_ABOVE, pts(("2026-07-02", 27.0)), MID_JULY, "active",
     RISK),
    ("into the band: far behind", BAND_FROM_ABOVE, pts(("2026-07-02", 29.0)), MID_JULY,
     "active", OFF),
    ("into the band: overshot a little", BAND_FROM_ABOVE, pts(("2026-07-02", 17.0)), MID_JULY,
     "active", RISK),
    ("into the band: overshot far", BAND_FROM_ABOVE, pts(("2026-07-02", 16.0)), MID_JULY,
     "active", OFF),
    ("into the band: reached", BAND_FROM_ABOVE, pts(("2026-07-02", 21.0)), MID_JULY, "active",
     ON),
    ("zero-width band: measured against the way in", Target("band", 8.0, 5.0, 5.0),
     pts(("2026-07-02", 4.5)), MID_JULY, "active", RISK),
    ("zero-width band: far off", Target("band", 8.0, 5.0, 5.0), pts(("2026-07-02", 4.0)),
     MID_JULY, "active", OFF),
    ("zero-width band at the baseline: any miss", Target("band", 5.0, 5.0, None),
     pts(("2026-07-02", 5.01)), MID_JULY, "active", OFF),
    ("hold: kept", HOLD, pts(("2026-07-02", 99.9)), MID_JULY, "active", ON),
    ("hold: kept to the end", HOLD, pts(("2026-12-20", 99.8)), d("2027-01-05"), "active", DONE),
    ("hold: missed", HOLD, pts(("2026-07-02", 99.79)), MID_JULY, "active", OFF),
    ("target behind the baseline is a hold", Target("increase", 10.0, 8.0),
     pts(("2026-07-02", 7.0)), MID_JULY, "active", OFF),
]


@pytest.mark.parametrize(("case", "target", "points", "today", "status", "expected"),
                         HEALTH_CASES, ids=[c[0] for c in HEALTH_CASES])
def test_health(case: str, target: Target, points: list[Point], today: date, status: str,
                expected: str) -> None:
    assert rules.health(target, START, DUE, "monthly", points, today, status) == expected


def test_every_health_word_is_reachable() -> None:
    assert {case[-1] for case in HEALTH_CASES} == set(rules.HEALTHS)


def test_health_uses_the_objectives_frequency() -> None:
    points = pts(("2026-01-20", 81.0))
    today = d("2026-03-20")
    assert rules.health(UP, START, DUE, "monthly", points, today) == OVERDUE
    assert rules.health(UP, START, DUE, "quarterly", points, today) == ON


# --- health: properties -----------------------------------------------------------------

numbers = st.integers(min_value=-10**6, max_value=10**6).map(float)


@st.composite
def objectives(draw: st.DrawFn, directions: tuple[str, ...] = rules.DIRECTIONS) -> tuple:
    direction = draw(st.sampled_from(directions))
    baseline, target = draw(numbers), draw(numbers)
    target_max = None
    if direction == "band":
        target_max = target + draw(st.integers(min_value=0, max_value=1000))
    start = draw(st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)))
    length = draw(st.integers(min_value=1, max_value=800))
    frequency = draw(frequencies)
    today = start + timedelta(days=draw(st.integers(min_value=-20, max_value=length + 90)))
    offsets = draw(st.lists(st.integers(min_value=-10, max_value=length + 60),
                            min_size=1, max_size=8))
    # Half the values near the straight line from baseline to target, where the tolerances bite.
    near = st.integers(min_value=-30, max_value=130).map(
        lambda k: float(baseline + (target - baseline) * k // 100))
    values = st.one_of(numbers, near)
    points = [Point(start + timedelta(days=o), draw(values)) for o in offsets]
    status = draw(st.sampled_from((*rules.STATUSES, "active", "active", "active")))
    return (Target(direction, baseline, target, target_max), start,
            start + timedelta(days=length), frequency, points, today, status)


def mirrored(target: Target) -> Target:
    if target.direction == "band":
        return Target("band", -target.baseline, -target.upper, -target.target)
    flipped = {"increase": "decrease", "decrease": "increase"}[target.direction]
    return Target(flipped, -target.baseline, -target.target)


def mapped(target: Target, move: Callable[[float], float]) -> Target:
    upper = None if target.target_max is None else move(target.target_max)
    return Target(target.direction, move(target.baseline), move(target.target), upper)


@settings(max_examples=150)
@given(objectives())
def test_mirrored_objectives_have_the_same_health(objective: tuple) -> None:
    target, start, due, frequency, points, today, status = objective
    flipped = [Point(p.on_date, -p.value) for p in points]
    assert (rules.health(target, start, due, frequency, points, today, status)
            == rules.health(mirrored(target), start, due, frequency, flipped, today, status))


@settings(max_examples=200)
@given(objectives(), st.integers(min_value=-10**6, max_value=10**6),
       st.sampled_from([0.25, 0.5, 1.0, 2.0, 3.0, 7.0, 1000.0]))
def test_shifting_and_scaling_keep_the_health(objective: tuple, shift: int,
                                              factor: float) -> None:
    target, start, due, frequency, points, today, status = objective
    before = rules.health(target, start, due, frequency, points, today, status)

    def shifted(x: float) -> float:
        return x + shift

    def scaled(x: float) -> float:
        return x * factor

    for move in (shifted, scaled):
        moved = [Point(p.on_date, move(p.value)) for p in points]
        assert rules.health(mapped(target, move), start, due, frequency, moved, today,
                            status) == before


def latest_index(points: list[Point], today: date) -> int | None:
    """Which point the documented rule calls the latest (last given among equal dates)."""
    known = [(p.on_date, i) for i, p in enumerate(points) if p.on_date <= today]
    return max(known)[1] if known else None


@settings(max_examples=150)
@given(objectives(("increase", "decrease")))
def test_meeting_the_target_is_achieved_unless_a_measurement_is_overdue(
        objective: tuple) -> None:
    target, start, due, frequency, points, today, _ = objective
    result = rules.health(target, start, due, frequency, points, today)
    index = latest_index(points, today)
    if rules.measurement_overdue(start, due, frequency, points, today):
        assert result == OVERDUE
    elif index is None:
        assert result == NODATA
    elif target.met(points[index].value) and target.asks_improvement:
        assert result == DONE
    else:
        assert result != DONE or target.met(points[index].value)


@settings(max_examples=150)
@given(objectives(("increase", "decrease")), numbers)
def test_a_better_latest_value_never_makes_health_worse(objective: tuple,
                                                        other: float) -> None:
    target, start, due, frequency, points, today, _ = objective
    index = latest_index(points, today)
    if index is None:
        return
    value = points[index].value
    better, worse = (max, min) if target.direction == "increase" else (min, max)
    good = [replace(p, value=better(value, other)) if i == index else p
            for i, p in enumerate(points)]
    bad = [replace(p, value=worse(value, other)) if i == index else p
           for i, p in enumerate(points)]
    good_health = rules.health(target, start, due, frequency, good, today)
    bad_health = rules.health(target, start, due, frequency, bad, today)
    if good_health in RANK:
        assert RANK[good_health] >= RANK[bad_health]
    else:
        assert good_health == bad_health   # overdue / no data do not depend on the value


@given(objectives())
def test_health_is_always_one_of_the_words(objective: tuple) -> None:
    target, start, due, frequency, points, today, status = objective
    result = rules.health(target, start, due, frequency, points, today, status)
    assert result in rules.HEALTHS
    assert (result == UNTRACKED) == (status in ("draft", "cancelled"))


# --- validation -------------------------------------------------------------------------

TODAY = date(2026, 11, 21)


def objective(**values: object) -> ObjectiveRecord:
    """A valid active objective with two monthly measurements, any field overridden."""
    record = ObjectiveRecord(
        title="Raise on-time in-full deliveries", kpi_name="OTIF", unit="%", baseline=82.0,
        target=95.0, direction="increase", frequency="monthly", start_date=START,
        due_date=DUE, owner="Ana Costa", policy_commitment="Deliver what we promise, on time",
        status="active",
        measurements=[MeasurementRecord(on_date=d("2026-01-31"), value=83.0),
                      MeasurementRecord(on_date=d("2026-02-28"), value=85.5)])
    for key, value in values.items():
        setattr(record, key, value)
    return record


def test_a_complete_objective_is_valid() -> None:
    assert rules.validate_objective(objective(), TODAY) == {}
    band = objective(direction="band", target=18.0, target_max=22.0, baseline=30.0)
    assert rules.validate_objective(band, TODAY) == {}
    down = objective(direction="decrease", baseline=5.0, target=2.5, unit="x" * 30)
    assert rules.validate_objective(down, TODAY) == {}


def test_a_draft_needs_no_owner_or_policy_commitment() -> None:
    draft = objective(status="draft", owner="", policy_commitment="  ")
    assert rules.validate_objective(draft, TODAY) == {}


def test_an_empty_draft_lists_what_is_missing() -> None:
    errors = rules.validate_objective(ObjectiveRecord(), TODAY)
    assert errors == {
        "title": "Title is required.",
        "kpi_name": "KPI name is required.",
        "baseline": "Baseline is required.",
        "target": "Target is required.",
        "start_date": "Start date is required.",
        "due_date": "Due date is required.",
    }


NO_MEASUREMENTS: dict[str, object] = {"measurements": []}
VALIDATION_CASES = [
    ({"title": ""}, "title", "Title is required."),
    ({"title": "   "}, "title", "Title is required."),
    ({"title": "x" * 201}, "title", "Title is too long (201 characters; at most 200)."),
    ({"kpi_name": ""}, "kpi_name", "KPI name is required."),
    ({"unit": "x" * 31}, "unit", "Unit is too long (31 characters; at most 30)."),
    ({"process": "x" * 201}, "process", "Process is too long (201 characters; at most 200)."),
    ({"baseline": None}, "baseline", "Baseline is required."),
    ({"baseline": True}, "baseline", "Baseline must be a number."),
    ({"baseline": "82"}, "baseline", "Baseline must be a number."),
    ({"baseline": math.nan}, "baseline", "Baseline must be a number."),
    ({"target": None}, "target", "Target is required."),
    ({"target": math.inf}, "target", "Target must be a number."),
    ({"target": 80.0}, "target",
     "For an objective to increase, the target must be above the baseline (82.0)."),
    ({"target": 82.0}, "target",
     "For an objective to increase, the target must be above the baseline (82.0)."),
    ({"direction": "decrease"}, "target",
     "For an objective to decrease, the target must be below the baseline (82.0)."),
    ({"direction": "up"}, "direction", "Direction must be increase, decrease or band."),
    ({"direction": "band"}, "target_max",
     "A band needs an upper limit (the highest acceptable value)."),
    ({"direction": "band", "target_max": 95.0}, "target_max",
     "The upper limit must be above the target (95.0)."),
    ({"direction": "band", "target_max": 90.0}, "target_max",
     "The upper limit must be above the target (95.0)."),
    ({"direction": "band", "target_max": math.nan}, "target_max",
     "The upper limit must be a number."),
    ({"target_max": 99.0}, "target_max",
     "Only a band has an upper limit: clear it, or choose the direction band."),
    ({"frequency": "weekly"}, "frequency",
     "Frequency must be monthly, quarterly, half-yearly or yearly."),
    ({"status": "open"}, "status",
     "Status must be one of: draft, active, achieved, missed, cancelled."),
    ({"start_date": None}, "start_date", "Start date is required."),
    ({"due_date": None}, "due_date", "Due date is required."),
    ({"due_date": START, **NO_MEASUREMENTS}, "due_date",
     "The due date must be after the start date (2026-01-01)."),
    ({"due_date": d("2025-12-01"), **NO_MEASUREMENTS}, "due_date",
     "The due date must be after the start date (2026-01-01)."),
    ({"owner": ""}, "owner", "Owner is required: who is responsible for this objective?"),
    ({"owner": "x" * 201}, "owner", "Owner is too long (201 characters; at most 200)."),
    ({"owner": " ", "status": "achieved"}, "owner",
     "Owner is required: who is responsible for this objective?"),
    ({"policy_commitment": ""}, "policy_commitment",
     "Choose the policy commitment this objective supports."),
]


@pytest.mark.parametrize(("values", "key", "message"), VALIDATION_CASES)
def test_each_rule_reports_one_field_with_a_plain_message(values: dict[str, object], key: str,
                                                          message: str) -> None:
    assert rules.validate_objective(objective(**values), TODAY) == {key: message}


def measured(*pairs: tuple) -> list[MeasurementRecord]:
    return [MeasurementRecord(on_date=on, value=value) for on, value in pairs]


MEASUREMENT_CASES = [
    (measured((d("2026-03-10"), 86.0), (d("2026-04-10"), None)),
     {"measurements[1].value": "Measurement 2: the value is required."}),
    (measured((d("2026-03-10"), True)),
     {"measurements[0].value": "Measurement 1: the value must be a number."}),
    (measured((d("2026-03-10"), math.inf)),
     {"measurements[0].value": "Measurement 1: the value must be a number."}),
    (measured((None, 86.0)), {"measurements[0].on_date": "Measurement 1: a date is required."}),
    (measured((d("2025-12-31"), 86.0)),
     {"measurements[0].on_date":
      "Measurement 1: the date 2025-12-31 is before the objective starts (2026-01-01)."}),
    (measured((d("2027-01-01"), 86.0)),
     {"measurements[0].on_date":
      "Measurement 1: the date 2027-01-01 is after the objective's due date (2026-12-31)."}),
    (measured((d("2026-11-22"), 86.0)),
     {"measurements[0].on_date":
      "Measurement 1: the date 2026-11-22 is in the future; record values once measured."}),
    (measured((d("2026-03-01"), 86.0), (d("2026-04-01"), 87.0), (d("2026-03-31"), 88.0)),
     {"measurements[2].on_date": "Measurement 3: 2026-03 already has a value (measurement 1)."}),
    (measured((d("2026-03-01"), 86.0), (d("2026-03-31"), None)),
     {"measurements[1].on_date": "Measurement 2: 2026-03 already has a value (measurement 1).",
      "measurements[1].value": "Measurement 2: the value is required."}),
    (measured((d("2026-11-01"), 86.0), (d("2026-11-30"), 87.0)),   # the future date wins
     {"measurements[1].on_date":
      "Measurement 2: the date 2026-11-30 is in the future; record values once measured."}),
    (measured((d("2026-11-21"), 86.0)), {}),                       # today is fine
    (measured((d("2026-01-01"), 0.0), (d("2026-02-01"), -3)), {}),  # zero and ints are values
]


@pytest.mark.parametrize(("measurements", "expected"), MEASUREMENT_CASES)
def test_measurement_messages(measurements: list[MeasurementRecord],
                              expected: dict[str, str]) -> None:
    assert rules.validate_objective(objective(measurements=measurements), TODAY) == expected


def test_one_value_per_period_follows_the_frequency() -> None:
    record = objective(frequency="quarterly", measurements=measured(
        (d("2026-01-15"), 83.0), (d("2026-02-20"), 84.0), (d("2026-03-10"), 85.0),
        (d("2026-04-01"), 86.0)))
    assert rules.validate_objective(record, TODAY) == {
        "measurements[1].on_date": "Measurement 2: 2026-Q1 already has a value (measurement 1).",
        "measurements[2].on_date": "Measurement 3: 2026-Q1 already has a value (measurement 1).",
    }
    record.frequency = "monthly"
    assert rules.validate_objective(record, TODAY) == {}
    record.frequency = "fortnightly"   # no period check when the frequency itself is wrong
    assert set(rules.validate_objective(record, TODAY)) == {"frequency"}


def test_validate_measurement_on_its_own() -> None:
    start, due = d("2025-02-01"), d("2025-12-31")
    check = rules.validate_measurement
    early = MeasurementRecord(on_date=d("2025-01-05"), value=1.5)
    assert check(early, start, due, "monthly", TODAY) == {
        "on_date": "The date 2025-01-05 is before the objective starts (2025-02-01)."}
    assert check(early, None, None, "monthly", TODAY) == {}   # objective dates unknown
    assert check(MeasurementRecord(), start, due, "monthly", TODAY) == {
        "on_date": "A date is required.", "value": "The value is required."}
    long_name = MeasurementRecord(on_date=d("2025-03-01"), value=2, recorded_by="x" * 201)
    assert check(long_name, start, due, "monthly", TODAY) == {
        "recorded_by": "Recorded by is too long (201 characters; at most 200)."}


def test_is_number() -> None:
    assert rules.is_number(0) and rules.is_number(-2.5) and rules.is_number(10**6)
    for bad in (True, False, None, "1", math.nan, -math.inf, [1]):
        assert not rules.is_number(bad)


def test_needs_attention_is_the_three_worst_healths():
    assert [h for h in rules.HEALTHS if rules.needs_attention(h)] == [
        rules.MEASUREMENT_OVERDUE, rules.OFF_TRACK, rules.AT_RISK]
