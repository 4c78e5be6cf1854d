"""The period a management review covers: which periods can be reviewed, and the one before."""

from __future__ import annotations

from datetime import date, datetime, timedelta


def _is_date(value: object) -> bool:
    return isinstance(value, date) and not isinstance(value, datetime)


def validate_period(period_from: date | None, period_to: date | None,
                    today: date) -> dict[str, str]:
    """Field -> message for a period that cannot be reviewed (incomplete, reversed, future)."""
    errors: dict[str, str] = {}
    if not _is_date(period_from):
        errors["period_from"] = "Period start is required."
    if not _is_date(period_to):
        errors["period_to"] = "Period end is required."
    if errors:
        return errors
    assert period_from is not None and period_to is not None
    if period_from > period_to:
        errors["period_to"] = "The period must end on or after its start."
    elif period_to > today:
        errors["period_to"] = f"The period cannot end after today ({today.isoformat()})."
    return errors


def previous_period(period_from: date, period_to: date) -> tuple[date, date]:
    """The period of the same number of days that ends the day before ``period_from``."""
    days = (period_to - period_from).days + 1
    return period_from - timedelta(days=days), period_from - timedelta(days=1)
