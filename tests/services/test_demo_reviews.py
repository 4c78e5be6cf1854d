"""Demo management reviews: two meetings a year apart, the actions they decided, and the
management-review inputs the demo then gives."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest

from qmsdesk.services.actions import rules as action_rules
from qmsdesk.services.actions.service import get_action, list_actions
from qmsdesk.services.dates import add_months
from qmsdesk.services.demo import reviews as demo_reviews
from qmsdesk.services.demo.builder import STAFF
from qmsdesk.services.management_reviews import get_meeting, list_meetings, validate_meeting
from qmsdesk.services.review_inputs import review_inputs
from tests.conftest import TODAY


@pytest.fixture
def demo(shared_demo):
    return shared_demo


def _meetings(demo):
    return [get_meeting(demo, row.id) for row in reversed(list_meetings(demo))]  # oldest first


def _review_actions(demo):
    return [get_action(demo, row.id) for row in list_actions(demo, TODAY)
            if row.source == "management review"]


def test_two_meetings_a_year_apart_review_consecutive_years(demo):
    first, second = _meetings(demo)
    assert (first.ref, second.ref) == ("MR-2025-01", "MR-2026-01")
    assert 655 <= (TODAY - first.held_on).days <= 675  # about 22 months ago
    assert 300 <= (TODAY - second.held_on).days <= 310  # about 10 months ago
    for meeting in (first, second):
        assert meeting.held_on.weekday() < 5
        assert meeting.period_from.day == 1
        assert add_months(meeting.period_from, 12) - timedelta(days=1) == meeting.period_to
        assert meeting.period_to < meeting.held_on <= meeting.period_to + timedelta(days=31)
        assert meeting.chair == STAFF["md"]
        names = [line.split(",")[0] for line in meeting.attendees.splitlines()]
        assert STAFF["md"] in names and STAFF["quality"] in names and len(names) >= 5
        assert set(names) <= set(STAFF.values())
        assert len(meeting.conclusions) > 400 and "{" not in meeting.conclusions
    assert second.period_from == first.period_to + timedelta(days=1)
    assert "previous review" in second.conclusions  # it reports on the first one's actions


def test_each_meeting_decided_actions_with_every_outcome(demo):
    meetings = {m.ref: m for m in _meetings(demo)}
    actions = _review_actions(demo)
    assert [row.actions for row in list_meetings(demo)] == [4, 4]
    assert {a.source_ref for a in actions} == set(meetings)
    assert {a.status for a in actions} == set(action_rules.STATUSES)
    assert sum(a.is_overdue(TODAY) for a in actions) == 1
    assert sorted(a.effectiveness for a in actions if a.effectiveness) == [
        "effective", "effective", "effective", "partly"]
    awaiting = [a for a in actions if a.status == "done" and not a.effectiveness]
    assert len(awaiting) == 1 and awaiting[0].source_ref == "MR-2026-01"
    for action in actions:
        assert action_rules.validate_action(action, TODAY) == {}, action.title
        assert action.owner in STAFF.values()
        assert action.start_date >= meetings[action.source_ref].held_on
        assert action.description
        if action.status in ("done", "cancelled"):
            assert action.evidence
    # entered in the order they were raised, so their references follow the calendar
    assert [a.start_date for a in actions] == sorted(a.start_date for a in actions)
    assert [a.ref for a in actions] == sorted(a.ref for a in actions)


def test_the_next_review_pack_reports_on_the_demo_meetings(demo):
    end = TODAY.replace(day=1) - timedelta(days=1)
    inputs = review_inputs(demo, add_months(end + timedelta(days=1), -12), end, TODAY)
    assert [r.ref for r in inputs.previous_reviews.reviews] == ["MR-2026-01", "MR-2025-01"]
    assert inputs.previous_reviews.by_status == {"open": 1, "in progress": 1, "done": 5,
                                                 "cancelled": 1}
    assert inputs.previous_reviews.overdue == 1
    checks = [c for c in inputs.effectiveness.checks if c.source == "management review"]
    assert [(c.source_ref, c.result) for c in checks] == [("MR-2026-01", "effective")]
    assert any(a.source_ref == "MR-2026-01" for a in inputs.effectiveness.awaiting)
    assert inputs.audit_status.endswith("entries, chain intact.")
    assert inputs.objectives.objectives and inputs.providers.reviews
    assert inputs.satisfaction.engagements and inputs.opportunities


@pytest.mark.parametrize("start", [date(2026, 1, 1), date(2027, 6, 1)])
def test_meetings_and_actions_hold_on_every_day(start):
    """Whatever day the demo is created, every meeting and action is valid, as told."""
    for offset in range(0, 366, 3):
        today = start + timedelta(days=offset)
        meetings = [demo_reviews.meeting_record(spec, today, STAFF)
                    for spec in demo_reviews.MEETINGS]
        overdue, statuses = 0, set()
        for earlier, later in itertools.pairwise(meetings):
            assert later.period_from == earlier.period_to + timedelta(days=1), today
        for spec, meeting in zip(demo_reviews.MEETINGS, meetings, strict=True):
            assert validate_meeting(meeting, today) == {}, (today, spec.months_ago)
            for action_spec in spec.actions:
                record = demo_reviews.action_record(action_spec, meeting.held_on, 1, today,
                                                    STAFF)
                assert action_rules.validate_action(record, today) == {}, (today, record.title)
                assert record.start_date >= meeting.held_on
                overdue += record.is_overdue(today)
                statuses.add(record.status)
        assert overdue == 1, today
        assert statuses == set(action_rules.STATUSES), today
    # per meeting: itself, its minutes, its actions; then a certificate and an 8D report
    assert demo_reviews.step_count() == 14
