"""Context-issue rules in one place: the SWOT and PESTLE choices, review dates, validation.

SWOT is read as it is taught: strengths and weaknesses are internal, opportunities and
threats external. PESTLE sorts the external ones (political, economic, social,
technological, legal, environmental).
"""

from __future__ import annotations

from datetime import date

from qmsdesk.services.context.records import ContextIssueRecord
from qmsdesk.services.dates import add_months
from qmsdesk.services.validation import (
    DESCRIPTION_LIMIT,
    NAME_LIMIT,
    check_dates,
    check_reviewed_record,
    check_text,
    check_texts,
)

ORIGINS = ("internal", "external")
SWOT = ("strength", "weakness", "opportunity", "threat")
SWOT_OF = {"internal": ("strength", "weakness"), "external": ("opportunity", "threat")}
PESTLE = ("political", "economic", "social", "technological", "legal", "environmental")
STATUSES = ("active", "archived")
MAX_INTERVAL_MONTHS = 60


def suggested_next_review(last_review: date | None, interval_months: int, today: date) -> date:
    """One interval after the last review, or after today when never reviewed."""
    return add_months(last_review or today, interval_months)


def validate_issue(record: ContextIssueRecord, today: date) -> dict[str, str]:
    """Every rule that can be checked without the database; field name -> message."""
    errors: dict[str, str] = {}
    check_text(errors, "title", record.title, "Title", NAME_LIMIT, required=True)
    check_text(errors, "owner", record.owner, "Owner", NAME_LIMIT)
    check_texts(errors, record, (("description", "Description", DESCRIPTION_LIMIT),
                                 ("effect", "Effect on the QMS", DESCRIPTION_LIMIT)))
    if record.origin not in ORIGINS:
        errors["origin"] = "An issue is internal or external."
    elif record.swot not in SWOT_OF[record.origin]:
        allowed = " or ".join(SWOT_OF[record.origin])
        errors["swot"] = f"An {record.origin} issue is a {allowed}."
    if record.origin == "external" and record.pestle not in PESTLE:
        errors["pestle"] = f"Choose the PESTLE factor: {', '.join(PESTLE)}."
    elif record.origin == "internal" and record.pestle:
        errors["pestle"] = "PESTLE sorts external issues only: leave it empty."
    check_reviewed_record(errors, record, today, MAX_INTERVAL_MONTHS)
    check_dates(errors, record)
    return errors
