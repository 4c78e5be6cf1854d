"""What is due in the action log: open actions due by the horizon."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qmsdesk.models.objectives import Action
from qmsdesk.services.actions import rules
from qmsdesk.services.due import DueItem, DueList, soonest

ACTION = "Action"


def _find(session: Session, today: date, until: date, limit: int | None
          ) -> Iterator[DueItem]:
    # Read as the driver gives the rows, an owner or a date kept once however many actions
    # share it: at 100x there are about 60 000 open actions due.
    shared: dict[object, Any] = {}
    for aid, ref, title, owner, due in session.connection().execute(soonest(
            select(Action.id, Action.ref, Action.title, Action.owner, Action.due_date)
            .where(Action.status.in_(rules.OPEN_STATUSES), Action.due_date <= until,
                   Action.archived_on.is_(None)), Action.due_date, Action.ref, limit)):
        assert due is not None  # ``<= until`` leaves out actions without a due date
        yield DueItem(ACTION, "actions", aid, ref, title, shared.setdefault(due, due),
                      shared.setdefault(owner, owner), today)


DUE = DueList((ACTION,), _find)
