"""Turn one raw spreadsheet cell into the typed value a register column holds.

A cell comes from an Excel workbook (already a number, a date or a bool) or from a CSV file
(always text, typed the way the person's Excel writes it: "3,5", "01.03.2026", "WAHR").
parse_cell() accepts both and raises CellError, with a message the importer can show next
to the row and column, for anything it cannot read. Pure functions, no I/O.

Choices a user could trip over, made once here:
- Dates written with dots, slashes or dashes and the year last are read DAY first
  ("01/03/2026" is 1 March 2026), as European and UK users write them; a US
  month-first "3/14/2026" is refused (there is no month 14), "3/1/2026" is read as 3 January.
- A number with one comma and no dot is a decimal comma ("3,5" -> 3.5, and so "1,234" is
  1.234); a dot and a comma together mean thousands and decimal, whichever comes last is
  the decimal ("1.234,5" and "1,234.5" are both 1234.5).
- A trailing percent sign is dropped, not divided by 100 ("99,8 %" -> 99.8).
- A date before 1900-01-01 or after 2100-12-31 is refused (dates.EARLIEST, LATEST): it is a
  slip, or a number in a cell formatted as a date (-5 shows as 1899-12-25).
- An empty cell is None for every kind, a bool column too: the importer decides whether
  blank means "no" or "leave unchanged".
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, time

from qmsdesk.services.dates import EARLIEST, LATEST, in_range

__all__ = ["CellError", "parse_cell"]

DATE_HINT = "use YYYY-MM-DD, e.g. 2026-03-01"

# Yes/no words as English and the common European Excels write booleans into a CSV.
TRUE_WORDS = frozenset({"yes", "y", "true", "1", "x", "wahr", "ja", "vrai", "oui",
                        "verdadero", "si", "sí", "vero", "waar"})
FALSE_WORDS = frozenset({"no", "n", "false", "0", "falsch", "nein", "faux", "non", "falso",
                         "onwaar", "nee"})

_ISO_DATE = re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})"
                       r"(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?")
_DAY_FIRST_DATE = re.compile(r"(\d{1,2})([./-])(\d{1,2})\2(\d{4})")
_WHOLE = re.compile(r"[+-]?[0-9]+")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
# Thousands grouping: "1.234.567,5" (dot groups, comma decimal) and "1,234,567.5" (reverse).
_GROUPED = {
    ".": re.compile(r"([+-]?[0-9]{1,3}(?:\.[0-9]{3})+)(?:,([0-9]+))?"),
    ",": re.compile(r"([+-]?[0-9]{1,3}(?:,[0-9]{3})+)(?:\.([0-9]+))?"),
}
# Spaces (plain, no-break, narrow no-break) and apostrophes between groups of three digits:
# "1 234 567", "1'234.5" (Swiss); "1 2" stays two numbers and is refused.
_DIGIT_GROUP_GAP = re.compile(r"(?<=[0-9])[ '’\u00a0\u202f](?=[0-9]{3}(?![0-9]))")
_MINUS_SIGNS = str.maketrans({"−": "-", "–": "-"})
_LONGEST_NUMBER = 400  # characters; far beyond any real value, and int() refuses > 4300 digits


class CellError(ValueError):
    """A cell's content does not fit its column; the message is written for the user."""


def _shown(value: object) -> str:
    """The value as quoted in a message, cut short: a 10 MB cell is not repeated in full."""
    text = value.isoformat() if isinstance(value, date | time) else str(value)
    text = text.strip()
    return text if len(text) <= 40 else text[:37] + "..."


