"""Template helpers available on every page."""

from datetime import date, datetime, timezone

from rubrics import language

from .framework import pinned_framework
from .listing import url_with


def format_datetime(value: datetime | None) -> str:
    """A moment in the reader's language, in UTC: "15 Apr 2026, 14:03 UTC" / "15.04.2026, 14:03 UTC"."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return language.date_time(value.astimezone(timezone.utc))


def format_date(value: date | datetime | None) -> str:
    """A day in the reader's language: "15 April 2026" / "15. April 2026"."""
    return "" if value is None else language.long_date(value)


def exercise_name(cycle, exercise_id: str) -> str:
    """(issue 18) An assessment-centre exercise's name in the cycle's rubric and the reader's language (the id when
    the rubric does not know it)."""
    names = {item.id: item.name for item in pinned_framework(cycle).exercises}
    return names.get(exercise_id, exercise_id)


def register(app) -> None:
    app.jinja_env.filters["datetime"] = format_datetime
    app.jinja_env.filters["date"] = format_date
    app.jinja_env.filters["number"] = language.number
    app.jinja_env.filters["percent"] = language.percent
    # Sort and page links (templates/_listing.html) build their URLs from the current request.
    app.add_template_global(url_with)
    # A cycle's rubric in the reader's language (its stored row keeps the rubric's own-language name).
    app.add_template_global(pinned_framework)
    app.add_template_global(exercise_name)
