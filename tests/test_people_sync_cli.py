"""`opsladder people sync FILE`: the dry run prints every change and changes nothing; the real run applies the
whole file or nothing, and says why in the chosen language."""

from __future__ import annotations

import contextvars

import sqlalchemy as sa
from click.testing import CliRunner

from assessment.app import main as opsladder

from assessment.extensions import db
from assessment.models import AuditEvent, User
from rubrics import language

HEADER = "employee_id,email,name,role,language,unit,manager_employee_id,active\n"
ROWS = ("E1,boss@example.com,Berta Boss,manager,de,Hamburg,,yes\n"
        "E2,ann@example.com,Ann Lee,candidate,en,Hamburg,E1,\n")


def _file(tmp_path, text, name="people.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode())
    return str(path)


def _count():
    return db.session.scalar(sa.select(sa.func.count(User.id)))


def test_dry_run_prints_the_changes_and_changes_nothing(runner, tmp_path):
    result = runner.invoke(args=["people", "sync", "--dry-run", _file(tmp_path, HEADER + ROWS)])
    assert result.exit_code == 0, result.output
    assert "created: Ann Lee <ann@example.com> (E2)" in result.output
    assert "    line manager: - -> Berta Boss (E1)" in result.output
    assert "2 created, 0 updated, 0 deactivated, 0 reactivated, 0 unchanged." in result.output
    assert "Dry run: nothing was changed." in result.output
    assert _count() == 0 and AuditEvent.query.count() == 0


def test_sync_applies_then_reports_updates_field_by_field(runner, tmp_path):
    assert runner.invoke(args=["people", "sync", _file(tmp_path, HEADER + ROWS)]).exit_code == 0
    assert _count() == 2 and AuditEvent.query.filter_by(kind="people.sync").count() == 1
    moved = HEADER + ROWS.replace("Ann Lee,candidate,en,Hamburg", "Ann Lee,candidate,en,Berlin")
    result = runner.invoke(args=["people", "sync", "--dry-run", _file(tmp_path, moved)])
    assert "updated: Ann Lee <ann@example.com> (E2)\n    unit: Hamburg -> Berlin" in result.output
    assert "0 created, 1 updated, 0 deactivated, 0 reactivated, 1 unchanged." in result.output


def test_deactivate_missing_needs_the_flag(runner, tmp_path):
    runner.invoke(args=["people", "sync", _file(tmp_path, HEADER + ROWS)])
    only_boss = _file(tmp_path, HEADER + ROWS.splitlines(keepends=True)[0])
    result = runner.invoke(args=["people", "sync", only_boss])
    assert "0 deactivated" in result.output
    result = runner.invoke(args=["people", "sync", "--deactivate-missing", only_boss])
    assert "deactivated: Ann Lee <ann@example.com> (E2)" in result.output, result.output
    db.session.expire_all()
    assert db.session.scalar(sa.select(User).where(User.employee_id == "E2")).is_active is False


def test_a_bad_file_names_every_problem_and_changes_nothing(runner, tmp_path):
    result = runner.invoke(args=["people", "sync", _file(tmp_path, HEADER + ROWS + "E3,,Nobody,,,,E1,\n")])
    assert result.exit_code == 1
    assert "Row 4, column email: the e-mail address is missing" in result.output
    assert "Nothing was changed: 1 problem to fix first." in result.output
    assert _count() == 0


def test_messages_in_german(app, tmp_path, monkeypatch):
    """`opsladder --lang de people sync` (or OPSLADDER_LANG=de) names problems and totals in German."""
    monkeypatch.setattr(opsladder, "create_app", lambda: app)

    def run(args, **env):
        return contextvars.copy_context().run(CliRunner().invoke, opsladder, args, env=env)

    header = "Personalnummer;E-Mail;Name;Aktiv\n"
    result = run(["--lang", "de", "people", "sync", "--dry-run",
                  _file(tmp_path, header + "D1;a@example.com;Anna;vielleicht\n")])
    assert "Zeile 2, Spalte Aktiv (active): „vielleicht“ ist weder ja noch nein" in result.output, result.output
    assert "Nichts wurde geändert: zuerst 1 Problem beheben." in result.output
    result = run(["people", "sync", "--dry-run", _file(tmp_path, header + "D1;a@example.com;Anna;ja\n")],
                 OPSLADDER_LANG="de")
    assert "1 angelegt" in result.output and "Probelauf: nichts wurde geändert." in result.output, result.output
    assert language.current() == language.DEFAULT_LANGUAGE


def test_the_demo_people_have_reporting_lines_and_sync_back_unchanged(runner, tmp_path):
    """The demo gives its people employee ids, units and line managers; an export of them changes nothing."""
    assert runner.invoke(args=["demo"]).exit_code == 0
    people = db.session.scalars(sa.select(User).where(User.employee_id.is_not(None)).order_by(User.employee_id)).all()
    assert len(people) >= 19
    bjorn = next(p for p in people if p.email == "bjorn.thorsson@example.com")
    assert (bjorn.unit, bjorn.manager.name) == ("Operations, Dublin", "Rafael Ortega")
    lines = [HEADER] + [f"{p.employee_id},{p.email},\"{p.name}\",{'' if p.role == 'hr' else p.role},"
                        f"{p.language or ''},\"{p.unit}\",{p.manager.employee_id if p.manager else ''},yes\n"
                        for p in people]
    result = runner.invoke(args=["people", "sync", "--dry-run", _file(tmp_path, "".join(lines))])
    assert f"0 created, 0 updated, 0 deactivated, 0 reactivated, {len(people)} unchanged." in result.output, \
        result.output
