"""One number formatter: exact, grouped one way, halves rounded up, never an exponent."""

from __future__ import annotations

import pytest

from qmsdesk.services import numbers
from qmsdesk.services.labels import one_decimal
from qmsdesk.services.objectives.rules import format_number, target_text
from qmsdesk.services.suppliers import rules as supplier_rules


@pytest.mark.parametrize(("value", "text"), [
    (120000.75, "120,000.75"), (999999.5, "999,999.5"), (0.00001, "0.00001"),
    (1200.0, "1,200"), (99.80, "99.8"), (-0.0, "0"), (0.1 + 0.2, "0.3"),
    (1e20, "100,000,000,000,000,000,000"), (1e-9, "0.000000001"), (12, "12"),
])
def test_a_value_keeps_every_decimal_it_has_and_no_exponent(value: float, text: str) -> None:
    assert numbers.format_number(value) == text


def test_a_target_reads_as_the_promise_it_is() -> None:
    assert target_text("decrease", 120000.75, None, "£") == "≤ 120,000.75 £"
    assert target_text("band", 0.00001, 999999.5, "g") == "0.00001–999,999.5 g"
    assert format_number(None) == ""


@pytest.mark.parametrize(("value", "text"), [
    (93.75, "93.8"), (2.25, "2.3"), (84.95, "85.0"), (84.94, "84.9"), (100, "100.0"),
    (-2.25, "-2.3"),
])
def test_scores_round_half_up_to_one_decimal(value: float, text: str) -> None:
    assert numbers.format_score(value) == text
    assert supplier_rules.format_total(value) == text
    assert one_decimal(value) == text


def test_the_band_is_decided_on_the_total_as_printed() -> None:
    assert supplier_rules.band_for(84.95) == "A"  # printed 85.0
    assert supplier_rules.band_for(84.94) == "B"  # printed 84.9
    assert supplier_rules.trend(84.96, 85.04) == "→"  # both print 85.0


def test_counts_and_shares_group_the_same_way() -> None:
    assert numbers.format_count(88181) == "88,181"
    assert numbers.format_count(1999.5, "ppm") == "2,000 ppm"
    assert numbers.format_share(97.25) == "97.3 %"
    assert numbers.format_share(100.0) == "100 %"


def test_not_a_number_prints_a_dash() -> None:
    assert numbers.format_number(float("nan")) == numbers.NOTHING
    assert numbers.format_number(float("inf"), "£") == numbers.NOTHING


def test_the_locale_decides_grouping_and_the_decimal_sign() -> None:
    try:
        numbers.set_number_locale("de_DE")
        assert numbers.format_number(120000.75) == "120.000,75"
    finally:
        numbers.set_number_locale(None)
    assert numbers.number_locale() == numbers.DEFAULT_LOCALE


@pytest.mark.parametrize("locale", ["en_GB", "de_DE", "fr_FR", "ar_EG", "hi_IN", "fa_IR"])
def test_a_small_count_reads_as_the_locale_prints_it(locale: str) -> None:
    """Counts below a thousand skip the locale's formatter; they must read as it would
    have printed them, and a number outside stays the formatter's."""
    try:
        numbers.set_number_locale(locale)
        for value in (0, 7, 42, 999):
            expected = numbers._grouped(numbers.to_decimal(value), 0, locale)
            assert numbers.format_count(value) == expected
            assert numbers.format_number(value, "days") == f"{expected} days"
        assert numbers.format_number(12, decimals=1) == numbers._grouped(
            numbers.to_decimal(12).quantize(numbers.Decimal("0.1")), 1, locale)
        assert numbers.format_count(-3) == numbers._grouped(numbers.Decimal(-3), 0, locale)
    finally:
        numbers.set_number_locale(None)
