"""Supplier rules in one place (ISO 9001 8.4): criteria, scores, bands, KPIs, validation.

Pure functions on plain values, no database, no Qt. "No data" is a value, never 0 or 100: a
KPI with nothing delivered, a total with nothing scored and its band are None (NO_DATA)."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeGuard

from qmsdesk.services import numbers
from qmsdesk.services.dates import add_months
from qmsdesk.services.objectives.rules import is_number
from qmsdesk.services.suppliers.records import (
    CertificateRecord,
    CriterionScore,
    ReviewRecord,
    SupplierRecord,
)
from qmsdesk.services.validation import (
    DESCRIPTION_LIMIT,
    NOTE_LIMIT,
    check_dates,
    check_text,
    check_texts,
)

CRITICALITIES = ("critical", "major", "minor")
STATUSES = ("pending", "approved", "conditional", "preferred", "suspended", "disqualified")
APPROVED_STATUSES = ("approved", "preferred")  # used without conditions
# No longer used, kept for the record: set only by archiving (archive.py), never chosen as
# a status or a review decision; restoring returns to the status it had before.
ARCHIVED = "archived"
NOT_IN_USE = ("disqualified", ARCHIVED)


def in_use(status: str) -> bool:
    """A supplier still used (its reviews and certificates are due, the dashboard counts
    it): neither disqualified nor archived."""
    return status not in NOT_IN_USE
REVIEW_KINDS = ("initial", "periodic", "ad hoc", "re-evaluation")
DEFAULT_INTERVALS: Mapping[str, int] = {"critical": 6, "major": 12, "minor": 24}
MAX_INTERVAL_MONTHS = 60
CERTIFICATE_WARNING_DAYS = 60
EXPIRED, EXPIRING, VALID, NO_EXPIRY = "expired", "expiring", "valid", "no expiry"
NO_DATA = "no data"
NO_BAND = "No data"  # where the charts count a supplier without an approved result
LIKERT: Mapping[int, int] = {1: 0, 2: 25, 3: 50, 4: 75, 5: 100}  # 1-5 entry -> 0-100 score
WEIGHT_TOTAL = 100
WEIGHT_TOLERANCE = 0.01  # so 33.33 x 3 = 99.99 passes
_EPSILON = 1e-9  # absorbs float noise: thresholds stay inclusive as documented (85 is A)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]{2,}$")  # as parties.rules
_PHONE = re.compile(r"^[0-9+()./\- ]{3,50}$")
_KPIS = (  # whole, part, the whole in a sentence, how to ask for the whole
         ("deliveries_total", "deliveries_on_time", "deliveries", "deliveries there were"),
         ("lots_received", "lots_rejected", "lots received", "lots were received"),
         ("units_received", "units_rejected", "units received", "units were received"))
_KPI_FIELDS = tuple(key for pair in _KPIS for key in pair[:2])


@dataclass(frozen=True)
class Criterion:
    """An evaluation criterion as configured in settings; ``weight`` is a percentage."""
    name: str
    description: str
    weight: float


@dataclass(frozen=True)
class Band:
    """A standing: totals from ``minimum`` up to the next better band's minimum."""
    name: str
    minimum: float


DEFAULT_CRITERIA = (
    Criterion("Quality", "Lots accepted, defect ppm, complaints.", 35),
    Criterion("Delivery", "On time and in full, as confirmed.", 30),
    Criterion("Responsiveness / communication", "Answers, corrective-action requests.", 15),
    Criterion("Price / commercial terms", "Price, payment terms, cost transparency.", 10),
    Criterion("Compliance / certification", "Certificates valid, requirements met.", 10))
DEFAULT_BANDS = (Band("A", 85), Band("B", 70), Band("C", 50), Band("D", 0))
BAND_DECISIONS = {"A": "preferred", "B": "approved", "C": "conditional", "D": "disqualified"}


