"""Interested-party values the rules accept but that are probably wrong: warnings the editor
shows by the field before saving and an import lists (field -> message, like the errors)."""

from __future__ import annotations

from datetime import date

from qmsdesk.services.parties.records import PartyRecord
from qmsdesk.services.validation import check_review_plan


def party_warnings(record: PartyRecord, before: PartyRecord | None,
                   today: date) -> dict[str, str]:
    """``before``: the record as stored (None for a new one); a date already stored is not
    warned about again. A next review in the past (overdue at once) or more than one
    review interval ahead."""
    warnings: dict[str, str] = {}
    check_review_plan(warnings, record, before, today, "the party")
    return warnings
