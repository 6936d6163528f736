"""Error pages that say what happened and leak nothing (no stack trace, no object details)."""

from flask import current_app, render_template
from flask_wtf.csrf import CSRFError

from .extensions import db

MESSAGES = {
    400: ("Bad request", "The request could not be understood. Go back, reload the page and try again."),
    403: ("Not allowed", "Your account does not have access to this page."),
    404: ("Not found", "There is nothing here, or it is not yours to see."),
    405: ("Not allowed", "This address does not accept that kind of request."),
    413: ("Too large", "What you sent is larger than the {limit} this site accepts, so nothing was saved. "
                       "Go back and send something smaller (for an import, split the file)."),
    429: ("Too many requests", "Please wait a little and try again."),
    500: ("Something went wrong", "The error has been logged and nothing you sent was half-saved. Please try again."),
}


def render_error(code: int, detail: str | None = None):
    title, message = MESSAGES.get(code, MESSAGES[500])
    if code == 413:
        limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
        message = message.format(limit=f"{limit / 1024 / 1024:g} MB" if limit else "size")
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
        return render_error(400, "The form had expired or was sent from elsewhere (missing security token). "
                                 "Go back, reload the page and send it again.")

    @app.errorhandler(500)
    def server_error(exc):
        db.session.rollback()
        return render_error(500)
