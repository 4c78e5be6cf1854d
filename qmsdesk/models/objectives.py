"""Quality policy (clause 5.2), objectives with measurements (6.2) and the shared action log."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qmsdesk.errors import UserFacingError
from qmsdesk.models.base import Audited, Base, RegisterRecord, TimestampMixin, UTCDateTime
from qmsdesk.models.parties import Party
from qmsdesk.models.risks import Risk


class QualityPolicy(Audited, TimestampMixin, Base):
    """One approved revision of the policy; a new revision is a new row, old ones never change."""

    __tablename__ = "quality_policy"
    audit_entity = "quality policy"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    revision: Mapped[int] = mapped_column(Integer, unique=True, nullable=False)
    statement: Mapped[str] = mapped_column(Text, nullable=False)
    commitments: Mapped[str] = mapped_column(Text, nullable=False, default="")  # one per line
    approved_by: Mapped[str] = mapped_column(String(200), nullable=False)
    approved_on: Mapped[date] = mapped_column(Date, nullable=False)
    # The issue as a recorded act: who issued it (login), when, the hash of the text.
    approved_login: Mapped[str] = mapped_column(String(63), nullable=False, default="",
                                                server_default="")
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    approved_hash: Mapped[str] = mapped_column(String(64), nullable=False, default="",
                                               server_default="")
    # What the approver meant by it ("Approved as reviewer"); empty when none was given.
    approved_meaning: Mapped[str] = mapped_column(String(200), nullable=False, default="",
                                                  server_default="")

    @property
    def audit_ref(self) -> str:
        return f"POLICY rev {self.revision}"


class Objective(Audited, RegisterRecord, Base):
    __tablename__ = "objective"
    ref_prefix = "OBJ"
    audit_entity = "objective"

    title: Mapped[str] = mapped_column(String(200), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    process: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    policy_commitment: Mapped[str] = mapped_column(Text, nullable=False, default="")
    kpi_name: Mapped[str] = mapped_column(String(200), nullable=False)
    unit: Mapped[str] = mapped_column(String(30), nullable=False, default="")
    baseline: Mapped[float] = mapped_column(Float, nullable=False)
    target: Mapped[float] = mapped_column(Float, nullable=False)
    target_max: Mapped[float | None] = mapped_column(Float)  # upper limit of a band
    direction: Mapped[str] = mapped_column(String(20), nullable=False)
    frequency: Mapped[str] = mapped_column(String(20), nullable=False)
    start_date: Mapped[date] = mapped_column(Date, nullable=False)
    due_date: Mapped[date] = mapped_column(Date, nullable=False, index=True)
    owner: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    resources: Mapped[str] = mapped_column(Text, nullable=False, default="")
    evaluation: Mapped[str] = mapped_column(Text, nullable=False, default="")
    segment_party_id: Mapped[int | None] = mapped_column(
        ForeignKey("party.id", ondelete="RESTRICT"), index=True)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="draft", index=True)
    # When it was archived (out of the working lists, kept for the record; its status keeps
    # the outcome); None while active, so a record never archived adds nothing to the trail.
    archived_on: Mapped[date | None] = mapped_column(Date, index=True)
    # Why it was archived; empty while active (the audit trail keeps earlier reasons).
    archive_reason: Mapped[str] = mapped_column(String(500), nullable=False, default="",
                                                server_default="")

    segment: Mapped[Party | None] = relationship()
    risks: Mapped[list[ObjectiveRisk]] = relationship(
        back_populates="objective", cascade="all, delete-orphan", order_by="ObjectiveRisk.id")
    measurements: Mapped[list[Measurement]] = relationship(
        back_populates="objective", cascade="all, delete-orphan",
        order_by="Measurement.on_date")


class ObjectiveRisk(Audited, Base):
    """A risk or opportunity (6.1) the objective addresses."""

    __tablename__ = "objective_risk"
    audit_entity = "objective risk"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    objective_id: Mapped[int] = mapped_column(
        ForeignKey("objective.id", ondelete="CASCADE"), index=True)
    risk_id: Mapped[int] = mapped_column(ForeignKey("risk.id", ondelete="RESTRICT"),
                                         index=True)

    objective: Mapped[Objective] = relationship(back_populates="risks")
    risk: Mapped[Risk] = relationship()

    @property
    def audit_ref(self) -> str:
        return self.objective.ref if self.objective is not None else ""


class Measurement(Audited, Base):
    """One measured value of an objective's KPI for one period of its frequency."""

    __tablename__ = "measurement"
    __table_args__ = (UniqueConstraint("objective_id", "period",
                                       name="uq_measurement_objective_id_period"),
                      # each objective's latest measurement, found by one seek (0013)
                      Index("ix_measurement_latest", "objective_id", "on_date", "id"))
    audit_entity = "measurement"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    objective_id: Mapped[int] = mapped_column(
        ForeignKey("objective.id", ondelete="CASCADE"), index=True)
    on_date: Mapped[date] = mapped_column(Date, nullable=False)
    period: Mapped[str] = mapped_column(String(10), nullable=False)  # 2026-03, 2026-Q1, ...
    value: Mapped[float] = mapped_column(Float, nullable=False)
    comment: Mapped[str] = mapped_column(Text, nullable=False, default="")
    recorded_by: Mapped[str] = mapped_column(String(200), nullable=False, default="")

    objective: Mapped[Objective] = relationship(back_populates="measurements")

    @property
    def audit_ref(self) -> str:
        return self.objective.ref if self.objective is not None else ""