def is_count(value: object) -> TypeGuard[int]:
    """A whole number 0 or more (a bool is not a count, though Python says True == 1)."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _named_rows(errors: dict[str, str], rows: Sequence[Any], prefix: str, noun: str,
                limit: int) -> Iterator[tuple[str, str, Any]]:
    """(key, label, row) per row, after checking its name: required, unique in any case."""
    seen: dict[str, int] = {}
    for i, row in enumerate(rows):
        key, label, name = f"{prefix}[{i}]", f"{noun.capitalize()} {i + 1}", _text(row.name)
        check_text(errors, f"{key}.name", name.strip(), f"{label}: name", limit, True)
        if (folded := name.strip().casefold()) and folded in seen:
            errors[f"{key}.name"] = (f"{label}: '{name.strip()}' is already used by {noun} "
                                     f"{seen[folded] + 1}.")
        seen.setdefault(folded, i)
        yield key, label, row


def likert_to_score(point: int) -> float:
    """The 0-100 score of a 1-5 entry (1 -> 0, 3 -> 50, 5 -> 100); ValueError otherwise."""
    if isinstance(point, bool) or point not in LIKERT:
        raise ValueError(f"a 1-5 entry, not {point!r}")
    return float(LIKERT[point])


def score_to_likert(score: float | None) -> int | None:
    """The nearest 1-5 point of a 0-100 score (halves round up: 62.5 -> 4); None stays None."""
    return None if score is None else math.floor(min(100.0, max(0.0, score)) / 25 + 0.5) + 1


def validate_criteria(criteria: Sequence[Criterion]) -> dict[str, str]:
    """Names required and unique, weights above 0 adding up to 100 (± WEIGHT_TOLERANCE). Keys
    ``criteria[i].name|weight``; ``criteria`` (none) / ``weights`` (the total)."""
    if not criteria:
        return {"criteria": "Define at least one criterion."}
    errors: dict[str, str] = {}
    for key, label, row in _named_rows(errors, criteria, "criteria", "criterion", 100):
        if not is_number(row.weight) or row.weight <= 0:
            errors[f"{key}.weight"] = f"{label}: the weight must be a number above 0."
    total = sum(c.weight for c in criteria if is_number(c.weight))
    if not any(key.endswith(".weight") for key in errors) \
            and abs(total - WEIGHT_TOTAL) > WEIGHT_TOLERANCE + _EPSILON:
        errors["weights"] = (f"The weights add up to {round(total, 2):g}; they must add up "
                             f"to {WEIGHT_TOTAL}.")
    return errors


@dataclass(frozen=True)
class ScoreResult:
    """``total`` 0-100, full precision (display: :func:`format_total`), None if nothing scored;
    ``used_weight`` % of the weight scored; ``excluded`` the unscored criteria; ``weights``
    each criterion (in order) with its effective, re-normalised weight in % (0 if excluded)."""

    total: float | None
    used_weight: float
    excluded: tuple[str, ...]
    weights: tuple[tuple[str, float], ...]

    @property
    def renormalised(self) -> bool:
        """Some criteria were left out and the others carry their weight."""
        return self.total is not None and bool(self.excluded)

    @property
    def note(self) -> str:
        """What the review and the report say about left-out criteria ("" when none)."""
        if self.total is None:
            return "No criterion was scored, so the review has no total (no data)."
        if not self.excluded:
            return ""
        *rest, last = self.excluded
        listed = f"{', '.join(rest)} and {last}" if rest else last
        return f"{listed[:1].upper()}{listed[1:]} not scored; the other weights were " \
               "re-normalised to 100 %."


def weighted_score(scores: Sequence[CriterionScore]) -> ScoreResult:
    """sum(weight x score) / sum(weight) over the scored criteria (scores clamped to 0..100):
    an unscored one (None) is left out and the other weights re-normalised, so the total
    never depends on the weights' scale. ValueError for a weight <= 0 or a non-number score."""
    for s in scores:
        if not (is_number(s.weight) and s.weight > 0 and (s.score is None or is_number(s.score))):
            raise ValueError(f"weight above 0 and score a number or None: {s!r}")
    excluded = tuple(s.criterion for s in scores if s.score is None)
    scored = [(float(s.weight), min(100.0, max(0.0, float(s.score))))
              for s in scores if s.score is not None]
    if not scored:
        return ScoreResult(None, 0.0, excluded, tuple((s.criterion, 0.0) for s in scores))
    used = sum(weight for weight, _ in scored)
    values, total = [v for _, v in scored], sum(w * v for w, v in scored) / used
    total = min(max(values), max(min(values), total))  # float noise never leaves the range
    effective = tuple((s.criterion, 0.0 if s.score is None else s.weight * 100 / used)
                      for s in scores)
    return ScoreResult(total, used * 100 / sum(s.weight for s in scores), excluded, effective)


