"""The ``opsladder`` command: the app's Flask CLI (``opsladder demo`` == ``flask --app wsgi demo``).

Commands are thin wrappers over services, and commit once at the end.
"""

from __future__ import annotations

import os
import sys

import click
from flask.cli import FlaskGroup, with_appcontext


@click.group("rubric")
def rubric_cli():
    """Check the competency framework file."""


@rubric_cli.command("check")
@click.option("--file", "path", type=click.Path(dir_okay=False), default=None,
              help="The framework file (default: $OPSLADDER_RUBRIC or the shipped rubrics/data/framework.yaml).")
@click.option("--sources", type=click.Path(file_okay=False), default=None,
              help="Folder of the source documents the quotes are checked against (default: ../shared/seeds).")
def rubric_check(path, sources):
    """Validate the framework and print a summary, or every problem (exit status 1)."""
    from rubrics import RubricError, default_sources_dir, load_framework

    path = path or os.environ.get("OPSLADDER_RUBRIC") or None
    sources = sources or default_sources_dir()
    try:
        fw = load_framework(path, sources_dir=sources)
    except RubricError as exc:
        click.echo(f"The rubric is invalid ({len(exc.problems)} problem{'s' if len(exc.problems) != 1 else ''}):",
                   err=True)
        for problem in exc.problems:
            click.echo(f"  {problem}", err=True)
        sys.exit(1)
    click.echo(f"{fw.name}, version {fw.version}")
    click.echo(f"content hash: {fw.content_hash}")
    click.echo(f"quotes checked against: {sources}" if sources else
               "quotes NOT checked: source documents not found (set OPSLADDER_SOURCES_DIR)")
    cites = sum(len(c.citations) for c in fw.competencies)
    click.echo(f"{len(fw.competencies)} competencies, {cites} citations from {len(fw.sources)} sources:")
    for comp in fw.competencies:
        click.echo(f"  {comp.id:32} {comp.name} ({len(comp.citations)} citation{'s' if len(comp.citations) != 1 else ''})")
    click.echo("role profiles (required level, * = critical):")
    header = "  " + " " * 32 + "".join(f"{r.id[:18]:>20}" for r in fw.ladder)
    click.echo(header)
    for comp in fw.competencies:
        cells = []
        for role in fw.ladder:
            req = role.requirement(comp.id)
            cells.append(f"{req.required}{'*' if req.is_critical else ' '} (weight {req.weight:<4g})".rjust(20))
        click.echo(f"  {comp.id:32}" + "".join(cells))
    click.echo("ladder: " + " -> ".join(r.name for r in fw.ladder))
    click.echo("bands: " + ", ".join(b.label for b in fw.readiness.bands) + f", {fw.readiness.insufficient_evidence_label}")


@click.group("users")
def users_cli():
    """Manage accounts."""


@users_cli.command("create")
@click.option("--role", type=click.Choice(["hr", "manager", "candidate"]), required=True)
@click.option("--email", required=True)
@click.option("--name", default=None, help="Display name (default: the part of the e-mail before @).")
@click.option("--password-env", default="OPSLADDER_PASSWORD", show_default=True,
              help="Read the password from this environment variable; prompted (never echoed) when it is unset.")
@with_appcontext
def users_create(role, email, name, password_env):
    """Create an account without the web, e.g. the first HR account."""
    from .extensions import db
    from .services import ServiceError
    from .services.users import create_user

    password = os.environ.get(password_env)
    if not password:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = create_user(email, name or email.split("@")[0], role, password, actor=None)
    except ServiceError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from None
    db.session.commit()
    click.echo(f"Created {role} account {user.email}.")


@click.command("demo")
@with_appcontext
def demo_command():
    """Build the demo organisation on an empty database (running it again adds nothing)."""
    from .demo import DEMO_PASSWORD, build_demo
    from .extensions import db
    from .framework import current_framework

    logins, created = build_demo(current_framework())
    db.session.commit()
    click.echo("Demo data " + ("created." if created else "already present; nothing added."))
    click.echo(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for role, email, name in logins:
        click.echo(f"  {role:10} {email:40} {name}")


def register(app) -> None:
    """Add the commands to the app's CLI, so ``flask --app wsgi ...`` has them too."""
    app.cli.add_command(rubric_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(demo_command)


def _create_app():
    from . import create_app

    return create_app()


main = FlaskGroup(create_app=_create_app, help="OpsLadder: promotion readiness for operations leaders.")
# The rubric check must work when the rubric is broken, i.e. when the app itself refuses to start.
main.add_command(rubric_cli)
