"""What is due in the context register: issues whose review is due."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from qmsdesk.models.risks import ContextIssue
from qmsdesk.services.due import DueItem, DueList, soonest

REVIEW = "Context issue review"


def _find(session: Session, today: date, until: date, limit: int | None
          ) -> Iterator[DueItem]:
    for issue_id, ref, title, owner, due in session.execute(soonest(
            select(ContextIssue.id, ContextIssue.ref, ContextIssue.title, ContextIssue.owner,
                   ContextIssue.next_review)
            .where(ContextIssue.status == "active", ContextIssue.next_review <= until),
            ContextIssue.next_review, ContextIssue.ref, limit)):
        assert due is not None  # ``<= until`` leaves out issues without a date
        yield DueItem(REVIEW, "context", issue_id, ref, title, due, owner, today)


DUE = DueList((REVIEW,), _find)