def printed_total(total: float) -> float:
    """The total as printed: one decimal, halves rounded up (93.75 -> 93.8). Bands and trends
    are decided on it, so a printed 85.0 is never band B."""
    return float(numbers.rounded(total, numbers.SCORE_DECIMALS))


def format_total(total: float | None) -> str:
    """One decimal, halves rounded up: 93.75 -> "93.8", 84.99 -> "85.0"; None: no data."""
    if total is None:
        return NO_DATA
    return numbers.format_score(total)


def validate_bands(bands: Sequence[Band]) -> dict[str, str]:
    """Best first: names unique; minimums 0-100, each below the one before, the last 0, so every
    total 0-100 has exactly one band. Keys ``bands[i].name|minimum``; ``bands`` (the set)."""
    if not bands:
        return {"bands": "Define at least one band."}
    errors: dict[str, str] = {}
    previous: float | None = None
    for key, label, band in _named_rows(errors, bands, "bands", "band", 10):
        minimum = band.minimum if is_number(band.minimum) and 0 <= band.minimum <= 100 else None
        if minimum is None:
            errors[f"{key}.minimum"] = f"{label}: the minimum must be a number from 0 to 100."
        elif previous is not None and minimum >= previous:
            errors[f"{key}.minimum"] = (f"{label}: the minimum must be below the band above "
                                        f"({round(previous, 2):g}); list the best band first.")
        previous = minimum
    if previous is not None and previous > 0:
        errors["bands"] = (f"Totals below {round(previous, 2):g} get no band: the last band's "
                           "minimum must be 0.")
    return errors


def band_for(total: float | None, bands: Sequence[Band] = DEFAULT_BANDS) -> str | None:
    """The best band whose minimum the printed total reaches (85 -> A, 84.95 prints 85.0 -> A,
    84.94 -> B); None for no data. ValueError when no band takes the total
    (:func:`validate_bands` rules that out)."""
    if total is None:
        return None
    total = printed_total(total)
    for band in sorted(bands, key=lambda b: b.minimum, reverse=True):
        if total >= band.minimum - _EPSILON:
            return band.name
    raise ValueError(f"no band takes a total of {total}")


WEAK_BANDS = 2  # the two lowest standings (by default C, conditional, and D, disqualified)


def ranked(bands: Sequence[Band]) -> list[Band]:
    """The bands best first; a band's rank is its place here (0 for the best)."""
    return sorted(bands, key=lambda band: band.minimum, reverse=True)


def current_band(recorded: str, total: float | None, bands: Sequence[Band]) -> str | None:
    """The band a recorded result stands in under the bands set now: its own while a band
    of that name exists, else the band its total reaches (bands renamed or redrawn since);
    None without a total or a band."""
    if any(band.name == recorded for band in bands):
        return recorded
    return band_for(total, bands) if total is not None else None


def is_weak_band(name: str | None, bands: Sequence[Band]) -> bool:
    """Whether a band is one of the WEAK_BANDS lowest, by rank, whatever it is called."""
    names = [band.name for band in ranked(bands)]
    return name in names and names.index(name) >= len(names) - WEAK_BANDS


