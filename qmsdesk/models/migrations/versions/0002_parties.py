"""Interested parties register: parties, requirements, engagement log.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "party",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(20), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("category", sa.String(30), nullable=False),
        sa.Column("internal", sa.Boolean(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("contact_person", sa.String(200), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("phone", sa.String(50), nullable=False),
        sa.Column("influence", sa.Integer(), nullable=False),
        sa.Column("interest", sa.Integer(), nullable=False),
        sa.Column("owner", sa.String(200), nullable=False),
        sa.Column("monitoring_method", sa.String(200), nullable=False),
        sa.Column("monitoring_frequency", sa.String(30), nullable=False),
        sa.Column("review_interval_months", sa.Integer(), nullable=False),
        sa.Column("last_review", sa.Date(), nullable=True),
        sa.Column("next_review", sa.Date(), nullable=True),
        sa.Column("focus", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_party"),
        sa.UniqueConstraint("ref", name="uq_party_ref"),
    )
    op.create_index("ix_party_name", "party", ["name"])
    op.create_index("ix_party_next_review", "party", ["next_review"])
    op.create_index("ix_party_status", "party", ["status"])
    op.create_table(
        "party_requirement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("obligation", sa.String(20), nullable=False),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("addressed_by", sa.String(200), nullable=False),
        sa.ForeignKeyConstraint(["party_id"], ["party.id"], ondelete="CASCADE",
                                name="fk_party_requirement_party_id_party"),
        sa.PrimaryKeyConstraint("id", name="pk_party_requirement"),
    )
    op.create_index("ix_party_requirement_party_id", "party_requirement", ["party_id"])
    op.create_table(
        "party_engagement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("satisfaction", sa.Integer(), nullable=True),
        sa.Column("follow_up", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["party_id"], ["party.id"], ondelete="CASCADE",
                                name="fk_party_engagement_party_id_party"),
        sa.PrimaryKeyConstraint("id", name="pk_party_engagement"),
    )
    op.create_index("ix_party_engagement_party_id", "party_engagement", ["party_id"])


def downgrade() -> None:
    op.drop_table("party_engagement")
    op.drop_table("party_requirement")
    op.drop_table("party")
