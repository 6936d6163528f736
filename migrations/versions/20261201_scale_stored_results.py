"""Stored readiness results (with the fingerprint of their inputs), and indexes for the pages at scale.

Revision ID: 5ca1e0c0ffee
Revises: 20261201_governance
Create Date: 2026-12-01 15:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5ca1e0c0ffee'
down_revision = '20261201_governance'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('stored_results',
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('engine_version', sa.String(length=80), nullable=False),
    sa.Column('band_id', sa.String(length=64), nullable=False),
    sa.Column('verdict_rank', sa.Integer(), nullable=False),
    sa.Column('weighted_attainment', sa.Float(), nullable=True),
    sa.Column('decision_scores', sa.JSON(), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessments.id'],
                            name=op.f('fk_stored_results_assessment_id_assessments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('assessment_id', name=op.f('pk_stored_results'))
    )
    # Checked with EXPLAIN ANALYZE on PostgreSQL at 5,000 candidates (docs/scale.md, docs/benchmarks.md).
    with op.batch_alter_table('rater_assignments', schema=None) as batch_op:
        batch_op.create_index('ix_rater_assignments_assessment_id_status', ['assessment_id', 'status'], unique=False)
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index('ix_audit_events_cycle_id_occurred_at', ['cycle_id', 'occurred_at'], unique=False)


def downgrade():
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_events_cycle_id_occurred_at')
    with op.batch_alter_table('rater_assignments', schema=None) as batch_op:
        batch_op.drop_index('ix_rater_assignments_assessment_id_status')
    op.drop_table('stored_results')
