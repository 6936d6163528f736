"""Long lists, one way for every area: read ?sort=&dir=&page= leniently, page a query, and build the URLs of sort
and page links. The macros that draw those links are in templates/_listing.html.

A page may hold more than one paged list (the HR dashboard pages its candidates with ``page`` and its raters with
``rpage``), so everything that reads or writes a page number takes the parameter's name.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Collection

import sqlalchemy as sa
from flask import abort, current_app, request, url_for
from flask_babel import gettext as _

from .cleaning import text_problem, whole_number
from .extensions import db

DIRECTIONS = ("asc", "desc")


@dataclass(frozen=True)
class Sorting:
    """The column a list is sorted by and the direction, as the sort headers need them."""

    sort: str
    direction: str

    @property
    def descending(self) -> bool:
        return self.direction == "desc"


@dataclass
class Page:
    """One page of a longer list."""

    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def first(self) -> int:
        return (self.page - 1) * self.per_page + 1 if self.total else 0

    @property
    def last(self) -> int:
        return min(self.page * self.per_page, self.total)


def int_arg(name: str, default: int = 1) -> int:
    """A whole number from the query string, or ``default`` when it is missing, not ASCII digits or out of range
    (``cleaning.whole_number``)."""
    number = whole_number(request.args.get(name))
    return default if number is None else number


def text_arg(name: str, *, label: str, max_length: int = 200) -> str:
    """A free-text filter (a list's search box), stripped; 400 saying what is wrong when it cannot be used."""
    value = request.args.get(name, "").strip()
    problem = text_problem(value, max_length=max_length)
    if problem:
        abort(400, description=_("The %(what)s %(problem)s. Change it and search again.", what=label, problem=problem))
    return value


def choice_arg(name: str, choices: Collection[str]) -> str:
    """A filter that must be one of ``choices``; anything else, or nothing, gives '' (no filter)."""
    value = request.args.get(name, "")
    return value if value in choices else ""


def page_arg(name: str = "page") -> int:
    """The page number asked for under ``name`` (1 when missing, not a number or below 1)."""
    return max(1, int_arg(name, 1))


def page_size() -> int:
    """How many rows a page of any list shows."""
    return current_app.config["PAGE_SIZE"]


def sorting_arg(allowed: Collection[str] | Callable[[str], bool], default: str, *,
                default_direction: str = "asc") -> Sorting:
    """The requested ?sort= (if ``allowed``: names, or a test) and ?dir=; anything unknown gives the defaults."""
    sort = request.args.get("sort", default)
    if not (allowed(sort) if callable(allowed) else sort in allowed):
        sort = default
    direction = request.args.get("dir", default_direction)
    return Sorting(sort, direction if direction in DIRECTIONS else default_direction)


def url_with(**changes) -> str:
    """This page's URL with some query arguments changed (None drops one): for sort and page links."""
    args = request.args.to_dict()
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = value
    # The path's own arguments win: ``?cycle_id=`` on /cycles/<cycle_id>/... must not clash with them.
    args.update(request.view_args or {})
    return url_for(request.endpoint, **args)


def _clamped(page: int, total: int, per_page: int) -> int:
    # A page past the end (an old link to a list that has since shrunk) shows the last page, not an empty one.
    return min(max(1, page), max(1, math.ceil(total / per_page)))


def paginate(stmt, page: int, per_page: int, *, scalars: bool = True) -> Page:
    """Run ``stmt`` for one page (clamped to the pages that exist) with one count query beside it; a first page
    that is not full is the whole list, and needs no count."""

    def rows(number: int) -> list:
        result = db.session.execute(stmt.limit(per_page).offset((number - 1) * per_page))
        return list(result.unique().scalars() if scalars else result.unique().all())

    if page <= 1:
        items = rows(1)
        if len(items) < per_page:
            return Page(items, 1, per_page, len(items))
    total = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery()))
    if page <= 1:
        return Page(items, 1, per_page, total)
    page = _clamped(page, total, per_page)
    return Page(rows(page), page, per_page, total)


def page_of(rows: list, page: int, per_page: int) -> Page:
    """One page (clamped to the pages that exist) of a list already in memory."""
    page = _clamped(page, len(rows), per_page)
    return Page(rows[(page - 1) * per_page:page * per_page], page, per_page, len(rows))


@dataclass(frozen=True)
class Listing:
    """One page of a sorted list: its rows (``page``) and its order (``sorting``), for the macros."""

    page: Page
    sorting: Sorting

    @property
    def items(self):
        return self.page.items


def sorted_page(query, columns: dict, default: str, *, tiebreak, default_direction: str = "asc",
                page_param: str = "page") -> Listing:
    """Order ``query`` by the requested column (or tuple of columns) of ``columns`` and page it."""
    sorting = sorting_arg(columns, default, default_direction=default_direction)
    chosen = columns[sorting.sort] if isinstance(columns[sorting.sort], tuple) else (columns[sorting.sort],)
    ordered = [(c.desc() if sorting.descending else c.asc()).nulls_last() for c in chosen]
    # A stable tie-breaker keeps rows from jumping between pages.
    return Listing(paginate(query.order_by(*ordered, tiebreak), page_arg(page_param), page_size()), sorting)