class Action(Audited, RegisterRecord, Base):
    """One entry of the action log shared by every register (ISO 9001 6.1, 10.2)."""

    __tablename__ = "action"
    __table_args__ = (
        # The dashboard's counts read these alone, not the log (0013): actions by status,
        # and opened per day (start date, else the moment recorded).
        Index("ix_action_archived_status", "archived_on", "status"),
        Index("ix_action_begun", "start_date", "created_at"),
    )
    ref_prefix = "ACT"
    audit_entity = "action"

    title: Mapped[str] = mapped_column(String(200), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    objective_id: Mapped[int | None] = mapped_column(
        ForeignKey("objective.id", ondelete="RESTRICT"), index=True)
    party_id: Mapped[int | None] = mapped_column(
        ForeignKey("party.id", ondelete="RESTRICT"), index=True)
    supplier_review_id: Mapped[int | None] = mapped_column(
        ForeignKey("supplier_review.id", ondelete="RESTRICT"), index=True)
    management_review_id: Mapped[int | None] = mapped_column(
        ForeignKey("management_review.id", ondelete="RESTRICT"), index=True)
    risk_id: Mapped[int | None] = mapped_column(
        ForeignKey("risk.id", ondelete="RESTRICT"), index=True)
    owner: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    start_date: Mapped[date | None] = mapped_column(Date)
    due_date: Mapped[date | None] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="open", index=True)
    completed_on: Mapped[date | None] = mapped_column(Date, index=True)  # per month (0013)
    progress: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    effectiveness: Mapped[str] = mapped_column(String(20), nullable=False, default="")
    effectiveness_by: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    effectiveness_on: Mapped[date | None] = mapped_column(Date)
    # The effectiveness check as a signed approval: login, moment, content hash, meaning.
    effectiveness_login: Mapped[str] = mapped_column(String(63), nullable=False, default="",
                                                     server_default="")
    effectiveness_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    effectiveness_hash: Mapped[str] = mapped_column(String(64), nullable=False, default="",
                                                    server_default="")
    effectiveness_meaning: Mapped[str] = mapped_column(String(200), nullable=False,
                                                       default="", server_default="")
    evidence: Mapped[str] = mapped_column(Text, nullable=False, default="")
    # When it was archived (out of the working lists, kept for the record; its status keeps
    # the outcome); None while active, so a record never archived adds nothing to the trail.
    archived_on: Mapped[date | None] = mapped_column(Date, index=True)
    # Why it was archived; empty while active (the audit trail keeps earlier reasons).
    archive_reason: Mapped[str] = mapped_column(String(500), nullable=False, default="",
                                                server_default="")

    objective: Mapped[Objective | None] = relationship()
    party: Mapped[Party | None] = relationship()


class PolicyRevisionLocked(UserFacingError):
    """An approved policy revision was about to be changed in place."""


@event.listens_for(QualityPolicy, "before_update")
def _policy_revisions_are_read_only(_mapper: object, _connection: object,
                                    target: QualityPolicy) -> None:
    # Documented information (7.5): an approved revision is a record; change = new revision.
    raise PolicyRevisionLocked(
        f"Policy revision {target.revision} is approved and cannot be changed; "
        "issue a new revision instead.")
