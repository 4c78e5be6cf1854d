"""Supplier questionnaires: each round sent to a supplier and the answers returned in it.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "questionnaire_round",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("supplier_ref", sa.String(length=20), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("issued_by", sa.String(length=200), nullable=False),
        sa.Column("questions", sa.Text(), nullable=False),
        sa.Column("returned_on", sa.Date(), nullable=True),
        sa.Column("imported_by", sa.String(length=200), nullable=False),
        sa.Column("return_sha256", sa.String(length=64), nullable=False),
        sa.Column("accepted", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["supplier_id"], ["supplier.id"],
                                name=op.f("fk_questionnaire_round_supplier_id_supplier"),
                                ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_questionnaire_round")),
        sa.UniqueConstraint("supplier_id", "number",
                            name=op.f("uq_questionnaire_round_supplier_id")),
        sa.UniqueConstraint("token", name=op.f("uq_questionnaire_round_token")),
    )
    with op.batch_alter_table("questionnaire_round") as batch_op:
        batch_op.create_index(batch_op.f("ix_questionnaire_round_supplier_id"),
                              ["supplier_id"])
    op.create_table(
        "questionnaire_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("answer", sa.String(length=20), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["round_id"], ["questionnaire_round.id"],
                                name=op.f("fk_questionnaire_answer_round_id_questionnaire_round"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_questionnaire_answer")),
    )
    with op.batch_alter_table("questionnaire_answer") as batch_op:
        batch_op.create_index(batch_op.f("ix_questionnaire_answer_round_id"), ["round_id"])


def downgrade() -> None:
    op.drop_table("questionnaire_answer")
    op.drop_table("questionnaire_round")
