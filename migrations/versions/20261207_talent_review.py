"""Talent review (issue 20, 1): each stored result's overall agreement index (to sort a review column by it in
SQL), and an export job's parameters (the panel pack names a role and the cycles it covers).

Revision ID: 20261207talentreview
Revises: 20261207sso
Create Date: 2026-12-07 15:35:00

"""
from alembic import op
import sqlalchemy as sa


revision = '20261207talentreview'
down_revision = '20261207sso'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('stored_results', schema=None) as batch_op:
        batch_op.add_column(sa.Column('agreement', sa.Float(), nullable=True))
    with op.batch_alter_table('export_jobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('params', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('export_jobs', schema=None) as batch_op:
        batch_op.drop_column('params')
    with op.batch_alter_table('stored_results', schema=None) as batch_op:
        batch_op.drop_column('agreement')
