"""Template helpers available on every page."""

from datetime import datetime, timezone

from flask_login import current_user

from .listing import url_with


def format_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.strftime("%Y-%m-%d %H:%M UTC")


def register(app) -> None:
    app.jinja_env.filters["datetime"] = format_datetime
    # Sort and page links (templates/_listing.html) build their URLs from the current request.
    app.add_template_global(url_with)

    @app.context_processor
    def inject():
        from .auth.forms import LogoutForm

        # formdata=None: the sign-out button must never read the request body (a 413 page would read the
        # oversized body again and fail).
        return {"logout_form": LogoutForm(formdata=None) if current_user.is_authenticated else None}
