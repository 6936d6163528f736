"""The schema comes from the migrations only: upgrade from empty, agree with the models, downgrade to base."""

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from assessment import create_app
from assessment.extensions import db
from tests.conftest import app_config, make_throwaway_database


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_migrations_upgrade_match_models_and_downgrade(kind, tmp_path_factory):
    """From empty to head, no pending autogenerate diff, and back to base with no table left."""
    url, drop = make_throwaway_database(kind, tmp_path_factory)
    try:
        app = create_app(app_config(url))
        with app.app_context():
            upgrade()
            with db.engine.connect() as conn:
                context = MigrationContext.configure(conn, opts={"compare_type": True})
                diff = compare_metadata(context, db.metadata)
                tables = set(sa.inspect(conn).get_table_names())
            assert diff == [], f"models and migrations disagree: {diff}"
            assert {t.name for t in db.metadata.sorted_tables} <= tables
            downgrade(revision="base")
            with db.engine.connect() as conn:
                assert set(sa.inspect(conn).get_table_names()) <= {"alembic_version"}
            db.engine.dispose()
    finally:
        drop()


def test_app_never_creates_the_schema_at_start_up(tmp_path):
    """Starting the app on an empty database leaves it empty: only migrations make the schema."""
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    app = create_app(app_config(url))
    with app.app_context():
        app.test_client().get("/login")
        with db.engine.connect() as conn:
            assert sa.inspect(conn).get_table_names() == []
        db.engine.dispose()
