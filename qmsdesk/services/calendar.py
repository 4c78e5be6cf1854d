"""Reminders in the calendar people already use: every due item as an iCalendar event.

One all-day event per due item (party and context reviews, measurements, actions, supplier
reviews, certificate expiries, risk reviews and evaluations: whatever the registers' due
lists hold), on its due date, with an alarm some days before and the record's reference
in the summary. Each event's UID is derived from the organisation and the item (not from
its date), so importing a newer export into Outlook, Thunderbird or Google Calendar moves
the event instead of adding a second one.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from qmsdesk import __version__, clock, paths
from qmsdesk.models.db import Database
from qmsdesk.services.dashboard import due_items
from qmsdesk.services.due import DueItem
from qmsdesk.services.errors import ServiceError
from qmsdesk.services.org_settings import load_settings

HORIZON_DAYS = 366  # a year ahead: the yearly reviews and certificate expiries come up
ALARM_DAYS = 7
_EPOCH = datetime(2020, 1, 1, tzinfo=UTC)
_NAMESPACE = uuid.UUID("5f0c3a4e-8d0b-4c1e-9a52-7d1f6c2b9e10")  # QMS Desk's UIDs


@dataclass(frozen=True)
class CalendarExport:
    path: Path
    events: int
    overdue: int


def event_uid(organisation: str, item: DueItem) -> str:
    """The same for an item in every export: its kind, register, record and title."""
    key = "\x1f".join((organisation, item.kind, item.register, str(item.record_id),
                       item.title))
    return f"{uuid.uuid5(_NAMESPACE, key)}@qmsdesk"


def _summary(item: DueItem) -> str:
    overdue = f" (overdue since {item.due.isoformat()})" if item.overdue else ""
    return f"[{item.ref}] {item.kind}: {item.title}{overdue}"


def build_calendar(db: Database, today: date, owner: str = "",
                   horizon_days: int = HORIZON_DAYS, alarm_days: int = ALARM_DAYS
                   ) -> tuple[bytes, list[DueItem]]:
    """The due items (of ``owner`` only, when given) as an RFC 5545 calendar, and them."""
    from icalendar import Alarm, Calendar, Event

    if not 0 <= alarm_days <= 365:
        raise ServiceError("The reminder comes 0 to 365 days before the due date.")
    organisation = load_settings(db).organisation or "QMS Desk"
    wanted = owner.strip().casefold()
    items = [item for item in due_items(db, today, horizon_days)
             if not wanted or item.owner.strip().casefold() == wanted]
    calendar = Calendar()
    calendar.add("prodid", f"-//QMS Desk//QMS Desk {__version__}//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"QMS Desk — {organisation}")
    stamp = clock.now().replace(microsecond=0)
    sequence = int((stamp - _EPOCH).total_seconds() // 60)
    for item in items:
        event = Event()
        event.add("uid", event_uid(organisation, item))
        event.add("dtstamp", stamp)
        event.add("dtstart", item.due)
        event.add("dtend", item.due + timedelta(days=1))
        event.add("summary", _summary(item))
        lines = [f"{item.kind} of {item.ref} — {item.title}",
                 f"Due: {item.due.isoformat()}", f"Register: {item.register}"]
        if item.owner:
            lines.append(f"Owner: {item.owner}")
        lines.append(f"From {db.display_name} ({organisation}), exported {today.isoformat()}.")
        event.add("description", "\n".join(lines))
        event.add("categories", ["QMS", item.kind])
        event.add("transp", "TRANSPARENT")  # a reminder, not a busy slot
        # Later exports carry a higher sequence: an import replaces what an earlier one
        # put in the calendar (a moved due date moves the event).
        event.add("sequence", sequence)
        if alarm_days and not item.overdue:
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", _summary(item))
            alarm.add("trigger", timedelta(days=-alarm_days))
            event.add_component(alarm)
        calendar.add_component(event)
    return bytes(calendar.to_ical()), items


def export_calendar(db: Database, out_path: Path, today: date, owner: str = "",
                    horizon_days: int = HORIZON_DAYS,
                    alarm_days: int = ALARM_DAYS) -> CalendarExport:
    """Write the calendar to ``out_path`` (.ics) whole or not at all."""
    out_path = Path(out_path)
    if out_path.suffix.lower() != ".ics":
        raise ServiceError(f"{out_path.name}: a calendar file ends in .ics.")
    data, items = build_calendar(db, today, owner, horizon_days, alarm_days)
    fd, temp_name = tempfile.mkstemp(prefix=f".{out_path.stem}-", suffix=".ics.part",
                                     dir=out_path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(temp_name, paths.new_file_mode())
        os.replace(temp_name, out_path)
    except OSError as exc:
        raise ServiceError(f"Cannot write {out_path}: {exc.strerror or exc}.") from exc
    finally:
        with suppress(FileNotFoundError):
            os.unlink(temp_name)
    return CalendarExport(out_path, len(items), sum(item.overdue for item in items))
