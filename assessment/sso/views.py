"""Signing in through the company's OpenID Connect provider (docs/sso.md).

Authlib does the protocol: discovery from ``<issuer>/.well-known/openid-configuration``, the authorization code
flow with PKCE (S256), ``state`` and ``nonce`` kept in the session, and the ID token's verification (signature
against the provider's JWKS, issuer, audience = our client id, expiry, nonce). ``services.sso`` then decides whom
the verified claims name. Every refusal is a page saying why, never a server error.
"""

from __future__ import annotations

import logging

from authlib.common.errors import AuthlibBaseError
from authlib.integrations.base_client import MismatchingStateError, OAuthError
from authlib.integrations.flask_client import OAuth
from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from joserfc.errors import ExpiredTokenError, JoseError
from requests import RequestException

from ..access import public, safe_next
from ..extensions import db
from ..services.sso import SsoRefused, provider_name, sign_in_from_claims

bp = Blueprint("sso", __name__, url_prefix="/sso")
log = logging.getLogger("opsladder.sso")

#: Seconds of clock difference allowed between the provider and us when checking the ID token's times.
LEEWAY = 60
#: Seconds before a request to the provider gives up (a hanging provider must not hang the sign-in page).
TIMEOUT = 10
_NEXT = "sso_next"


def init_app(app) -> None:
    """Register the provider's client on ``app`` when single sign-on is configured (config.checked_oidc)."""
    oauth = OAuth(app)
    oauth.register(
        "oidc", client_id=app.config["OIDC_CLIENT_ID"], client_secret=app.config["OIDC_CLIENT_SECRET"],
        server_metadata_url=app.config["OIDC_ISSUER"].rstrip("/") + "/.well-known/openid-configuration",
        client_kwargs={"scope": "openid email profile", "code_challenge_method": "S256",
                       "default_timeout": TIMEOUT})
    app.extensions["opsladder.oidc"] = oauth.oidc


def _client():
    return current_app.extensions.get("opsladder.oidc")


def _callback_url() -> str:
    # From the configured base URL, never the request's Host: it must equal what the provider has registered.
    return current_app.config["BASE_URL"] + url_for("sso.callback").lstrip("/")


def _refused(reason: str, message: str, status: int):
    return render_template("sso/refused.html", reason=reason, message=message, provider=provider_name()), status


@bp.route("/start")
@public
def start():
    """Send the browser to the provider's sign-in page (state, nonce and the PKCE verifier kept in the session)."""
    client = _client()
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    if client is None:
        flash(_("Single sign-on is not set up for this OpsLadder; sign in with your password."), "info")
        return redirect(url_for("auth.login"))
    session[_NEXT] = safe_next(request.args.get("next"))
    try:
        return client.authorize_redirect(_callback_url())
    except (AuthlibBaseError, JoseError, RequestException, ValueError, KeyError, RuntimeError):
        log.warning("single sign-on: the provider's configuration could not be read", exc_info=True)
        return _refused("unreachable", _("The sign-in service could not be reached. Try again in a few minutes, or "
                                         "tell your IT department."), 502)


def _verified_claims(client) -> dict:
    """The ID token's claims after Authlib verified it; SsoRefused with the reason when it cannot be trusted."""
    try:
        token = client.authorize_access_token(leeway=LEEWAY)
    except MismatchingStateError:
        raise SsoRefused(_("This sign-in answer does not belong to a sign-in started in this browser, or it was "
                           "already used. Start again from the sign-in page."), "state") from None
    except OAuthError as exc:
        log.warning("single sign-on refused by the provider: %s", exc.error)
        raise SsoRefused(_("The sign-in service did not sign you in (%(error)s). Start again from the sign-in page.",
                           error=(exc.error or "error")[:60]), "provider") from None
    except ExpiredTokenError:
        raise SsoRefused(_("The sign-in service's proof of who you are has expired. Start again from the sign-in "
                           "page; if this keeps happening, the clocks of the two servers differ."), "token") from None
    except (JoseError, AuthlibBaseError, ValueError, KeyError, TypeError) as exc:
        log.warning("single sign-on: the ID token was refused: %s", type(exc).__name__)
        raise SsoRefused(_("The sign-in service's proof of who you are could not be verified (it was not made for "
                           "OpsLadder, not signed by the service, or not for this sign-in). Start again from the "
                           "sign-in page; if this keeps happening, tell your IT department."), "token") from None
    claims = token.get("userinfo")
    if not claims:  # no ID token, or one without a nonce check: never trusted
        raise SsoRefused(_("The sign-in service did not send a proof of who you are. Tell your IT department."),
                         "token")
    return dict(claims)


@bp.route("/callback")
@public
def callback():
    """The provider sends the browser back here; a verified, known (or allowed) person is signed in."""
    client = _client()
    if client is None:
        return redirect(url_for("sso.start"))
    try:
        claims = _verified_claims(client)
        user, created = sign_in_from_claims(claims)
    except SsoRefused as exc:
        db.session.rollback()
        status = 403 if exc.reason in ("unknown", "deactivated", "unverified", "no_email") else 400
        return _refused(exc.reason, exc.message, status)
    except RequestException:
        db.session.rollback()
        log.warning("single sign-on: the provider could not be reached", exc_info=True)
        return _refused("unreachable", _("The sign-in service could not be reached. Try again in a few minutes, or "
                                         "tell your IT department."), 502)
    db.session.commit()
    target = safe_next(session.pop(_NEXT, None))
    if current_user.is_authenticated:  # whoever was signed in in this browser is signed out first
        logout_user()
    login_user(user)  # the same session as a password sign-in: session version, new CSRF token, idle clock
    if created:
        flash(_("Welcome to OpsLadder. Your account was created at this first sign-in."), "success")
    return redirect(target)
