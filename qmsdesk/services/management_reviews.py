"""Management-review meetings (ISO 9001 9.3): record one, list them, offer them as sources.

The meeting itself is short: when it was held, the period it reviewed, who chaired and
attended, and its conclusions. Its decisions become actions in the shared log with the
meeting as their source, so the next review's input pack can report their status.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select

from qmsdesk.models.db import Database
from qmsdesk.models.objectives import Action
from qmsdesk.models.reviews import ManagementReview
from qmsdesk.services.actions import rules as action_rules
from qmsdesk.services.errors import NotFoundError, ValidationError
from qmsdesk.services.exchange.columns import Table, col, stamps
from qmsdesk.services.records import conflict_guard, load_for_update, next_ref
from qmsdesk.services.validation import check_dates, check_text, tidy_text

NAME_LIMIT = 200
TEXT_LIMIT = 20_000
_FIELDS = ("held_on", "period_from", "period_to", "chair", "attendees", "conclusions")


@dataclass
class ReviewMeeting:
    """One management review as the editor sees it."""

    held_on: date | None = None
    period_from: date | None = None
    period_to: date | None = None
    chair: str = ""
    attendees: str = ""
    conclusions: str = ""
    id: int | None = None
    ref: str = ""
    version: int = 0
    updated_at: datetime | None = None


@dataclass(frozen=True)
class ReviewMeetingRow:
    id: int
    ref: str
    held_on: date
    period_from: date
    period_to: date
    chair: str
    actions: int
    open_actions: int

    @property
    def choice_label(self) -> str:
        return f"{self.ref} — held {self.held_on.isoformat()}"


def _day(value: object) -> date | None:
    """``value`` if it is a day (a date, not a datetime), else None."""
    return value if isinstance(value, date) and not isinstance(value, datetime) else None


def validate_meeting(record: ReviewMeeting, today: date) -> dict[str, str]:
    """Field -> message for everything wrong with a meeting record."""
    errors: dict[str, str] = {}
    held, start, end = _day(record.held_on), _day(record.period_from), _day(record.period_to)
    for key, label, value in (("held_on", "Meeting date", held),
                              ("period_from", "Period start", start),
                              ("period_to", "Period end", end)):
        if value is None:
            errors[key] = f"{label} is required."
    if held is not None and held > today:
        errors["held_on"] = "Record a management review once it has been held (not a future date)."
    if start is not None and end is not None:
        if start > end:
            errors["period_to"] = "The period must end on or after its start."
        elif held is not None and end > held:
            errors["period_to"] = "The reviewed period cannot end after the meeting."
    check_text(errors, "chair", record.chair, "Chair", NAME_LIMIT)
    check_text(errors, "attendees", record.attendees, "Attendees", TEXT_LIMIT)
    check_text(errors, "conclusions", record.conclusions, "Conclusions", TEXT_LIMIT)
    check_dates(errors, record)
    return errors


def _prefix(held_on: date) -> str:
    return f"{ManagementReview.ref_prefix}-{held_on.year}-"


def list_meetings(db: Database) -> list[ReviewMeetingRow]:
    """Every management review, most recent first, with its count of (open) actions."""
    open_statuses = action_rules.OPEN_STATUSES
    query = (
        select(ManagementReview.id, ManagementReview.ref, ManagementReview.held_on,
               ManagementReview.period_from, ManagementReview.period_to,
               ManagementReview.chair, func.count(Action.id),
               func.count(Action.id).filter(Action.status.in_(open_statuses)))
        .outerjoin(Action, Action.management_review_id == ManagementReview.id)
        .group_by(ManagementReview.id)
        .order_by(ManagementReview.held_on.desc(), ManagementReview.id.desc()))
    with db.read() as session:
        return [ReviewMeetingRow(*row) for row in session.execute(query)]


def meeting_choices(db: Database, today: date) -> list[tuple[int, str]]:
    """(id, "REF — held DATE") of every meeting, for choosing an action's source."""
    return [(row.id, row.choice_label) for row in list_meetings(db)]


def get_meeting(db: Database, meeting_id: int) -> ReviewMeeting:
    with db.read() as session:
        meeting = session.get(ManagementReview, meeting_id)
        if meeting is None:
            raise NotFoundError(f"Management review #{meeting_id} does not exist.")
        record = ReviewMeeting(**{name: getattr(meeting, name) for name in _FIELDS})
        record.id, record.ref, record.version = meeting.id, meeting.ref, meeting.version
        record.updated_at = meeting.updated_at
        return record


def save_meeting(db: Database, record: ReviewMeeting, today: date) -> ReviewMeeting:
    """Validate and save one meeting in one transaction; return it reloaded."""
    tidy_text(record, ("chair",))
    errors = validate_meeting(record, today)
    if errors:
        raise ValidationError(errors)
    label = record.ref or "The management review"
    with db.session() as session, conflict_guard(label):
        if record.id is None:
            assert record.held_on is not None  # validated above
            meeting = ManagementReview(ref=next_ref(session, ManagementReview, 2,
                                                    _prefix(record.held_on)))
            session.add(meeting)
        else:
            meeting = load_for_update(session, ManagementReview, record.id, record.version,
                                      label)
        for name in _FIELDS:
            setattr(meeting, name, getattr(record, name))
        session.flush()
        meeting_id = meeting.id
    return get_meeting(db, meeting_id)


# The meetings as a flat table (the auditor pack).
MANAGEMENT_REVIEWS = Table("management_reviews", "Management reviews", (
    col("Reference", ManagementReview.ref, "code"),
    col("Held on", ManagementReview.held_on, "date"),
    col("Period from", ManagementReview.period_from, "date"),
    col("Period to", ManagementReview.period_to, "date"),
    col("Chair", ManagementReview.chair),
    col("Attendees", ManagementReview.attendees),
    col("Conclusions", ManagementReview.conclusions),
    *stamps(ManagementReview),
), ManagementReview, (ManagementReview.ref, ManagementReview.id))

TABLES = (MANAGEMENT_REVIEWS,)
