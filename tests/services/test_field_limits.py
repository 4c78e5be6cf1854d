"""The rules bound every text a report prints in one cell, and every date, with a message
that says what to do; a form, an import and the CLI all go through them."""

from __future__ import annotations

from datetime import date

import pytest

from qmsdesk.services.actions import rules as action_rules
from qmsdesk.services.dates import EARLIEST, LATEST
from qmsdesk.services.objectives import rules as objective_rules
from qmsdesk.services.objectives import service as objectives
from qmsdesk.services.objectives.policy import validate_policy
from qmsdesk.services.parties import rules as party_rules
from qmsdesk.services.parties.records import EngagementRecord, RequirementRecord
from qmsdesk.services.suppliers import rules as supplier_rules
from qmsdesk.services.suppliers.records import ReviewRecord
from qmsdesk.services.validation import DESCRIPTION_LIMIT, NAME_LIMIT, NOTE_LIMIT
from tests.factories import make_action, make_party, make_supplier
from tests.reports.hostile import prose

TODAY = date(2026, 11, 21)


def _objective(**values: object):
    record = objectives.new_objective(TODAY)
    record.title, record.kpi_name, record.baseline, record.target = "OTIF", "OTIF", 90.0, 95.0
    for key, value in values.items():
        setattr(record, key, value)
    return record


@pytest.mark.parametrize(("validate", "key", "limit"), [
    (lambda text: party_rules.validate_party(make_party(TODAY, description=text), TODAY),
     "description", DESCRIPTION_LIMIT),
    (lambda text: party_rules.validate_party(make_party(TODAY, notes=text), TODAY),
     "notes", DESCRIPTION_LIMIT),
    (lambda text: party_rules.validate_party(make_party(TODAY, requirements=[
        RequirementRecord(description=text)]), TODAY), "requirements[0].description", NOTE_LIMIT),
    (lambda text: party_rules.validate_party(make_party(TODAY, engagements=[
        EngagementRecord(on_date=TODAY, summary=text)]), TODAY), "engagements[0].summary",
     NOTE_LIMIT),
    (lambda text: objective_rules.validate_objective(_objective(description=text), TODAY),
     "description", DESCRIPTION_LIMIT),
    (lambda text: objective_rules.validate_objective(_objective(resources=text), TODAY),
     "resources", NOTE_LIMIT),
    (lambda text: supplier_rules.validate_supplier(make_supplier(TODAY, scope=text), TODAY),
     "scope", NOTE_LIMIT),
    (lambda text: supplier_rules.validate_review(ReviewRecord(strengths=text), TODAY, False),
     "strengths", DESCRIPTION_LIMIT),
    (lambda text: action_rules.validate_action(make_action(TODAY, description=text), TODAY),
     "description", DESCRIPTION_LIMIT),
    (lambda text: validate_policy(text, ["Improve"], "CEO", TODAY, TODAY, None),
     "statement", DESCRIPTION_LIMIT),
])
def test_a_text_at_its_limit_passes_and_one_more_character_is_refused(validate, key: str,
                                                                      limit: int) -> None:
    text = prose(limit, "w").ljust(limit, "w")  # exactly ``limit`` characters
    assert key not in validate(text)
    message = validate(text + "x")[key]
    assert f"is too long ({limit + 1} characters; at most {limit})" in message


def test_names_are_bounded_too() -> None:
    errors = party_rules.validate_party(make_party(TODAY, name="N" * (NAME_LIMIT + 1)), TODAY)
    assert errors["name"] == f"Name is too long ({NAME_LIMIT + 1} characters; at most 200)."
    email = "a" * 250 + "@example.com"
    assert "email" in party_rules.validate_party(make_party(TODAY, email=email), TODAY)


@pytest.mark.parametrize("day", [date(1899, 12, 31), date(2101, 1, 1), date(9999, 12, 31)])
def test_dates_outside_the_kept_range_are_refused_with_the_range(day: date) -> None:
    range_text = f"({EARLIEST.isoformat()} to {LATEST.isoformat()})"
    checks = [
        party_rules.validate_party(make_party(TODAY, next_review=day), TODAY)["next_review"],
        objective_rules.validate_objective(_objective(due_date=day), TODAY)["due_date"],
        action_rules.validate_action(make_action(TODAY, due_date=day), TODAY)["due_date"],
        validate_policy("Policy", ["Improve"], "CEO", day, TODAY, None)["approved_on"],
    ]
    for message in checks:
        assert range_text in message or "future" in message


def test_the_boundary_dates_themselves_are_kept() -> None:
    errors = objective_rules.validate_objective(
        _objective(start_date=EARLIEST, due_date=LATEST), TODAY)
    assert "start_date" not in errors and "due_date" not in errors
