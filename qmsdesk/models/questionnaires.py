"""Supplier self-assessment questionnaires (ISO 9001 8.4): each round sent, and the answers
returned in it.

A round is opened when a supplier pack is written: its token is the hidden mark of the
workbook sent, so the returned workbook is matched to its supplier and round. The answers
are kept per round, as returned; what was accepted into the supplier record is on the
audit trail with the supplier's own changes.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qmsdesk.models.base import Audited, Base, VersionedMixin


class QuestionnaireRound(Audited, VersionedMixin, Base):
    """One questionnaire sent to one supplier (round 1, 2 … per supplier)."""

    __tablename__ = "questionnaire_round"
    __table_args__ = (UniqueConstraint("supplier_id", "number"),)
    audit_entity = "questionnaire round"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    supplier_id: Mapped[int] = mapped_column(
        ForeignKey("supplier.id", ondelete="RESTRICT"), nullable=False, index=True)
    supplier_ref: Mapped[str] = mapped_column(String(20), nullable=False)
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    token: Mapped[str] = mapped_column(String(32), nullable=False, unique=True)
    issued_on: Mapped[date] = mapped_column(Date, nullable=False)
    due_on: Mapped[date] = mapped_column(Date, nullable=False)
    issued_by: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    questions: Mapped[str] = mapped_column(Text, nullable=False)  # JSON list, as sent
    returned_on: Mapped[date | None] = mapped_column(Date)
    imported_by: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    return_sha256: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    accepted: Mapped[str] = mapped_column(Text, nullable=False, default="")  # what changed

    answers: Mapped[list[QuestionnaireAnswer]] = relationship(
        back_populates="round", cascade="all, delete-orphan",
        order_by="QuestionnaireAnswer.position")

    @property
    def audit_ref(self) -> str:
        return f"{self.supplier_ref} round {self.number}"


class QuestionnaireAnswer(Audited, Base):
    """One question of a round as asked, and the supplier's answer and comment."""

    __tablename__ = "questionnaire_answer"
    audit_entity = "questionnaire answer"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaire_round.id", ondelete="CASCADE"), nullable=False, index=True)
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    question: Mapped[str] = mapped_column(Text, nullable=False)
    answer: Mapped[str] = mapped_column(String(20), nullable=False, default="")
    comment: Mapped[str] = mapped_column(Text, nullable=False, default="")

    round: Mapped[QuestionnaireRound] = relationship(back_populates="answers")

    @property
    def audit_ref(self) -> str:
        return self.round.audit_ref if self.round is not None else ""
