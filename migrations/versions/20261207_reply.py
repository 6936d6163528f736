"""The candidate's right of reply (issue 20, 4): acknowledgement and reply per assessment, review requests, the
cycle's review period in days, and the outbox's message that tells a candidate how their request was resolved.

Revision ID: 20261207reply
Revises: 20261207talentgrid
Create Date: 2026-12-07 15:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = '20261207reply'
down_revision = '20261207talentgrid'
branch_labels = None
depends_on = None

OLD_KINDS = "kind IN ('invitation', 'password_reset', 'cycle_opened', 'reminder', 'results_released', 'sheet_reopened')"
NEW_KINDS = ("kind IN ('invitation', 'password_reset', 'cycle_opened', 'reminder', 'results_released', "
             "'sheet_reopened', 'review_resolved')")


def upgrade():
    with op.batch_alter_table('cycles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('review_days', sa.Integer(), server_default='14', nullable=False))
        batch_op.create_check_constraint(batch_op.f('ck_cycles_review_days'), 'review_days BETWEEN 1 AND 365')
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_outbox_messages_kind'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_outbox_messages_kind'), NEW_KINDS)
    op.create_table(
        'candidate_replies',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('assessment_id', sa.Integer(), nullable=False),
        sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('text', sa.Text(), nullable=True),
        sa.Column('version', sa.Integer(), server_default='0', nullable=False),
        sa.Column('written_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('read_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['assessment_id'], ['assessments.id'],
                                name=op.f('fk_candidate_replies_assessment_id_assessments')),
        sa.ForeignKeyConstraint(['read_by_id'], ['users.id'], name=op.f('fk_candidate_replies_read_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_candidate_replies')),
        sa.UniqueConstraint('assessment_id', name=op.f('uq_candidate_replies_assessment_id')),
    )
    op.create_table(
        'review_requests',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('assessment_id', sa.Integer(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=20), server_default='open', nullable=False),
        sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('outcome', sa.String(length=20), nullable=True),
        sa.Column('resolution', sa.Text(), nullable=True),
        sa.Column('calibration_id', sa.Integer(), nullable=True),
        sa.Column('resolved_by_id', sa.Integer(), nullable=True),
        sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("status IN ('open', 'resolved')", name=op.f('ck_review_requests_status')),
        sa.CheckConstraint("outcome IS NULL OR outcome IN ('upheld', 'changed', 'not_upheld')",
                           name=op.f('ck_review_requests_outcome')),
        sa.ForeignKeyConstraint(['assessment_id'], ['assessments.id'],
                                name=op.f('fk_review_requests_assessment_id_assessments')),
        sa.ForeignKeyConstraint(['calibration_id'], ['calibrations.id'],
                                name=op.f('fk_review_requests_calibration_id_calibrations')),
        sa.ForeignKeyConstraint(['resolved_by_id'], ['users.id'], name=op.f('fk_review_requests_resolved_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_review_requests')),
    )
    op.create_index(op.f('ix_review_requests_assessment_id'), 'review_requests', ['assessment_id'], unique=False)
    op.create_index('uq_review_requests_open', 'review_requests', ['assessment_id'], unique=True,
                    sqlite_where=sa.text("status = 'open'"), postgresql_where=sa.text("status = 'open'"))


def downgrade():
    op.drop_index('uq_review_requests_open', table_name='review_requests')
    op.drop_index(op.f('ix_review_requests_assessment_id'), table_name='review_requests')
    op.drop_table('review_requests')
    op.drop_table('candidate_replies')
    op.execute("DELETE FROM outbox_messages WHERE kind = 'review_resolved'")
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_outbox_messages_kind'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_outbox_messages_kind'), OLD_KINDS)
    with op.batch_alter_table('cycles', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_cycles_review_days'), type_='check')
        batch_op.drop_column('review_days')
