"""Stored rater quality: a cycle's rater flags kept as one row per language, read by every results page.

Revision ID: 20261207raterquality
Revises: 20261207evidence
Create Date: 2026-12-07 12:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '20261207raterquality'
down_revision = '20261207evidence'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('stored_rater_quality',
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('version', sa.String(length=120), nullable=False),
    sa.Column('token', sa.String(length=32), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['cycle_id'], ['cycles.id'],
                            name=op.f('fk_stored_rater_quality_cycle_id_cycles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('cycle_id', 'language', name=op.f('pk_stored_rater_quality'))
    )


def downgrade():
    op.drop_table('stored_rater_quality')
