"""The plan page (issue 20, part 3): the candidate, their line manager and HR see the plan and the development
priorities it comes from; the candidate and the manager update each action's status and note and record their
agreement; HR adds and edits actions. Anyone else gets 404 (services.plans says who takes part and why)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..access import get_or_404, role_required, signed_in
from ..forms import saved
from ..framework import pinned_framework
from ..models import DevelopmentAction, DevelopmentPlan, utcnow
from ..services.plan_queries import visible_plans
from ..services.plans import (ActionInput, add_action, agree_plan, edit_action, is_agreed, manager_agreed,
                              owner_choices, party, plan_version, update_progress)
from ..services.readiness import assess, report_audience, visible_result
from ..cleaning import whole_number
from .forms import STATUS_LABELS, SUPPORT_LABELS, ActionForm, AgreeForm, ProgressForm, parse_due

bp = Blueprint("plans", __name__, url_prefix="/plans")


@bp.app_template_filter("plan_status")
def plan_status(value: str) -> str:
    return str(STATUS_LABELS.get(value, value))


@bp.app_template_filter("plan_support")
def plan_support(value: str) -> str:
    return str(SUPPORT_LABELS.get(value, value))


def _load(plan_id: int, action_id: int | None = None, *, as_hr: bool = False):
    """The plan (and one of its actions) when the signed-in user takes part in it (``as_hr``: as HR, not as the
    candidate or line manager an HR account may be); 404 otherwise."""
    plan = get_or_404(DevelopmentPlan, plan_id)
    role = party(plan, current_user._get_current_object())
    if role is None or (as_hr and role != "hr"):
        abort(404)
    action = None
    if action_id is not None:
        action = get_or_404(DevelopmentAction, action_id)
        if action.plan_id != plan.id:
            abort(404)
    return plan, role, action


def _action_form(plan: DevelopmentPlan, framework, action: DevelopmentAction | None = None, **kwargs) -> ActionForm:
    owners = owner_choices(plan)
    if action is not None and action.owner not in owners:
        owners.append(action.owner)  # an owner who has since left the choices stays possible
    return ActionForm(competencies=framework.competencies, owners=owners, **kwargs)


def _input(form: ActionForm) -> ActionInput:
    return ActionInput(form.competency_id.data, form.what.data or "", whole_number(form.owner_id.data),
                       parse_due(form.due_on.data), form.support.data, form.support_detail.data or "",
                       form.status.data, form.note.data or "")


def _priorities(plan: DevelopmentPlan):
    """The development priorities the plan comes from, as this reader may see the results."""
    outcome = assess(plan.assessment, framework=pinned_framework(plan.assessment.cycle))
    return visible_result(outcome, report_audience(current_user)).result.development_priorities


def _render(plan, role, *, add_form=None, failed: tuple[int, ProgressForm] | None = None, status: int = 200):
    framework = pinned_framework(plan.assessment.cycle)
    progress = {a.id: ProgressForm(formdata=None, status=a.status, note=a.note, version=str(a.version_id))
                for a in plan.actions}
    if failed is not None:
        progress[failed[0]] = failed[1]
    if role == "hr" and add_form is None:
        add_form = _action_form(plan, framework, formdata=None, support="other")
    return render_template("plans/plan.html", plan=plan, role=role, framework=framework, progress=progress,
                           add_form=add_form, agree_form=AgreeForm(formdata=None, version=plan_version(plan)),
                           agreed=is_agreed(plan), manager_agreed=manager_agreed(plan),
                           priorities=_priorities(plan), today=utcnow().date(),
                           names={c.id: c.name for c in framework.competencies}), status


@bp.route("")
@signed_in
def my_plans():
    """The plans the signed-in person takes part in: their own, and those of their direct reports."""
    if current_user.role == "hr" and request.args.get("mine") is None:
        return redirect(url_for("hr.plans_overview"))
    return render_template("plans/list.html", plans=visible_plans(current_user), today=utcnow().date())


@bp.route("/<int:plan_id>")
@signed_in
def view_plan(plan_id: int):
    """One plan: its agreement, the priorities it comes from, and its actions."""
    plan, role, _action = _load(plan_id)
    return _render(plan, role)


@bp.route("/<int:plan_id>/actions", methods=["POST"])
@role_required("hr")
def add_plan_action(plan_id: int):
    """HR adds an action."""
    plan, role, _action = _load(plan_id, as_hr=True)
    framework = pinned_framework(plan.assessment.cycle)
    form = _action_form(plan, framework)
    if form.validate_on_submit() and saved(form, lambda: add_action(plan, _input(form), framework=framework,
                                                                    actor=current_user._get_current_object())):
        flash(_("The action was added. The candidate and their line manager agree the changed plan again."),
              "success")
        return redirect(url_for("plans.view_plan", plan_id=plan.id))
    return _render(plan, role, add_form=form, status=400)


@bp.route("/<int:plan_id>/actions/<int:action_id>", methods=["GET", "POST"])
@role_required("hr")
def edit_plan_action(plan_id: int, action_id: int):
    """HR changes an action: what, competency, owner, due date, support, status and note."""
    plan, _role, action = _load(plan_id, action_id, as_hr=True)
    framework = pinned_framework(plan.assessment.cycle)
    if request.method == "POST":
        form = _action_form(plan, framework, action)
    else:
        form = _action_form(plan, framework, action, formdata=None, competency_id=action.competency_id,
                            what=action.what, owner_id=str(action.owner_id), due_on=action.due_on.isoformat(),
                            support=action.support, support_detail=action.support_detail, status=action.status,
                            note=action.note, version=str(action.version_id))
    if form.validate_on_submit() and saved(form, lambda: edit_action(
            action, _input(form), framework=framework, actor=current_user._get_current_object(),
            expected_version=whole_number(form.version.data))):
        flash(_("The action was saved."), "success")
        return redirect(url_for("plans.view_plan", plan_id=plan.id) + f"#action-{action.id}")
    return render_template("plans/action.html", plan=plan, action=action, form=form), \
        400 if form.errors or form.form_errors else 200


@bp.route("/<int:plan_id>/actions/<int:action_id>/progress", methods=["POST"])
@signed_in
def update_action_progress(plan_id: int, action_id: int):
    """The candidate, their line manager or HR say how far an action is (status and note)."""
    plan, role, action = _load(plan_id, action_id)
    form = ProgressForm()
    if form.validate_on_submit() and saved(form, lambda: update_progress(
            action, form.status.data, form.note.data or "", actor=current_user._get_current_object(),
            expected_version=whole_number(form.version.data))):
        flash(_("The action's status and note were saved."), "success")
        return redirect(url_for("plans.view_plan", plan_id=plan.id) + f"#action-{action.id}")
    return _render(plan, role, failed=(action.id, form), status=400)


@bp.route("/<int:plan_id>/agree", methods=["POST"])
@signed_in
def agree(plan_id: int):
    """The candidate or their line manager agrees to the plan as it is now (dated)."""
    plan, role, _action = _load(plan_id)
    form = AgreeForm()
    if form.validate_on_submit() and saved(form, lambda: agree_plan(plan, actor=current_user._get_current_object(),
                                                                    seen_version=form.version.data)):
        flash(_("Your agreement to the plan was recorded."), "success")
        return redirect(url_for("plans.view_plan", plan_id=plan.id))
    for message in form.form_errors:
        flash(message, "error")
    return redirect(url_for("plans.view_plan", plan_id=plan.id)), 303
