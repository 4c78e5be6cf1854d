"""Archiving objectives and actions (their status keeps its outcome, so archiving is a date
with its reason), the effectiveness check of an action as a signed approval (login, moment,
content hash), and the meaning an approver gives an approval ("Approved as reviewer") on
supplier reviews, policy revisions, report approvals and effectiveness checks.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

from qmsdesk.models.base import UTCDateTime
from qmsdesk.models.roles import guard_approvals

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

ARCHIVED = ("objective", "action")
MEANING = ("supplier_review", "quality_policy", "report_approval")


def upgrade() -> None:
    for table in ARCHIVED:
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(sa.Column("archived_on", sa.Date(), nullable=True))
            batch_op.add_column(sa.Column("archive_reason", sa.String(length=500),
                                          nullable=False, server_default=""))
            batch_op.create_index(batch_op.f(f"ix_{table}_archived_on"), ["archived_on"],
                                  unique=False)
    with op.batch_alter_table("action") as batch_op:
        batch_op.add_column(sa.Column("effectiveness_login", sa.String(length=63),
                                      nullable=False, server_default=""))
        batch_op.add_column(sa.Column("effectiveness_at", UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("effectiveness_hash", sa.String(length=64),
                                      nullable=False, server_default=""))
        batch_op.add_column(sa.Column("effectiveness_meaning", sa.String(length=200),
                                      nullable=False, server_default=""))
    for table in MEANING:
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(sa.Column("approved_meaning", sa.String(length=200),
                                          nullable=False, server_default=""))
    # On a team's server: the effectiveness check is for approvers, like the others.
    guard_approvals(op.get_bind())


def downgrade() -> None:
    for table in MEANING:
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column("approved_meaning")
    with op.batch_alter_table("action") as batch_op:
        for column in ("effectiveness_meaning", "effectiveness_hash", "effectiveness_at",
                       "effectiveness_login"):
            batch_op.drop_column(column)
    for table in ARCHIVED:
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{table}_archived_on"))
            batch_op.drop_column("archive_reason")
            batch_op.drop_column("archived_on")
