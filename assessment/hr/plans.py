"""HR and development plans (issue 20, part 3): start a plan from a released assessment, and the overview of every
plan's actions by status (counts, and a paged list filtered by cycle, status and overdue)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..access import get_or_404, role_required
from ..cleaning import whole_number
from ..extensions import db
from ..forms import CleanForm
from ..framework import pinned_framework
from ..listing import Listing, choice_arg, page_arg, page_size, paginate, sorting_arg
from ..models import ACTION_STATUSES, Assessment, Cycle, DevelopmentAction, utcnow
from ..services.plan_queries import (OVERVIEW_SORTS, PlanFilter, cycles_with_plans, overview_query,
                                     status_counts)
from ..services.plans import plan_may_start, plan_of, start_plan
from .blueprint import FAILED, actor, bp, save


class StartPlanForm(CleanForm):
    """HR starts the plan of a released assessment (the form is its token alone)."""


@bp.app_template_global("development_plan")
def development_plan(assessment: Assessment) -> dict:
    """What the results page says of the plan: the plan (None: none yet), whether one may start, and the form."""
    return {"plan": plan_of(assessment), "may_start": plan_may_start(assessment), "form": StartPlanForm()}


@bp.route("/assessments/<int:assessment_id>/plan", methods=["POST"])
@role_required("hr")
def start_development_plan(assessment_id: int):
    """Start (or open, when there is one) the development plan of a released assessment."""
    assessment = get_or_404(Assessment, assessment_id)
    form = StartPlanForm()
    plan = save(form, lambda: start_plan(assessment, actor=actor())) if form.validate_on_submit() else FAILED
    if plan is FAILED:
        for message in form.form_errors or [_("The plan could not be started; reload the page and try again.")]:
            flash(message, "error")
        return redirect(url_for("results.view_results", assessment_id=assessment.id)), 303
    return redirect(url_for("plans.view_plan", plan_id=plan.id))


def _filter() -> PlanFilter:
    cycle_id = whole_number(request.args.get("cycle"))
    return PlanFilter(cycle_id=cycle_id if cycle_id and db.session.get(Cycle, cycle_id) else None,
                      status=choice_arg("status", ACTION_STATUSES), overdue=request.args.get("overdue") == "1")


@bp.route("/plans")
@role_required("hr")
def plans_overview():
    """Every development plan's actions by status: counts, and a paged list (cycle, status, overdue)."""
    chosen, today = _filter(), utcnow().date()
    sorting = sorting_arg(OVERVIEW_SORTS, "due")
    column = OVERVIEW_SORTS[sorting.sort]
    ordered = overview_query(chosen, today).order_by(column.desc() if sorting.descending else column.asc(),
                                                     DevelopmentAction.id)
    # Rows of (action, candidate, owner, cycle, plan): not scalars, so not listing.sorted_page.
    listing = Listing(paginate(ordered, page_arg(), page_size(), scalars=False), sorting)
    names = {}
    for row in listing.items:
        cycle = row[3]
        if cycle.id not in names:
            names[cycle.id] = {c.id: c.name for c in pinned_framework(cycle).competencies}
    return render_template("hr/plans.html", listing=listing, chosen=chosen, counts=status_counts(chosen.cycle_id, today),
                           cycles=cycles_with_plans(), statuses=ACTION_STATUSES, names=names, today=today)
