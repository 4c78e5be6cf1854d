"""Risk-and-opportunity rules in one place (ISO 9001 6.1): choices, rating, validation.

A rating is read from the organisation's 5 x 5 matrix (likelihood x impact -> level),
kept in the database's settings and edited in Settings like the supplier bands; the
default rates by the score (likelihood x impact): up to 4 low, up to 9 medium, else high.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date

from qmsdesk.services.dates import add_months
from qmsdesk.services.risks.records import RiskRecord, RiskRow
from qmsdesk.services.validation import (
    DESCRIPTION_LIMIT,
    NAME_LIMIT,
    NOTE_LIMIT,
    check_dates,
    check_reviewed_record,
    check_text,
    check_texts,
)

KINDS = ("risk", "opportunity")
TREATMENTS = {"risk": ("avoid", "reduce", "share", "accept"),
              "opportunity": ("pursue", "enhance", "share", "decline")}
# Treatments that leave things as they are must say why (an auditor asks).
NEEDS_RATIONALE = ("accept", "decline")
EFFECTIVENESS = ("", "effective", "partly", "not effective")
STATUSES = ("active", "archived")
SOURCE_KINDS = ("context issue", "requirement", "supplier")
SCALE = range(1, 6)
MAX_INTERVAL_MONTHS = 60

LEVELS = ("low", "medium", "high")  # lowest first
Matrix = tuple[tuple[str, ...], ...]  # [likelihood - 1][impact - 1] -> level


def _level_by_score(score: int) -> str:
    return "low" if score <= 4 else "medium" if score <= 9 else "high"


DEFAULT_MATRIX: Matrix = tuple(tuple(_level_by_score(likelihood * impact) for impact in SCALE)
                               for likelihood in SCALE)


def on_scale(value: object) -> bool:
    """A whole number 1-5 (a bool is not a rating, though Python says True == 1)."""
    return isinstance(value, int) and not isinstance(value, bool) and value in SCALE


def score(likelihood: int, impact: int) -> int:
    return likelihood * impact


def rating(likelihood: int, impact: int, matrix: Matrix = DEFAULT_MATRIX) -> str:
    """The level the matrix gives the pair (both on the 1-5 scale)."""
    return matrix[likelihood - 1][impact - 1]


def is_high(level: str) -> bool:
    """The top level: what the dashboard counts and the reports put first."""
    return level == LEVELS[-1]


def needs_action(kind: str, level: str, open_actions: int, residual: str = "",
                 treatment: str = "") -> bool:
    """A risk rated high as it stands now (after treatment once rated so, else before)
    that no open action addresses and that was not knowingly accepted: the dashboard's
    key figure and the reports' first finding."""
    current = residual or level
    return (kind == "risk" and is_high(current) and open_actions == 0
            and treatment != "accept")


def row_needs_action(row: RiskRow) -> bool:
    """:func:`needs_action` for an active line of the register."""
    return row.status == "active" and needs_action(
        row.kind, row.rating, row.open_actions, row.residual_rating, row.treatment)


def heat_cells(rows: Iterable[RiskRow], residual: bool = False) -> dict[tuple[int, int], int]:
    """How many of ``rows`` sit in each (likelihood, impact) cell, before treatment or
    (``residual``) after it; rows not yet rated after treatment are left out of the latter."""
    if residual:
        return dict(Counter((row.residual_likelihood, row.residual_impact) for row in rows
                            if row.residual_likelihood is not None
                            and row.residual_impact is not None))
    return dict(Counter((row.likelihood, row.impact) for row in rows))


def validate_matrix(matrix: Matrix) -> dict[str, str]:
    """Five rows of five known levels, never lower for a higher likelihood or impact."""
    if len(matrix) != 5 or any(len(row) != 5 for row in matrix):
        return {"matrix": "The rating matrix has 5 rows (likelihood) of 5 cells (impact)."}
    errors: dict[str, str] = {}
    for l_index, row in enumerate(matrix):
        for i_index, level in enumerate(row):
            key = f"matrix[{l_index + 1}][{i_index + 1}]"
            if level not in LEVELS:
                errors[key] = f"A rating is one of: {', '.join(LEVELS)}."
                continue
            rank = LEVELS.index(level)
            lower = [matrix[l_index][i_index - 1]] if i_index else []
            lower += [matrix[l_index - 1][i_index]] if l_index else []
            if any(other in LEVELS and LEVELS.index(other) > rank for other in lower):
                errors[key] = (f"Likelihood {l_index + 1}, impact {i_index + 1} cannot rate "
                               "lower than a cell with a smaller likelihood or impact.")
    return errors


