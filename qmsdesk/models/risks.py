"""Context (ISO 9001 4.1) and risks and opportunities (6.1): issues, risks, their sources.

A context issue is an internal or external matter (SWOT, and PESTLE for external ones)
that affects the QMS. A risk or opportunity is what such issues and the requirements of
interested parties raise; it is rated (likelihood x impact), treated, reviewed and its
treatment's effectiveness evaluated (6.1.2 b). Every link is a row of its own, so that
adding or removing one is on the audit trail like any other change.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qmsdesk.models.base import Audited, Base, RegisterRecord
from qmsdesk.models.parties import Party, PartyRequirement
from qmsdesk.models.suppliers import Supplier


class ContextIssue(Audited, RegisterRecord, Base):
    __tablename__ = "context_issue"
    ref_prefix = "CTX"
    audit_entity = "context issue"

    title: Mapped[str] = mapped_column(String(200), nullable=False)
    origin: Mapped[str] = mapped_column(String(20), nullable=False)  # internal / external
    swot: Mapped[str] = mapped_column(String(20), nullable=False)
    pestle: Mapped[str] = mapped_column(String(20), nullable=False, default="")
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    effect: Mapped[str] = mapped_column(Text, nullable=False, default="")  # on the QMS
    owner: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    review_interval_months: Mapped[int] = mapped_column(Integer, nullable=False, default=12)
    last_review: Mapped[date | None] = mapped_column(Date)
    next_review: Mapped[date | None] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="active", index=True)
    # Why it was archived; empty while active (the audit trail keeps earlier reasons).
    archive_reason: Mapped[str] = mapped_column(String(500), nullable=False, default="",
                                                server_default="")

    parties: Mapped[list[ContextIssueParty]] = relationship(
        back_populates="issue", cascade="all, delete-orphan", order_by="ContextIssueParty.id")


class ContextIssueParty(Audited, Base):
    """An interested party the issue concerns."""

    __tablename__ = "context_issue_party"
    audit_entity = "context issue party"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    issue_id: Mapped[int] = mapped_column(
        ForeignKey("context_issue.id", ondelete="CASCADE"), index=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("party.id", ondelete="RESTRICT"),
                                          index=True)

    issue: Mapped[ContextIssue] = relationship(back_populates="parties")
    party: Mapped[Party] = relationship()

    @property
    def audit_ref(self) -> str:
        return self.issue.ref if self.issue is not None else ""


class Risk(Audited, RegisterRecord, Base):
    """A risk or an opportunity (6.1), rated before and after its treatment."""

    __tablename__ = "risk"
    ref_prefix = "RO"
    audit_entity = "risk"

    kind: Mapped[str] = mapped_column(String(20), nullable=False)  # risk / opportunity
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    processes: Mapped[str] = mapped_column(Text, nullable=False, default="")  # one a line
    cause: Mapped[str] = mapped_column(Text, nullable=False, default="")
    consequence: Mapped[str] = mapped_column(Text, nullable=False, default="")
    likelihood: Mapped[int] = mapped_column(Integer, nullable=False)
    impact: Mapped[int] = mapped_column(Integer, nullable=False)
    treatment: Mapped[str] = mapped_column(String(20), nullable=False, default="")
    treatment_rationale: Mapped[str] = mapped_column(Text, nullable=False, default="")
    owner: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    review_interval_months: Mapped[int] = mapped_column(Integer, nullable=False, default=12)
    last_review: Mapped[date | None] = mapped_column(Date)
    next_review: Mapped[date | None] = mapped_column(Date, index=True)
    residual_likelihood: Mapped[int | None] = mapped_column(Integer)
    residual_impact: Mapped[int | None] = mapped_column(Integer)
    # 6.1.2 b: the evaluation of the treatment's effectiveness.
    evaluation_due: Mapped[date | None] = mapped_column(Date, index=True)
    evaluated_on: Mapped[date | None] = mapped_column(Date)
    evaluated_by: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    effectiveness: Mapped[str] = mapped_column(String(20), nullable=False, default="")
    evaluation_notes: Mapped[str] = mapped_column(Text, nullable=False, default="")
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="active", index=True)
    # Why it was archived; empty while active (the audit trail keeps earlier reasons).
    archive_reason: Mapped[str] = mapped_column(String(500), nullable=False, default="",
                                                server_default="")

    sources: Mapped[list[RiskSource]] = relationship(
        back_populates="risk", cascade="all, delete-orphan", order_by="RiskSource.id")


class RiskSource(Audited, Base):
    """Where a risk or opportunity comes from: one context issue, one requirement of an
    interested party or one supplier (exactly one of the three is set)."""

    __tablename__ = "risk_source"
    audit_entity = "risk source"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    risk_id: Mapped[int] = mapped_column(ForeignKey("risk.id", ondelete="CASCADE"), index=True)
    context_issue_id: Mapped[int | None] = mapped_column(
        ForeignKey("context_issue.id", ondelete="RESTRICT"), index=True)
    # A requirement is a child row its party's editor may remove: the link goes with it.
    requirement_id: Mapped[int | None] = mapped_column(
        ForeignKey("party_requirement.id", ondelete="CASCADE"), index=True)
    supplier_id: Mapped[int | None] = mapped_column(
        ForeignKey("supplier.id", ondelete="RESTRICT"), index=True)

    risk: Mapped[Risk] = relationship(back_populates="sources")
    context_issue: Mapped[ContextIssue | None] = relationship()
    requirement: Mapped[PartyRequirement | None] = relationship()
    supplier: Mapped[Supplier | None] = relationship()

    @property
    def audit_ref(self) -> str:
        return self.risk.ref if self.risk is not None else ""

