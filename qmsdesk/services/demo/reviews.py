"""Demo data for management reviews (ISO 9001 9.3): two meetings and the actions they decided.

The first review was held about 22 months before ``today`` and covered the twelve months
before it; the second about 10 months before ``today`` and covered the twelve months since
(the two periods are consecutive). Their conclusions follow the stories of the other demo
registers: the Harland Right First Time objective, the returns objective that was missed,
the policy revision 2 that the second review asked for. Each decided four actions, entered
in the shared action log with the meeting as their source: done and checked effective, done
and partly effective, cancelled, in progress, open and overdue, and done still awaiting its
effectiveness check. Saved only through ``management_reviews.save_meeting`` and
``actions.save_action``, after the other registers.

Meetings are placed in whole months from ``today`` (held on the first working day on or after
that date; each reviewed the twelve calendar months before the month it was held in), actions
in days from their meeting, so every record is valid whatever day the demo is created.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial

from qmsdesk.models.db import Database
from qmsdesk.services.actions.records import ActionRecord
from qmsdesk.services.actions.service import new_action
from qmsdesk.services.dates import add_months
from qmsdesk.services.demo import evidence as demo_evidence
from qmsdesk.services.demo.history import Story, Timeline, save_in_stages
from qmsdesk.services.demo.spec import DemoSection
from qmsdesk.services.management_reviews import ReviewMeeting, save_meeting

PERIOD_MONTHS = 12
# What each demo.STAFF role is called in an attendance list.
ROLE_TITLES: Mapping[str, str] = {
    "md": "Managing Director", "quality": "Quality Manager",
    "sales": "Sales & Customer Service Manager",
    "purchasing": "Purchasing & Supply Chain Manager", "operations": "Operations Manager",
    "hr": "HR Manager", "hse": "Health, Safety & Environment Advisor",
}


@dataclass(frozen=True)
class ActionSpec:
    title: str
    kind: str
    owner: str  # a role in demo.STAFF
    start: int  # days after the meeting, like due, completed and checked
    due: int
    status: str
    description: str
    progress: int = 0
    completed: int | None = None
    effectiveness: str = ""
    checked_by: str = ""  # a role in demo.STAFF
    checked: int | None = None
    evidence: str = ""


@dataclass(frozen=True)
class MeetingSpec:
    months_ago: int
    chair: str  # a role in demo.STAFF
    attendees: tuple[str, ...]  # roles
    conclusions: str
    actions: tuple[ActionSpec, ...]


MEETINGS = (
    MeetingSpec(22, "md", ("md", "quality", "sales", "operations", "purchasing"), (
        "The quality management system remains suitable, adequate and effective; the quality "
        "policy needs no change this year. Customer satisfaction is stable, but two export "
        "customers reported transit damage and the satisfaction survey reached only the five "
        "largest customers. Right First Time at Harland improved once the Controlled Shipping "
        "Level 1 was closed: for the coming year 99.2 % is set for Harland, and 75 % of "
        "customer returns are to be turned round within 20 working days. First-off approval "
        "on the night shift waits for the only trained CMM operator. Two casting suppliers "
        "had repeated porosity rejections; critical suppliers are to be reviewed more often. "
        "Resources: training budget approved for CMM programming and internal auditors."), (
        ActionSpec("Train a second CMM operator for the night shift", "improvement",
                   "operations", 3, 90, "done",
                   "First-off approval on nights waits up to four hours for the day-shift "
                   "CMM operator.", 100, 84, "effective", "quality", 180,
                   "Training record TR-2231 (Calypso basic and advanced); first-off waiting "
                   "time on nights below 30 minutes for three months."),
        ActionSpec("Packaging specification for export shipments", "preventive", "sales",
                   5, 100, "done",
                   "Two export customers reported transit damage on machined housings.", 100,
                   112, "partly", "quality", 215,
                   "Packaging specification PS-03 issued; transit damage on export lanes "
                   "stopped, but anodised brackets to Gateshead still arrive scratched."),
        ActionSpec("Quarterly reviews of critical suppliers", "preventive", "purchasing", 5,
                   120, "cancelled",
                   "Review critical suppliers every quarter instead of once a year.", 10,
                   evidence="Replaced by review intervals by criticality (critical suppliers "
                            "every six months) in the supplier procedure, rev 4."),
        ActionSpec("Extend the customer satisfaction survey to every active customer",
                   "improvement", "sales", 7, 150, "done",
                   "The survey reached only the five largest customers.", 100, 140,
                   "effective", "md", 240,
                   "Survey sent to all 14 active customers; 11 replied, scores logged per "
                   "customer in the interested-parties register."),
    )),
    MeetingSpec(10, "md", ("md", "quality", "sales", "operations", "purchasing", "hr"), (
        "Actions from the previous review: the second CMM operator and the wider customer "
        "survey were effective; the export packaging specification helped only partly and "
        "the quarterly critical-supplier reviews were replaced by review intervals by "
        "criticality. The Harland Right First Time objective was achieved; the returns "
        "turn-round objective was missed and is renewed at 90 % with a 20-working-day clock "
        "in the complaints log. On-time delivery is to be measured per customer. The quality "
        "policy is to commit to involving every employee and to treating suppliers and "
        "logistics providers as partners. Medical-device work is growing and its risks are "
        "not yet in the risk register. Scrap on the 5-axis cell is the largest cost of poor "
        "quality. Resources are adequate; one additional quality inspector is approved."), (
        ActionSpec("Revise the quality policy: employee involvement and supplier partnership",
                   "improvement", "quality", 3, 75, "done",
                   "Draft revision 2 of the quality policy for approval by the managing "
                   "director.", 100, 58, "effective", "md", 150,
                   "Policy revision 2 approved and briefed on every shift; awareness checked "
                   "in the internal audits of the production processes."),
        ActionSpec("On Time In Full objectives per customer for Harland and SGM",
                   "improvement", "sales", 5, 45, "done",
                   "Delivery performance is only measured for the whole site.", 100, 30,
                   evidence="OTIF objectives for Harland Automotive Systems and Société "
                            "Générale de Mécanique set, measured monthly from the ERP."),
        ActionSpec("Add medical-device risks to the risk and opportunity register",
                   "preventive", "quality", 7, 90, "open",
                   "Cleanliness, traceability and ISO 13485 expectations of Meridian Medical "
                   "Devices are not yet assessed as risks.", 20),
        ActionSpec("Set-up reduction and first-off inspection on the 5-axis cell",
                   "improvement", "operations", 14, 420, "in progress",
                   "Scrap and set-up time on the 5-axis cell are the largest cost of poor "
                   "quality.", 60),
    )),
)


def step_count() -> int:
    """One step per meeting, its minutes and each action saved, and the other evidence."""
    return sum(2 + len(meeting.actions) for meeting in MEETINGS) + demo_evidence.STEPS


def _working_day_from(day: date) -> date:
    """The same day, or the Monday after when it falls on a weekend."""
    return day + timedelta(days=7 - day.weekday()) if day.weekday() >= 5 else day


def _weekday(day: date) -> date:
    """The same day, or the Friday before when it falls on a weekend."""
    return day - timedelta(days=max(0, day.weekday() - 4))


def meeting_record(spec: MeetingSpec, today: date, staff: Mapping[str, str]) -> ReviewMeeting:
    """The meeting the demo saves: held ``months_ago`` months before today, reviewing the
    twelve calendar months before the month it was held in."""
    base = add_months(today, -spec.months_ago)
    period_to = base.replace(day=1) - timedelta(days=1)
    period_from = add_months(period_to + timedelta(days=1), -PERIOD_MONTHS)
    attendees = "\n".join(f"{staff[role]}, {ROLE_TITLES[role]}" for role in spec.attendees)
    return ReviewMeeting(held_on=_working_day_from(base), period_from=period_from,
                         period_to=period_to, chair=staff[spec.chair], attendees=attendees,
                         conclusions=spec.conclusions)


def action_record(spec: ActionSpec, held_on: date, meeting_id: int, today: date,
                  staff: Mapping[str, str]) -> ActionRecord:
    """The action the demo saves, decided at the meeting ``meeting_id`` held on that date."""
    def day(offset: int | None) -> date | None:
        return None if offset is None else _weekday(held_on + timedelta(days=offset))

    record = new_action(today, management_review_id=meeting_id)
    record.title, record.description, record.kind = spec.title, spec.description, spec.kind
    record.owner, record.status, record.progress = staff[spec.owner], spec.status, \
        spec.progress
    record.start_date, record.due_date = day(spec.start), day(spec.due)
    record.completed_on, record.effectiveness = day(spec.completed), spec.effectiveness
    record.effectiveness_by = staff[spec.checked_by] if spec.checked_by else ""
    record.effectiveness_on, record.evidence = day(spec.checked), spec.evidence
    return record


def build(db: Database, today: date, rng: random.Random,
          staff: Mapping[str, str]) -> Story:
    """Each meeting on the day it was held, its actions opened, closed and checked on
    their days (see history.play)."""
    timeline = Timeline()
    for spec in sorted(MEETINGS, key=lambda meeting: -meeting.months_ago):
        record = meeting_record(spec, today, staff)
        assert record.held_on is not None
        timeline.add(record.held_on, partial(_hold, timeline, db, spec, record, today, staff))
    demo_evidence.plan(timeline, db, today, staff)
    yield from timeline.run()


def _hold(timeline: Timeline, db: Database, spec: MeetingSpec, record: ReviewMeeting,
          today: date, staff: Mapping[str, str]) -> str:
    """Save the meeting and add its actions, in the order they were raised."""
    meeting = save_meeting(db, record, today)
    assert meeting.id is not None and meeting.held_on is not None
    for action_spec in sorted(spec.actions, key=lambda action: action.start):
        save_in_stages(timeline, db, action_record(action_spec, meeting.held_on, meeting.id,
                                                   today, staff), today)
    circulated = min(_weekday(meeting.held_on + timedelta(days=2)), today)
    timeline.add(circulated, partial(demo_evidence.attach_minutes, db, meeting.id, meeting.ref,
                                     meeting.held_on, _minutes(spec, record),
                                     staff["quality"]))
    return f"{meeting.ref} management review"


def _minutes(spec: MeetingSpec, record: ReviewMeeting) -> list[str]:
    return [f"Chair: {record.chair}", "Attendees:", *record.attendees.splitlines(), "",
            "Conclusions:", *record.conclusions.splitlines()[:20],
            "", f"Actions decided: {len(spec.actions)}"]


def section() -> DemoSection:
    """This register's share of the demo (the register catalogue names it)."""
    return DemoSection("reviews", "Management reviews", step_count(), build)
