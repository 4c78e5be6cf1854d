"""Action-log values the rules accept but that are probably wrong: warnings the editor shows
by the field before saving and an import lists (field -> message, like the errors)."""

from __future__ import annotations

from datetime import date

from qmsdesk.services.actions.records import ActionRecord
from qmsdesk.services.actions.rules import OPEN_STATUSES
from qmsdesk.services.validation import entered, past_date_warning


def action_warnings(record: ActionRecord, before: ActionRecord | None,
                    today: date) -> dict[str, str]:
    """``before``: the record as stored (None for a new one). An open action that nobody
    owns and nobody dates (10.2 asks for both); a due date entered in the past."""
    warnings: dict[str, str] = {}
    if record.status not in OPEN_STATUSES:
        return warnings
    if not record.owner.strip() and record.due_date is None:
        warnings["owner"] = ("Nobody owns this action and it has no due date: an action "
                             "nobody owns and nobody dates is not managed. Name its owner, "
                             "give it a due date, or both.")
    if entered(record, before, "due_date", "status"):
        past_date_warning(warnings, "due_date", record.due_date, today, "The due date",
                          "the action would be overdue at once")
    return warnings
