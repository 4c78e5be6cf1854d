"""What is due in the risks register: reviews, and evaluations of a treatment's
effectiveness (6.1.2 b) whose planned date has come without a result."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from qmsdesk.models.risks import Risk
from qmsdesk.services.due import DueItem, DueList, soonest

REVIEW = "Risk review"
EVALUATION = "Risk treatment evaluation"


def _find(session: Session, today: date, until: date, limit: int | None
          ) -> Iterator[DueItem]:
    for risk_id, ref, title, owner, due in session.execute(soonest(
            select(Risk.id, Risk.ref, Risk.title, Risk.owner, Risk.next_review)
            .where(Risk.status == "active", Risk.next_review <= until),
            Risk.next_review, Risk.ref, limit)):
        assert due is not None  # ``<= until`` leaves out risks without a date
        yield DueItem(REVIEW, "risks", risk_id, ref, title, due, owner, today)
    for risk_id, ref, title, owner, due in session.execute(soonest(
            select(Risk.id, Risk.ref, Risk.title, Risk.owner, Risk.evaluation_due)
            .where(Risk.status == "active", Risk.evaluation_due <= until,
                   Risk.effectiveness == ""), Risk.evaluation_due, Risk.ref, limit)):
        assert due is not None
        yield DueItem(EVALUATION, "risks", risk_id, ref, title, due, owner, today)


DUE = DueList((REVIEW, EVALUATION), _find)
