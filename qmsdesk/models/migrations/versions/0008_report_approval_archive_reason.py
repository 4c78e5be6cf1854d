"""Report approvals as records (who approved which revision of a report, in which role,
when, and what changed), and the reason a party, context issue or risk was archived.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

from qmsdesk.models.base import UTCDateTime
from qmsdesk.models.roles import restrict_new_tables

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

ARCHIVED = ("party", "context_issue", "risk")


def upgrade() -> None:
    op.create_table(
        "report_approval",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_type", sa.String(length=40), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("approved_by", sa.String(length=200), nullable=False),
        sa.Column("approved_role", sa.String(length=200), nullable=False),
        sa.Column("approved_at", UTCDateTime(), nullable=False),
        sa.Column("change_note", sa.String(length=500), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_approval")),
        sa.UniqueConstraint("report_type", "revision",
                            name=op.f("uq_report_approval_report_type")),
    )
    with op.batch_alter_table("report_approval") as batch_op:
        batch_op.create_index(batch_op.f("ix_report_approval_report_type"), ["report_type"],
                              unique=False)
    restrict_new_tables(op.get_bind(), ["report_approval"])  # on a team's server: approvers'
    for table in ARCHIVED:
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(sa.Column("archive_reason", sa.String(length=500),
                                          nullable=False, server_default=""))


def downgrade() -> None:
    for table in ARCHIVED:
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column("archive_reason")
    with op.batch_alter_table("report_approval") as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_approval_report_type"))
    op.drop_table("report_approval")
