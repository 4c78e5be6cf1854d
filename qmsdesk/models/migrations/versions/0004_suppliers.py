"""Supplier register: suppliers, certificates, status history, criteria, reviews and scores;
actions may come from a supplier review.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('review_criterion',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('weight', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_criterion'))
    )
    op.create_table('supplier',
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('scope', sa.Text(), nullable=False),
    sa.Column('category', sa.String(length=100), nullable=False),
    sa.Column('criticality', sa.String(length=20), nullable=False),
    sa.Column('contact_person', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('phone', sa.String(length=50), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('review_interval_months', sa.Integer(), nullable=True),
    sa.Column('next_review', sa.Date(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ref', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['party_id'], ['party.id'], name=op.f('fk_supplier_party_id_party'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supplier')),
    sa.UniqueConstraint('ref', name=op.f('uq_supplier_ref'))
    )
    with op.batch_alter_table('supplier', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supplier_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_supplier_next_review'), ['next_review'], unique=False)
        batch_op.create_index(batch_op.f('ix_supplier_party_id'), ['party_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_supplier_status'), ['status'], unique=False)

    op.create_table('supplier_certificate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('supplier_id', sa.Integer(), nullable=False),
    sa.Column('standard', sa.String(length=100), nullable=False),
    sa.Column('number', sa.String(length=100), nullable=False),
    sa.Column('issuer', sa.String(length=200), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['supplier_id'], ['supplier.id'], name=op.f('fk_supplier_certificate_supplier_id_supplier'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supplier_certificate'))
    )
    with op.batch_alter_table('supplier_certificate', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supplier_certificate_supplier_id'), ['supplier_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_supplier_certificate_valid_until'), ['valid_until'], unique=False)

    op.create_table('supplier_review',
    sa.Column('supplier_id', sa.Integer(), nullable=False),
    sa.Column('period_from', sa.Date(), nullable=True),
    sa.Column('period_to', sa.Date(), nullable=True),
    sa.Column('review_date', sa.Date(), nullable=False),
    sa.Column('reviewer', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('deliveries_total', sa.Integer(), nullable=True),
    sa.Column('deliveries_on_time', sa.Integer(), nullable=True),
    sa.Column('lots_received', sa.Integer(), nullable=True),
    sa.Column('lots_rejected', sa.Integer(), nullable=True),
    sa.Column('units_received', sa.Integer(), nullable=True),
    sa.Column('units_rejected', sa.Integer(), nullable=True),
    sa.Column('total_score', sa.Float(), nullable=True),
    sa.Column('band', sa.String(length=10), nullable=False),
    sa.Column('decision', sa.String(length=20), nullable=False),
    sa.Column('strengths', sa.Text(), nullable=False),
    sa.Column('weaknesses', sa.Text(), nullable=False),
    sa.Column('comments', sa.Text(), nullable=False),
    sa.Column('approved_by', sa.String(length=200), nullable=False),
    sa.Column('approved_on', sa.Date(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ref', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['supplier_id'], ['supplier.id'], name=op.f('fk_supplier_review_supplier_id_supplier'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supplier_review')),
    sa.UniqueConstraint('ref', name=op.f('uq_supplier_review_ref'))
    )
    with op.batch_alter_table('supplier_review', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supplier_review_review_date'), ['review_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_supplier_review_supplier_id'), ['supplier_id'], unique=False)

    op.create_table('supplier_review_score',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('criterion', sa.String(length=100), nullable=False),
    sa.Column('weight', sa.Float(), nullable=False),
    sa.Column('score', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['review_id'], ['supplier_review.id'], name=op.f('fk_supplier_review_score_review_id_supplier_review'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supplier_review_score'))
    )
    with op.batch_alter_table('supplier_review_score', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supplier_review_score_review_id'), ['review_id'], unique=False)

    op.create_table('supplier_status_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('supplier_id', sa.Integer(), nullable=False),
    sa.Column('changed_on', sa.Date(), nullable=False),
    sa.Column('from_status', sa.String(length=20), nullable=False),
    sa.Column('to_status', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('changed_by', sa.String(length=200), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['review_id'], ['supplier_review.id'], name=op.f('fk_supplier_status_change_review_id_supplier_review'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['supplier_id'], ['supplier.id'], name=op.f('fk_supplier_status_change_supplier_id_supplier'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supplier_status_change'))
    )
    with op.batch_alter_table('supplier_status_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supplier_status_change_review_id'), ['review_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_supplier_status_change_supplier_id'), ['supplier_id'], unique=False)

    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.add_column(sa.Column('supplier_review_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_action_supplier_review_id'), ['supplier_review_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_action_supplier_review_id_supplier_review'), 'supplier_review', ['supplier_review_id'], ['id'], ondelete='RESTRICT')



def downgrade() -> None:
    with op.batch_alter_table("action", schema=None) as batch_op:
        batch_op.drop_constraint("fk_action_supplier_review_id_supplier_review",
                                 type_="foreignkey")
        batch_op.drop_index("ix_action_supplier_review_id")
        batch_op.drop_column("supplier_review_id")
    for table in ("supplier_status_change", "supplier_review_score", "supplier_review",
                  "review_criterion", "supplier_certificate", "supplier"):
        op.drop_table(table)
