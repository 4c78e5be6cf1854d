"""One raw spreadsheet cell to a typed value: the forms each kind accepts, the messages for
what it refuses, and round trips with the CSV export's own formatting."""

from __future__ import annotations

import math
from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from qmsdesk.services.dates import EARLIEST, LATEST
from qmsdesk.services.exchange.cell_values import CellError, parse_cell
from qmsdesk.services.exchange.spreadsheet_io import unescape_text
from qmsdesk.services.exchange.tables import format_cell, spreadsheet_safe

KINDS = ("text", "code", "int", "float", "date", "bool", "timestamp", "exact timestamp")


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("value", [None, ""])
def test_empty_is_none_for_every_kind(kind, value):
    assert parse_cell(value, kind) is None


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("value", ["   ", "\t", " \n "])
def test_whitespace_alone_is_none_for_every_kind(kind, value):
    # Free text too: the forms (validation.tidy_text) and the exporter read it as no text.
    assert parse_cell(value, kind) is None


def test_free_text_keeps_its_spaces_around_words():
    assert parse_cell(" a ", "text") == " a "


@pytest.mark.parametrize(("value", "expected"), [
    ("Müller GmbH", "Müller GmbH"), ("  keeps spaces ", "  keeps spaces "), (12.0, "12"),
    (12.5, "12.5"), (7, "7"), (True, "TRUE"), (date(2026, 3, 1), "2026-03-01"),
    (datetime(2026, 3, 1), "2026-03-01"), (datetime(2026, 3, 1, 8, 30), "2026-03-01 08:30:00"),
    (time(8, 30), "08:30:00"),
])
def test_text_keeps_what_was_typed(value, expected):
    assert parse_cell(value, "text") == expected
    assert parse_cell(value, "timestamp") == expected


def test_code_is_stripped_but_keeps_its_case():
    assert parse_cell("  IP-0001 ", "code") == "IP-0001"
    assert parse_cell("Customer", "code") == "Customer"
    assert parse_cell(3.0, "code") == "3"


@pytest.mark.parametrize(("value", "expected"), [
    (12, 12), (12.0, 12), ("12", 12), (" 12 ", 12), ("-3", -3), ("+4", 4), ("1 234", 1234),
    ("1\u00a0234", 1234), ("−5", -5),
])
def test_int_accepts(value, expected):
    result = parse_cell(value, "int")
    assert result == expected and type(result) is int


@pytest.mark.parametrize("value", ["12.5", "abc", True, False, 12.5, "1 2", "12,0", "1e3",
                                   math.inf, math.nan, "9" * 500, date(2026, 1, 1)])
def test_int_refuses_with_an_example(value):
    with pytest.raises(CellError, match=r"is not a whole number \(e\.g\. 12\)"):
        parse_cell(value, "int")


@pytest.mark.parametrize(("value", "expected"), [
    (3, 3.0), (3.5, 3.5), ("3.5", 3.5), ("3,5", 3.5), ("1 234,5", 1234.5),
    ("1.234,5", 1234.5), ("1,234.5", 1234.5), ("1.234.567", 1234567.0),
    ("1,234,567", 1234567.0), ("1,234,567.25", 1234567.25), ("99,8 %", 99.8), ("12%", 12.0),
    ("-0.5", -0.5), ("1e-05", 1e-05), ("1.5e+20", 1.5e20), (".5", 0.5), ("1'234.5", 1234.5),
    ("1\u202f234,5", 1234.5), ("−2,5", -2.5),
])
def test_float_accepts(value, expected):
    result = parse_cell(value, "float")
    assert result == pytest.approx(expected) and type(result) is float


@pytest.mark.parametrize("value", ["abc", "1.2.3", "1,2,3", "1.234,5.6", "1,23.4,5", "nan",
                                   "inf", "1e999", True, math.nan, -math.inf, "12 kg", "%",
                                   date(2026, 1, 1)])
def test_float_refuses_with_an_example(value):
    with pytest.raises(CellError, match=r"is not a number \(e\.g\. 3\.5\)"):
        parse_cell(value, "float")


@pytest.mark.parametrize(("value", "expected"), [
    (date(2026, 3, 1), date(2026, 3, 1)), (datetime(2026, 3, 1), date(2026, 3, 1)),
    (datetime(2026, 3, 1, 17, 45), date(2026, 3, 1)), ("2026-03-01", date(2026, 3, 1)),
    ("2026-3-1", date(2026, 3, 1)), ("01.03.2026", date(2026, 3, 1)),
    ("1.3.2026", date(2026, 3, 1)), ("01/03/2026", date(2026, 3, 1)),
    ("01-03-2026", date(2026, 3, 1)), ("2026/03/01", date(2026, 3, 1)),
    (" 2026-03-01 ", date(2026, 3, 1)), ("2026-03-01T10:00:00Z", date(2026, 3, 1)),
    ("2026-03-01 10:00", date(2026, 3, 1)), ("31/12/2026", date(2026, 12, 31)),
])
def test_date_accepts_iso_and_day_first(value, expected):
    assert parse_cell(value, "date") == expected


@pytest.mark.parametrize("value", ["31.02.2026", "2026-13-01", "3/14/2026", "01.03.26",
                                   "March 1, 2026", "01.03/2026", "yesterday", 46082,
                                   46082.0, True, time(8, 0)])
