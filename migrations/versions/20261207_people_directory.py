"""People as an HR system knows them: the unit (site or department), the employee id the HR system matches on, the
line manager (reporting line), and when an account was deactivated (issues 20 and 21).

Revision ID: 20261207people
Revises: 20261207raterquality
Create Date: 2026-12-07 15:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = '20261207people'
down_revision = '20261207raterquality'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unit', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('employee_id', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('manager_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('deactivated_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_users_employee_id'), ['employee_id'])
        batch_op.create_index(batch_op.f('ix_users_manager_id'), ['manager_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_users_unit'), ['unit'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_users_manager_id_users'), 'users', ['manager_id'], ['id'],
                                    ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_users_manager_id_users'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_users_unit'))
        batch_op.drop_index(batch_op.f('ix_users_manager_id'))
        batch_op.drop_constraint(batch_op.f('uq_users_employee_id'), type_='unique')
        batch_op.drop_column('deactivated_at')
        batch_op.drop_column('manager_id')
        batch_op.drop_column('employee_id')
        batch_op.drop_column('unit')