def band_decisions(bands: Sequence[Band]) -> dict[str, str]:
    """The decision each band suggests, by rank whatever the bands are called: the best is
    preferred, the lowest disqualified, the other weak band conditional, the rest approved
    (the defaults A, B, C, D give BAND_DECISIONS)."""
    order = ranked(bands)
    decisions = {}
    for rank, band in enumerate(order):
        if rank == len(order) - 1 and rank > 0:
            decisions[band.name] = "disqualified"
        elif rank == 0:
            decisions[band.name] = "preferred"
        else:
            decisions[band.name] = "conditional" if is_weak_band(band.name, order) \
                else "approved"
    return decisions


def recommended_decision(band: str | None,
                         decisions: Mapping[str, str] = BAND_DECISIONS) -> str | None:
    """The decision a band suggests (A -> preferred ... D -> disqualified); None without one."""
    return None if band is None else decisions.get(band)


def trend(latest_total: float | None, previous_total: float | None) -> str:
    """↑ ↓ → as the totals compare once displayed (:func:`format_total`); "" unless both."""
    if latest_total is None or previous_total is None:
        return ""
    latest, previous = printed_total(latest_total), printed_total(previous_total)
    return "↑" if latest > previous else "↓" if latest < previous else "→"


def _ratio(part: int | None, whole: int | None, scale: float) -> float | None:
    """part x scale / whole; None (no data) when either is unknown or the whole is 0."""
    if part is None or whole is None or whole == 0:
        return None
    if not (is_count(part) and is_count(whole)) or part > whole:
        raise ValueError(f"not a part of a whole: {part!r} of {whole!r}")
    return part * scale / whole


def on_time_delivery_pct(total: int | None, on_time: int | None) -> float | None:
    """On-time deliveries / deliveries x 100; None when nothing was delivered or unknown."""
    return _ratio(on_time, total, 100.0)


def lot_acceptance_pct(received: int | None, rejected: int | None) -> float | None:
    """Accepted lots / lots received x 100; None when no lot was received or unknown."""
    rejected_pct = _ratio(rejected, received, 100.0)
    return None if rejected_pct is None else 100.0 - rejected_pct


def defect_ppm(units_received: int | None, units_rejected: int | None) -> float | None:
    """Rejected units per million received (3 of 1 500 000 -> 2.0); None when none received."""
    return _ratio(units_rejected, units_received, 1_000_000.0)


def validate_kpis(review: ReviewRecord) -> dict[str, str]:
    """Counts empty or whole numbers >= 0; a part (on time, rejected) needs its whole and cannot
    exceed it; a whole without its part gives a "no data" KPI, never a guess."""
    errors: dict[str, str] = {}
    for key in _KPI_FIELDS:
        if getattr(review, key) is not None and not is_count(getattr(review, key)):
            label = key.replace("_", " ").capitalize()
            errors[key] = f"{label} must be a whole number, 0 or more, or left empty."
    for whole_key, part_key, noun, ask in _KPIS:
        whole, part = getattr(review, whole_key), getattr(review, part_key)
        if whole_key in errors or part_key in errors or part is None:
            continue
        if whole is None:
            errors[whole_key] = f"Enter how many {ask} in the period."
        elif part > whole:
            label = part_key.replace("_", " ").capitalize()
            errors[part_key] = f"{label} ({part}) cannot be more than the {noun} ({whole})."
    return errors


def certificate_state(valid_until: date | None, today: date,
                      warning_days: int = CERTIFICATE_WARNING_DAYS) -> str:
    """expired (before today), expiring (today .. today + warning_days), valid, no expiry."""
    if valid_until is None:
        return NO_EXPIRY
    if valid_until < today:
        return EXPIRED
    return EXPIRING if (valid_until - today).days <= warning_days else VALID


