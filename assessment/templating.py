"""Template helpers available on every page."""

from datetime import datetime, timezone

from flask_login import current_user


def format_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.strftime("%Y-%m-%d %H:%M UTC")


def register(app) -> None:
    app.jinja_env.filters["datetime"] = format_datetime

    @app.context_processor
    def inject():
        from .auth.forms import LogoutForm

        return {"logout_form": LogoutForm() if current_user.is_authenticated else None}
