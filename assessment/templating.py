"""Template helpers available on every page."""

from datetime import datetime, timezone

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
