"""What every request and response gets: security headers, a guard on query strings, idle session expiry.

The Content-Security-Policy allows scripts, styles, fetches and form posts to this site only and no inline
code or ``style=`` attributes at all: JavaScript lives in ``static/js/``, CSS in ``static/css/``.
"""

from __future__ import annotations

import logging
import time

from flask import abort, current_app, flash, g, request, session
from flask_babel import gettext as _
from flask_login import current_user, logout_user, user_logged_in, user_logged_out
from werkzeug.exceptions import SecurityError

from .cleaning import text_problem

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",  # Pico CSS draws its form icons as data: SVGs
    "font-src 'self'",
    "connect-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "object-src 'none'",
))
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}
HSTS = "max-age=31536000; includeSubDomains"
#: Downloads that are confidential whoever fetches them: never kept by a browser or a proxy.
PRIVATE_TYPES = ("application/pdf", "text/csv", "application/zip",
                 "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
#: Headers a reverse proxy adds; without OPSLADDER_BEHIND_PROXY=1 they are ignored (and so the proxy's own
#: address is every visitor's address for the sign-in throttle).
FORWARDING_HEADERS = ("X-Forwarded-For", "Forwarded", "X-Forwarded-Proto", "X-Forwarded-Host", "X-Real-IP")
log = logging.getLogger("opsladder.security")
#: How often (seconds) the last-seen time in the session is renewed: not on every request.
_SEEN_RESOLUTION = 60


def add_headers(response):
    """The security headers on every response; no-store on every signed-in page and every download."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    private = response.mimetype in PRIVATE_TYPES or (
        request.endpoint != "static" and current_user and current_user.is_authenticated)
    if private:
        response.headers["Cache-Control"] = "private, no-store"
    return response


#: Query arguments a view checks itself: ``next`` falls back to the home page (access.safe_next).
CHECKED_BY_VIEW = frozenset({"next"})


def refuse_bad_query_strings():
    """A query argument holding a control character gets 400 with what and where, before any view runs."""
    for name, value in request.args.items(multi=True):
        if name in CHECKED_BY_VIEW:
            continue
        problem = text_problem(name) or text_problem(value, max_length=4000)
        if problem:
            shown = name if text_problem(name) is None else _("(a query argument)")
            abort(400, description=_("The address is not usable: %(name)s %(problem)s.", name=shown, problem=problem))


def refuse_untrusted_host() -> None:
    """A Host outside TRUSTED_HOSTS is answered before anything else runs (the CSRF check, the query-string guard):
    their error pages need URLs, which cannot be built for such a request (errors.untrusted_host answers)."""
    if isinstance(request.routing_exception, SecurityError):
        raise request.routing_exception


def warn_of_untrusted_forwarding() -> None:
    """Once per process: a request carries a proxy's forwarding headers but OPSLADDER_BEHIND_PROXY is off.

    Behind a proxy every visitor then has the proxy's address, so 21 wrong sign-ins by anyone lock the whole site
    (LOGIN_MAX_FAILURES_PER_ADDRESS) and https is not recognised. The headers stay ignored: a client can send them.
    """
    state = current_app.extensions.setdefault("opsladder.proxy_warning", {"warned": False})
    if state["warned"]:
        return
    found = [name for name in FORWARDING_HEADERS if name in request.headers]
    if found:
        state["warned"] = True
        log.warning("requests arrive with forwarding headers (%s) from %s, but OPSLADDER_BEHIND_PROXY is not set: "
                    "they are ignored, so every visitor behind that proxy shares its address and 21 wrong sign-ins "
                    "lock all of them out. Behind one reverse proxy set OPSLADDER_BEHIND_PROXY=1 (README: "
                    "Configuration); if there is no proxy, a client sent them and nothing needs doing.",
                    ", ".join(found), request.remote_addr)


def expire_idle_session(idle_minutes: int):
    """Sign out a session unused for ``idle_minutes``; otherwise note that it was used now."""
    if request.endpoint == "static" or not current_user.is_authenticated:
        return
    now = int(time.time())
    seen = session.get("_seen")
    if isinstance(seen, int) and now - seen > idle_minutes * 60:
        # Worded before signing out, so in the language of the account, not of a signed-out visitor.
        message = _("You were signed out after %(minutes)s minutes without activity. Please sign in again.",
                    minutes=idle_minutes)
        logout_user()
        flash(message, "info")
        return
    if not isinstance(seen, int) or now - seen >= _SEEN_RESOLUTION:
        session["_seen"] = now


def _start_idle_clock(*_args, **_kwargs) -> None:
    # A new sign-in starts from now, whatever an earlier session of this browser left behind.
    session["_seen"] = int(time.time())


def _renew_csrf_token(*_args, **_kwargs) -> None:
    # A sign-in gets a CSRF token of its own: one planted in the session before (a shared computer, a fixed
    # session cookie) dies with the sign-in. The next form draws a fresh one.
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    session.pop(field, None)
    g.pop(field, None)


def _stop_idle_clock(*_args, **_kwargs) -> None:
    session.pop("_seen", None)


def register(app) -> None:
    if not app.config["BEHIND_PROXY"]:
        app.before_request(warn_of_untrusted_forwarding)
    app.before_request(refuse_bad_query_strings)
    app.before_request(lambda: expire_idle_session(app.config["SESSION_IDLE_MINUTES"]))
    app.after_request(add_headers)
    user_logged_in.connect(_start_idle_clock, app)
    user_logged_in.connect(_renew_csrf_token, app)
    user_logged_out.connect(_stop_idle_clock, app)