def suggested_next_review(last_review: date | None, interval_months: int, today: date) -> date:
    return add_months(last_review or today, interval_months)


def _check_scale(errors: dict[str, str], key: str, value: object, label: str) -> None:
    if not on_scale(value):
        errors[key] = f"{label} must be a whole number from 1 to 5."


def _check_treatment(errors: dict[str, str], record: RiskRecord) -> None:
    allowed = TREATMENTS.get(record.kind, ())
    if record.treatment and record.treatment not in allowed:
        errors["treatment"] = (f"The treatment of {'an' if record.kind == 'opportunity' else 'a'}"
                               f" {record.kind} is one of: {', '.join(allowed)}.")
    elif record.treatment in NEEDS_RATIONALE and not record.treatment_rationale.strip():
        errors["treatment_rationale"] = f"Say why the {record.kind} is to {record.treatment}."


def _check_residual(errors: dict[str, str], record: RiskRecord) -> None:
    residual = (record.residual_likelihood, record.residual_impact)
    if residual == (None, None):
        return
    if None in residual:
        errors["residual_impact" if residual[1] is None else "residual_likelihood"] = (
            "Rate both likelihood and impact after treatment, or neither.")
        return
    _check_scale(errors, "residual_likelihood", record.residual_likelihood,
                 "Likelihood after treatment")
    _check_scale(errors, "residual_impact", record.residual_impact, "Impact after treatment")
    if errors.keys() & {"residual_likelihood", "residual_impact", "likelihood", "impact"}:
        return
    before = score(record.likelihood, record.impact)
    after = score(residual[0] or 0, residual[1] or 0)
    if record.kind == "risk" and after > before:
        errors["residual_likelihood"] = (
            f"After treatment a risk cannot score higher than before ({after} > {before}).")


def _check_evaluation(errors: dict[str, str], record: RiskRecord, today: date) -> None:
    if record.effectiveness not in EFFECTIVENESS:
        errors["effectiveness"] = "Effectiveness is effective, partly or not effective."
    elif record.effectiveness:
        if record.evaluated_on is None:
            errors["evaluated_on"] = "Enter when the effectiveness was evaluated."
        if not record.evaluated_by.strip():
            errors["evaluated_by"] = "Enter who evaluated the effectiveness."
    elif record.evaluated_on is not None:
        errors["effectiveness"] = "Enter the result of the evaluation, or clear its date."
    if record.evaluated_on is not None and record.evaluated_on > today:
        errors["evaluated_on"] = "An evaluation is recorded once made (not a future date)."


def validate_risk(record: RiskRecord, today: date) -> dict[str, str]:
    """Every rule that can be checked without the database; field name -> message."""
    errors: dict[str, str] = {}
    if record.kind not in KINDS:
        errors["kind"] = "Kind is risk or opportunity."
    check_text(errors, "title", record.title, "Title", NAME_LIMIT, required=True)
    check_text(errors, "owner", record.owner, "Owner", NAME_LIMIT)
    check_text(errors, "evaluated_by", record.evaluated_by, "Evaluated by", NAME_LIMIT)
    check_texts(errors, record, (("description", "Description", DESCRIPTION_LIMIT),
                                 ("processes", "Processes", NOTE_LIMIT),
                                 ("cause", "Cause", NOTE_LIMIT),
                                 ("consequence", "Consequence", NOTE_LIMIT),
                                 ("treatment_rationale", "Rationale", NOTE_LIMIT),
                                 ("evaluation_notes", "Evaluation notes", NOTE_LIMIT)))
    _check_scale(errors, "likelihood", record.likelihood, "Likelihood")
    _check_scale(errors, "impact", record.impact, "Impact")
    _check_treatment(errors, record)
    _check_residual(errors, record)
    _check_evaluation(errors, record, today)
    check_reviewed_record(errors, record, today, MAX_INTERVAL_MONTHS)
    check_dates(errors, record)
    return errors
