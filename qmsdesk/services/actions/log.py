"""The action log as an auditor reads it (ISO 9001 10.2): every action with its closure and
effectiveness check, and what was opened, closed and overdue month by month."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from qmsdesk.models.db import Database
from qmsdesk.models.objectives import Action
from qmsdesk.services import signoff
from qmsdesk.services.actions import rules
from qmsdesk.services.actions.service import list_actions
from qmsdesk.services.dates import add_months
from qmsdesk.services.numbers import NOTHING

NOT_CHECKED = "not checked"  # a done corrective action whose effectiveness nobody judged


@dataclass(frozen=True)
class LogEntry:
    """One action with what the log table shows of it."""

    id: int
    ref: str
    title: str
    kind: str
    source: str
    source_ref: str
    owner: str
    start_date: date | None
    due_date: date | None
    status: str
    completed_on: date | None
    overdue: bool
    days_overdue: int
    effectiveness: str  # rules.EFFECTIVENESS, or NOT_CHECKED for an unjudged corrective one
    effectiveness_by: str
    effectiveness_on: date | None
    effectiveness_signature: str = ""  # the check as signed (services.signoff)
    archived_on: date | None = None  # archived (finished, out of the working lists) since
    archive_reason: str = ""


@dataclass(frozen=True)
class Month:
    label: str  # "Nov 2026"
    opened: int
    closed: int
    overdue: int  # open at the month's end and past their due date then


@dataclass(frozen=True)
class ActionLog:
    entries: tuple[LogEntry, ...]
    months: tuple[Month, ...]

    def overdue(self) -> list[LogEntry]:
        """Open and late, the latest first (most days overdue first)."""
        return sorted((e for e in self.entries if e.overdue),
                      key=lambda e: (-e.days_overdue, e.ref))

    def open_on_time(self) -> list[LogEntry]:
        return [e for e in self.entries if e.status in rules.OPEN_STATUSES and not e.overdue]

    def closed(self) -> list[LogEntry]:
        return [e for e in self.entries if e.status in rules.CLOSED_STATUSES]

    def archived(self) -> list[LogEntry]:
        """Finished actions archived out of the working lists (also among closed())."""
        return [e for e in self.entries if e.archived_on is not None]

    def by_source(self) -> Counter[str]:
        return Counter(e.source for e in self.entries)

    def effectiveness(self) -> Counter[str]:
        """Done actions by the result of their effectiveness check."""
        return Counter(e.effectiveness or NOTHING for e in self.entries if e.status == "done")


def needs_check(kind: str, status: str, effectiveness: str) -> bool:
    """A done corrective action whose effectiveness was not judged (10.2.1 d)."""
    return kind == "corrective" and status == "done" and not effectiveness


def _months(today: date, count: int) -> list[date]:
    first = today.replace(day=1)
    return [add_months(first, -offset) for offset in range(count - 1, -1, -1)]


def action_log(db: Database, today: date, months: int = 12) -> ActionLog:
    """Every action (open, closed and cancelled) and the last ``months`` months' flow."""
    rows = {row.id: row for row in list_actions(db, today)}
    with db.read() as session:
        details = {row.id: row for row in session.execute(
            select(Action.id, Action.start_date, Action.created_at, Action.completed_on,
                   Action.effectiveness_by, Action.effectiveness_on,
                   Action.effectiveness_login, Action.effectiveness_at,
                   Action.effectiveness_hash, Action.effectiveness_meaning))}
    entries = []
    for action_id, row in rows.items():
        detail = details[action_id]
        effectiveness = row.effectiveness or (
            NOT_CHECKED if needs_check(row.kind, row.status, row.effectiveness) else "")
        late = (today - row.due_date).days if row.overdue and row.due_date else 0
        entries.append(LogEntry(
            action_id, row.ref, row.title, row.kind, row.source, row.source_ref, row.owner,
            detail.start_date or detail.created_at.date(), row.due_date, row.status,
            detail.completed_on, row.overdue, late, effectiveness, detail.effectiveness_by,
            detail.effectiveness_on, signoff.signature_line(
                detail.effectiveness_login, detail.effectiveness_at,
                detail.effectiveness_hash, detail.effectiveness_meaning),
            archived_on=row.archived_on, archive_reason=row.archive_reason))
    flow = []
    for start in _months(today, months):
        end = min(add_months(start, 1) - timedelta(days=1), today)
        opened = sum(1 for e in entries if e.start_date and start <= e.start_date <= end)
        closed = sum(1 for e in entries
                     if e.completed_on and start <= e.completed_on <= end)
        overdue = sum(1 for e in entries
                      if e.due_date is not None and e.due_date < end
                      and e.start_date is not None and e.start_date <= end
                      and e.status != "cancelled"
                      and (e.completed_on is None or e.completed_on > end))
        flow.append(Month(f"{start:%b %Y}", opened, closed, overdue))
    return ActionLog(tuple(sorted(entries, key=lambda e: e.ref)), tuple(flow))