def certificate_warning(cert: CertificateRecord, today: date,
                        warning_days: int = CERTIFICATE_WARNING_DAYS) -> str:
    """"ISO 9001 expired on 2026-10-01", "IATF 16949 expires in 12 days (2026-12-03)", or ""."""
    until, name = cert.valid_until, _text(cert.standard).strip() or "Certificate"
    state = certificate_state(until, today, warning_days)
    if until is None or state not in (EXPIRED, EXPIRING):
        return ""
    if state == EXPIRED:
        return f"{name} expired on {until.isoformat()}"
    when = {0: "today", 1: "in 1 day"}.get(days := (until - today).days, f"in {days} days")
    return f"{name} expires {when} ({until.isoformat()})"


def expired_while_approved(status: str, certificates: Sequence[CertificateRecord],
                           today: date) -> tuple[str, ...]:
    """The expired certificates (:func:`certificate_warning`) of a supplier approved or
    preferred: states that contradict each other until the certificate is renewed, the
    status changed or an action raised. The editors, the register, the dashboard and the
    report all ask this."""
    if status not in APPROVED_STATUSES:
        return ()
    return tuple(certificate_warning(c, today) for c in certificates
                 if certificate_state(c.valid_until, today) == EXPIRED)


def review_interval(criticality: str, override: int | None,
                    intervals: Mapping[str, int] = DEFAULT_INTERVALS) -> int:
    """Months between reviews: the override, else the criticality's (KeyError if unknown)."""
    return intervals[criticality] if override is None else override


def next_review_date(last_review: date | None, criticality: str, override: int | None,
                     today: date, intervals: Mapping[str, int] = DEFAULT_INTERVALS) -> date:
    """One interval after the last review, or after today when never reviewed."""
    return add_months(last_review or today, review_interval(criticality, override, intervals))


def validate_status_change(old: str, new: str, reason: str) -> dict[str, str]:
    """``old`` is "" for a new supplier. A change needs a reason (a new supplier too, unless it
    starts as pending); a supplier that has left pending never returns to it."""
    if old == new and old:  # unchanged (an archived supplier saved as it is)
        return {}
    if new not in (*STATUSES, ARCHIVED):
        return {"status": f"Status must be one of: {', '.join(STATUSES)}."}
    if not old and new == "pending":
        return {}
    errors: dict[str, str] = {}
    if old and old != ARCHIVED and new == "pending":
        errors["status"] = (f"A supplier that is {old} cannot go back to pending; choose "
                            "suspended, or record a re-evaluation.")
    check_text(errors, "status_reason", reason, "The reason", 2000)
    if not _text(reason).strip():
        errors["status_reason"] = ("Give the reason for changing the status "
                                   f"{f'from {old} ' if old else ''}to {new}.")
    return errors


def validate_supplier(record: SupplierRecord, today: date) -> dict[str, str]:
    """Rules checked without the database (the status change: :func:`validate_status_change`;
    ``today`` unused: an expired certificate warns). Keys ``certificates[i].<field>``."""
    errors: dict[str, str] = {}
    for key, label, limit in (("name", "Name", 200), ("category", "Category", 100),
                              ("contact_person", "Contact person", 200)):
        check_text(errors, key, getattr(record, key), label, limit, key == "name")
    check_texts(errors, record, (("scope", "Scope", NOTE_LIMIT),
                                 ("notes", "Notes", DESCRIPTION_LIMIT)))
    for key, choices in (("criticality", CRITICALITIES), ("status", STATUSES)):
        # archived: set by archiving only, kept when an archived supplier is saved as it is
        if getattr(record, key) not in choices and (key, record.status) != ("status", ARCHIVED):
            errors[key] = f"{key.capitalize()} must be one of: {', '.join(choices)}."
    email, phone = _text(record.email).strip(), _text(record.phone).strip()
    if email and (len(email) > 254 or not _EMAIL.match(email)):
        errors["email"] = f"'{email}' is not an email address (name@example.com)."
    if phone and not _PHONE.match(phone):
        errors["phone"] = "Phone may hold digits, spaces and + ( ) - . / only."
    months = record.review_interval_months
    if months is not None and not (is_count(months) and 1 <= months <= MAX_INTERVAL_MONTHS):
        errors["review_interval_months"] = ("Review interval must be 1 to 60 months, or left "
                                            "empty for the criticality's default.")
    for i, cert in enumerate(record.certificates):
        key, label = f"certificates[{i}]", f"Certificate {i + 1}"
        for field, limit in (("standard", 100), ("number", 100), ("issuer", 200)):
            check_text(errors, f"{key}.{field}", getattr(cert, field), f"{label}: {field}",
                       limit, field == "standard")
        if not isinstance(cert.valid_until, date):
            errors[f"{key}.valid_until"] = (
                f"{label}: enter the date the certificate is valid until.")
    check_dates(errors, record)
    return errors


