"""Performance ratings imported per person, for the talent grid's second axis (issue 20): every rating kept, the
latest per person counts.

Revision ID: 20261207talentgrid
Revises: 20261207api
Create Date: 2026-12-07 15:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = '20261207talentgrid'
down_revision = '20261207api'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'performance_ratings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('rating', sa.Integer(), nullable=False),
        sa.Column('scale', sa.Integer(), nullable=False),
        sa.Column('level', sa.Integer(), nullable=False),
        sa.Column('source', sa.String(length=200), nullable=False),
        sa.Column('rated_on', sa.Date(), nullable=False),
        sa.Column('imported_by_id', sa.Integer(), nullable=True),
        sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('scale IN (3, 5)', name=op.f('ck_performance_ratings_scale')),
        sa.CheckConstraint('rating >= 1 AND rating <= scale', name=op.f('ck_performance_ratings_rating')),
        sa.CheckConstraint('level IN (1, 2, 3)', name=op.f('ck_performance_ratings_level')),
        sa.ForeignKeyConstraint(['imported_by_id'], ['users.id'],
                                name=op.f('fk_performance_ratings_imported_by_id_users'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_performance_ratings_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_performance_ratings')),
    )
    with op.batch_alter_table('performance_ratings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_performance_ratings_user_id'), ['user_id'], unique=False)
        batch_op.create_index('ix_performance_ratings_latest', ['user_id', 'rated_on', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('performance_ratings', schema=None) as batch_op:
        batch_op.drop_index('ix_performance_ratings_latest')
        batch_op.drop_index(batch_op.f('ix_performance_ratings_user_id'))
    op.drop_table('performance_ratings')
