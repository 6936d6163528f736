"""Shared fixtures: an app on a real database (SQLite always, PostgreSQL when reachable), a client, logins.

The schema is made by the Alembic migrations once per database per run; each test starts from empty
tables (rows are deleted after every test).
"""

from __future__ import annotations

import os
import uuid
from contextlib import contextmanager

import pytest
import sqlalchemy as sa

from assessment import create_app
from assessment.extensions import db
from tests.factories import Factory

PG_ADMIN_URL = os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
_pg_state: dict = {}


def _normalise(url: str) -> str:
    from assessment.config import normalise_database_url

    return normalise_database_url(url)


def postgres_reason() -> str | None:
    """None when PostgreSQL is reachable, else why not (cached for the run)."""
    if "reason" not in _pg_state:
        try:
            engine = sa.create_engine(_normalise(PG_ADMIN_URL), isolation_level="AUTOCOMMIT")
            with engine.connect() as conn:
                conn.execute(sa.text("SELECT 1"))
            engine.dispose()
            _pg_state["reason"] = None
        except Exception as exc:  # any failure to connect means: not reachable here
            _pg_state["reason"] = f"PostgreSQL not reachable at {PG_ADMIN_URL}: {type(exc).__name__}"
    return _pg_state["reason"]


def pytest_report_header(config):
    reason = postgres_reason()
    return [f"PostgreSQL: {'reachable at ' + PG_ADMIN_URL + ' (tests run on SQLite and PostgreSQL)' if reason is None else 'NOT reachable; PostgreSQL tests SKIPPED (' + reason + ')'}"]


def pytest_terminal_summary(terminalreporter):
    reason = postgres_reason()
    if reason is not None:
        terminalreporter.write_line(f"NOTE: {reason}; the PostgreSQL variants of the database tests were skipped.")


def make_throwaway_database(kind: str, tmp_path_factory) -> tuple[str, callable]:
    """A new empty database of ``kind`` ('sqlite' or 'postgresql'): its URL and a function that drops it."""
    if kind == "sqlite":
        path = tmp_path_factory.mktemp("db") / f"{uuid.uuid4().hex}.db"
        return f"sqlite:///{path}", lambda: None
    reason = postgres_reason()
    if reason is not None:
        pytest.skip(reason)
    name = f"opsladder_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(_normalise(PG_ADMIN_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.engine.make_url(_normalise(PG_ADMIN_URL)).set(database=name).render_as_string(hide_password=False)

    def drop():
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url, drop


def app_config(url: str, **extra) -> dict:
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "SQLALCHEMY_DATABASE_URI": url,
        "WTF_CSRF_ENABLED": False,
        "REDIS_URL": None,
        "SERVER_NAME": None,
        # Links in mail come from configuration only; the test client sends Host: localhost, the browser tests'
        # live server is on 127.0.0.1 (any port): both are trusted hosts, nothing else is.
        "BASE_URL": "http://localhost/",
        "EXTRA_TRUSTED_HOSTS": ("127.0.0.1",),
        # Mail stays in the outbox unless a test turns delivery on (tests/test_mail*.py).
        "MAIL_DISPATCH": "off",
    }
    config.update(extra)
    return config


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request, tmp_path_factory):
    """A migrated database for the whole run, one per backend."""
    from flask_migrate import upgrade

    url, drop = make_throwaway_database(request.param, tmp_path_factory)
    app = create_app(app_config(url))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    yield url
    drop()


@contextmanager
def running_app(config: dict):
    """An app with this configuration in its app context; afterwards every table is emptied for the next test."""
    app = create_app(config)
    with app.app_context():
        try:
            yield app
        finally:
            db.session.rollback()
            db.session.remove()
            # Empty every table for the next test (children first); the audit trail's guard is ORM-level only.
            with db.engine.begin() as conn:
                for table in reversed(db.metadata.sorted_tables):
                    conn.execute(table.delete())
            db.engine.dispose()


@pytest.fixture
def app(database_url):
    with running_app(app_config(database_url)) as app:
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make(app):
    """Test data built through the real services (see tests/factories.py)."""
    return Factory(app)


class AuthActions:
    def __init__(self, client):
        self.client = client

    def login(self, user_or_email, password: str = Factory.PASSWORD):
        email = getattr(user_or_email, "email", user_or_email)
        return self.client.post("/login", data={"email": email, "password": password})

    def logout(self):
        return self.client.post("/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)
