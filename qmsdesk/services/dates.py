"""Date arithmetic the registers share (review intervals, overdue checks), and the dates
QMS Desk keeps at all: the one range the forms, the rules and the import all use."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, time, timedelta

# No record of a quality system is dated before 1900 or after 2100: such a date is a typing
# slip or a spreadsheet's number read as a date (-5 formatted as a date is 1899-12-25).
EARLIEST = date(1900, 1, 1)
LATEST = date(2100, 12, 31)


def in_range(day: date) -> bool:
    """Whether ``day`` lies between EARLIEST and LATEST (both included)."""
    return EARLIEST <= day <= LATEST


def range_problem(day: date) -> str:
    """Why ``day`` cannot be kept, as a sentence; "" when it can."""
    if in_range(day):
        return ""
    return (f"The date {day.isoformat()} is outside the dates QMS Desk keeps "
            f"({EARLIEST.isoformat()} to {LATEST.isoformat()}).")


def shifted(day: date, days: int) -> date:
    """``day`` moved by ``days``, held within date.min..date.max: a record dated 9999-12-31
    (stored before the range was enforced) never crashes a report with "year 10000"."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return date.max if days > 0 else date.min


def chart_span(first: date, last: date) -> tuple[date, date]:
    """A chart's date axis held to the dates kept, with a year of air either side: a date
    beyond them is drawn off the edge rather than stretching the axis over millennia."""
    low, high = shifted(EARLIEST, -366), shifted(LATEST, 366)
    first, last = min(max(first, low), high), min(max(last, low), high)
    return first, max(last, shifted(first, 1))


def add_months(start: date, months: int) -> date:
    """The same day ``months`` later, clamped to the month's last day (31 Jan + 1 = 28/29 Feb)."""
    month_index = start.month - 1 + months
    year = start.year + month_index // 12
    month = month_index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


def is_overdue(due: date | None, today: date) -> bool:
    return due is not None and due < today


def utc_window(first: date, last: date) -> tuple[datetime, datetime]:
    """Whole days in UTC, as timestamps are stored: from the first day's midnight to the
    midnight after the last day (compare with ``start <= at < end``)."""
    return (datetime.combine(first, time.min, tzinfo=UTC),
            datetime.combine(last + timedelta(days=1), time.min, tzinfo=UTC))


def period_slug(first: date, last: date) -> str:
    """A period in a file name: "2026-01-01-to-2026-10-31"."""
    return f"{first.isoformat()}-to-{last.isoformat()}"
