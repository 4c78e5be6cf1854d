"""Action-log rules in one place (ISO 9001 10.2): choices, sources, overdue, validation."""

from __future__ import annotations

from datetime import date
from typing import Any

from qmsdesk import registers as catalogue
from qmsdesk.services.actions import records
from qmsdesk.services.actions.records import ActionRecord
from qmsdesk.services.validation import (
    DESCRIPTION_LIMIT,
    NOTE_LIMIT,
    check_dates,
    check_text,
    check_texts,
)

KINDS = ("correction", "corrective", "preventive", "improvement")
STATUSES = ("open", "in progress", "done", "cancelled")
OPEN_STATUSES = ("open", "in progress")
# Defined with the records, which say whether they are overdue; exported here with the rest.
CLOSED_STATUSES = records.CLOSED_STATUSES
EFFECTIVENESS = ("", "effective", "partly", "not effective")

# Where an action comes from -> the field on the action that links to it, as the register
# catalogue declares them: a new source is an ActionSource in its register's entry (and
# the link column's migration); SOURCES, the derived source of a record and the
# consistency checks all follow from this table.
SOURCE_LINKS: dict[str, str] = {source.name: source.link
                                for source in catalogue.action_sources()}
NO_SOURCE = records.NO_SOURCE  # a new record's source (defined with the records)
SOURCES = (NO_SOURCE, *SOURCE_LINKS)
LINK_FIELDS = tuple(SOURCE_LINKS.values())

TITLE_LIMIT = 200
NAME_LIMIT = 200


is_overdue = records.is_overdue  # due date passed, neither done nor cancelled


# What 10.2 calls corrective action in the wide sense; an improvement is not one.
CORRECTIVE_KINDS = ("correction", "corrective", "preventive")


def is_open_corrective(kind: str, status: str) -> bool:
    """A correction, corrective or preventive action not yet done or cancelled: what every
    count of "open corrective actions" means (the management review, the action log)."""
    return kind in CORRECTIVE_KINDS and status in OPEN_STATUSES


def is_reopening(old_status: str, new_status: str) -> bool:
    """A finished (done or cancelled) action taken up again."""
    return old_status in CLOSED_STATUSES and new_status in OPEN_STATUSES


def is_record_id(value: object) -> bool:
    """A usable primary key: a positive whole number (not a bool)."""
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def source_of(links: dict[str, Any]) -> str:
    """The source named by the first link that is set (link field -> value), else "none"."""
    for source, link in SOURCE_LINKS.items():
        if links.get(link) is not None:
            return source
    return NO_SOURCE


def is_percentage(value: object) -> bool:
    """A whole number 0-100 (a bool is not progress, though Python says True == 1)."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 100


def _check_source(errors: dict[str, str], record: ActionRecord) -> None:
    if record.source not in SOURCES:
        errors["source"] = f"Source must be one of: {', '.join(SOURCES)}."
        return
    for source, link in SOURCE_LINKS.items():
        value = getattr(record, link)
        if source == record.source:
            if not is_record_id(value):
                errors[link] = f"Choose the {source} this action comes from."
        elif value is not None:
            errors[link] = f"Remove the {source} link, or make {source} the source."


def _check_completion(errors: dict[str, str], record: ActionRecord, today: date) -> None:
    done = record.status == "done"
    completed = record.completed_on
    if done and completed is None:
        errors["completed_on"] = "Enter the completion date to mark the action done."
    elif not done and completed is not None:
        # Refused rather than silently dropped: the user typed it, so say why it cannot stay.
        errors["completed_on"] = "A completion date is entered only when the action is done."
    elif completed is not None and completed > today:
        errors["completed_on"] = "The completion date cannot be in the future."
    elif (completed is not None and record.start_date is not None
          and completed < record.start_date):
        errors["completed_on"] = "The completion date cannot be before the start date."


def _check_effectiveness(errors: dict[str, str], record: ActionRecord, today: date) -> None:
    checked_on = record.effectiveness_on
    if record.effectiveness not in EFFECTIVENESS:
        errors["effectiveness"] = ("Effectiveness must be one of: "
                                   f"{', '.join(e for e in EFFECTIVENESS if e)}, or left empty.")
        return
    started = record.effectiveness or record.effectiveness_by.strip() or checked_on is not None
    if not started:
        return
    if record.status != "done":
        errors["effectiveness"] = "The effectiveness check comes after the action is done."
        return
    if not record.effectiveness:
        errors["effectiveness"] = "Choose the result of the effectiveness check."
    if not record.effectiveness_by.strip():
        errors["effectiveness_by"] = "Enter who checked the effectiveness."
    if checked_on is None:
        errors["effectiveness_on"] = "Enter the date of the effectiveness check."
    elif checked_on > today:
        errors["effectiveness_on"] = "The effectiveness check cannot be in the future."
    elif record.completed_on is not None and checked_on < record.completed_on:
        errors["effectiveness_on"] = (
            "The effectiveness check cannot be before the completion date.")


def validate_action(record: ActionRecord, today: date) -> dict[str, str]:
    """Every rule that can be checked without the database; field name -> message."""
    errors: dict[str, str] = {}
    check_text(errors, "title", record.title, "Title", TITLE_LIMIT, required=True)
    check_text(errors, "owner", record.owner, "Owner", NAME_LIMIT)
    check_text(errors, "effectiveness_by", record.effectiveness_by, "Checked by", NAME_LIMIT)
    check_texts(errors, record, (("description", "Description", DESCRIPTION_LIMIT),
                                 ("evidence", "Evidence", NOTE_LIMIT)))
    if record.kind not in KINDS:
        errors["kind"] = f"Type must be one of: {', '.join(KINDS)}."
    if record.status not in STATUSES:
        errors["status"] = f"Status must be one of: {', '.join(STATUSES)}."
    if not is_percentage(record.progress):
        errors["progress"] = "Progress must be a whole number from 0 to 100."
    if (record.start_date is not None and record.due_date is not None
            and record.due_date < record.start_date):
        errors["due_date"] = "The due date cannot be before the start date."
    _check_source(errors, record)
    _check_completion(errors, record, today)
    _check_effectiveness(errors, record, today)
    check_dates(errors, record)
    return errors


def archive_refusal(ref: str, status: str) -> str:
    """Why an action may not be (or stay) archived, "" when it may: archived, it leaves
    every working list (overdue counts, due dates, My work), so only a finished one (done,
    or cancelled with the reason said) is archived."""
    if status in OPEN_STATUSES:
        return (f"{ref or 'The action'} is {status}: mark it done, or cancel it, before "
                "archiving it.")
    return ""


def effectiveness_check(record: Any) -> tuple[str, str, date | None]:
    """What an effectiveness check says: (result, who checked, when), spaces tidied."""
    return (record.effectiveness, " ".join(record.effectiveness_by.split()),
            record.effectiveness_on)


def signs_check(before: Any | None, after: Any) -> bool:
    """Whether saving ``after`` over ``before`` (None: a new action) records an
    effectiveness check, new or changed: an approval, signed and for approvers only."""
    if not after.effectiveness or after.effectiveness_on is None:
        return False
    return before is None or effectiveness_check(before) != effectiveness_check(after)
