"""Calibration governance (issue 17, 4): the panel's members as accounts, and a reason code per calibration.

Earlier calibrations keep their typed panel names (``calibrations.panel_members``) and have no reason code.

Revision ID: 20261207panel
Revises: 20261207secgov
Create Date: 2026-12-07 06:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '20261207panel'
down_revision = '20261207secgov'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('calibrations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reason_code', sa.String(length=64), nullable=True))
    op.create_table(
        'calibration_panel_members',
        sa.Column('calibration_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['calibration_id'], ['calibrations.id'],
                                name=op.f('fk_calibration_panel_members_calibration_id_calibrations')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_calibration_panel_members_user_id_users')),
        sa.PrimaryKeyConstraint('calibration_id', 'user_id', name=op.f('pk_calibration_panel_members')),
    )
    with op.batch_alter_table('calibration_panel_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_calibration_panel_members_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('calibration_panel_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_calibration_panel_members_user_id'))
    op.drop_table('calibration_panel_members')
    with op.batch_alter_table('calibrations', schema=None) as batch_op:
        batch_op.drop_column('reason_code')
