"""HR: the talent review per target role (issue 20, 1): candidates in columns by verdict across cycles, the
succession slate, bench strength, and the panel pack PDF (an export job). Moving a candidate to another verdict is
a calibration proposal on the results page, never a change made here."""

from __future__ import annotations

import re

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from wtforms import HiddenField, SelectField, SubmitField

from reports.bench_chart import BenchBar, bench_svg
from rubrics import language

from ..cleaning import whole_number
from ..extensions import db
from ..forms import CleanForm
from ..forms.common import SelectChoice
from ..access import role_required
from ..listing import Page, Sorting, page_arg, sorting_arg
from ..services import NotAllowed
from ..services.exports import dispatch_export, results_job
from ..services.results_store import missing_results
from ..services.talent_pack import start_panel_pack
from ..services.talent_review import SORTS, ReviewQuery, UnknownRole, build_review, cycles_read, review_roles
from .blueprint import actor, bp

#: A role id as the rubric spells them; anything else is no role (and never reaches the database).
_ROLE_ID = re.compile(r"[a-z][a-z0-9_]{0,49}")
#: The query argument of a column's page: p-<verdict id>.
PAGE_PREFIX = "p-"
#: The panel pack form's fields are named pack-... (its ids must not clash with the filter's "unit").
PACK_PREFIX = "pack"


class PanelPackForm(CleanForm):
    """Start the panel pack of the review as shown (its cycles and unit), in a language."""

    cycles = HiddenField()
    unit = HiddenField()
    language = SelectField(_l("Language of the panel pack"), default="en",
                           choices=[SelectChoice("en", "English"), SelectChoice("de", "Deutsch")])
    submit = SubmitField(_l("Make the panel pack"))


def _role(role: str) -> str:
    if not _ROLE_ID.fullmatch(role):
        abort(404)
    return role


def _cycle_ids(values) -> tuple[int, ...]:
    found = (whole_number(v, minimum=1) for v in values)
    return tuple(dict.fromkeys(n for n in found if n is not None))


def review_query(role: str) -> ReviewQuery:
    """The review asked for by the query string; anything unknown falls back to the defaults."""
    sorting: Sorting = sorting_arg(SORTS, "name")
    pages = {key[len(PAGE_PREFIX):]: page_arg(key) for key in request.args if key.startswith(PAGE_PREFIX)}
    return ReviewQuery(role, _cycle_ids(request.args.getlist("cycle")), request.args.get("unit", ""),
                       sorting.sort, sorting.descending, pages)


@bp.route("/talent")
@role_required("hr")
def list_talent_roles():
    """The target roles with candidates: one talent review each."""
    return render_template("hr/talent/roles.html", roles=review_roles())


@bp.route("/talent/<role>")
@role_required("hr")
def talent_review(role: str):
    """Every candidate for a role as a card in a column per verdict, with the slate and bench strength."""
    query = review_query(_role(role))
    try:
        job = _results_job(query)
        if job is not None:
            return redirect(url_for("results.view_export", job_id=job.id))
        review = build_review(query)
    except UnknownRole:
        abort(404)
    form = PanelPackForm(formdata=None, prefix=PACK_PREFIX, language=language.current(),
                         cycles=",".join(str(c.id) for c in review.chosen),
                         unit=query.unit if query.unit in review.units else "")
    # Each column pages on its own, drawn by the pager every list uses.
    pages = {c.verdict_id: Page(c.cards, c.number, c.per_page, c.total) for c in review.columns}
    return render_template("hr/talent/review.html", review=review, query=query, form=form, pages=pages,
                           chart=_chart(review), page_prefix=PAGE_PREFIX)


def _results_job(query: ReviewQuery):
    """The job computing a cycle's results when too many are missing to compute within the request (right after a
    large cycle closed), as the overview does; None when they can be computed here."""
    for cycle in cycles_read(query):
        if len(missing_results(cycle)) > current_app.config["RESULTS_INLINE_MAX"]:
            job, is_new = results_job(cycle, actor=actor())
            db.session.commit()
            if is_new:
                dispatch_export(job)
            return job
    return None


def _chart(review) -> str:
    if not review.bench:
        return ""
    legend = tuple(label for _id, label, _count in review.slate_bands)
    bars = [BenchBar(b.cycle, b.ready_now, b.after_development) for b in review.bench]
    return bench_svg(bars, legend if len(legend) == 2 else ("", ""),
                     _("Bench strength for %(role)s over the last cycles", role=review.role_name))


@bp.route("/talent/<role>/pack", methods=["POST"])
@role_required("hr")
def start_talent_pack(role: str):
    """Start the panel pack of the review (one PDF; an export job), then to its progress page."""
    form = PanelPackForm(prefix=PACK_PREFIX)
    if not form.validate_on_submit():
        abort(400)
    query = ReviewQuery(_role(role), _cycle_ids((form.cycles.data or "").split(",")), form.unit.data or "")
    try:
        job = start_panel_pack(query, actor=actor(), lang=form.language.data)
    except UnknownRole:
        abort(404)
    except NotAllowed as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("hr.talent_review", role=query.role))
    db.session.commit()
    dispatch_export(job)
    return redirect(url_for("results.view_export", job_id=job.id))
