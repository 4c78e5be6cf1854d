"""Quality-objective rules in one place (ISO 9001 6.2): periods, targets, health, validation.

Pure functions on plain values: no database, no Qt. The one health rule is documented on
:func:`health`; the rule for a missing measurement on :func:`measurement_overdue`.
"""

from __future__ import annotations

import calendar
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import TypeGuard

from qmsdesk.services import numbers
from qmsdesk.services.objectives.records import MeasurementRecord, ObjectiveRecord
from qmsdesk.services.validation import DESCRIPTION_LIMIT, NOTE_LIMIT, check_dates, check_text

DIRECTIONS = ("increase", "decrease", "band")
FREQUENCIES = ("monthly", "quarterly", "half-yearly", "yearly")
STATUSES = ("draft", "active", "achieved", "missed", "cancelled")

ON_TRACK = "on track"
AT_RISK = "at risk"
OFF_TRACK = "off track"
ACHIEVED = "achieved"
NO_DATA = "no data"
MEASUREMENT_OVERDUE = "measurement overdue"
MISSED = "missed"  # closed as missed: a final outcome, no longer "off track"
NOT_TRACKED = "not tracked"  # draft and cancelled objectives
# Worst first, so sorting by HEALTHS.index puts what needs attention on top: a missing
# measurement (nobody knows), then off track, at risk, no data yet (nothing was due),
# on track; then the closed outcomes, achieved and missed, and last the objectives
# nobody tracks.
HEALTHS = (MEASUREMENT_OVERDUE, OFF_TRACK, AT_RISK, NO_DATA, ON_TRACK, ACHIEVED, MISSED,
           NOT_TRACKED)
NEEDS_ATTENTION = frozenset({MEASUREMENT_OVERDUE, OFF_TRACK, AT_RISK})


def needs_attention(health: str) -> bool:
    """Whether an objective of this health is one to act on (dashboard, review pack)."""
    return health in NEEDS_ATTENTION

# Days after a period's last day to record its measurement before it counts as overdue.
GRACE_DAYS = 15
# Progress may lag the straight line by this much (a fraction of the whole way) ...
ON_TRACK_TOLERANCE = 0.10
# ... and by this much before the objective is off track.
AT_RISK_TOLERANCE = 0.25
# A band value outside the band by at most this fraction of the band's width is at risk.
BAND_TOLERANCE = 0.25
# Absorbs float noise so that the boundaries above are inclusive as documented.
_EPSILON = 1e-9

# The health a status other than active gives, whatever was measured.
_CLOSED = {"draft": NOT_TRACKED, "cancelled": NOT_TRACKED, "achieved": ACHIEVED,
           "missed": MISSED}
_MONTHS = {"monthly": 1, "quarterly": 3, "half-yearly": 6, "yearly": 12}
_PERIOD = re.compile(r"^(\d{4})(?:-(0[1-9]|1[0-2])|-Q([1-4])|-H([12]))?$")
_TEXT_LIMITS = (("title", "Title", 200, True), ("kpi_name", "KPI name", 200, True),
                ("unit", "Unit", 30, False), ("process", "Process", 200, False),
                ("owner", "Owner", 200, False),
                ("description", "Description", DESCRIPTION_LIMIT, False),
                ("policy_commitment", "Policy commitment", 1_000, False),
                ("resources", "Resources", NOTE_LIMIT, False),
                ("evaluation", "How evaluated", NOTE_LIMIT, False))


# --- periods ----------------------------------------------------------------------------

def _months_per_period(frequency: str) -> int:
    try:
        return _MONTHS[frequency]
    except KeyError:
        raise ValueError(f"unknown frequency {frequency!r}") from None


