"""Languages: each person's chosen language; stored readiness results are kept per language.

Revision ID: 20261201i18n
Revises: 20261201harden
Create Date: 2026-12-01 18:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '20261201i18n'
down_revision = '20261201harden'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=8), nullable=True))
    # Stored results are a cache: dropping them costs one recomputation, and lets the key change simply.
    op.execute(sa.text('DELETE FROM stored_results'))
    with op.batch_alter_table('stored_results', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=8), nullable=False, server_default='en'))
        batch_op.drop_constraint('pk_stored_results', type_='primary')
        batch_op.create_primary_key('pk_stored_results', ['assessment_id', 'language'])


def downgrade():
    op.execute(sa.text('DELETE FROM stored_results'))
    with op.batch_alter_table('stored_results', schema=None) as batch_op:
        batch_op.drop_constraint('pk_stored_results', type_='primary')
        batch_op.create_primary_key('pk_stored_results', ['assessment_id'])
        batch_op.drop_column('language')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('language')
