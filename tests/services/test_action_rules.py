"""Action-log rules without a database: every validation message, overdue, sources."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from datetime import date, timedelta

import pytest

from qmsdesk.services.actions import rules
from qmsdesk.services.actions.records import ActionRecord
from tests.factories import make_action

TODAY = date(2026, 11, 21)
START = date(2026, 10, 1)
YESTERDAY = TODAY - timedelta(days=1)
TOMORROW = TODAY + timedelta(days=1)
PROGRESS = "Progress must be a whole number from 0 to 100."
AFTER_DONE = "The effectiveness check comes after the action is done."
ONLY_WHEN_DONE = "A completion date is entered only when the action is done."
REMOVE_PARTY = "Remove the party link, or make party the source."
CHOOSE_OBJECTIVE = "Choose the objective this action comes from."
DONE = {"status": "done", "completed_on": TODAY}


def valid(**values: object) -> ActionRecord:
    """A valid action started on START, with any field overridden."""
    return make_action(TODAY, **{"start_date": START, **values})


def _set(**values: object) -> Callable[[ActionRecord], None]:
    def change(record: ActionRecord) -> None:
        for key, value in values.items():
            setattr(record, key, value)
    return change


# (change to a valid record, the exact errors it causes). Ids 1 refer to an objective and
# a party that exist when test_actions runs this table through save_action.
INVALID: dict[str, tuple[Callable[[ActionRecord], None], dict[str, str]]] = {
    "no title": (_set(title=""), {"title": "Title is required."}),
    "blank title": (_set(title="  \t"), {"title": "Title is required."}),
    "long title": (_set(title="x" * 201),
                   {"title": "Title is too long (201 characters; at most 200)."}),
    "long owner": (_set(owner="x" * 201),
                   {"owner": "Owner is too long (201 characters; at most 200)."}),
    "kind": (_set(kind="fix"),
             {"kind": "Type must be one of: correction, corrective, preventive, improvement."}),
    "kind empty": (_set(kind=""), {"kind": "Type must be one of: correction, corrective, "
                                           "preventive, improvement."}),
    "status": (_set(status="closed"),
               {"status": "Status must be one of: open, in progress, done, cancelled."}),
    "progress -1": (_set(progress=-1), {"progress": PROGRESS}),
    "progress 101": (_set(progress=101), {"progress": PROGRESS}),
    "progress text": (_set(progress="50"), {"progress": PROGRESS}),
    "progress float": (_set(progress=50.0), {"progress": PROGRESS}),
    "progress bool": (_set(progress=True), {"progress": PROGRESS}),
    "progress None": (_set(progress=None), {"progress": PROGRESS}),
    "due before start": (_set(due_date=START - timedelta(days=1)),
                         {"due_date": "The due date cannot be before the start date."}),
    "done without completion date": (
        _set(status="done"),
        {"completed_on": "Enter the completion date to mark the action done."}),
    "completion date while open": (_set(completed_on=YESTERDAY),
                                   {"completed_on": ONLY_WHEN_DONE}),
    "completion date while in progress": (_set(status="in progress", completed_on=YESTERDAY),
                                          {"completed_on": ONLY_WHEN_DONE}),
    "completion date while cancelled": (_set(status="cancelled", completed_on=YESTERDAY),
                                        {"completed_on": ONLY_WHEN_DONE}),
    "completion in the future": (
        _set(status="done", completed_on=TOMORROW),
        {"completed_on": "The completion date cannot be in the future."}),
    "completion before start": (
        _set(status="done", completed_on=START - timedelta(days=1)),
        {"completed_on": "The completion date cannot be before the start date."}),
    "effectiveness while open": (
        _set(effectiveness="effective", effectiveness_by="QM", effectiveness_on=TODAY),
        {"effectiveness": AFTER_DONE}),
    "checked by while in progress": (_set(status="in progress", effectiveness_by="QM"),
                                     {"effectiveness": AFTER_DONE}),
    "checked on while cancelled": (_set(status="cancelled", effectiveness_on=TODAY),
                                   {"effectiveness": AFTER_DONE}),
    "effectiveness unknown": (
        _set(**DONE, effectiveness="good", effectiveness_by="QM", effectiveness_on=TODAY),
        {"effectiveness": "Effectiveness must be one of: effective, partly, not effective, "
                          "or left empty."}),
    "effectiveness without who and when": (
        _set(**DONE, effectiveness="partly"),
        {"effectiveness_by": "Enter who checked the effectiveness.",
         "effectiveness_on": "Enter the date of the effectiveness check."}),
    "effectiveness without who": (
        _set(**DONE, effectiveness="effective", effectiveness_by=" ", effectiveness_on=TODAY),
        {"effectiveness_by": "Enter who checked the effectiveness."}),
    "effectiveness without when": (
        _set(**DONE, effectiveness="not effective", effectiveness_by="QM"),
        {"effectiveness_on": "Enter the date of the effectiveness check."}),
    "check without result": (
        _set(**DONE, effectiveness_by="QM", effectiveness_on=TODAY),
        {"effectiveness": "Choose the result of the effectiveness check."}),
    "checked before completion": (
        _set(status="done", completed_on=TODAY, effectiveness="effective",
             effectiveness_by="QM", effectiveness_on=YESTERDAY),
        {"effectiveness_on": "The effectiveness check cannot be before the completion date."}),
    "checked in the future": (
        _set(**DONE, effectiveness="effective", effectiveness_by="QM",
             effectiveness_on=TOMORROW),
        {"effectiveness_on": "The effectiveness check cannot be in the future."}),
    "long checked by": (
        _set(**DONE, effectiveness="effective", effectiveness_by="x" * 201,
             effectiveness_on=TODAY),
        {"effectiveness_by": "Checked by is too long (201 characters; at most 200)."}),
    "unknown source": (_set(source="audit"),
                       {"source": "Source must be one of: none, party, risk or opportunity, "
                                  "objective, supplier review, management review."}),
    "objective source without objective": (_set(source="objective"),
                                           {"objective_id": CHOOSE_OBJECTIVE}),
    "objective id 0": (_set(source="objective", objective_id=0),
                       {"objective_id": CHOOSE_OBJECTIVE}),
    "objective id bool": (_set(source="objective", objective_id=True),
                          {"objective_id": CHOOSE_OBJECTIVE}),
    "party source without party": (_set(source="party"),
                                   {"party_id": "Choose the party this action comes from."}),
    "no source but a party": (_set(party_id=1), {"party_id": REMOVE_PARTY}),
    "no source but an objective": (
        _set(objective_id=1),
        {"objective_id": "Remove the objective link, or make objective the source."}),
    "objective source and a party": (_set(source="objective", objective_id=1, party_id=1),
                                     {"party_id": REMOVE_PARTY}),
    "party source with the objective instead": (
        _set(source="party", objective_id=1),
        {"party_id": "Choose the party this action comes from.",
         "objective_id": "Remove the objective link, or make objective the source."}),
}


def test_the_base_record_is_valid() -> None:
    assert rules.validate_action(valid(), TODAY) == {}


@pytest.mark.parametrize("case", INVALID)
def test_each_rule_names_its_field_with_its_message(case: str) -> None:
    change, expected = INVALID[case]
    record = valid()
    change(record)
    assert rules.validate_action(record, TODAY) == expected


def test_all_problems_are_reported_at_once() -> None:
    record = valid(title="", kind="x", progress=200, source="party",
                   due_date=START - timedelta(days=1), status="done")
    assert set(rules.validate_action(record, TODAY)) == {
        "title", "kind", "progress", "party_id", "due_date", "completed_on"}


@pytest.mark.parametrize("values", [
    {"due_date": START},
    {"due_date": None, "start_date": None},
    {"start_date": None, "due_date": YESTERDAY, "status": "in progress"},
    {"progress": 0}, {"progress": 100},
    {"status": "in progress", "progress": 100},  # all work done, closure still pending
    {"status": "cancelled", "progress": 40},
    {"status": "done", "completed_on": START, "progress": 100},
    {"status": "done", "completed_on": TODAY, "start_date": None},
    {**DONE, "effectiveness": "effective", "effectiveness_by": "QM",
     "effectiveness_on": TODAY},
    {"status": "done", "completed_on": START, "effectiveness": "not effective",
     "effectiveness_by": "Auditor", "effectiveness_on": TODAY},
    {"status": "done", "completed_on": YESTERDAY},  # the check may follow later
    {"source": "objective", "objective_id": 7},
    {"source": "party", "party_id": 3},
    {"kind": "correction"}, {"kind": "preventive"}, {"kind": "improvement"},
    {"title": "x" * 200, "owner": "y" * 200},
])
def test_valid_edge_values_pass(values: dict) -> None:
    assert rules.validate_action(valid(**values), TODAY) == {}


@pytest.mark.parametrize(("due", "status", "expected"), [
    (YESTERDAY, "open", True),
    (YESTERDAY, "in progress", True),
    (TODAY - timedelta(days=400), "open", True),
    (TODAY, "open", False),  # due today is not yet overdue
    (TOMORROW, "in progress", False),
    (None, "open", False),
    (YESTERDAY, "done", False),
    (YESTERDAY, "cancelled", False),
    (TODAY - timedelta(days=400), "done", False),
])
def test_overdue(due: date | None, status: str, expected: bool) -> None:
    assert rules.is_overdue(due, status, TODAY) is expected
    assert valid(due_date=due, status=status).is_overdue(TODAY) is expected


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("done", "open", True), ("done", "in progress", True),
    ("cancelled", "open", True), ("cancelled", "in progress", True),
    ("done", "cancelled", False), ("cancelled", "done", False),
    ("open", "done", False), ("open", "in progress", False), ("in progress", "open", False),
])
def test_reopening_means_a_finished_action_taken_up_again(old: str, new: str,
                                                           expected: bool) -> None:
    assert rules.is_reopening(old, new) is expected


def test_choices() -> None:
    assert rules.KINDS == ("correction", "corrective", "preventive", "improvement")
    assert rules.STATUSES == ("open", "in progress", "done", "cancelled")
    assert rules.EFFECTIVENESS == ("", "effective", "partly", "not effective")
    # The register catalogue's order, as the navigation lists the registers.
    assert rules.SOURCES == ("none", "party", "risk or opportunity", "objective",
                             "supplier review", "management review")
    assert set(rules.OPEN_STATUSES) | set(rules.CLOSED_STATUSES) == set(rules.STATUSES)


def test_every_source_link_is_a_field_of_the_record() -> None:
    names = {f.name for f in fields(ActionRecord)}
    assert set(rules.LINK_FIELDS) <= names


@pytest.mark.parametrize(("links", "expected"), [
    ({}, "none"),
    ({"objective_id": None, "party_id": None}, "none"),
    ({"objective_id": 4}, "objective"),
    ({"party_id": 2}, "party"),
    ({"objective_id": 4, "party_id": 2}, "party"),  # inconsistent; validation says so
])
def test_the_source_follows_from_the_link_that_is_set(links: dict, expected: str) -> None:
    assert rules.source_of(links) == expected
