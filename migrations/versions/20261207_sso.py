"""Single sign-on (issue 21): the sign-in settings (password sign-in on or off, the break-glass account) and the
e-mail domains allowed just-in-time account creation.

Revision ID: 20261207sso
Revises: 20261207people
Create Date: 2026-12-07 15:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = '20261207sso'
down_revision = '20261207people'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'sign_in_settings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('password_sign_in', sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column('break_glass_user_id', sa.Integer(), nullable=True),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['break_glass_user_id'], ['users.id'],
                                name=op.f('fk_sign_in_settings_break_glass_user_id_users'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'],
                                name=op.f('fk_sign_in_settings_updated_by_id_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_settings')),
    )
    op.create_table(
        'sso_jit_domains',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('domain', sa.String(length=253), nullable=False),
        sa.Column('role', sa.String(length=20), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.CheckConstraint("role IN ('candidate', 'manager')", name=op.f('ck_sso_jit_domains_role')),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'],
                                name=op.f('fk_sso_jit_domains_created_by_id_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sso_jit_domains')),
        sa.UniqueConstraint('domain', name=op.f('uq_sso_jit_domains_domain')),
    )


def downgrade():
    op.drop_table('sso_jit_domains')
    op.drop_table('sign_in_settings')
