"""Field checks every register's rules share; each adds field -> message to ``errors``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import fields, is_dataclass
from datetime import date, datetime
from functools import cache
from typing import Any

from qmsdesk.services.dates import add_months, range_problem

# The longest text each kind of field keeps. A name or title is read in one line of a table;
# a note, scope or comment in one cell of a report that may run to a page; a description at
# this limit fills about three pages of a report, and more is a document of its own.
NAME_LIMIT = 200
NOTE_LIMIT = 4_000
DESCRIPTION_LIMIT = 10_000


def check_text(errors: dict[str, str], key: str, value: object, label: str, limit: int,
               required: bool = False) -> None:
    """Required and length checks for a text field (a non-text value counts as its str)."""
    text = "" if value is None else value if isinstance(value, str) else str(value)
    if required and not text.strip():
        errors[key] = f"{label} is required."
    elif len(text) > limit:
        errors[key] = f"{label} is too long ({len(text)} characters; at most {limit})."


def check_texts(errors: dict[str, str], record: Any,
                limits: Iterable[tuple[str, str, int]], prefix: str = "") -> None:
    """:func:`check_text` for each (field, label, limit) of ``record``, keyed ``prefix+field``
    (a child row: ``prefix`` "requirements[0].", label "Requirement 1: source")."""
    for key, label, limit in limits:
        check_text(errors, f"{prefix}{key}", getattr(record, key), label, limit)


def tidy_text(record: Any, trimmed: Iterable[str] = ()) -> None:
    """The text rules every register shares, applied in place before validation.

    The ``trimmed`` fields (names, e-mail, codes) lose surrounding whitespace. Any other
    text made only of whitespace is no text (""): what a form, an import and an export all
    read as an empty cell. Child records in list fields are tidied the same way.
    """
    names = set(trimmed)
    for name in field_names(type(record)):
        value = getattr(record, name)
        if isinstance(value, str):
            if name in names:
                setattr(record, name, value.strip())
            elif value and not value.strip():
                setattr(record, name, "")
        elif isinstance(value, list):
            for child in value:
                if is_dataclass(child) and not isinstance(child, type):
                    tidy_text(child)


def check_reviewed_record(errors: dict[str, str], record: Any, today: date,
                          max_interval_months: int) -> None:
    """The rules of a record that is archived rather than deleted and reviewed on a
    schedule: active or archived, an interval of 1 to ``max_interval_months`` months, a
    last review not in the future, a next review date, not before the last review."""
    if record.status not in ("active", "archived"):
        errors["status"] = "Status is active or archived."
    interval = record.review_interval_months
    if not isinstance(interval, int) or isinstance(interval, bool) \
            or not 1 <= interval <= max_interval_months:
        errors["review_interval_months"] = (
            f"Review interval must be 1 to {max_interval_months} months.")
    if record.last_review is not None and record.last_review > today:
        errors["last_review"] = "The last review cannot be in the future."
    if record.next_review is None:
        errors["next_review"] = "Next review date is required."
    elif record.last_review is not None and record.next_review < record.last_review:
        errors["next_review"] = "Next review cannot be before the last review."


# --- plausibility: values the rules accept that are probably wrong ---------------------------
# A register's warnings map field -> message like its errors, but never refuse a save: the
# editor shows them by the field once and saves on "Save anyway"; an import lists them.


def entered(record: Any, before: Any, *names: str) -> bool:
    """Whether the record is new (``before`` None) or one of the fields changed since
    ``before``: a date already stored is not warned about again at every save."""
    return before is None or any(getattr(record, n) != getattr(before, n) for n in names)


def days_ago(day: date, today: date) -> str:
    """"yesterday", "12 days ago"."""
    days = (today - day).days
    return "yesterday" if days == 1 else f"{days} days ago"


def past_date_warning(warnings: dict[str, str], key: str, day: object, today: date,
                      label: str, consequence: str) -> None:
    """``label`` (a date still to come: a next review, a due date) lies in the past."""
    if isinstance(day, date) and day < today:
        warnings[key] = (f"{label} {day.isoformat()} is {days_ago(day, today)}; "
                         f"{consequence}.")


def check_review_plan(warnings: dict[str, str], record: Any, before: Any, today: date,
                      noun: str) -> None:
    """The next review of an active record reviewed on a schedule (the counterpart of
    :func:`check_reviewed_record`), when entered: in the past it is overdue at once; more
    than one review interval ahead, the schedule is skipped."""
    nxt, interval = record.next_review, record.review_interval_months
    if record.status != "active" or not isinstance(nxt, date) \
            or not entered(record, before, "next_review", "status"):
        return
    past_date_warning(warnings, "next_review", nxt, today, "The next review",
                      f"{noun} would show as overdue at once")
    if "next_review" not in warnings and isinstance(interval, int) and interval > 0 \
            and nxt > add_months(today, interval):
        warnings["next_review"] = (
            f"The next review {nxt.isoformat()} is more than one review interval "
            f"({interval} months) away; {noun} would go unreviewed for longer than its "
            "interval.")


def check_dates(errors: dict[str, str], record: Any) -> None:
    """Every date of ``record`` and of its child rows (list fields) lies between
    dates.EARLIEST and dates.LATEST; a date outside replaces any other message for its
    field. Child keys and messages are the rules' own: ``engagements[0].on_date``,
    "Engagement 1: the date ...". Timestamps (datetime) are the database's, not checked."""
    errors.update(_date_problems(record))
    for field in field_names(type(record)):
        value = getattr(record, field)
        if not isinstance(value, list):
            continue
        noun = field.removesuffix("s").capitalize()
        for i, child in enumerate(value):
            if is_dataclass(child) and not isinstance(child, type):
                for name, message in _date_problems(child).items():
                    errors[f"{field}[{i}].{name}"] = (
                        f"{noun} {i + 1}: {message[:1].lower()}{message[1:]}")


def _date_problems(record: Any) -> dict[str, str]:
    found = {}
    for name in field_names(type(record)):
        value = getattr(record, name)
        if isinstance(value, date) and not isinstance(value, datetime) \
                and (problem := range_problem(value)):
            found[name] = problem
    return found


def field_names(record_type: type[Any]) -> tuple[str, ...]:
    """The fields of a record (dataclass) type, in their order; asked once per type: the
    rules run for every row of an import."""
    # A class is hashable; mypy says type[...] is not (python/mypy#11470).
    return _field_names(record_type)  # type: ignore[arg-type]


@cache
def _field_names(record_type: type[Any]) -> tuple[str, ...]:
    return tuple(item.name for item in fields(record_type))
