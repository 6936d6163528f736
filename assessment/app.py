"""The top of the house: the app factory, which puts the layers together (extensions, blueprints, the language,
the security checks, the CLI commands), and ``main``, the ``opsladder`` command. Nothing below imports this module;
background work gets its app from ``worker`` (docs/architecture.md)."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, request
from flask.cli import FlaskGroup
from flask.sessions import SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix

from rubrics import default_sources_dir, language, load_framework

from . import api, cli, errors, i18n, security, templating
from .auth.account import bp as account_bp
from .auth.views import bp as auth_bp
from .candidate.reply import bp as reply_bp
from .candidate.views import bp as candidate_bp
from .cleaning import WholeNumberConverter, whole_number
from .config import build_config, checked_base_url, checked_oidc, trusted_hosts
from .extensions import csrf, db, login_manager, migrate
from .hr import cycle_steps, exercises as hr_exercises, grid as hr_grid, history as hr_history, people, plans as hr_plans, reviews, talent, track_record, views as hr_views  # noqa: F401 (their routes register on hr.blueprint.bp)
from .hr import directory as hr_directory, people_sync as hr_people_sync  # noqa: F401 (routes on hr.blueprint.bp)
from .hr.blueprint import bp as hr_bp
from .hr.outbox import bp as mail_bp
from .hr.tools import bp as hrtools_bp
from .mail.transport import check_sender_settings
from .main.language import bp as language_bp
from .main.views import bp as main_bp
from .plans.views import bp as plans_bp
from .models import User
from .rating.briefing import bp as briefing_bp
from .rating.views import bp as rating_bp
from .results.views import bp as results_bp
from .sso import views as sso_views
from .sso.settings import bp as sso_settings_bp
from .washup.views import bp as washup_bp

MIGRATIONS_DIR = str(Path(__file__).resolve().parent.parent / "migrations")


class _SessionInterface(SecureCookieSessionInterface):
    """Mark the session cookie Secure whenever the request came over https."""

    def get_cookie_secure(self, app):
        return bool(app.config.get("SESSION_COOKIE_SECURE")) or request.is_secure


def create_app(config: dict | None = None) -> Flask:
    """Build the app; ``config`` overrides the environment (tests pass their database and settings here)."""
    app = Flask(__name__, instance_relative_config=True)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.update(build_config(app.instance_path, config))
    # Links in mail come from configuration only; a request naming another host is refused (400).
    app.config["BASE_URL"] = checked_base_url(app.config)
    check_sender_settings(app.config)  # no header injection through the configured sender name
    sso_on = checked_oidc(app.config)  # single sign-on: all three settings or none, an https issuer
    if app.config.get("TRUSTED_HOSTS") is None:
        app.config["TRUSTED_HOSTS"] = trusted_hosts(app.config)
    app.session_interface = _SessionInterface()
    # Every <int:...> in a route is a bounded id: 1..2^31-1, ASCII digits (else 404, never a database error).
    app.url_map.converters["int"] = WholeNumberConverter

    if app.config["BEHIND_PROXY"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)

    # Refuse to start on an invalid rubric: RubricError names the file, the key path and the problem.
    sources = app.config["SOURCES_DIR"] or default_sources_dir()
    app.extensions["opsladder.framework"] = load_framework(app.config["RUBRIC_PATH"], sources_dir=sources)

    app.before_request(security.refuse_untrusted_host)  # first: before the CSRF check of register_extensions
    register_extensions(app)
    register_blueprints(app)
    if sso_on:
        sso_views.init_app(app)
    errors.register(app)
    api.register(app)  # after errors: the API answers its own errors as problem details
    i18n.register(app)  # first: the language is set before security's checks word their messages
    security.register(app)
    templating.register(app)
    cli.register(app)
    return app


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS_DIR, render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    login_manager.init_app(app)

    @login_manager.user_loader
    def load_user(session_id: str):
        # "id.version": a cookie from before a sign-out or a password change names an older version.
        user_id, _, version = session_id.partition(".")
        user_id, version = whole_number(user_id, minimum=1), whole_number(version)
        if user_id is None or version is None:
            return None
        user = db.session.get(User, user_id)
        if user is None or not user.is_active or user.session_version != version:
            return None
        return user


def register_blueprints(app: Flask) -> None:
    for blueprint in (auth_bp, main_bp, hr_bp, hrtools_bp, rating_bp, briefing_bp, candidate_bp, results_bp, account_bp,
                      mail_bp, language_bp, washup_bp, sso_views.bp, sso_settings_bp, reply_bp, plans_bp):
        app.register_blueprint(blueprint)


main = FlaskGroup(create_app=create_app, help="OpsLadder: promotion readiness for operations leaders.", params=[
    click.Option(["--lang"], envvar=cli.LANGUAGE_ENV, expose_value=False, is_eager=True, callback=cli.language_option,
                 help=f"The language of the messages: {', '.join(language.LANGUAGES)} (default {cli.LANGUAGE_ENV}, "
                      "else English).")])
# The rubric check must work when the rubric is broken, i.e. when the app itself refuses to start.
main.add_command(cli.rubric_cli)
