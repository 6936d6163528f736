"""Governance: calibration status, approver, panel members and candidate note; per-candidate release.

Existing calibrations were recorded before the two-person rule and count as approved; existing candidates
of released cycles stay released (not withheld).

Revision ID: 20261201_governance
Revises: 7e1d4a9c2b55
Create Date: 2026-12-01 15:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = '20261201_governance'
down_revision = '7e1d4a9c2b55'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('calibrations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('candidate_note', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('panel_members', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('status', sa.String(length=20), server_default='approved', nullable=False))
        batch_op.add_column(sa.Column('approved_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_calibrations_approved_by_id_users'), 'users',
                                    ['approved_by_id'], ['id'])
        batch_op.create_check_constraint(batch_op.f('ck_calibrations_status'),
                                         "status IN ('proposed', 'approved')")
    with op.batch_alter_table('assessments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_withheld', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('assessments', schema=None) as batch_op:
        batch_op.drop_column('is_withheld')
    with op.batch_alter_table('calibrations', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_calibrations_status'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_calibrations_approved_by_id_users'), type_='foreignkey')
        batch_op.drop_column('approved_at')
        batch_op.drop_column('approved_by_id')
        batch_op.drop_column('status')
        batch_op.drop_column('panel_members')
        batch_op.drop_column('candidate_note')
