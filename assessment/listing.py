"""Long lists: sorting by a whitelisted column and paging, driven by the query string (?sort=&dir=&page=)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, request, url_for

from .extensions import db


@dataclass(frozen=True)
class Listing:
    """One page of a sorted list, and what the template needs to draw sort links and page links."""

    pagination: object
    sort: str
    direction: str

    @property
    def items(self):
        return self.pagination.items

    def url(self, **changes) -> str:
        """This page's address with the query string changed by ``changes`` (sort, dir, page)."""
        return url_for(request.endpoint, **{**(request.view_args or {}), **request.args.to_dict(), **changes})


def sorted_page(query, columns: dict, default: str, *, tiebreak, default_direction: str = "asc") -> Listing:
    """Order ``query`` by the requested column (or tuple of columns) of ``columns`` and page it.

    Unknown sort names fall back to ``default``; the page number and direction are read leniently too.
    """
    sort = request.args.get("sort", default)
    if sort not in columns:
        sort = default
    direction = request.args.get("dir", default_direction)
    if direction not in ("asc", "desc"):
        direction = default_direction
    chosen = columns[sort] if isinstance(columns[sort], tuple) else (columns[sort],)
    ordered = [(c.desc() if direction == "desc" else c.asc()).nulls_last() for c in chosen]
    # A stable tie-breaker keeps rows from jumping between pages.
    pagination = db.paginate(query.order_by(*ordered, tiebreak),
                             page=request.args.get("page", 1, type=int), per_page=current_app.config["PAGE_SIZE"],
                             error_out=False)
    return Listing(pagination=pagination, sort=sort, direction=direction)
