"""Numbers as reports, charts and screens print them: one formatter, one locale, one rounding.

A value prints every decimal it was entered with (up to MAX_DECIMALS), so a target never reads
as a different promise (120000.75 stays "120,000.75", never "120001"); a score or an average
prints one decimal, halves rounded up (93.75 -> "93.8"), as people round by hand. Thousands are
grouped the locale's way; exponent notation never appears.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal, localcontext
from functools import lru_cache

DEFAULT_LOCALE = "en_GB"
MAX_DECIMALS = 9  # beyond this a float's last digits are noise (0.1 + 0.2 = 0.30000000000000004)
SCORE_DECIMALS = 1
NOTHING = "—"  # what a cell, a field or a line shows for no value (or no number)
ROUNDING_NOTE = ("Numbers are grouped in thousands (1,234.5). Scores, shares and averages show "
                 "one decimal, halves rounded up (93.75 shows as 93.8); targets and measured "
                 "values show every decimal they were recorded with.")

_locale = DEFAULT_LOCALE


def set_number_locale(name: str | None) -> None:
    """The organisation's locale for grouping and the decimal sign ("en_GB", "de_DE")."""
    global _locale
    _locale = name or DEFAULT_LOCALE


def number_locale() -> str:
    return _locale


def to_decimal(value: float | int | Decimal) -> Decimal:
    """The value as people typed it: a float through its shortest repr (0.1 -> 0.1)."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        return Decimal(int(value))
    if isinstance(value, int):
        return Decimal(value)
    return Decimal(repr(float(value)))


def rounded(value: float | int | Decimal, decimals: int) -> Decimal:
    """``value`` to ``decimals`` places, halves away from zero (2.25 -> 2.3, -2.25 -> -2.3)."""
    return to_decimal(value).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def format_number(value: float | int | Decimal | None, unit: str = "", *,
                  decimals: int | None = None, max_decimals: int = MAX_DECIMALS) -> str:
    """``value`` grouped in the locale's way, with ``unit`` after a space; None gives "".

    ``decimals`` fixes the places ("93.0"); otherwise the value keeps its own decimals, up
    to ``max_decimals`` (halves rounded up), and trailing zeros go ("99.80" -> "99.8").
    """
    if value is None:
        return ""
    if type(value) is int and 0 <= value < 1000 and not decimals:
        # What every locale prints for it (no group, no sign, Latin digits), without
        # babel: its first use loads the locale's data, 25-40 ms, and the first page's
        # "In 3 days" need nothing more.
        return f"{value} {unit}".strip()
    return _formatted(value, unit, decimals, max_decimals, _locale)


@lru_cache(maxsize=4096, typed=True)  # typed: 1, 1.0 and Decimal("1.0") are written apart
def _formatted(value: float | int | Decimal, unit: str, decimals: int | None,
               max_decimals: int, locale: str) -> str:
    """format_number's work, remembered: a register repeats its targets and units on every
    row, and babel's formatting is the costly part of listing 6 000 objectives."""
    if isinstance(value, float) and not math.isfinite(value):
        return NOTHING
    with localcontext() as context:
        context.prec = 400  # room for every digit of the largest float (1.8e308)
        number = rounded(value, max_decimals if decimals is None else decimals)
        places = decimals if decimals is not None else _places(number)
        if number.is_zero():
            number = abs(number)  # "-0.0" reads as a different value
        text = _grouped(number, places, locale)
    return f"{text} {unit}".strip()


def format_score(value: float | int | None, unit: str = "") -> str:
    """A score or average to one decimal, halves up: 93.75 -> "93.8", 85 -> "85.0"."""
    return format_number(value, unit, decimals=SCORE_DECIMALS)


def format_share(value: float | int | None, unit: str = "%") -> str:
    """A percentage or weight to at most one decimal, halves up: 97.25 -> "97.3 %", 100 ->
    "100 %"."""
    return format_number(value, unit, max_decimals=SCORE_DECIMALS)


def format_count(value: float | int | None, unit: str = "") -> str:
    """A whole number, grouped: 88181 -> "88,181" (a fraction rounds half up)."""
    return format_number(value, unit, decimals=0)


def _places(number: Decimal) -> int:
    exponent = number.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _grouped(number: Decimal, places: int, locale: str) -> str:
    from babel.numbers import format_decimal

    pattern = "#,##0" + ("." + "0" * places if places else "")
    return format_decimal(number, format=pattern, locale=locale, decimal_quantization=False)
