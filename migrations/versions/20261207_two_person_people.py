"""Two-person rules about people: when an account got its role, HR-role grants awaiting a second HR person,
and conflicts of interest HR cleared with a reason.

Existing accounts get ``role_granted_at`` = their creation (the best the database knows).

Revision ID: 20261207secgov
Revises: 20261201i18n
Create Date: 2026-12-07 02:45:00

"""
from alembic import op
import sqlalchemy as sa


revision = '20261207secgov'
down_revision = '20261201i18n'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('role_granted_at', sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE users SET role_granted_at = created_at")
    op.create_table(
        'role_grants',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('role', sa.String(length=20), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('proposed_by_id', sa.Integer(), nullable=False),
        sa.Column('proposed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('approved_by_id', sa.Integer(), nullable=True),
        sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("status IN ('proposed', 'approved', 'withdrawn')", name=op.f('ck_role_grants_status')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_role_grants_user_id_users')),
        sa.ForeignKeyConstraint(['proposed_by_id'], ['users.id'], name=op.f('fk_role_grants_proposed_by_id_users')),
        sa.ForeignKeyConstraint(['approved_by_id'], ['users.id'], name=op.f('fk_role_grants_approved_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_role_grants')),
    )
    with op.batch_alter_table('role_grants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_role_grants_user_id'), ['user_id'], unique=False)
    op.create_table(
        'conflict_clearances',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('assignment_id', sa.Integer(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('cleared_by_id', sa.Integer(), nullable=False),
        sa.Column('cleared_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['assignment_id'], ['rater_assignments.id'],
                                name=op.f('fk_conflict_clearances_assignment_id_rater_assignments')),
        sa.ForeignKeyConstraint(['cleared_by_id'], ['users.id'],
                                name=op.f('fk_conflict_clearances_cleared_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_conflict_clearances')),
        sa.UniqueConstraint('assignment_id', name=op.f('uq_conflict_clearances_assignment_id')),
    )


def downgrade():
    op.drop_table('conflict_clearances')
    with op.batch_alter_table('role_grants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_role_grants_user_id'))
    op.drop_table('role_grants')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('role_granted_at')
