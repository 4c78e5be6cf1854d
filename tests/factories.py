"""Test data builders shared by the test modules."""

from __future__ import annotations

from datetime import date

from qmsdesk.services.actions import service as actions
from qmsdesk.services.actions.records import ActionRecord
from qmsdesk.services.parties import service as parties
from qmsdesk.services.parties.records import PartyRecord
from qmsdesk.services.suppliers import service as suppliers
from qmsdesk.services.suppliers.records import SupplierRecord


def make_party(today: date, name: str = "Acme Tools", **values: object) -> PartyRecord:
    """A valid new party record, with any field overridden (rated 3/3: a new party starts
    unrated, and the rules ask for both ratings)."""
    record = parties.new_party(today)
    record.name, record.influence, record.interest = name, 3, 3
    for key, value in values.items():
        setattr(record, key, value)
    return record


def make_action(today: date, title: str = "Recalibrate torque wrenches",
                **values: object) -> ActionRecord:
    """A valid new action record (no source), with any field overridden."""
    record = actions.new_action(today)
    record.title = title
    for key, value in values.items():
        setattr(record, key, value)
    return record


def make_supplier(today: date, name: str = "Precision Castings Ltd",
                  **values: object) -> SupplierRecord:
    """A valid new supplier record (pending, major, no certificates), any field overridden."""
    record = suppliers.new_supplier(today)
    record.name = name
    record.scope = "Aluminium die castings"
    for key, value in values.items():
        setattr(record, key, value)
    return record
