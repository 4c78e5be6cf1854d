"""Context issues (4.1), risks and opportunities (6.1) with their sources, the risks an
objective addresses, and actions raised from a risk or opportunity.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('context_issue',
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('origin', sa.String(length=20), nullable=False),
    sa.Column('swot', sa.String(length=20), nullable=False),
    sa.Column('pestle', sa.String(length=20), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('effect', sa.Text(), nullable=False),
    sa.Column('owner', sa.String(length=200), nullable=False),
    sa.Column('review_interval_months', sa.Integer(), nullable=False),
    sa.Column('last_review', sa.Date(), nullable=True),
    sa.Column('next_review', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ref', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_context_issue')),
    sa.UniqueConstraint('ref', name=op.f('uq_context_issue_ref'))
    )
    with op.batch_alter_table('context_issue', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_context_issue_next_review'), ['next_review'], unique=False)
        batch_op.create_index(batch_op.f('ix_context_issue_status'), ['status'], unique=False)

    op.create_table('risk',
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('processes', sa.Text(), nullable=False),
    sa.Column('cause', sa.Text(), nullable=False),
    sa.Column('consequence', sa.Text(), nullable=False),
    sa.Column('likelihood', sa.Integer(), nullable=False),
    sa.Column('impact', sa.Integer(), nullable=False),
    sa.Column('treatment', sa.String(length=20), nullable=False),
    sa.Column('treatment_rationale', sa.Text(), nullable=False),
    sa.Column('owner', sa.String(length=200), nullable=False),
    sa.Column('review_interval_months', sa.Integer(), nullable=False),
    sa.Column('last_review', sa.Date(), nullable=True),
    sa.Column('next_review', sa.Date(), nullable=True),
    sa.Column('residual_likelihood', sa.Integer(), nullable=True),
    sa.Column('residual_impact', sa.Integer(), nullable=True),
    sa.Column('evaluation_due', sa.Date(), nullable=True),
    sa.Column('evaluated_on', sa.Date(), nullable=True),
    sa.Column('evaluated_by', sa.String(length=200), nullable=False),
    sa.Column('effectiveness', sa.String(length=20), nullable=False),
    sa.Column('evaluation_notes', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ref', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_risk')),
    sa.UniqueConstraint('ref', name=op.f('uq_risk_ref'))
    )
    with op.batch_alter_table('risk', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_risk_evaluation_due'), ['evaluation_due'], unique=False)
        batch_op.create_index(batch_op.f('ix_risk_next_review'), ['next_review'], unique=False)
        batch_op.create_index(batch_op.f('ix_risk_status'), ['status'], unique=False)

    op.create_table('context_issue_party',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('issue_id', sa.Integer(), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['issue_id'], ['context_issue.id'], name=op.f('fk_context_issue_party_issue_id_context_issue'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['party_id'], ['party.id'], name=op.f('fk_context_issue_party_party_id_party'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_context_issue_party'))
    )
    with op.batch_alter_table('context_issue_party', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_context_issue_party_issue_id'), ['issue_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_context_issue_party_party_id'), ['party_id'], unique=False)

    op.create_table('objective_risk',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('objective_id', sa.Integer(), nullable=False),
    sa.Column('risk_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['objective_id'], ['objective.id'], name=op.f('fk_objective_risk_objective_id_objective'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['risk_id'], ['risk.id'], name=op.f('fk_objective_risk_risk_id_risk'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_objective_risk'))
    )
    with op.batch_alter_table('objective_risk', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_objective_risk_objective_id'), ['objective_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_objective_risk_risk_id'), ['risk_id'], unique=False)

    op.create_table('risk_source',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('risk_id', sa.Integer(), nullable=False),
    sa.Column('context_issue_id', sa.Integer(), nullable=True),
    sa.Column('requirement_id', sa.Integer(), nullable=True),
    sa.Column('supplier_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['context_issue_id'], ['context_issue.id'], name=op.f('fk_risk_source_context_issue_id_context_issue'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['requirement_id'], ['party_requirement.id'], name=op.f('fk_risk_source_requirement_id_party_requirement'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['risk_id'], ['risk.id'], name=op.f('fk_risk_source_risk_id_risk'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['supplier_id'], ['supplier.id'], name=op.f('fk_risk_source_supplier_id_supplier'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_risk_source'))
    )
    with op.batch_alter_table('risk_source', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_risk_source_context_issue_id'), ['context_issue_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_risk_source_requirement_id'), ['requirement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_risk_source_risk_id'), ['risk_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_risk_source_supplier_id'), ['supplier_id'], unique=False)

    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.add_column(sa.Column('risk_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_action_risk_id'), ['risk_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_action_risk_id_risk'), 'risk', ['risk_id'], ['id'], ondelete='RESTRICT')



def downgrade() -> None:
    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_action_risk_id_risk'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_action_risk_id'))
        batch_op.drop_column('risk_id')

    with op.batch_alter_table('risk_source', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_risk_source_supplier_id'))
        batch_op.drop_index(batch_op.f('ix_risk_source_risk_id'))
        batch_op.drop_index(batch_op.f('ix_risk_source_requirement_id'))
        batch_op.drop_index(batch_op.f('ix_risk_source_context_issue_id'))

    op.drop_table('risk_source')
    with op.batch_alter_table('objective_risk', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_objective_risk_risk_id'))
        batch_op.drop_index(batch_op.f('ix_objective_risk_objective_id'))

    op.drop_table('objective_risk')
    with op.batch_alter_table('context_issue_party', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_context_issue_party_party_id'))
        batch_op.drop_index(batch_op.f('ix_context_issue_party_issue_id'))

    op.drop_table('context_issue_party')
    with op.batch_alter_table('risk', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_risk_status'))
        batch_op.drop_index(batch_op.f('ix_risk_next_review'))
        batch_op.drop_index(batch_op.f('ix_risk_evaluation_due'))

    op.drop_table('risk')
    with op.batch_alter_table('context_issue', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_context_issue_status'))
        batch_op.drop_index(batch_op.f('ix_context_issue_next_review'))

    op.drop_table('context_issue')
