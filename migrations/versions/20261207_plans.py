"""Development plans (issue 20, part 3): a plan per released assessment, with each party's dated agreement, and
its actions (what, competency, owner, due date, support, status, note).

Revision ID: 20261207plans
Revises: 20261207reply
Create Date: 2026-12-07 15:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = '20261207plans'
down_revision = '20261207reply'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('development_plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('candidate_agreed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('manager_agreed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('manager_agreed_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessments.id'],
                            name=op.f('fk_development_plans_assessment_id_assessments')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_development_plans_created_by_id_users')),
    sa.ForeignKeyConstraint(['manager_agreed_by_id'], ['users.id'],
                            name=op.f('fk_development_plans_manager_agreed_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_development_plans')),
    sa.UniqueConstraint('assessment_id', name=op.f('uq_development_plans_assessment_id'))
    )
    op.create_table('development_actions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('competency_id', sa.String(length=64), nullable=False),
    sa.Column('what', sa.Text(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('support', sa.String(length=20), nullable=False),
    sa.Column('support_detail', sa.String(length=200), server_default='', nullable=False),
    sa.Column('status', sa.String(length=20), server_default='planned', nullable=False),
    sa.Column('note', sa.Text(), server_default='', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("status IN ('planned', 'in_progress', 'done', 'dropped')",
                       name=op.f('ck_development_actions_status')),
    sa.CheckConstraint("support IN ('mentor', 'course', 'acting_up', 'other')",
                       name=op.f('ck_development_actions_support')),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_development_actions_owner_id_users')),
    sa.ForeignKeyConstraint(['plan_id'], ['development_plans.id'],
                            name=op.f('fk_development_actions_plan_id_development_plans')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_development_actions_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_development_actions'))
    )
    with op.batch_alter_table('development_actions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_development_actions_due_on'), ['due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_development_actions_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_development_actions_plan_id'), ['plan_id'], unique=False)


def downgrade():
    with op.batch_alter_table('development_actions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_development_actions_plan_id'))
        batch_op.drop_index(batch_op.f('ix_development_actions_owner_id'))
        batch_op.drop_index(batch_op.f('ix_development_actions_due_on'))
    op.drop_table('development_actions')
    op.drop_table('development_plans')
