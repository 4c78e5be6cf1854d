"""Indexes for the dashboard's counts, so that they read indexes rather than the registers:
each objective's latest measurement and each supplier's latest approved reviews by one seek,
actions by status, and actions opened and completed per day.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

APPROVED = "approved_on IS NOT NULL"  # a draft review is no result: left out of the index
INDEXES = (
    ("ix_measurement_latest", "measurement", ["objective_id", "on_date", "id"], None),
    ("ix_supplier_review_latest", "supplier_review", ["supplier_id", "review_date", "id"],
     APPROVED),
    ("ix_action_archived_status", "action", ["archived_on", "status"], None),
    ("ix_action_begun", "action", ["start_date", "created_at"], None),
    ("ix_action_completed_on", "action", ["completed_on"], None),
)


def upgrade() -> None:
    for name, table, columns, where in INDEXES:
        condition = None if where is None else sa.text(where)
        op.create_index(name, table, columns, unique=False, sqlite_where=condition,
                        postgresql_where=condition)


def downgrade() -> None:
    for name, table, _columns, _where in reversed(INDEXES):
        op.drop_index(name, table_name=table)
