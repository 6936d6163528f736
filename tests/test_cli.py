"""The command line: creating the first HR account, the demo, configuration defaults."""

import os
import stat

import sqlalchemy as sa

from assessment.config import build_config, normalise_database_url
from assessment.demo import CANDIDATES, DEMO_PASSWORD
from assessment.extensions import db
from assessment.models import Assessment, AuditEvent, Cycle, RaterAssignment, Rating, User


def test_users_create_reads_password_from_environment(runner, monkeypatch):
    """`opsladder users create` makes an HR account with the password from the environment, never echoed."""
    monkeypatch.setenv("OPSLADDER_PASSWORD", "first-hr-password")
    result = runner.invoke(args=["users", "create", "--role", "hr", "--email", "Boss@Example.com", "--name", "Boss"])
    assert result.exit_code == 0, result.output
    assert "first-hr-password" not in result.output
    user = db.session.scalar(sa.select(User).where(User.email == "boss@example.com"))
    assert user.role == "hr" and user.check_password("first-hr-password")


def test_users_create_prompts_for_password_and_refuses_duplicates(runner, monkeypatch):
    """Without the variable it prompts twice; a second account with the same e-mail is refused clearly."""
    monkeypatch.delenv("OPSLADDER_PASSWORD", raising=False)
    result = runner.invoke(args=["users", "create", "--role", "hr", "--email", "hr@example.com"],
                           input="typed-password-1\ntyped-password-1\n")
    assert result.exit_code == 0, result.output
    assert "typed-password-1" not in result.output
    again = runner.invoke(args=["users", "create", "--role", "hr", "--email", "hr@example.com"],
                          input="typed-password-1\ntyped-password-1\n")
    assert again.exit_code != 0 and "an account for hr@example.com already exists" in again.output


def test_users_create_refuses_a_short_password(runner, monkeypatch):
    """A password that is too short is refused and no account is created."""
    monkeypatch.setenv("OPSLADDER_PASSWORD", "short")
    result = runner.invoke(args=["users", "create", "--role", "hr", "--email", "hr@example.com"])
    assert result.exit_code != 0 and "at least 10 characters" in result.output
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0


def _counts():
    return {model.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
            for model in (User, Cycle, Assessment, RaterAssignment, Rating, AuditEvent)}


def test_demo_builds_a_realistic_organisation_once(runner, client):
    """The demo makes HR, three managers, three peer colleagues, three team leads (direct reports), two assessors, 8+
    candidates with Unicode names, a spread of progress; twice adds nothing."""
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "Łukasz Nowak" in result.output and "zoe.muller-simic@example.com" in result.output
    users = db.session.scalars(sa.select(User)).all()
    assert [u.role for u in users].count("hr") == 1 and [u.role for u in users].count("manager") == 11
    assert len(CANDIDATES) >= 8 and {"Łukasz Nowak", "Zoë Müller-Šimić", "Aoife O'Brien"} <= {u.name for u in users}
    open_cycle = db.session.scalar(sa.select(Cycle).where(Cycle.state == "open"))
    sheets = [a for assessment in open_cycle.assessments for a in assessment.assignments]
    statuses = {(a.rater_group, a.status) for a in sheets}
    assert {("manager", "submitted"), ("manager", "draft"), ("manager", "not_started"),
            ("self", "submitted")} <= statuses
    assert {a.current_role for a in open_cycle.assessments} == {"operations_manager", "head_of_operations"}
    before = _counts()
    again = runner.invoke(args=["demo"])
    assert again.exit_code == 0 and "nothing added" in again.output
    assert _counts() == before
    login = client.post("/login", data={"email": "lukasz.nowak@example.com", "password": DEMO_PASSWORD})
    assert login.status_code == 302


def test_secret_key_is_generated_once_and_kept_private(tmp_path, monkeypatch):
    """Without SECRET_KEY, a key is generated into the instance folder with owner-only rights and reused."""
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = build_config(str(tmp_path))["SECRET_KEY"]
    second = build_config(str(tmp_path))["SECRET_KEY"]
    assert first == second and len(first) >= 64
    assert stat.S_IMODE(os.stat(tmp_path / "secret_key").st_mode) == 0o600
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    assert build_config(str(tmp_path))["SECRET_KEY"] == "from-the-environment"


def test_database_url_defaults_to_sqlite_and_accepts_postgres_short_forms(tmp_path, monkeypatch):
    """SQLite in the instance folder by default; postgres:// URLs use the psycopg driver."""
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert build_config(str(tmp_path), {"SECRET_KEY": "x"})["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/opsladder.db"
    assert normalise_database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
