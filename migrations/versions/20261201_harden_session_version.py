"""Users get a session version: signing out or changing the password ends every session of that person.

Revision ID: 20261201harden
Revises: 5ca1e0c0ffee
Create Date: 2026-12-01 15:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '20261201harden'
down_revision = '5ca1e0c0ffee'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), nullable=False, server_default='1'))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_version')
