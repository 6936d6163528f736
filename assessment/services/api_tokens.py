"""(issue 21) Personal access tokens for the JSON API: create (the token is returned once, only its hash is kept),
revoke, check a presented token, and note its use in the audit trail.

A token acts as the HR person who created it: once that person is deactivated or no longer HR, the token is
refused. Auditing: every write is one audit row (``api.write``); reads update ``last_used_at`` and write one
``api.read`` row per token, operation and minute, so that a script polling a list does not flood the trail while
every kind of read stays visible with its time.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from ..extensions import db
from ..models import API_SCOPES, ApiToken, AuditEvent, User, utcnow
from . import NotAllowed, ServiceError
from .audit import record_audit
from .users import name_problem

#: Every token starts with this, so that a leaked one is recognisable (secret scanners, logs).
PREFIX = "olk_"
MAX_DAYS = 366
#: How often a read is written to the audit trail, per token and operation, and how often last use is renewed.
READ_AUDIT_SECONDS = 60


class TokenRefused(ServiceError):
    """The presented token is unknown, expired, revoked, or its creator may no longer use the API."""


def scope_word(scope: str) -> str:
    """A scope in the reader's language."""
    words = {"people:read": _("read people"), "people:write": _("create, change and deactivate people"),
             "cycles:read": _("read cycles, candidates and raters"),
             "cycles:write": _("manage cycles, candidates and raters"),
             "results:read": _("read results, reports and score exports")}
    return words.get(scope, scope)


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def _check_creator(actor: User) -> None:
    if actor is None or actor.role != "hr" or not actor.is_active:
        raise NotAllowed(_("Only an active HR account creates API tokens."))


def create_token(name: str, scopes, days: int, *, actor: User) -> tuple[ApiToken, str]:
    """A new token for ``actor`` (HR): the row and the token itself, which is never stored and shown once."""
    _check_creator(actor)
    name = (name or "").strip()
    if not name:
        raise ServiceError(_("a name is required"), field="name")
    if problem := name_problem(name) or (_("is longer than 100 characters") if len(name) > 100 else None):
        raise ServiceError(_("The name %(problem)s.", problem=problem), field="name")
    scopes = sorted(set(scopes or ()))
    if not scopes:
        raise ServiceError(_("Choose at least one scope."), field="scopes")
    if unknown := [s for s in scopes if s not in API_SCOPES]:
        raise ServiceError(_("unknown scope %(scope)s; choose from %(scopes)s", scope=repr(unknown[0])[:60],
                             scopes=", ".join(API_SCOPES)), field="scopes")
    if not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise ServiceError(_("A token expires after 1 to %(num)d days.", num=MAX_DAYS), field="days")
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(name=name, token_hash=hash_token(secret), scopes=" ".join(scopes),
                     expires_at=utcnow() + timedelta(days=days), created_by_id=actor.id, created_at=utcnow())
    db.session.add(token)
    db.session.flush()
    record_audit("api_token.create", token, f"Created API token {name}", actor=actor,
                 after={"name": name, "scopes": scopes, "expires_at": token.expires_at.isoformat()})
    return token, secret


def revoke_token(token: ApiToken, *, actor: User) -> ApiToken:
    """Revoke a token for good (audited); any HR person may revoke any token."""
    _check_creator(actor)
    if token.revoked_at is not None:
        raise NotAllowed(_("The token “%(name)s” is already revoked.", name=token.name))
    token.revoked_at = utcnow()
    db.session.flush()
    record_audit("api_token.revoke", token, f"Revoked API token {token.name}", actor=actor,
                 before={"name": token.name}, after={"revoked": True})
    return token


def list_tokens() -> list[ApiToken]:
    return list(db.session.scalars(sa.select(ApiToken).order_by(ApiToken.revoked_at.isnot(None),
                                                                ApiToken.created_at.desc(), ApiToken.id.desc())))


def token_state(token: ApiToken) -> str:
    """``revoked``, ``expired`` or ``active``."""
    if token.revoked_at is not None:
        return "revoked"
    return "expired" if _aware(token.expires_at) <= utcnow() else "active"


def _aware(moment):
    return moment if moment is None or moment.tzinfo else moment.replace(tzinfo=utcnow().tzinfo)


def authenticate(secret: str) -> ApiToken:
    """The token ``secret`` names, or TokenRefused saying why (never echoing the token)."""
    refused = TokenRefused(_("The API token is not valid: it is unknown, revoked or expired. Ask HR for a new one."))
    if not secret.startswith(PREFIX) or len(secret) > 200:
        raise refused
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == hash_token(secret)))
    if token is None or token.revoked_at is not None or _aware(token.expires_at) <= utcnow():
        raise refused
    creator = token.created_by
    if not creator.is_active or creator.role != "hr":
        raise TokenRefused(_("The API token's creator can no longer use the API (deactivated or no longer HR): "
                             "the token is refused. Ask HR for a new one."))
    return token


def note_use(token: ApiToken, operation: str, status: int, *, write: bool) -> None:
    """Audit one call of ``operation`` (e.g. ``POST /api/v1/people``) with the token's name, and flush."""
    now = utcnow()
    summary = f"API token {token.name}: {operation} -> {status}"
    last = _aware(token.last_used_at)
    if last is None or (now - last).total_seconds() >= 1:
        token.last_used_at = now
    if write:
        record_audit("api.write", token, summary, actor=token.created_by,
                     after={"operation": operation, "status": status})
        return
    since = now - timedelta(seconds=READ_AUDIT_SECONDS)
    recent = db.session.scalar(sa.select(AuditEvent.id).where(
        AuditEvent.kind == "api.read", AuditEvent.subject_type == "ApiToken", AuditEvent.subject_id == token.id,
        AuditEvent.occurred_at >= since, AuditEvent.summary.startswith(f"API token {token.name}: {operation} ",
                                                                       autoescape=True)).limit(1))
    if recent is None:
        record_audit("api.read", token, summary, actor=token.created_by,
                     after={"operation": operation, "status": status})
    db.session.flush()
