"""Interested parties (ISO 9001 clause 4.2): parties, their requirements and the engagement log."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qmsdesk.models.base import Audited, Base, RegisterRecord

# One active party per name, enforced by the database too (a partial unique index, see
# migration 0007); the names an integrity error gives for it on PostgreSQL and on SQLite.
ACTIVE_NAME_INDEX = "uq_party_active_name"
ACTIVE_NAME_KEYS = (ACTIVE_NAME_INDEX, "party.name")
_ACTIVE = text("status = 'active'")


class Party(Audited, RegisterRecord, Base):
    __tablename__ = "party"
    ref_prefix = "IP"
    audit_entity = "party"
    __table_args__ = (Index(ACTIVE_NAME_INDEX, "name", unique=True, sqlite_where=_ACTIVE,
                            postgresql_where=_ACTIVE),)

    name: Mapped[str] = mapped_column(String(200), nullable=False, index=True)
    category: Mapped[str] = mapped_column(String(30), nullable=False)
    internal: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    contact_person: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    email: Mapped[str] = mapped_column(String(254), nullable=False, default="")
    phone: Mapped[str] = mapped_column(String(50), nullable=False, default="")
    influence: Mapped[int] = mapped_column(Integer, nullable=False)
    interest: Mapped[int] = mapped_column(Integer, nullable=False)
    owner: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    monitoring_method: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    monitoring_frequency: Mapped[str] = mapped_column(String(30), nullable=False, default="")
    review_interval_months: Mapped[int] = mapped_column(Integer, nullable=False, default=12)
    last_review: Mapped[date | None] = mapped_column(Date)
    next_review: Mapped[date | None] = mapped_column(Date, index=True)
    focus: Mapped[str] = mapped_column(String(20), nullable=False, default="long-term")
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="active", index=True)
    # Why it was archived; empty while active (the audit trail keeps earlier reasons).
    archive_reason: Mapped[str] = mapped_column(String(500), nullable=False, default="",
                                                server_default="")
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")

    requirements: Mapped[list[PartyRequirement]] = relationship(
        back_populates="party", cascade="all, delete-orphan", order_by="PartyRequirement.id"
    )
    engagements: Mapped[list[Engagement]] = relationship(
        back_populates="party", cascade="all, delete-orphan", order_by="Engagement.on_date"
    )


class PartyRequirement(Audited, Base):
    """One need or expectation of a party, and how the QMS addresses it."""

    __tablename__ = "party_requirement"
    audit_entity = "party requirement"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("party.id", ondelete="CASCADE"), index=True)
    description: Mapped[str] = mapped_column(Text, nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False, default="requirement")
    obligation: Mapped[str] = mapped_column(String(20), nullable=False, default="")
    source: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    addressed_by: Mapped[str] = mapped_column(String(200), nullable=False, default="")

    party: Mapped[Party] = relationship(back_populates="requirements")

    @property
    def audit_ref(self) -> str:
        return self.party.ref if self.party is not None else ""


class Engagement(Audited, Base):
    """One exchange with a party: a meeting, survey, complaint, audit and so on."""

    __tablename__ = "party_engagement"
    audit_entity = "party engagement"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("party.id", ondelete="CASCADE"), index=True)
    on_date: Mapped[date] = mapped_column(Date, nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    summary: Mapped[str] = mapped_column(Text, nullable=False)
    satisfaction: Mapped[int | None] = mapped_column(Integer)
    follow_up: Mapped[str] = mapped_column(Text, nullable=False, default="")

    party: Mapped[Party] = relationship(back_populates="engagements")

    @property
    def audit_ref(self) -> str:
        return self.party.ref if self.party is not None else ""