def _number_text(value: float) -> str:
    """A number from Excel as a person reads it: 12.0 -> "12", 12.5 -> "12.5"."""
    if math.isfinite(value) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def _as_text(value: object) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"  # as Excel shows a boolean cell
    if isinstance(value, float):
        return _number_text(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


def _parse_text(value: object) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None  # whitespace alone is no text, as in the forms (validation.tidy_text)
    return _as_text(value)


def _parse_code(value: object) -> str | None:
    if value is None:
        return None
    return _as_text(value).strip() or None


def _parse_int(value: object) -> int:
    if isinstance(value, bool):
        raise CellError(f"'{_shown(_as_text(value))}' is not a whole number (e.g. 12)")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer():
            return int(value)
        raise CellError(f"'{_shown(_number_text(value))}' is not a whole number (e.g. 12)")
    text = _DIGIT_GROUP_GAP.sub("", str(value).strip()).translate(_MINUS_SIGNS)
    if len(text) <= _LONGEST_NUMBER and _WHOLE.fullmatch(text):
        return int(text)
    raise CellError(f"'{_shown(value)}' is not a whole number (e.g. 12)")


def _normalise_number(text: str) -> str | None:
    """Decimal text in Python's form ("1234.5"), or None when it is not a number."""
    text = _DIGIT_GROUP_GAP.sub("", text.strip()).translate(_MINUS_SIGNS)
    if text.endswith("%"):
        text = text[:-1].rstrip()
    if len(text) > _LONGEST_NUMBER:
        return None
    has_dot, has_comma = "." in text, "," in text
    if has_dot and has_comma:
        thousands = "." if text.rfind(",") > text.rfind(".") else ","
        match = _GROUPED[thousands].fullmatch(text)
        if not match:
            return None
        whole, fraction = match.groups()
        text = whole.replace(thousands, "") + ("." + fraction if fraction else "")
    elif has_comma:
        if text.count(",") == 1:
            text = text.replace(",", ".")  # decimal comma: "3,5"
        elif _GROUPED[","].fullmatch(text):
            text = text.replace(",", "")  # "1,234,567": a decimal comma cannot repeat
        else:
            return None
    elif text.count(".") > 1:
        if not _GROUPED["."].fullmatch(text):
            return None
        text = text.replace(".", "")  # "1.234.567"
    return text if _PLAIN_NUMBER.fullmatch(text) else None


def _parse_float(value: object) -> float:
    if isinstance(value, bool):
        raise CellError(f"'{_shown(_as_text(value))}' is not a number (e.g. 3.5)")
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str) and (text := _normalise_number(value)) is not None:
        number = float(text)
    else:
        raise CellError(f"'{_shown(value)}' is not a number (e.g. 3.5)")
    if not math.isfinite(number):
        raise CellError(f"'{_shown(value)}' is not a number (e.g. 3.5)")
    return number


def _parse_date(value: object) -> date:
    day = _read_date(value)
    if not in_range(day):
        raise CellError(f"'{_shown(day)}' is outside the dates QMS Desk keeps "
                        f"({EARLIEST.isoformat()} to {LATEST.isoformat()})")
    return day


def _read_date(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()  # a time of day on a date column is dropped, not refused
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            if match := _ISO_DATE.fullmatch(text):
                year, month, day = match.groups()
                return date(int(year), int(month), int(day))
            if match := _DAY_FIRST_DATE.fullmatch(text):
                day, _, month, year = match.groups()
                return date(int(year), int(month), int(day))
        except ValueError:
            pass  # 31.02.2026: the shape of a date, but no such day
    raise CellError(f"'{_shown(_as_text(value))}' is not a date ({DATE_HINT})")


def _parse_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    word = _as_text(value).strip().casefold()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CellError(f"'{_shown(_as_text(value))}' is not yes or no (use yes or no)")


_PARSERS = {
    "int": _parse_int,
    "float": _parse_float,
    "date": _parse_date,
    "bool": _parse_bool,
}
_TEXT_KINDS = frozenset({"text", "timestamp", "exact timestamp"})


def parse_cell(value: object, kind: str) -> object:
    """``value`` (str, int, float, bool, date, datetime or None) as a value of ``kind``.

    Kinds are columns.Kind: "text" keeps the text as typed (a number that Excel
    stored for it is written the way Excel shows it, 12.0 -> "12"); "timestamp" is read as
    text; "code" is text with surrounding spaces removed; "int", "float", "date" and "bool"
    accept the forms described at the top of this module. None, "" and text made only of
    whitespace give None, for every kind. Raises CellError for anything else; a ValueError
    for an unknown kind (a programming error, not the user's).
    """
    if kind in _TEXT_KINDS:
        return _parse_text(value)
    if kind == "code":
        return _parse_code(value)
    parser = _PARSERS.get(kind)
    if parser is None:
        raise ValueError(f"unknown column kind {kind!r}")
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return parser(value)
