"""Management reviews (ISO 9001 9.3) and the log of every controlled report issued (7.5)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from qmsdesk.models.base import Audited, Base, RegisterRecord, UTCDateTime, VersionedMixin


class ManagementReview(Audited, RegisterRecord, Base):
    """A management-review meeting: the period it reviewed, who attended, what it decided.

    Actions decided at the meeting are entries of the shared action log whose source is
    this review, so the next review's pack can report their status (9.3.2 a).
    """

    __tablename__ = "management_review"
    ref_prefix = "MR"
    audit_entity = "management review"

    held_on: Mapped[date] = mapped_column(Date, nullable=False, index=True)
    period_from: Mapped[date] = mapped_column(Date, nullable=False)
    period_to: Mapped[date] = mapped_column(Date, nullable=False)
    chair: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    attendees: Mapped[str] = mapped_column(Text, nullable=False, default="")
    conclusions: Mapped[str] = mapped_column(Text, nullable=False, default="")


class ReportLogEntry(Base):
    """One generated report: which document, which revision, who, when, and its checksum.

    Append-only and deliberately outside the audit trail: issuing a report changes no
    register, and the management-review pack reports the trail's size, which must not
    move just because a report was generated.
    """

    __tablename__ = "report_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_type: Mapped[str] = mapped_column(String(40), nullable=False, index=True)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    document_number: Mapped[str] = mapped_column(String(100), nullable=False)
    period: Mapped[str] = mapped_column(String(100), nullable=False)
    revision: Mapped[int] = mapped_column(Integer, nullable=False)
    issue_date: Mapped[date] = mapped_column(Date, nullable=False)
    generated_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, index=True)
    generated_by: Mapped[str] = mapped_column(String(200), nullable=False)
    pages: Mapped[int] = mapped_column(Integer, nullable=False)
    # What the reader sees, minus revision and times: equal fingerprints = same content.
    fingerprint: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    path: Mapped[str] = mapped_column(Text, nullable=False)
    # For a report issued inside an auditor pack: ``path`` is the zip, this its name inside.
    member: Mapped[str] = mapped_column(String(300), nullable=False, default="")


class ReportApproval(Audited, VersionedMixin, Base):
    """The approval of one revision of a report type (ISO 9001 7.5.2 c): who, in which
    role, when, and what the revision changed in one line. Recorded once per revision,
    on the audit trail; printed in the revision's control block from then on."""

    __tablename__ = "report_approval"
    __table_args__ = (UniqueConstraint("report_type", "revision"),)
    audit_entity = "report approval"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_type: Mapped[str] = mapped_column(String(40), nullable=False, index=True)
    revision: Mapped[int] = mapped_column(Integer, nullable=False)
    approved_by: Mapped[str] = mapped_column(String(200), nullable=False)
    approved_role: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    approved_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    change_note: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    approved_login: Mapped[str] = mapped_column(String(63), nullable=False, default="",
                                                server_default="")
    # The revision's content fingerprint (report_log): what exactly was approved.
    content_hash: Mapped[str] = mapped_column(String(64), nullable=False, default="",
                                              server_default="")
    # What the approver meant by it ("Approved as reviewer"); empty when none was given.
    approved_meaning: Mapped[str] = mapped_column(String(200), nullable=False, default="",
                                                  server_default="")

    @property
    def audit_ref(self) -> str:
        return f"{self.report_type} revision {self.revision}"
