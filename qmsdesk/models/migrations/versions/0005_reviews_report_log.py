"""Management-review meetings (actions may come from one) and the log of issued reports.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('management_review',
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('period_from', sa.Date(), nullable=False),
    sa.Column('period_to', sa.Date(), nullable=False),
    sa.Column('chair', sa.String(length=200), nullable=False),
    sa.Column('attendees', sa.Text(), nullable=False),
    sa.Column('conclusions', sa.Text(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ref', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_management_review')),
    sa.UniqueConstraint('ref', name=op.f('uq_management_review_ref'))
    )
    with op.batch_alter_table('management_review', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_management_review_held_on'), ['held_on'], unique=False)

    op.create_table('report_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_type', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('document_number', sa.String(length=100), nullable=False),
    sa.Column('period', sa.String(length=100), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('issue_date', sa.Date(), nullable=False),
    sa.Column('generated_at', sa.DateTime(), nullable=False),
    sa.Column('generated_by', sa.String(length=200), nullable=False),
    sa.Column('pages', sa.Integer(), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('path', sa.Text(), nullable=False),
    sa.Column('member', sa.String(length=300), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_log'))
    )
    with op.batch_alter_table('report_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_log_fingerprint'), ['fingerprint'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_log_generated_at'), ['generated_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_log_report_type'), ['report_type'], unique=False)

    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.add_column(sa.Column('management_review_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_action_management_review_id'), ['management_review_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_action_management_review_id_management_review'), 'management_review', ['management_review_id'], ['id'], ondelete='RESTRICT')



def downgrade() -> None:
    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_action_management_review_id_management_review'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_action_management_review_id'))
        batch_op.drop_column('management_review_id')

    with op.batch_alter_table('report_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_log_report_type'))
        batch_op.drop_index(batch_op.f('ix_report_log_generated_at'))
        batch_op.drop_index(batch_op.f('ix_report_log_fingerprint'))

    op.drop_table('report_log')
    with op.batch_alter_table('management_review', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_management_review_held_on'))

    op.drop_table('management_review')
