"""The staff table (login -> display name and role) and who approved what, as recorded acts:
the approver's login, the moment and the hash of the content approved, for supplier reviews,
policy revisions and report approvals.

On a server already set up (server-setup), only administrators change the staff table and
only approvers approve a supplier review or issue a policy revision (models.roles).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

from qmsdesk.models.base import UTCDateTime
from qmsdesk.models.roles import guard_approvals, restrict_new_tables

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

SIGNED = ("supplier_review", "quality_policy")


def upgrade() -> None:
    op.create_table(
        "staff",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("login", sa.String(length=63), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff")),
        sa.UniqueConstraint("login", name=op.f("uq_staff_login")),
    )
    for table in SIGNED:
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(sa.Column("approved_login", sa.String(length=63),
                                          nullable=False, server_default=""))
            batch_op.add_column(sa.Column("approved_at", UTCDateTime(), nullable=True))
            batch_op.add_column(sa.Column("approved_hash", sa.String(length=64),
                                          nullable=False, server_default=""))
    with op.batch_alter_table("report_approval") as batch_op:
        batch_op.add_column(sa.Column("approved_login", sa.String(length=63),
                                      nullable=False, server_default=""))
        batch_op.add_column(sa.Column("content_hash", sa.String(length=64),
                                      nullable=False, server_default=""))
    conn = op.get_bind()
    restrict_new_tables(conn, ["staff"])  # on a team's server: administrators' table
    guard_approvals(conn)


def downgrade() -> None:
    with op.batch_alter_table("report_approval") as batch_op:
        batch_op.drop_column("content_hash")
        batch_op.drop_column("approved_login")
    for table in SIGNED:
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column("approved_hash")
            batch_op.drop_column("approved_at")
            batch_op.drop_column("approved_login")
    op.drop_table("staff")
