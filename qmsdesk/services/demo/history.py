"""The demo's history: every record is written on the day of its story, in story order.

A section's builder is a generator (a ``Story``) that yields the day of its next write (a
``date``) before making it, and a label (a ``str``) after each step of progress. ``play``
runs the sections side by side, always resuming the one whose next write is the earliest,
with the clock stopped at a moment of that day. So the audit trail (and each record's
created and updated times) tells the story as it happened: a party added three years ago
has its entries three years ago, an engagement is logged on its day, a review is approved
on its approval date. The trail only grows, so its entries must be written in the order of
their moments: that is why the sections are interleaved rather than dated afterwards.
Nothing is dated after the moment the demo started.

``Timeline`` orders the writes of one section; ``action_stages`` splits an action into what
was entered when (opened, completed or cancelled, checked for effectiveness).
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from functools import partial

from qmsdesk import clock
from qmsdesk.models.db import Database
from qmsdesk.services.actions.records import ActionRecord
from qmsdesk.services.actions.service import save_action
from qmsdesk.services.dates import add_months

Story = Iterator[date | str]
Write = Callable[[], str | list[str] | None]  # makes a write; returns its progress labels

# The organisation set up its QMS (settings, the parties register) this many months before
# ``today``: before the first supplier approvals (up to about 43 months back).
QMS_MONTHS = 45
# The working day of the story: the first write of a day at 08:30 UTC, the next ones a few
# minutes apart, never past the evening (a busy day's last writes share its last moment).
DAY_STARTS = time(8, 30)
PACE = timedelta(minutes=3)
LATEST = timedelta(hours=9)


def started_on(today: date) -> date:
    """The day the organisation set up its QMS in the story (a weekday)."""
    day = add_months(today, -QMS_MONTHS)
    return day - timedelta(days=max(0, day.weekday() - 4))


def moment(day: date, earlier_writes: int, started: datetime) -> datetime:
    """When the write number ``earlier_writes`` (from 0) of ``day`` happened: never after
    ``started`` (the real moment the demo began)."""
    at = datetime.combine(day, DAY_STARTS, tzinfo=UTC) + min(PACE * earlier_writes, LATEST)
    return min(at, started)


def _until_next_day(story: Story) -> tuple[list[str], date | None]:
    """Run a story to the day of its next write (None: it ended); its labels on the way."""
    labels: list[str] = []
    for item in story:
        if isinstance(item, date):
            return labels, item
        labels.append(item)
    return labels, None


def play(stories: Sequence[Story], started: datetime) -> Iterator[str]:
    """Run the stories interleaved in the order of their days (on one day, in the order
    given), each write at its moment (``clock.story_time``, on this thread only); yield
    their labels.

    A story that names a day before its previous one is written on its previous day:
    nothing goes back in time. The clock is as it was whenever a label is yielded, and
    after an error.
    """
    waiting: list[tuple[date, int]] = []
    by_index = dict(enumerate(stories))
    for index, story in by_index.items():
        labels, day = _until_next_day(story)  # planning: no story writes before its first day
        yield from labels
        if day is not None:
            heapq.heappush(waiting, (day, index))
    writes: Counter[date] = Counter()
    while waiting:
        day, index = heapq.heappop(waiting)
        at = moment(day, writes[day], started)
        writes[day] += 1
        with clock.story_time(at):  # this thread only: the window's clock runs on
            labels, next_day = _until_next_day(by_index[index])
        yield from labels
        if next_day is not None:
            heapq.heappush(waiting, (max(next_day, day), index))


@dataclass(order=True)
class _Event:
    day: date
    order: int
    write: Write = field(compare=False)


@dataclass
class Timeline:
    """The writes of one section, each on its day, made in day order (on one day, in the
    order they were added). A write may add later ones, e.g. once the record it created
    has an id."""

    _events: list[_Event] = field(default_factory=list)
    _added: int = 0

    def add(self, day: date, write: Write) -> None:
        heapq.heappush(self._events, _Event(day, self._added, write))
        self._added += 1

    def run(self) -> Story:
        while self._events:
            event = heapq.heappop(self._events)
            yield event.day
            labels = event.write()
            yield from [labels] if isinstance(labels, str) else labels or ()


def action_stages(final: ActionRecord, today: date) -> list[tuple[date, ActionRecord]]:
    """What was entered when, for an action that ends as ``final``: opened on its start
    date; done on its completion date, or cancelled half-way to its due date; checked for
    effectiveness on the day of the check. Open and in-progress actions are one stage."""
    opened = final.start_date or today
    if final.status not in ("done", "cancelled"):
        return [(opened, final)]
    working = replace(final, status="in progress", progress=0, completed_on=None,
                      effectiveness="", effectiveness_by="", effectiveness_on=None,
                      evidence="")
    if final.status == "cancelled":
        due = final.due_date or opened
        closed = min(opened + (due - opened) / 2, today)
    else:
        closed = final.completed_on or opened
    unchecked = replace(final, effectiveness="", effectiveness_by="", effectiveness_on=None)
    stages = [(opened, working), (max(closed, opened), unchecked)]
    if final.effectiveness_on is not None:
        stages.append((max(final.effectiveness_on, closed, opened), final))
    elif final.effectiveness:  # a result without a date: recorded when it closed
        stages[-1] = (stages[-1][0], final)
    return stages


def save_in_stages(timeline: Timeline, db: Database, final: ActionRecord,
                   today: date) -> None:
    """Add the saving of an action's stages to ``timeline``; the first stage's write is
    labelled with the action's reference and title."""
    stages = action_stages(final, today)
    saved: list[ActionRecord] = []

    def write(stage: ActionRecord) -> str | None:
        if saved:
            stage = replace(stage, id=saved[-1].id, ref=saved[-1].ref,
                            version=saved[-1].version)
        saved.append(save_action(db, stage, today))
        return f"{saved[-1].ref} {saved[-1].title}" if len(saved) == 1 else None

    for day, stage in stages:
        timeline.add(day, partial(write, stage))
