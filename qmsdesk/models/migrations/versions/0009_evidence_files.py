"""Evidence files attached to records: their content once per sha256, and attachments.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

from qmsdesk.models.base import UTCDateTime

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "evidence_blob",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_evidence_blob")),
    )
    op.create_table(
        "evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_entity", sa.String(length=50), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("record_ref", sa.String(length=50), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("attached_by", sa.String(length=200), nullable=False),
        sa.Column("attached_at", UTCDateTime(), nullable=False),
        sa.Column("superseded_by_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["sha256"], ["evidence_blob.sha256"],
                                name=op.f("fk_evidence_sha256_evidence_blob"),
                                ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["superseded_by_id"], ["evidence.id"],
                                name=op.f("fk_evidence_superseded_by_id_evidence"),
                                ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence")),
    )
    with op.batch_alter_table("evidence") as batch_op:
        batch_op.create_index("ix_evidence_record", ["record_entity", "record_id"])
        batch_op.create_index(batch_op.f("ix_evidence_record_ref"), ["record_ref"])
        batch_op.create_index(batch_op.f("ix_evidence_sha256"), ["sha256"])
        batch_op.create_index(batch_op.f("ix_evidence_attached_at"), ["attached_at"])


def downgrade() -> None:
    op.drop_table("evidence")
    op.drop_table("evidence_blob")
