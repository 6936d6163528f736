"""(issue 21) Who calls the API: the bearer token, checked on every request; the scope each operation needs; one
audit row per write and one per read kind per minute (``services.api_tokens.note_use``); rate limits per token
(Flask-Limiter: in memory, or on Redis when ``REDIS_URL`` is configured), per address without a valid token.

A token acts as its creator: during the request ``current_user`` is that HR person (so the messages are in their
language, ``i18n.select_language``), but nothing is written to a session and no cookie is read: only the token
counts.
"""

from __future__ import annotations

import hashlib
from functools import wraps

from flask import current_app, g, request
from flask_babel import get_locale, gettext as _, refresh
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from sqlalchemy.exc import SQLAlchemyError

from rubrics import language

from ..extensions import db
from ..services import ServiceError, api_tokens
from .problems import Problem, from_service_error

DEFAULT_RATE_LIMIT = "300 per minute"


def _bearer() -> str:
    scheme, _sep, secret = request.headers.get("Authorization", "").partition(" ")
    return secret.strip() if scheme.lower() == "bearer" else ""


def _checked(secret: str):
    """The token ``secret`` names, or the ServiceError refusing it; looked up once per request (the rate limit's
    key and the authentication both need it)."""
    key = "opsladder.api_token_checked"  # kept with this request (``g`` may outlive it: tests share one context)
    if request.environ.get(key, (None,))[0] != secret:
        try:
            found = api_tokens.authenticate(secret)
        except ServiceError as exc:
            found = exc
        request.environ[key] = (secret, found)
    return request.environ[key][1]


def rate_key() -> str:
    """Whose requests count together: a valid token's (by a hash of it, never the token); without one, or with an
    unknown, revoked or expired one, the address's, so that sending a new made-up token each time never escapes
    the limit."""
    secret = _bearer()
    if secret and not isinstance(_checked(secret), ServiceError):
        return "token:" + hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return "addr:" + (get_remote_address() or "")


limiter = Limiter(rate_key, default_limits=[], headers_enabled=True)


def rate_limit() -> str:
    return current_app.config.get("API_RATE_LIMIT") or DEFAULT_RATE_LIMIT


def init_limiter(app) -> None:
    redis_url = app.config.get("REDIS_URL")
    app.config.setdefault("RATELIMIT_STORAGE_URI", redis_url if redis_url else "memory://")
    app.config.setdefault("RATELIMIT_KEY_PREFIX", "opsladder-api")
    limiter.init_app(app)


def authenticate() -> None:
    """Before every API operation: the token from ``Authorization: Bearer``, or 401."""
    g.api_token = None
    secret = _bearer()
    if not secret:
        raise Problem(401)
    token = _checked(secret)
    if isinstance(token, ServiceError):
        raise Problem(401, token.message) from None
    g.api_token = token
    g._login_user = token.created_by  # Flask-Login's current user for this request only: the token's creator
    refresh()
    language.set_current(str(get_locale()))


def requires(scope: str):
    """The operation needs ``scope`` on the token (else 403); a ServiceError becomes a problem document."""
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            token = g.get("api_token")
            if token is None:
                raise Problem(401)
            if scope not in token.scope_list:
                raise Problem(403, _("This API token lacks the scope “%(scope)s” (%(meaning)s).", scope=scope,
                                     meaning=api_tokens.scope_word(scope)))
            try:
                return view(*args, **kwargs)
            except ServiceError as exc:
                db.session.rollback()
                raise from_service_error(exc) from None
        wrapped.api_scope = scope
        manual = wrapped.__dict__.setdefault("_apidoc", {}).setdefault("manual_doc", {})
        manual["x-scope"] = scope
        manual["description"] = f"Needs the scope `{scope}`."
        # The access matrix's declaration: a token (acting as its HR creator), never a session.
        wrapped.allowed_roles = "api_token"
        return wrapped
    return decorator


def audit_call(response):
    """After every API operation with a valid token: last use and the audit trail (services.api_tokens)."""
    token = g.get("api_token")
    if token is None:
        return response
    rule = request.url_rule.rule if request.url_rule is not None else request.path[:200]
    operation = f"{request.method} {rule}"
    try:
        db.session.rollback()  # whatever a failed operation left unflushed is not the audit's to commit
        api_tokens.note_use(token, operation, response.status_code,
                            write=request.method not in ("GET", "HEAD", "OPTIONS"))
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        current_app.logger.exception("could not audit an API call (%s)", operation)
    return response
