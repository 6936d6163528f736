"""Evidence sources (issue 18): direct reports and assessors as rater groups, assessment-centre exercises and the
assessors' consensus, where and how long a level was seen, the rater's relationship and briefing, and the
candidate's track record for the eligibility rule.

Every earlier sheet is neither an assessor's (``exercise_id`` '') nor carries a situation; old cycles keep their
pinned rubric and results.

Revision ID: 20261207evidence
Revises: 20261207panel
Create Date: 2026-12-07 09:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '20261207evidence'
down_revision = '20261207panel'
branch_labels = None
depends_on = None

GROUPS_BEFORE = "rater_group IN ('self', 'manager', 'peer')"
GROUPS_AFTER = "rater_group IN ('self', 'manager', 'peer', 'direct_report', 'assessor')"


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_assessor', sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table('assessments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('leadership_months', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('current_role_months', sa.Integer(), nullable=True))
    with op.batch_alter_table('rater_assignments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('exercise_id', sa.String(length=64), server_default='', nullable=False))
        batch_op.add_column(sa.Column('known_for', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('closeness', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('briefing_read_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.drop_constraint(op.f('uq_rater_assignments_assessment_id_rater_id'), type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_rater_assignments_assessment_id_rater_id_exercise_id'),
                                          ['assessment_id', 'rater_id', 'exercise_id'])
        batch_op.drop_constraint(op.f('ck_rater_assignments_rater_group'), type_='check')
        batch_op.create_check_constraint('rater_group', GROUPS_AFTER)
    with op.batch_alter_table('ratings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seen_in', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('seen_weeks', sa.Integer(), nullable=True))
        batch_op.create_check_constraint('seen_weeks', 'seen_weeks IS NULL OR (seen_weeks >= 1 AND seen_weeks <= 1040)')
    op.create_table(
        'exercise_sessions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('assessment_id', sa.Integer(), nullable=False),
        sa.Column('exercise_id', sa.String(length=64), nullable=False),
        sa.Column('scheduled_on', sa.Date(), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['assessment_id'], ['assessments.id'],
                                name=op.f('fk_exercise_sessions_assessment_id_assessments')),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_exercise_sessions_created_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_exercise_sessions')),
        sa.UniqueConstraint('assessment_id', 'exercise_id', name=op.f('uq_exercise_sessions_assessment_id_exercise_id')),
    )
    with op.batch_alter_table('exercise_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exercise_sessions_assessment_id'), ['assessment_id'], unique=False)
    op.create_table(
        'assessor_consensus',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('assessment_id', sa.Integer(), nullable=False),
        sa.Column('competency_id', sa.String(length=64), nullable=False),
        sa.Column('level', sa.Integer(), nullable=True),
        sa.Column('is_not_observed', sa.Boolean(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('resolution', sa.Text(), server_default='', nullable=False),
        sa.Column('agreed_by_id', sa.Integer(), nullable=False),
        sa.Column('agreed_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('level IS NULL OR (level >= 1 AND level <= 5)', name=op.f('ck_assessor_consensus_level_on_scale')),
        sa.CheckConstraint('NOT (is_not_observed AND level IS NOT NULL)',
                           name=op.f('ck_assessor_consensus_level_or_not_observed')),
        sa.ForeignKeyConstraint(['agreed_by_id'], ['users.id'], name=op.f('fk_assessor_consensus_agreed_by_id_users')),
        sa.ForeignKeyConstraint(['assessment_id'], ['assessments.id'],
                                name=op.f('fk_assessor_consensus_assessment_id_assessments')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_assessor_consensus')),
        sa.UniqueConstraint('assessment_id', 'competency_id', name=op.f('uq_assessor_consensus_assessment_id_competency_id')),
    )
    with op.batch_alter_table('assessor_consensus', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessor_consensus_assessment_id'), ['assessment_id'], unique=False)


def downgrade():
    op.drop_table('assessor_consensus')
    op.drop_table('exercise_sessions')
    with op.batch_alter_table('ratings', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_ratings_seen_weeks'), type_='check')
        batch_op.drop_column('seen_weeks')
        batch_op.drop_column('seen_in')
    with op.batch_alter_table('rater_assignments', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_rater_assignments_rater_group'), type_='check')
        batch_op.create_check_constraint('rater_group', GROUPS_BEFORE)
        batch_op.drop_constraint(op.f('uq_rater_assignments_assessment_id_rater_id_exercise_id'), type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_rater_assignments_assessment_id_rater_id'),
                                          ['assessment_id', 'rater_id'])
        batch_op.drop_column('briefing_read_at')
        batch_op.drop_column('closeness')
        batch_op.drop_column('known_for')
        batch_op.drop_column('exercise_id')
    with op.batch_alter_table('assessments', schema=None) as batch_op:
        batch_op.drop_column('current_role_months')
        batch_op.drop_column('leadership_months')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('is_assessor')
