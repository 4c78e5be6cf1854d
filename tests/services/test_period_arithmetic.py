"""The due list and the health rule find their periods by date arithmetic (one or two steps
from a known day) instead of listing every period of the objective. These tests hold the
short ways to the rule as it is written: walk every period of start..due, as the code did
before, and take the first (or last) that qualifies."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from qmsdesk.services.objectives import rules
from qmsdesk.services.objectives.due import next_measurement_due

dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2060, 12, 31))
frequencies = st.sampled_from(rules.FREQUENCIES)
GRACE = timedelta(days=rules.GRACE_DAYS)


def walked_next_due(start: date, due: date, frequency: str, latest: date | None
                    ) -> date | None:
    """The end (+ grace) of the first period of start..due that begins after ``latest``."""
    for period in rules.periods_between(start, due, frequency):
        first, last = rules.period_bounds(period)
        if latest is None or first > latest:
            return last + GRACE
    return None


def walked_overdue(start: date, due: date, frequency: str, points: list[date],
                   today: date) -> bool:
    """No point since the first day of the latest complete period of start..min(due, today)."""
    for period in reversed(rules.periods_between(start, min(due, today), frequency)):
        first, last = rules.period_bounds(period)
        if last + GRACE < today:
            return not any(first <= point <= today for point in points)
    return False


@given(dates, frequencies)
def test_a_period_span_is_the_bounds_of_the_period_written_down(on: date,
                                                                frequency: str) -> None:
    assert rules.period_span(on, frequency) == rules.period_bounds(
        rules.period_of(on, frequency))


@settings(max_examples=400)
@given(dates, st.integers(min_value=-40, max_value=3000), frequencies,
       st.one_of(st.none(), dates))
def test_the_next_measurement_due_is_the_first_period_after_the_latest(
        start: date, days: int, frequency: str, latest: date | None) -> None:
    due = start + timedelta(days=days)
    assert next_measurement_due(start, due, frequency, latest) == walked_next_due(
        start, due, frequency, latest)


@settings(max_examples=400)
@given(dates, st.integers(min_value=-40, max_value=3000), frequencies,
       st.lists(dates, max_size=4), dates)
def test_an_overdue_measurement_is_judged_on_the_latest_complete_period(
        start: date, days: int, frequency: str, points: list[date], today: date) -> None:
    due = start + timedelta(days=days)
    found = rules.measurement_overdue(start, due, frequency,
                                      [rules.Point(p, 1.0) for p in points], today)
    assert found == walked_overdue(start, due, frequency, points, today)


def test_the_ends_of_the_calendar() -> None:
    last_quarter = date(9999, 10, 1)
    assert next_measurement_due(date(9999, 1, 1), date(9999, 12, 31), "quarterly",
                                date(9999, 11, 5)) is None
    assert rules.period_span(last_quarter, "quarterly") == (last_quarter, date(9999, 12, 31))
    assert not rules.measurement_overdue(date(1, 1, 1), date(1, 1, 20), "monthly", [],
                                         date(1, 1, 30))
