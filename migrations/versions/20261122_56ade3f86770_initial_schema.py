"""Initial schema: users, cycles, pinned rubric versions, assessments, rater sheets, ratings,
submissions, calibrations, export jobs, the audit trail and sign-in throttling.

Revision ID: 56ade3f86770
Revises: 
Create Date: 2026-11-22 05:12:10.606034

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '56ade3f86770'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('login_throttles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=400), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('first_failure_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_throttles')),
    sa.UniqueConstraint('key', name=op.f('uq_login_throttles_key'))
    )
    op.create_table('rubric_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('version', sa.String(length=50), nullable=False),
    sa.Column('snapshot', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rubric_versions')),
    sa.UniqueConstraint('content_hash', name=op.f('uq_rubric_versions_content_hash'))
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=True),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("role IN ('hr', 'manager', 'candidate')", name=op.f('ck_users_role')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email'))
    )
    op.create_table('cycles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('instructions', sa.Text(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=True),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('rubric_version_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('released_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("state = 'draft' OR rubric_version_id IS NOT NULL", name=op.f('ck_cycles_pinned_when_opened')),
    sa.CheckConstraint("state IN ('draft', 'open', 'closed', 'released')", name=op.f('ck_cycles_state')),
    sa.ForeignKeyConstraint(['rubric_version_id'], ['rubric_versions.id'], name=op.f('fk_cycles_rubric_version_id_rubric_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cycles'))
    )
    op.create_table('assessments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('candidate_id', sa.Integer(), nullable=False),
    sa.Column('current_role', sa.String(length=50), nullable=False),
    sa.Column('target_role', sa.String(length=50), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['candidate_id'], ['users.id'], name=op.f('fk_assessments_candidate_id_users')),
    sa.ForeignKeyConstraint(['cycle_id'], ['cycles.id'], name=op.f('fk_assessments_cycle_id_cycles')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessments')),
    sa.UniqueConstraint('cycle_id', 'candidate_id', name=op.f('uq_assessments_cycle_id_candidate_id'))
    )
    with op.batch_alter_table('assessments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessments_candidate_id'), ['candidate_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assessments_cycle_id'), ['cycle_id'], unique=False)

    op.create_table('audit_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=64), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=True),
    sa.Column('subject_type', sa.String(length=64), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=True),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_audit_events_actor_id_users')),
    sa.ForeignKeyConstraint(['cycle_id'], ['cycles.id'], name=op.f('fk_audit_events_cycle_id_cycles')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_events_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_events_cycle_id'), ['cycle_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_events_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_events_occurred_at'), ['occurred_at'], unique=False)

    op.create_table('export_jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('progress_done', sa.Integer(), nullable=False),
    sa.Column('progress_total', sa.Integer(), nullable=False),
    sa.Column('file_path', sa.String(length=1000), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('rq_job_id', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("state IN ('queued', 'running', 'done', 'failed')", name=op.f('ck_export_jobs_state')),
    sa.ForeignKeyConstraint(['cycle_id'], ['cycles.id'], name=op.f('fk_export_jobs_cycle_id_cycles')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_export_jobs_requested_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_export_jobs'))
    )
    with op.batch_alter_table('export_jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_export_jobs_cycle_id'), ['cycle_id'], unique=False)

    op.create_table('calibrations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('band_id', sa.String(length=64), nullable=False),
    sa.Column('computed_band_id', sa.String(length=64), nullable=False),
    sa.Column('rationale', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessments.id'], name=op.f('fk_calibrations_assessment_id_assessments')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_calibrations_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calibrations'))
    )
    with op.batch_alter_table('calibrations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_calibrations_assessment_id'), ['assessment_id'], unique=False)

    op.create_table('rater_assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('rater_id', sa.Integer(), nullable=False),
    sa.Column('rater_group', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("rater_group IN ('self', 'manager', 'peer')", name=op.f('ck_rater_assignments_rater_group')),
    sa.CheckConstraint("status IN ('not_started', 'draft', 'submitted')", name=op.f('ck_rater_assignments_status')),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessments.id'], name=op.f('fk_rater_assignments_assessment_id_assessments')),
    sa.ForeignKeyConstraint(['rater_id'], ['users.id'], name=op.f('fk_rater_assignments_rater_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rater_assignments')),
    sa.UniqueConstraint('assessment_id', 'rater_id', name=op.f('uq_rater_assignments_assessment_id_rater_id'))
    )
    with op.batch_alter_table('rater_assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rater_assignments_assessment_id'), ['assessment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_rater_assignments_rater_id'), ['rater_id'], unique=False)

    op.create_table('ratings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('competency_id', sa.String(length=64), nullable=False),
    sa.Column('level', sa.Integer(), nullable=True),
    sa.Column('is_not_observed', sa.Boolean(), nullable=False),
    sa.Column('evidence', sa.Text(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('NOT (is_not_observed AND level IS NOT NULL)', name=op.f('ck_ratings_level_or_not_observed')),
    sa.CheckConstraint('level IS NULL OR (level >= 1 AND level <= 5)', name=op.f('ck_ratings_level_on_scale')),
    sa.ForeignKeyConstraint(['assignment_id'], ['rater_assignments.id'], name=op.f('fk_ratings_assignment_id_rater_assignments')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_ratings_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ratings')),
    sa.UniqueConstraint('assignment_id', 'revision', 'competency_id', name=op.f('uq_ratings_assignment_id_revision_competency_id'))
    )
    with op.batch_alter_table('ratings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ratings_assignment_id'), ['assignment_id'], unique=False)

    op.create_table('submissions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('submitted_by_id', sa.Integer(), nullable=False),
    sa.Column('reopened_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reopened_by_id', sa.Integer(), nullable=True),
    sa.Column('reopen_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['assignment_id'], ['rater_assignments.id'], name=op.f('fk_submissions_assignment_id_rater_assignments')),
    sa.ForeignKeyConstraint(['reopened_by_id'], ['users.id'], name=op.f('fk_submissions_reopened_by_id_users')),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['users.id'], name=op.f('fk_submissions_submitted_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_submissions')),
    sa.UniqueConstraint('assignment_id', 'revision', name=op.f('uq_submissions_assignment_id_revision'))
    )
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_submissions_assignment_id'), ['assignment_id'], unique=False)



def downgrade():
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_submissions_assignment_id'))

    op.drop_table('submissions')
    with op.batch_alter_table('ratings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ratings_assignment_id'))

    op.drop_table('ratings')
    with op.batch_alter_table('rater_assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rater_assignments_rater_id'))
        batch_op.drop_index(batch_op.f('ix_rater_assignments_assessment_id'))

    op.drop_table('rater_assignments')
    with op.batch_alter_table('calibrations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_calibrations_assessment_id'))

    op.drop_table('calibrations')
    with op.batch_alter_table('export_jobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_export_jobs_cycle_id'))

    op.drop_table('export_jobs')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_events_occurred_at'))
        batch_op.drop_index(batch_op.f('ix_audit_events_kind'))
        batch_op.drop_index(batch_op.f('ix_audit_events_cycle_id'))
        batch_op.drop_index(batch_op.f('ix_audit_events_actor_id'))

    op.drop_table('audit_events')
    with op.batch_alter_table('assessments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessments_cycle_id'))
        batch_op.drop_index(batch_op.f('ix_assessments_candidate_id'))

    op.drop_table('assessments')
    op.drop_table('cycles')
    op.drop_table('users')
    op.drop_table('rubric_versions')
    op.drop_table('login_throttles')
