"""9.3.2 b: changes in the external and internal issues, from the context register's trail."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from qmsdesk.services import review_inputs as ri
from qmsdesk.services.context import service as context

TODAY = date(2026, 11, 21)


def _issue(title: str, **values: object) -> context.ContextIssueRecord:
    record = context.new_issue(TODAY)
    record.title = title
    for key, value in values.items():
        setattr(record, key, value)
    return record


def test_issues_added_changed_and_archived_in_the_period_are_listed(db):
    energy = context.save_issue(db, _issue("Energy prices double"), TODAY)
    skills = context.save_issue(db, _issue("Few CNC setters in the region",
                                           origin="internal", swot="weakness", pestle=""),
                                TODAY)
    energy = context.save_issue(db, replace(energy, effect="Margins fall 2 points",
                                            next_review=TODAY + timedelta(days=90)), TODAY)
    context.set_issue_status(db, skills.id, skills.version, "archived", TODAY, "No longer relevant")
    with db.read() as session:
        found = ri.context_changes(session, TODAY - timedelta(days=30), TODAY)
    assert [(c.ref, c.change, c.fields) for c in found.changes] == [
        ("CTX-0001", "added", ""), ("CTX-0002", "added", ""), ("CTX-0002", "archived", "")]
    assert found.by_swot == {"strength": 0, "weakness": 0, "opportunity": 0, "threat": 1}
    # a later day's edit is a change; a moved review date alone is not
    with db.read() as session:
        before = ri.context_changes(session, TODAY - timedelta(days=30), TODAY - timedelta(1))
    assert before.changes == ()
    inputs = ri.review_inputs(db, TODAY - timedelta(days=30), TODAY, TODAY)
    assert inputs.context.count("added") == 2 and inputs.context.count("archived") == 1
    assert energy.effect == "Margins fall 2 points"


def test_the_cover_counts_every_open_corrective_action_those_of_earlier_reviews_too(
        shared_demo):
    from qmsdesk.services.actions import rules as action_rules
    from qmsdesk.services.actions.service import list_actions

    inputs = ri.review_inputs(shared_demo, date(2026, 1, 1), TODAY, TODAY)
    every = [a for a in list_actions(shared_demo, TODAY)
             if action_rules.is_open_corrective(a.kind, a.status)]
    assert inputs.effectiveness.open_corrective == len(every)
    from_reviews = [a for a in every if a.source == "management review"]
    assert from_reviews  # the demo has some: the old count left them out
    assert len(inputs.effectiveness.still_open) == len(every) - len(from_reviews)
    assert not action_rules.is_open_corrective("improvement", "open")
    assert not action_rules.is_open_corrective("corrective", "done")
