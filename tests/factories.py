"""Test data builders shared by the test modules."""

from __future__ import annotations

from datetime import date

from qmsdesk.services import parties
from qmsdesk.services.parties import PartyRecord


def make_party(today: date, name: str = "Acme Tools", **values: object) -> PartyRecord:
    """A valid new party record, with any field overridden."""
    record = parties.new_party(today)
    record.name = name
    for key, value in values.items():
        setattr(record, key, value)
    return record
