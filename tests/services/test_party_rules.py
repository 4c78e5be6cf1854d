"""Party rules without a database: the priority quadrant and review-date arithmetic."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qmsdesk.services.dates import add_months, is_overdue
from qmsdesk.services.parties import rules
from qmsdesk.services.parties.records import PartyRecord
from qmsdesk.services.parties.service import new_party

MC, KS, KI, MO = "Manage closely", "Keep satisfied", "Keep informed", "Monitor"
# The documented power/interest grid: on both 1-5 scales, 3 and above is high.
GRID = {            # interest: 1   2   3   4   5
    5:                         (KS, KS, MC, MC, MC),
    4:                         (KS, KS, MC, MC, MC),
    3:                         (KS, KS, MC, MC, MC),
    2:                         (MO, MO, KI, KI, KI),
    1:                         (MO, MO, KI, KI, KI),
}
CELLS = [(influence, interest, GRID[influence][interest - 1])
         for influence in range(1, 6) for interest in range(1, 6)]
# How much attention each quadrant gives: (to influence, to interest)
ATTENTION = {MO: (0, 0), KI: (0, 1), KS: (1, 0), MC: (1, 1)}
MIRROR = {MO: MO, KI: KS, KS: KI, MC: MC}
scale = st.integers(min_value=1, max_value=5)


def test_grid_covers_all_25_cells() -> None:
    assert len(CELLS) == 25
    assert {q for _, _, q in CELLS} == set(rules.QUADRANTS)


@pytest.mark.parametrize(("influence", "interest", "expected"), CELLS)
def test_quadrant_follows_the_documented_grid(influence: int, interest: int,
                                              expected: str) -> None:
    assert rules.quadrant(influence, interest) == expected
    record = PartyRecord(influence=influence, interest=interest)
    assert record.quadrant == expected


@given(scale, scale, scale, scale)
def test_more_influence_or_interest_never_means_less_attention(a: int, b: int, c: int,
                                                               d: int) -> None:
    low = ATTENTION[rules.quadrant(min(a, c), min(b, d))]
    high = ATTENTION[rules.quadrant(max(a, c), max(b, d))]
    assert low[0] <= high[0] and low[1] <= high[1]


@given(scale, scale)
def test_swapping_influence_and_interest_mirrors_the_quadrant(influence: int,
                                                              interest: int) -> None:
    assert rules.quadrant(interest, influence) == MIRROR[rules.quadrant(influence, interest)]


@given(scale, scale)
def test_quadrant_depends_only_on_which_side_of_3_each_score_is(influence: int,
                                                                interest: int) -> None:
    expected = ATTENTION[rules.quadrant(influence, interest)]
    assert expected == (int(influence >= 3), int(interest >= 3))


@pytest.mark.parametrize(("start", "months", "expected"), [
    (date(2026, 1, 31), 1, date(2026, 2, 28)),
    (date(2028, 1, 31), 1, date(2028, 2, 29)),   # leap year
    (date(2100, 1, 31), 1, date(2100, 2, 28)),   # century, not a leap year
    (date(2000, 1, 31), 1, date(2000, 2, 29)),   # every 400 years it is
    (date(2024, 2, 29), 12, date(2025, 2, 28)),
    (date(2024, 2, 29), 48, date(2028, 2, 29)),
    (date(2026, 8, 31), 1, date(2026, 9, 30)),
    (date(2026, 11, 30), 3, date(2027, 2, 28)),
    (date(2026, 12, 31), 1, date(2027, 1, 31)),   # across the year end
    (date(2026, 12, 15), 13, date(2028, 1, 15)),
    (date(2026, 3, 31), -1, date(2026, 2, 28)),
    (date(2026, 1, 15), -1, date(2025, 12, 15)),
    (date(2026, 5, 17), 0, date(2026, 5, 17)),
])
def test_add_months_clamps_to_the_end_of_the_month(start: date, months: int,
                                                   expected: date) -> None:
    assert add_months(start, months) == expected


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)),
       st.integers(min_value=-240, max_value=240))
def test_add_months_moves_by_whole_months(start: date, months: int) -> None:
    result = add_months(start, months)
    assert (result.year * 12 + result.month) - (start.year * 12 + start.month) == months
    last_day = calendar.monthrange(result.year, result.month)[1]
    assert result.day == min(start.day, last_day)
    if start.day <= 28:
        assert add_months(result, -months) == start


@pytest.mark.parametrize(("last_review", "interval", "expected"), [
    (None, 12, date(2027, 11, 21)),               # never reviewed: counted from today
    (None, 3, date(2027, 2, 21)),
    (date(2026, 1, 31), 1, date(2026, 2, 28)),
    (date(2024, 2, 29), 12, date(2025, 2, 28)),
    (date(2025, 8, 31), 6, date(2026, 2, 28)),
])
def test_suggested_next_review(last_review: date | None, interval: int, expected: date,
                               today: date) -> None:
    assert rules.suggested_next_review(last_review, interval, today) == expected


def test_a_new_party_starts_with_a_review_due_in_a_year(today: date) -> None:
    record = new_party(today)
    assert record.next_review == date(2027, 11, 21)
    assert record.id is None and record.ref == "" and record.status == "active"
    # Unrated: the user places it on the grid (a 3/3 default made every party MC).
    assert record.influence is None and record.interest is None and record.quadrant == ""


def test_overdue_means_strictly_before_today(today: date) -> None:
    assert is_overdue(today - timedelta(days=1), today)
    assert not is_overdue(today, today)
    assert not is_overdue(today + timedelta(days=1), today)
    assert not is_overdue(None, today)
