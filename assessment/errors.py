"""Error pages that say what happened and leak nothing (no stack trace, no object details)."""

from flask import current_app, render_template
from flask_babel import gettext as _, lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import SecurityError

from .extensions import db

from rubrics import language

# Lazy: each error page is in its reader's language (the request's, see i18n.py).
MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Go back, reload the page and try again.")),
    403: (_l("Not allowed"), _l("Your account does not have access to this page.")),
    404: (_l("Not found"), _l("There is nothing here, or it is not yours to see.")),
    405: (_l("Not allowed"), _l("This address does not accept that kind of request.")),
    413: (_l("Too large"), None),
    429: (_l("Too many requests"), _l("Please wait a little and try again.")),
    500: (_l("Something went wrong"),
          _l("The error has been logged and nothing you sent was half-saved. Please try again.")),
}


def _too_large() -> str:
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
    if not limit:
        return _("What you sent is larger than this site accepts, so nothing was saved. Go back and send something "
                 "smaller (for an import, split the file).")
    return _("What you sent is larger than the %(limit)s MB this site accepts, so nothing was saved. Go back and "
             "send something smaller (for an import, split the file).",
             limit=language.number(limit / 1024 / 1024, 0 if limit % (1024 * 1024) == 0 else 1))


def render_error(code: int, detail: str | None = None):
    title, message = MESSAGES.get(code, MESSAGES[500])
    message = _too_large() if code == 413 else message
    return render_template("errors/error.html", code=code, title=title, message=detail or message), code


def _own_detail(exc) -> str | None:
    """The message a view gave with ``abort(code, description=...)``, not Werkzeug's generic text."""
    description = getattr(exc, "description", None)
    return description if description and description != type(exc).description else None


def register(app) -> None:
    for code in MESSAGES:
        if code == 500:
            continue
        app.register_error_handler(code, lambda exc, code=code: render_error(code, _own_detail(exc)))

    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        return render_error(400, _("The form had expired or was sent from elsewhere (missing security token). "
                                   "Go back, reload the page and send it again."))

    @app.errorhandler(SecurityError)
    def untrusted_host(exc):
        # Flask's TRUSTED_HOSTS: the Host header names a site this one is not (see config.trusted_hosts). Plain
        # text: no URL can be built for a request without a trusted host, so the page template cannot render.
        text = _("Bad request: this server does not answer to the address you used. Open OpsLadder at its own "
                 "address (the one in your invitation e-mail).")
        return current_app.response_class(text + "\n", status=400, mimetype="text/plain")

    @app.errorhandler(500)
    def server_error(exc):
        db.session.rollback()
        return render_error(500)