def validate_review(record: ReviewRecord, today: date, locked_before: bool,
                    registered_on: date | None = None) -> dict[str, str]:
    """Rules checked without the database; ``locked_before`` (the stored review was approved)
    gives the one key ``locked``; ``registered_on``: the day the supplier's status history
    starts, when known (no approval before it). KPI keys: :func:`validate_kpis`."""
    if locked_before:
        when = f" on {record.approved_on}" if record.approved_on else ""
        return {"locked": f"{record.ref or 'This review'} was approved{when} and cannot be "
                          "changed; record a correction as a new review."}
    errors: dict[str, str] = {}
    if not is_count(record.supplier_id) or record.supplier_id < 1:
        errors["supplier_id"] = "Choose the supplier this review is for."
    check_text(errors, "reviewer", record.reviewer, "Reviewer", 200, required=True)
    check_text(errors, "approved_by", record.approved_by, "Approved by", 200)
    check_texts(errors, record, (("strengths", "Strengths", DESCRIPTION_LIMIT),
                                 ("weaknesses", "Weaknesses", DESCRIPTION_LIMIT),
                                 ("comments", "Comments", DESCRIPTION_LIMIT)))
    if record.kind not in REVIEW_KINDS:
        errors["kind"] = f"Type must be one of: {', '.join(REVIEW_KINDS)}."
    if record.decision and record.decision not in STATUSES:
        errors["decision"] = f"The decision must be one of: {', '.join(STATUSES)}."
    for i, item in enumerate(record.scores):
        label = _text(item.criterion).strip() or f"Criterion {i + 1}"
        if item.score is not None and not (is_number(item.score) and 0 <= item.score <= 100):
            errors[f"scores[{i}].score"] = f"{label}: the score must be 0 to 100, or empty."
        if not is_number(item.weight) or item.weight <= 0:
            errors[f"scores[{i}].weight"] = f"{label}: the weight must be a number above 0."
    if all(item.score is None for item in record.scores):
        errors["scores"] = "Score at least one criterion."
    start, end, reviewed = record.period_from, record.period_to, record.review_date
    if start is not None and end is not None and end < start:
        errors["period_to"] = "The period cannot end before it starts."
    elif (start is None) != (end is None):
        errors["period_from" if start is None else "period_to"] = (
            "Enter both dates of the period, or neither.")
    if not isinstance(reviewed, date):
        errors["review_date"] = "Enter the review date."
    elif reviewed > today:
        errors["review_date"] = "The review date cannot be in the future."
    elif start is not None and reviewed < start:
        errors["review_date"] = f"The review date cannot be before the period starts ({start})."
    by, on = _text(record.approved_by).strip(), record.approved_on
    if (not by) != (on is None):
        errors["approved_by" if on else "approved_on"] = "Enter who approved the review and when."
    if on is not None and on > today:
        errors["approved_on"] = "The approval date cannot be in the future."
    elif on is not None and isinstance(reviewed, date) and on < reviewed:
        errors["approved_on"] = f"The approval cannot be before the review date ({reviewed})."
    elif on is not None and registered_on is not None and on < registered_on:
        errors["approved_on"] = (f"The approval ({on}) cannot be before the supplier was "
                                 f"registered ({registered_on}, where its status history "
                                 "starts).")
    if (by or on is not None) and not record.decision:
        errors["decision"] = "Choose the final decision before approving the review."
    errors.update(validate_kpis(record))
    check_dates(errors, record)
    return errors
