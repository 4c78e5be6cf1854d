"""Evidence files attached to records ("show me": the certificate behind an expiry date,
the 8D report behind a closed corrective action, the minutes behind a review).

A file's bytes are stored once, content-addressed by their sha256 (EvidenceBlob), inside
the database, so backups, a team's server and ``copy`` carry them. An attachment
(Evidence) names the record it belongs to by its kind (the audit entity, "supplier") and
id, with the file's name, type, size and hash, who attached it and when. Attachments are
never deleted: a newer file supersedes one, and both stay on the record and on the trail.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from qmsdesk.models.base import Audited, Base, UTCDateTime, VersionedMixin


class EvidenceBlob(Base):
    """A file's content, once per distinct content (not on the audit trail: its hash is)."""

    __tablename__ = "evidence_blob"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer, nullable=False)
    data: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)


class Evidence(Audited, VersionedMixin, Base):
    """One file attached to one record."""

    __tablename__ = "evidence"
    __table_args__ = (Index("ix_evidence_record", "record_entity", "record_id"),)
    audit_entity = "evidence"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_entity: Mapped[str] = mapped_column(String(50), nullable=False)
    record_id: Mapped[int] = mapped_column(Integer, nullable=False)
    record_ref: Mapped[str] = mapped_column(String(50), nullable=False, index=True)
    file_name: Mapped[str] = mapped_column(String(255), nullable=False)
    media_type: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    size: Mapped[int] = mapped_column(Integer, nullable=False)
    sha256: Mapped[str] = mapped_column(
        ForeignKey("evidence_blob.sha256", ondelete="RESTRICT"), nullable=False, index=True)
    note: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    attached_by: Mapped[str] = mapped_column(String(200), nullable=False)
    attached_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, index=True)
    superseded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("evidence.id", ondelete="RESTRICT"))

    @property
    def audit_ref(self) -> str:
        return self.record_ref