def test_date_refuses_with_the_format_to_use(value):
    with pytest.raises(CellError, match=r"is not a date \(use YYYY-MM-DD, e\.g\. 2026-03-01\)"):
        parse_cell(value, "date")


def test_date_message_quotes_the_value():
    with pytest.raises(CellError) as error:
        parse_cell("31.02.2026", "date")
    assert str(error.value) == ("'31.02.2026' is not a date (use YYYY-MM-DD, e.g. 2026-03-01)")


@pytest.mark.parametrize(("value", "shown"), [
    (datetime(1899, 12, 25), "1899-12-25"),  # -5 in a cell formatted as a date
    (datetime(1899, 12, 30), "1899-12-30"),  # 0 formatted as a date
    (date(1, 1, 1), "0001-01-01"), ("31.12.1899", "1899-12-31"), ("2101-01-01", "2101-01-01"),
    ("9999-12-31", "9999-12-31"), (date(2200, 6, 1), "2200-06-01")])
def test_a_date_outside_1900_to_2100_is_refused(value, shown):
    with pytest.raises(CellError) as error:
        parse_cell(value, "date")
    assert str(error.value) == (f"'{shown}' is outside the dates QMS Desk keeps "
                                "(1900-01-01 to 2100-12-31)")


def test_the_first_and_last_day_kept_are_dates():
    assert parse_cell("1900-01-01", "date") == EARLIEST == date(1900, 1, 1)
    assert parse_cell(datetime(2100, 12, 31, 23, 59), "date") == LATEST == date(2100, 12, 31)


@pytest.mark.parametrize("value", [True, "yes", "YES", "y", "true", "True", "1", "x", "X", 1,
                                   1.0, " Yes ", "WAHR", "ja", "vrai", "oui"])
def test_bool_true(value):
    assert parse_cell(value, "bool") is True


@pytest.mark.parametrize("value", [False, "no", "N", "false", "FALSE", "0", 0, 0.0, "FALSCH",
                                   "nein", "faux", "non"])
def test_bool_false(value):
    assert parse_cell(value, "bool") is False


@pytest.mark.parametrize("value", ["maybe", 2, 0.5, "yes please", date(2026, 1, 1)])
def test_bool_refuses(value):
    with pytest.raises(CellError, match="is not yes or no"):
        parse_cell(value, "bool")


def test_a_huge_cell_is_refused_with_a_short_message():
    with pytest.raises(CellError) as error:
        parse_cell("x" * 10_000_000, "int")
    assert len(str(error.value)) < 100


def test_an_unknown_kind_is_a_programming_error_not_a_cell_error():
    with pytest.raises(ValueError, match="unknown column kind") as error:
        parse_cell("1", "money")
    assert not isinstance(error.value, CellError)


# --- properties ------------------------------------------------------------------------

raw_values = st.one_of(
    st.none(), st.text(), st.integers(), st.floats(), st.booleans(), st.dates(),
    st.datetimes(), st.times(), st.timedeltas(),
    st.text(alphabet="0123456789.,-+ %e'", max_size=12),  # number-like text
    st.from_regex(r"\d{1,4}[./-]\d{1,2}[./-]\d{1,4}", fullmatch=True),  # date-like text
)


@given(raw_values, st.sampled_from(KINDS))
def test_parse_cell_raises_nothing_but_cell_error(value, kind):
    try:
        result = parse_cell(value, kind)
    except CellError as error:
        assert str(error)
        return
    expected_type = {"int": int, "float": float, "date": date, "bool": bool}.get(kind, str)
    assert result is None or type(result) is expected_type


@given(st.integers())
def test_ints_round_trip_through_the_csv_format(number):
    assert parse_cell(format_cell(number, "int"), "int") == number


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_floats_round_trip_through_the_csv_format(number):
    assert parse_cell(format_cell(number, "float"), "float") == number


@given(st.dates(EARLIEST, LATEST))
def test_dates_round_trip_through_the_csv_format(day):
    assert parse_cell(format_cell(day, "date"), "date") == day


@given(st.booleans())
def test_bools_round_trip_through_the_csv_format(flag):
    assert parse_cell(format_cell(flag, "bool"), "bool") is flag


@given(st.text())
def test_spreadsheet_safe_and_unescape_text_round_trip(text):
    assert unescape_text(spreadsheet_safe(text)) == text


@given(st.text())
@example(" ")
def test_text_round_trips_through_the_csv_format(text):
    formatted = format_cell(text, "text")
    # Whitespace alone is no text (validation.tidy_text), so no such text is ever stored.
    assert parse_cell(unescape_text(formatted), "text") == (text if text.strip() else None)


def test_unescape_text_drops_only_our_apostrophe():
    assert unescape_text("'=1+1") == "=1+1"
    assert unescape_text("''quoted") == "'quoted"
    assert unescape_text("'-3.5") == "-3.5"
    assert unescape_text("'\t=1") == "\t=1"
    assert unescape_text("'quoted") == "'quoted"  # typed by a person, not escaped by us
    assert unescape_text("'") == "'"
    assert unescape_text("O'Brien") == "O'Brien"


def test_timedelta_is_text_for_a_text_column_and_refused_elsewhere():
    assert parse_cell(timedelta(hours=26), "text") == "1 day, 2:00:00"
    with pytest.raises(CellError):
        parse_cell(timedelta(hours=1), "float")
