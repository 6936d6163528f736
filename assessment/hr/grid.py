"""HR: the talent grid per target role (the 9-box, issue 20) and the import of performance ratings for its second
axis. A move between columns is a calibration proposal, made on the candidate's calibration form (prefilled)."""

from __future__ import annotations

import base64
import dataclasses
from functools import partial

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import HiddenField
from wtforms.validators import DataRequired, Length

from ..access import role_required
from ..cleaning import whole_number
from ..extensions import db
from ..forms import CleanForm
from ..framework import current_framework, pinned_framework
from ..models import Cycle
from ..services import exports as export_service
from ..services import performance, readiness, results_store
from ..services import talent_grid as grid_service
from .blueprint import actor, bp

#: The file a preview carries to the save: 5,000 ratings as CSV text stay well under this.
MAX_PREVIEW_TEXT = 2_000_000


class RatingsFileForm(CleanForm):
    file = FileField(_l("Performance ratings file (.csv or .xlsx)"),
                     validators=[FileRequired(_l("Choose a file to import.")),
                                 FileAllowed(["csv", "xlsx"], _l("Upload a .csv or .xlsx file."))])


class RatingsSaveForm(CleanForm):
    """The save after the preview: the checked rows as CSV text, checked again when saved."""

    rows = HiddenField(validators=[DataRequired(), Length(max=MAX_PREVIEW_TEXT)])
    filename = HiddenField(validators=[Length(max=200)])


def _target_roles(framework) -> list[tuple[str, str]]:
    """The roles a candidate is assessed for: every rung of the ladder above the first."""
    return [(role.id, role.name) for role in framework.ladder[1:]]


def _query(roles: list[tuple[str, str]], cycles: list[Cycle]) -> grid_service.GridQuery:
    """The grid's query from the request: unknown values fall back to the defaults."""
    role_ids = [role_id for role_id, _name in roles]
    role = request.args.get("role") if request.args.get("role") in role_ids else role_ids[0]
    axis = request.args.get("axis") if request.args.get("axis") in grid_service.AXES else "performance"
    known = {cycle.id for cycle in cycles}
    chosen = [number for number in (whole_number(v, minimum=1) for v in request.args.getlist("cycle"))
              if number in known]
    unit = (request.args.get("unit") or "").strip()[:120] or None
    pages = {key[2:]: whole_number(value, minimum=1) or 1 for key, value in request.args.items()
             if key.startswith("p.")}
    return grid_service.GridQuery(role, tuple(dict.fromkeys(chosen)), axis, unit, pages,
                                  current_app.config.get("GRID_PER_CELL", grid_service.PER_CELL))


def _cell_url(key: str, page: int) -> str:
    """This grid's URL with one cell's page changed (the cycles, a repeated argument, kept)."""
    args = request.args.to_dict(flat=False)
    args[f"p.{key}"] = [str(page)]
    return url_for("hr.talent_grid", **args)


def _fill_results(cycles: list[Cycle]):
    """Compute the missing stored results of ``cycles`` (as the overview does), or the redirect to the job that
    computes them when there are too many for one request."""
    for cycle in cycles:
        missing = results_store.missing_results(cycle)
        if len(missing) > current_app.config["RESULTS_INLINE_MAX"]:
            job, is_new = export_service.results_job(cycle, actor=actor())
            db.session.commit()
            if is_new:
                export_service.dispatch_export(job)
            return redirect(url_for("results.view_export", job_id=job.id))
        if missing:
            framework = pinned_framework(cycle)
            results_store.refresh_cycle(cycle, partial(readiness.compute_results, framework=framework),
                                        missing=missing, framework=framework)
    return None


@bp.route("/grid")
@role_required("hr")
def talent_grid():
    """The grid of one target role: the readiness band in force against the performance rating or the trend, each
    cell counted and paged in SQL; filter by cycles and unit."""
    roles = _target_roles(current_framework())
    role = request.args.get("role") if request.args.get("role") in dict(roles) else roles[0][0]
    cycles = grid_service.grid_cycles(role)
    query = _query(roles, cycles)
    if not query.cycle_ids and cycles:
        query = dataclasses.replace(query, cycle_ids=(cycles[0].id,))
    chosen = [cycle for cycle in cycles if cycle.id in query.cycle_ids]
    grid = None
    if chosen:
        needed = grid_service.trend_cycles(role, chosen) if query.axis == "trend" else chosen
        if (job_page := _fill_results(needed)) is not None:
            return job_page
        grid = grid_service.build_grid(pinned_framework(chosen[0]), query)
    return render_template("hr/grid/grid.html", grid=grid, query=query, roles=roles, cycles=cycles,
                           units=grid_service.grid_units(role, query.cycle_ids), cell_url=_cell_url,
                           axis_titles=grid_service.AXIS_TITLES, x_title=grid_service.X_TITLE,
                           note=performance.MAPPING_TEXT if query.axis == "performance" else grid_service.TREND_TEXT,
                           role_name=dict(roles)[role])


def _preview_rows(text: str | None) -> bytes | None:
    """The preview's rows as the CSV bytes they encode, or None when the field is not what the preview wrote."""
    try:
        return base64.b64decode((text or "").encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError):
        return None


def _ratings_page(form, *, preview=None, save_form=None, problems=(), summary=(), status=200):
    return render_template("hr/grid/ratings.html", form=form, preview=preview, save_form=save_form,
                           problems=problems, summary=summary, columns=performance.COLUMNS,
                           headers=performance.headers(), column_help=performance.COLUMN_HELP,
                           required=performance.REQUIRED_COLUMNS, column_label=performance.column_label,
                           mapping=performance.MAPPING_TEXT), status


@bp.route("/performance-ratings", methods=["GET", "POST"])
@role_required("hr")
def import_performance_ratings():
    """Upload a file of performance ratings: every problem by row and column, or a preview of what will be saved
    (nothing is saved until HR confirms the preview)."""
    form = RatingsFileForm()
    if not form.validate_on_submit():
        return _ratings_page(form, status=400 if form.errors else 200)
    upload = form.file.data
    filename = (upload.filename or "upload")[:200]
    try:
        rows = performance.check_file(filename, upload.read())
    except performance.ImportRejected as exc:
        db.session.rollback()
        return _ratings_page(form, problems=exc.problems, summary=[("problems-heading", exc.message)], status=400)
    # Base64: a one-line field holds no line breaks (CleanForm); the save checks the rows again anyway.
    text = base64.b64encode(performance.canonical_csv(rows).encode()).decode()
    save_form = RatingsSaveForm(formdata=None, rows=text, filename=filename)
    return _ratings_page(form, preview=rows, save_form=save_form)


@bp.route("/performance-ratings/save", methods=["POST"])
@role_required("hr")
def save_performance_ratings():
    """Save the previewed ratings (checked again: the people or their ratings may have changed since), all or
    nothing, audited."""
    save_form = RatingsSaveForm()
    form = RatingsFileForm(formdata=None)
    data = _preview_rows(save_form.rows.data) if save_form.validate_on_submit() else None
    if data is None:
        form.form_errors.append(_("The preview had expired or was changed; upload the file again."))
        return _ratings_page(form, status=400)
    filename = save_form.filename.data or "upload.csv"
    try:
        made = performance.import_ratings(filename, data, actor=actor(), read_as="csv")
    except performance.ImportRejected as exc:
        db.session.rollback()
        return _ratings_page(form, problems=exc.problems, summary=[("problems-heading", exc.message)], status=400)
    db.session.commit()
    flash(performance.imported_message(len(made)), "success")
    return redirect(url_for("hr.talent_grid"))
