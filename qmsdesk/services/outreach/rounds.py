"""Questionnaire rounds: opened when a pack is written, matched when the workbook returns."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qmsdesk.models.db import Database
from qmsdesk.models.questionnaires import QuestionnaireRound
from qmsdesk.models.suppliers import Supplier
from qmsdesk.services.errors import NotFoundError
from qmsdesk.services.outreach.questionnaire import Round


@dataclass(frozen=True)
class RoundRow:
    """One round as the supplier's history lists it."""

    id: int
    number: int
    issued_on: date
    due_on: date
    returned_on: date | None
    answers: tuple[tuple[str, str, str], ...]  # (question, answer, comment) as returned
    accepted: str


def open_round(db: Database, supplier_id: int, issued_on: date, due_on: date,
               questions: list[str]) -> Round:
    """Number and store a new round for the supplier (one transaction, on the trail)."""
    with db.session() as session:
        supplier = session.get(Supplier, supplier_id)
        if supplier is None:
            raise NotFoundError("This supplier no longer exists; no questionnaire was written.")
        last = session.scalar(select(func.max(QuestionnaireRound.number))
                              .where(QuestionnaireRound.supplier_id == supplier_id))
        row = QuestionnaireRound(
            supplier_id=supplier_id, supplier_ref=supplier.ref, number=(last or 0) + 1,
            token=uuid.uuid4().hex, issued_on=issued_on, due_on=due_on, issued_by=db.user,
            questions=json.dumps(questions, ensure_ascii=False), imported_by="",
            return_sha256="", accepted="")
        session.add(row)
        session.flush()
        return Round(row.token, row.number, issued_on, due_on)


def round_by_token(session: Session, token: str) -> QuestionnaireRound | None:
    return session.scalar(select(QuestionnaireRound).where(QuestionnaireRound.token == token))


def list_rounds(db: Database, supplier_id: int) -> list[RoundRow]:
    """The supplier's rounds, newest first, with the answers kept for each."""
    with db.read() as session:
        rounds = session.scalars(select(QuestionnaireRound)
                                 .where(QuestionnaireRound.supplier_id == supplier_id)
                                 .order_by(QuestionnaireRound.number.desc()))
        return [RoundRow(r.id, r.number, r.issued_on, r.due_on, r.returned_on,
                         tuple((a.question, a.answer, a.comment) for a in r.answers),
                         r.accepted) for r in rounds]
