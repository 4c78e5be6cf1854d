"""What is due in the interested-parties register: parties whose review is due."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from qmsdesk.models.parties import Party
from qmsdesk.services.due import DueItem, DueList, soonest

REVIEW = "Interested-party review"


def _find(session: Session, today: date, until: date, limit: int | None
          ) -> Iterator[DueItem]:
    for pid, ref, name, owner, due in session.execute(soonest(
            select(Party.id, Party.ref, Party.name, Party.owner, Party.next_review)
            .where(Party.status == "active", Party.next_review <= until),
            Party.next_review, Party.ref, limit)):
        assert due is not None  # ``<= until`` leaves out parties without a date
        yield DueItem(REVIEW, "parties", pid, ref, name, due, owner, today)


DUE = DueList((REVIEW,), _find)