def _period_start(on: date, frequency: str) -> date:
    step = _months_per_period(frequency)
    return date(on.year, (on.month - 1) // step * step + 1, 1)


def period_of(on: date, frequency: str) -> str:
    """The period holding ``on``: 2026-03 (monthly), 2026-Q1, 2026-H1 or 2026 (yearly)."""
    step = _months_per_period(frequency)
    index = (on.month - 1) // step + 1
    suffix = {1: f"-{on.month:02d}", 3: f"-Q{index}", 6: f"-H{index}", 12: ""}[step]
    return f"{on.year:04d}{suffix}"


def period_bounds(period: str) -> tuple[date, date]:
    """First and last day of a period written as :func:`period_of` writes it."""
    match = _PERIOD.match(period)
    if match is None:
        raise ValueError(f"not a period: {period!r}")
    year_text, month, quarter, half = match.groups()
    year = int(year_text)
    if month is not None:
        first_month, length = int(month), 1
    elif quarter is not None:
        first_month, length = (int(quarter) - 1) * 3 + 1, 3
    elif half is not None:
        first_month, length = (int(half) - 1) * 6 + 1, 6
    else:
        first_month, length = 1, 12
    last_month = first_month + length - 1
    last_day = calendar.monthrange(year, last_month)[1]
    return date(year, first_month, 1), date(year, last_month, last_day)


@lru_cache(maxsize=4096)
def period_span(on: date, frequency: str) -> tuple[date, date]:
    """First and last day of the period holding ``on``, worked out on dates alone (what
    ``period_bounds(period_of(on, frequency))`` gives, without writing the period down).
    Remembered: a register's objectives share their periods (today's, their starts', their
    latest measurements'), and the dashboard asks for thousands of them."""
    first = _period_start(on, frequency)
    last_month = first.month + _months_per_period(frequency) - 1
    return first, date(on.year, last_month, calendar.monthrange(on.year, last_month)[1])


def periods_between(start: date, end: date, frequency: str) -> list[str]:
    """Every period that overlaps start..end (both included), oldest first; [] if end < start."""
    step = _months_per_period(frequency)
    if end < start:
        return []
    current, last = _period_start(start, frequency), _period_start(end, frequency)
    periods = []
    while current <= last:
        periods.append(period_of(current, frequency))
        index = current.month - 1 + step
        if current.year + index // 12 > date.max.year:
            break  # the last period of the calendar: there is no "next"
        current = date(current.year + index // 12, index % 12 + 1, 1)
    return periods


# --- targets and measurements -----------------------------------------------------------

@dataclass(frozen=True)
class Target:
    """What an objective asks for. A band asks for target <= value <= target_max."""

    direction: str
    baseline: float
    target: float
    target_max: float | None = None

    def met(self, value: float) -> bool:
        if self.direction == "increase":
            return value >= self.target
        if self.direction == "decrease":
            return value <= self.target
        if self.direction == "band":
            return self.target <= value <= self.upper
        raise ValueError(f"unknown direction {self.direction!r}")

    @property
    def upper(self) -> float:
        """The top of a band (the target itself when no upper limit was given)."""
        return self.target if self.target_max is None else self.target_max

    @property
    def asks_improvement(self) -> bool:
        """Increase/decrease with the target strictly on the better side of the baseline."""
        if self.direction == "increase":
            return self.target > self.baseline
        if self.direction == "decrease":
            return self.target < self.baseline
        return False


def format_number(value: float | None, unit: str = "") -> str:
    """12.5 -> "12.5", 99.80 -> "99.8", 120000.75 -> "120,000.75"; with the unit: "99.8 %".
    Every decimal the value was recorded with is kept: a target is printed as promised."""
    return numbers.format_number(value, unit)


def target_text(direction: str, target: float | None, target_max: float | None,
                unit: str) -> str:
    """What an objective aims at, as tables and reports print it: "≥ 99.8 %", "2–5 days"."""
    if target is None:
        return ""
    if direction == "band":
        return f"{format_number(target)}–{format_number(target_max, unit)}"
    sign = "≥" if direction == "increase" else "≤"
    return f"{sign} {format_number(target, unit)}"


@dataclass(frozen=True)
class Point:
    """One measured value of the objective's KPI."""

    on_date: date
    value: float


def elapsed_fraction(start: date, due: date, on: date) -> float:
    """How much of start..due has passed on ``on``, from 0.0 to 1.0."""
    span = (due - start).days
    if span <= 0:
        return 1.0 if on >= start else 0.0
    return min(1.0, max(0.0, (on - start).days / span))


def expected_value(target: Target, start: date, due: date, on: date) -> float:
    """The straight line the charts draw: baseline on the start date to target on the due date.

    For a band the line runs to the nearest edge of the band (flat when the baseline is in it).
    """
    goal = target.target
    if target.direction == "band":
        goal = min(max(target.baseline, target.target), target.upper)
    return target.baseline + (goal - target.baseline) * elapsed_fraction(start, due, on)


def measurement_overdue(start: date, due: date, frequency: str, points: Sequence[Point],
                        today: date, grace_days: int = GRACE_DAYS) -> bool:
    """True when the latest completed period has no measurement in it or later.

    The rule: of the periods of ``frequency`` that overlap start..due, take the latest one
    that is complete, meaning its last day + ``grace_days`` is before ``today``. It is
    overdue when no point is dated on or after that period's first day (and not after
    today: future-dated points count for nothing). Consequences: nothing is overdue until
    the first period has ended and its grace has passed; a late measurement in a later
    period also covers the missed one; after the due date the period holding the due date
    keeps asking for the final measurement until it is recorded or the status is closed.
    """
    grace = timedelta(days=grace_days)
    end = min(due, today)  # periods after today are not complete: never look past it
    if end < start:
        return False
    first_allowed = _period_start(start, frequency)
    first, last = period_span(end, frequency)
    # From the period holding ``end`` back to the one holding ``start``: the first complete
    # one. With a grace shorter than a period this is at most one step back.
    while last + grace >= today:
        if first <= first_allowed:
            return False
        first, last = period_span(first - timedelta(days=1), frequency)
    required_from = first
    return not any(required_from <= point.on_date <= today for point in points)


def _progress_health(progress: float, expected: float) -> str:
    if progress >= expected - ON_TRACK_TOLERANCE - _EPSILON:
        return ON_TRACK
    if progress >= expected - AT_RISK_TOLERANCE - _EPSILON:
        return AT_RISK
    return OFF_TRACK


def _band_health(target: Target, value: float, expected: float) -> str:
    """Health of a value outside the band, before the due date."""
    low, high = target.target, target.upper
    baseline = target.baseline
    if value < low:
        edge, distance, coming_from_this_side = low, low - value, baseline < low
    else:
        edge, distance, coming_from_this_side = high, value - high, baseline > high
    if coming_from_this_side:  # still on the way into the band: judged like increase/decrease
        return _progress_health((value - baseline) / (edge - baseline), expected)
    width = high - low if high > low else abs(low - baseline)
    return AT_RISK if distance <= (BAND_TOLERANCE + _EPSILON) * width else OFF_TRACK


def health(target: Target, start: date, due: date, frequency: str, points: Sequence[Point],
           today: date, status: str = "active") -> str:
    """The one health word of an objective on ``today``. First match wins:

    1. status draft or cancelled -> NOT_TRACKED; achieved -> ACHIEVED; missed -> MISSED
       (a closed outcome: an active objective past its due date is OFF_TRACK until
       someone closes it as achieved or missed).
       Any other status is treated as active.
    2. :func:`measurement_overdue` (grace ``GRACE_DAYS`` = 15 days) -> MEASUREMENT_OVERDUE.
       It beats ACHIEVED too: a value that met the target periods ago is no evidence it
       still does; keep measuring until the due date, or close the objective as achieved.
    3. no point dated on or before today -> NO_DATA (points dated after today are ignored).
    4. the latest point (by date; for equal dates the last one given) meets the target:
       increase/decrease asking for improvement -> ACHIEVED. A band, or an objective that
       asks for no improvement (target equal to or worse than the baseline: hold the value)
       -> ON_TRACK until the due date, ACHIEVED once it has passed (due < today).
    5. due date passed and the target not met -> OFF_TRACK.
    6. increase/decrease asking for no improvement, target missed -> OFF_TRACK.
    7. progress against the straight line: p = (latest - baseline) / (target - baseline),
       e = fraction of start..due elapsed on the latest point's date (0..1).
       p >= e - ON_TRACK_TOLERANCE (0.10) -> ON_TRACK; p >= e - AT_RISK_TOLERANCE (0.25)
       -> AT_RISK; else OFF_TRACK.
       A band value outside the band: if the baseline lies outside on the same side, the
       objective is still on its way into the band and step 7 applies with the nearest band
       edge as target. Otherwise the band is to be held: outside by at most
       BAND_TOLERANCE (25 %) of the band's width -> AT_RISK, further -> OFF_TRACK (when the
       width is 0, 25 % of |target - baseline|; when that is 0 too, any miss is OFF_TRACK).

    Only differences and ratios of the numbers are used, so mirroring an increase objective
    into a decrease one (negating every number), shifting every number by a constant or
    scaling by a positive factor never changes the result.
    """
    if status in _CLOSED:
        return _CLOSED[status]
    if target.direction not in DIRECTIONS:
        raise ValueError(f"unknown direction {target.direction!r}")
    known = sorted((p for p in points if p.on_date <= today), key=lambda p: p.on_date)
    if measurement_overdue(start, due, frequency, known, today):
        return MEASUREMENT_OVERDUE
    if not known:
        return NO_DATA
    latest = known[-1]
    due_passed = due < today
    if target.met(latest.value):
        return ACHIEVED if target.asks_improvement or due_passed else ON_TRACK
    if due_passed:
        return OFF_TRACK
    expected = elapsed_fraction(start, due, latest.on_date)
    if target.direction == "band":
        return _band_health(target, latest.value, expected)
    if not target.asks_improvement:
        return OFF_TRACK
    progress = (latest.value - target.baseline) / (target.target - target.baseline)
    return _progress_health(progress, expected)


# --- validation -------------------------------------------------------------------------

def is_number(value: object) -> TypeGuard[int | float]:
    """A finite int or float; a bool is not a measurement, though Python says True == 1."""
    return (isinstance(value, int | float) and not isinstance(value, bool)
            and math.isfinite(value))


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _check_number(errors: dict[str, str], key: str, value: object, label: str) -> float | None:
    """The value as a float when it is a usable number; otherwise records why and gives None."""
    if value is None:
        errors[key] = f"{label} is required."
    elif not is_number(value):
        errors[key] = f"{label} must be a number."
    else:
        return float(value)
    return None


def validate_measurement(m: MeasurementRecord, start: date | None, due: date | None,
                         frequency: str, today: date) -> dict[str, str]:
    """One measurement on its own; field name (value, on_date, recorded_by) -> message.

    ``start``/``due`` may be None when the objective's own dates are invalid: those checks are
    skipped. ``frequency`` is unused: one value per period needs the other measurements and
    is checked in :func:`validate_objective`.
    """
    errors: dict[str, str] = {}
    _check_number(errors, "value", m.value, "The value")
    on = m.on_date
    if not isinstance(on, date):
        errors["on_date"] = "A date is required."
    elif isinstance(start, date) and on < start:
        errors["on_date"] = f"The date {on} is before the objective starts ({start})."
    elif isinstance(due, date) and on > due:
        errors["on_date"] = f"The date {on} is after the objective's due date ({due})."
    elif on > today:
        errors["on_date"] = f"The date {on} is in the future; record values once measured."
    check_text(errors, "recorded_by", _text(m.recorded_by), "Recorded by", 200)
    check_text(errors, "comment", _text(m.comment), "The comment", NOTE_LIMIT)
    return errors


def _check_target(errors: dict[str, str], record: ObjectiveRecord) -> None:
    direction = record.direction
    baseline = _check_number(errors, "baseline", record.baseline, "Baseline")
    target = _check_number(errors, "target", record.target, "Target")
    if direction not in DIRECTIONS:
        errors["direction"] = "Direction must be increase, decrease or band."
    if direction == "band":
        if record.target_max is None:
            errors["target_max"] = "A band needs an upper limit (the highest acceptable value)."
        else:
            upper = _check_number(errors, "target_max", record.target_max, "The upper limit")
            if upper is not None and target is not None and upper <= target:
                errors["target_max"] = f"The upper limit must be above the target ({target})."
    elif record.target_max is not None:
        errors["target_max"] = ("Only a band has an upper limit: clear it, or choose the "
                                "direction band.")
    if baseline is None or target is None:
        return
    if direction == "increase" and not target > baseline:
        errors["target"] = ("For an objective to increase, the target must be above the "
                            f"baseline ({baseline}).")
    elif direction == "decrease" and not target < baseline:
        errors["target"] = ("For an objective to decrease, the target must be below the "
                            f"baseline ({baseline}).")


def validate_objective(record: ObjectiveRecord, today: date) -> dict[str, str]:
    """Every rule that can be checked without the database; field name -> message.

    Measurement problems use the keys ``measurements[i].value`` / ``measurements[i].on_date``
    (i from 0) and messages that start "Measurement i+1: ".
    """
    errors: dict[str, str] = {}
    for key, label, limit, required in _TEXT_LIMITS:
        check_text(errors, key, _text(getattr(record, key)), label, limit, required)
    _check_target(errors, record)
    frequency_ok = record.frequency in FREQUENCIES
    if not frequency_ok:
        errors["frequency"] = "Frequency must be monthly, quarterly, half-yearly or yearly."
    if record.status not in STATUSES:
        errors["status"] = f"Status must be one of: {', '.join(STATUSES)}."
    start = record.start_date if isinstance(record.start_date, date) else None
    due = record.due_date if isinstance(record.due_date, date) else None
    if start is None:
        errors["start_date"] = "Start date is required."
    if due is None:
        errors["due_date"] = "Due date is required."
    elif start is not None and due <= start:
        errors["due_date"] = f"The due date must be after the start date ({start})."
    if record.status != "draft":
        if "owner" not in errors and not _text(record.owner).strip():
            errors["owner"] = "Owner is required: who is responsible for this objective?"
        if not _text(record.policy_commitment).strip():
            errors["policy_commitment"] = "Choose the policy commitment this objective supports."
    seen: dict[str, int] = {}
    for i, measurement in enumerate(record.measurements):
        prefix = f"Measurement {i + 1}: "
        for key, message in validate_measurement(measurement, start, due, record.frequency,
                                                 today).items():
            errors[f"measurements[{i}].{key}"] = prefix + message[0].lower() + message[1:]
        on = measurement.on_date
        if not frequency_ok or not isinstance(on, date):
            continue
        period = period_of(on, record.frequency)
        if period in seen:
            errors.setdefault(f"measurements[{i}].on_date", f"{prefix}{period} already has a "
                              f"value (measurement {seen[period] + 1}).")
        else:
            seen[period] = i
    check_dates(errors, record)
    return errors


# The outcomes an objective is archived with: one still draft or active is decided first.
OUTCOMES = ("achieved", "missed", "cancelled")


def archive_refusal(ref: str, status: str, open_actions: Sequence[str] = ()) -> str:
    """Why an objective may not be (or stay) archived, "" when it may. Archived, it leaves
    every working list (dashboard, due dates, My work), so it is decided first (achieved,
    missed or cancelled) and its open actions closed or cancelled: nothing unfinished is
    forgotten."""
    name = ref or "The objective"
    if status not in OUTCOMES:
        return (f"{name} is {status}: set its outcome (achieved, missed or cancelled) "
                "before archiving it.")
    if open_actions:
        shown = ", ".join(open_actions[:5]) + (" …" if len(open_actions) > 5 else "")
        return (f"{name} still has {len(open_actions)} open "
                f"action{'s' if len(open_actions) != 1 else ''} ({shown}): close or "
                "cancel them before archiving it.")
    return ""
