"""Due items as iCalendar events: parsed back with the icalendar library, stable UIDs."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar

from qmsdesk import clock
from qmsdesk.services import dashboard
from qmsdesk.services.actions import service as actions
from qmsdesk.services.calendar import build_calendar, export_calendar
from qmsdesk.services.errors import ServiceError
from qmsdesk.services.org_settings import OrgSettings, save_settings
from qmsdesk.services.parties import service as parties
from tests.factories import make_action, make_party

TODAY = date(2026, 11, 21)
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def small(db):
    save_settings(db, OrgSettings(organisation="Northwind Precision Components Ltd"))
    parties.save_party(db, make_party(TODAY, "Harland Automotive", owner="Anna",
                                      next_review=TODAY + timedelta(days=20)), TODAY)
    actions.save_action(db, make_action(TODAY, "Recalibrate torque wrenches", owner="Liam",
                                        start_date=TODAY - timedelta(days=30),
                                        due_date=TODAY - timedelta(days=3)), TODAY)
    actions.save_action(db, make_action(TODAY, "Order spare spindle", owner="Anna",
                                        due_date=TODAY + timedelta(days=200)), TODAY)
    return db


def _events(data: bytes) -> list:
    calendar = Calendar.from_ical(data)
    return [component for component in calendar.walk("VEVENT")]


def test_every_due_item_is_an_all_day_event_with_its_reference_and_a_reminder(small):
    data, items = build_calendar(small, TODAY)
    events = _events(data)
    assert len(events) == len(items) == 3
    by_summary = {str(event["summary"]): event for event in events}
    review = by_summary["[IP-0001] Interested-party review: Harland Automotive"]
    assert review.decoded("dtstart") == TODAY + timedelta(days=20)
    assert review.decoded("dtend") == TODAY + timedelta(days=21)
    alarm, = review.walk("VALARM")
    assert alarm.decoded("trigger") == timedelta(days=-7)
    assert "Owner: Anna" in str(review["description"])
    overdue = by_summary["[ACT-0001] Action: Recalibrate torque wrenches "
                         "(overdue since 2026-11-18)"]
    assert not overdue.walk("VALARM")  # no reminder of what is already late
    assert Calendar.from_ical(data)["prodid"].startswith("-//QMS Desk//")


def test_uids_are_stable_across_exports_and_unique(small, tmp_path):
    first, _ = build_calendar(small, TODAY)
    second, _ = build_calendar(small, TODAY + timedelta(days=1))
    uids = [str(event["uid"]) for event in _events(first)]
    assert len(set(uids)) == len(uids)
    assert uids == [str(event["uid"]) for event in _events(second)]


def test_a_moved_due_date_updates_the_same_event(small):
    before = {str(e["uid"]): e for e in _events(build_calendar(small, TODAY)[0])}
    clock.freeze(clock.now() + timedelta(minutes=5))  # a later export
    record = actions.get_action(small, 2)
    record.due_date = TODAY + timedelta(days=10)
    actions.save_action(small, record, TODAY)
    after = {str(e["uid"]): e for e in _events(build_calendar(small, TODAY)[0])}
    assert before.keys() == after.keys()
    moved = [uid for uid in after if after[uid].decoded("dtstart")
             != before[uid].decoded("dtstart")]
    assert len(moved) == 1
    assert int(after[moved[0]]["sequence"]) == int(before[moved[0]]["sequence"]) + 5


def test_one_owners_items_only(small):
    data, items = build_calendar(small, TODAY, owner=" anna ")
    assert {item.owner for item in items} == {"Anna"} and len(_events(data)) == 2


def test_the_file_is_written_whole_and_named_ics(small, tmp_path):
    written = export_calendar(small, tmp_path / "due.ics", TODAY)
    assert (written.events, written.overdue) == (3, 1)
    assert _events(written.path.read_bytes())
    assert not list(tmp_path.glob("*.part"))
    with pytest.raises(ServiceError, match=r"ends in \.ics"):
        export_calendar(small, tmp_path / "due.txt", TODAY)


def test_the_demo_calendar_holds_every_kind_of_due_item(shared_demo):
    data, items = build_calendar(shared_demo, TODAY)
    assert {item.kind for item in items} == set(dashboard.kinds())
    assert len(_events(data)) == len(items)


def test_the_command_line_writes_the_calendar(small, tmp_path):
    small.close()
    out = tmp_path / "due.ics"
    done = subprocess.run([sys.executable, str(ROOT / "main.py"), "--data-dir",
                           str(tmp_path / "data"), "--db", str(small.path), "calendar",
                           "--out", str(out), "--owner", "Anna"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "Calendar written" in done.stdout and "of Anna" in done.stdout
    assert len(_events(out.read_bytes())) >= 1
