"""Quality-objective values the rules accept but that are probably wrong: warnings the editor
shows by the field before saving and an import lists (field -> message, like the errors)."""

from __future__ import annotations

from datetime import date

from qmsdesk.services.objectives.records import ObjectiveRecord
from qmsdesk.services.validation import entered, past_date_warning

# An objective still to be met: a due date in the past cannot be its plan.
_PLANNED = ("draft", "active")


def objective_warnings(record: ObjectiveRecord, before: ObjectiveRecord | None,
                       today: date) -> dict[str, str]:
    """``before``: the record as stored (None for a new one). A draft or active objective
    given a due date in the past (not warned again once stored: an active objective past its
    due date waits for its final measurement)."""
    warnings: dict[str, str] = {}
    if record.status in _PLANNED and entered(record, before, "due_date", "status"):
        past_date_warning(warnings, "due_date", record.due_date, today, "The due date",
                          "the objective would be overdue at once (record a missed or "
                          "achieved objective with that status)")
    return warnings
