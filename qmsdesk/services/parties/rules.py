"""Interested-party rules in one place: choices, the priority quadrant, review dates, validation."""

from __future__ import annotations

import re
from datetime import date

from qmsdesk.services.dates import add_months
from qmsdesk.services.parties import records
from qmsdesk.services.parties.records import PartyRecord
from qmsdesk.services.validation import (
    DESCRIPTION_LIMIT,
    NAME_LIMIT,
    NOTE_LIMIT,
    check_dates,
    check_reviewed_record,
    check_text,
    check_texts,
)

CATEGORIES = ("customer", "supplier", "employee", "owner/investor", "regulator", "partner",
              "community", "other")
FOCUS = ("short-term", "long-term")
FREQUENCIES = ("", "weekly", "monthly", "quarterly", "half-yearly", "yearly", "ad hoc")
REQUIREMENT_KINDS = ("requirement", "expectation")
OBLIGATIONS = ("", "legal", "contractual")
ENGAGEMENT_KINDS = ("meeting", "survey", "feedback", "complaint", "audit", "visit", "call")
STATUSES = ("active", "archived")

# The power/interest grid is defined with the records (a record knows its quadrant).
MANAGE_CLOSELY = records.MANAGE_CLOSELY
KEEP_SATISFIED = records.KEEP_SATISFIED
KEEP_INFORMED = records.KEEP_INFORMED
MONITOR = records.MONITOR
QUADRANTS = records.QUADRANTS
HIGH_FROM = records.HIGH_FROM
quadrant = records.quadrant

SCALE = range(1, 6)
MAX_INTERVAL_MONTHS = 60

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]{2,}$")
_PHONE = re.compile(r"^[0-9+()./\- ]{3,50}$")


def suggested_next_review(last_review: date | None, interval_months: int, today: date) -> date:
    """Next review: one interval after the last review, or after today when never reviewed."""
    return add_months(last_review or today, interval_months)


def on_scale(value: object) -> bool:
    """A whole number 1-5 (a bool is not a rating, though Python says True == 1)."""
    return isinstance(value, int) and not isinstance(value, bool) and value in SCALE


def _check_scale(errors: dict[str, str], key: str, value: object, label: str) -> None:
    if value is None:  # a new party starts unrated: the grid is the user's judgement
        errors[key] = (f"Rate the {label.lower()} from 1 to 5: with the "
                       f"{'interest' if key == 'influence' else 'influence'} it places the "
                       "party on the power/interest grid.")
    elif not on_scale(value):
        errors[key] = f"{label} must be a whole number from 1 to 5."


def validate_party(record: PartyRecord, today: date) -> dict[str, str]:
    """Every rule that can be checked without the database; field name -> message."""
    errors: dict[str, str] = {}
    check_text(errors, "name", record.name, "Name", NAME_LIMIT, required=True)
    if record.category not in CATEGORIES:
        errors["category"] = f"Category must be one of: {', '.join(CATEGORIES)}."
    _check_scale(errors, "influence", record.influence, "Influence")
    _check_scale(errors, "interest", record.interest, "Interest")
    email = record.email.strip()
    if email and (len(email) > 254 or not _EMAIL.match(email)):
        errors["email"] = f"'{email}' is not an email address (name@example.com)."
    phone = record.phone.strip()
    if phone and not _PHONE.match(phone):
        errors["phone"] = "Phone may hold digits, spaces and + ( ) - . / only."
    for key, label, limit in (("contact_person", "Contact person", 200), ("owner", "Owner", 200),
                              ("monitoring_method", "Monitoring method", 200)):
        check_text(errors, key, getattr(record, key), label, limit)
    check_texts(errors, record, (("description", "Description", DESCRIPTION_LIMIT),
                                 ("notes", "Notes", DESCRIPTION_LIMIT)))
    if record.monitoring_frequency not in FREQUENCIES:
        errors["monitoring_frequency"] = "Choose a monitoring frequency from the list."
    if record.focus not in FOCUS:
        errors["focus"] = "Focus is short-term or long-term."
    check_reviewed_record(errors, record, today, MAX_INTERVAL_MONTHS)
    for i, req in enumerate(record.requirements):
        key = f"requirements[{i}]"
        if not req.description.strip():
            errors[f"{key}.description"] = f"Requirement {i + 1}: description is required."
        check_texts(errors, req, (("description", f"Requirement {i + 1}: description",
                                   NOTE_LIMIT),
                                  ("source", f"Requirement {i + 1}: source", NAME_LIMIT),
                                  ("addressed_by", f"Requirement {i + 1}: addressed by",
                                   NOTE_LIMIT)), f"{key}.")
        if req.kind not in REQUIREMENT_KINDS:
            errors[f"{key}.kind"] = f"Requirement {i + 1}: type is requirement or expectation."
        if req.obligation not in OBLIGATIONS:
            errors[f"{key}.obligation"] = (
                f"Requirement {i + 1}: compliance obligation is legal, contractual or none.")
    for i, eng in enumerate(record.engagements):
        key = f"engagements[{i}]"
        if not isinstance(eng.on_date, date):
            errors[f"{key}.on_date"] = f"Engagement {i + 1}: a date is required."
        elif eng.on_date > today:
            # The log records exchanges that happened; a planned one is the next review
            # or an action. A future date would print as the latest exchange.
            errors[f"{key}.on_date"] = (
                f"Engagement {i + 1}: {eng.on_date.isoformat()} is in the future; the log "
                "records exchanges that took place (plan one as the next review or an "
                "action).")
        if eng.kind not in ENGAGEMENT_KINDS:
            errors[f"{key}.kind"] = f"Engagement {i + 1}: kind must be one of " \
                                    f"{', '.join(ENGAGEMENT_KINDS)}."
        if not eng.summary.strip():
            errors[f"{key}.summary"] = f"Engagement {i + 1}: summary is required."
        check_texts(errors, eng, (("summary", f"Engagement {i + 1}: summary", NOTE_LIMIT),
                                  ("follow_up", f"Engagement {i + 1}: follow-up", NOTE_LIMIT)),
                    f"{key}.")
        if eng.satisfaction is not None and not on_scale(eng.satisfaction):
            errors[f"{key}.satisfaction"] = (
                f"Engagement {i + 1}: satisfaction is 1 to 5, or left empty.")
    check_dates(errors, record)
    return errors
