"""HR: reporting lines and deactivation on the person page, and the line manager or direct reports of a candidate
assigned as raters in one step on the assessment page (the sections are included by those pages' templates and
filled by the template globals here)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _, ngettext

from ..access import get_or_404, role_required
from ..models import Assessment, User
from ..framework import pinned_framework
from ..services import conflicts, directory, users
from .blueprint import FAILED, actor, bp, save
from .people_forms import DeactivateForm, DirectoryForm, ReportingRaterForm


@bp.app_template_global("person_directory")
def person_directory(person: User, form: DirectoryForm | None = None,
                     deactivate_form: DeactivateForm | None = None) -> dict:
    """What the person page's "Reporting line" and "Account" sections show."""
    manager = person.manager
    return {"form": form or DirectoryForm(unit=person.unit, employee_id=person.employee_id,
                                          manager=manager.email if manager else ""),
            "deactivate_form": deactivate_form or DeactivateForm(), "manager": manager,
            "reports": directory.direct_reports(person)}


@bp.app_template_global("reporting_raters")
def reporting_raters(assessment: Assessment) -> dict:
    """The assessment page's one-step offers: the line manager as manager rater, the direct reports as a group."""
    return {"form": ReportingRaterForm(prefix=ReportingRaterForm.PREFIX), "manager": assessment.candidate.manager,
            "manager_problem": directory.line_manager_problem(assessment),
            "reports": directory.reports_to_assign(assessment)}


def _back(person: User, anchor: str = "reporting-line"):
    return redirect(url_for("hr.edit_person", user_id=person.id) + f"#{anchor}")


def _person_again(person: User, form=None, deactivate_form=None):
    return render_template("hr/person_directory.html", person=person,
                           directory=person_directory(person, form, deactivate_form)), 400


@bp.route("/people/<int:user_id>/reporting-line", methods=["POST"])
@role_required("hr")
def edit_reporting_line(user_id: int):
    """Set a person's unit, employee id and line manager (audited)."""
    person = get_or_404(User, user_id)
    form = DirectoryForm()
    if form.validate_on_submit() and save(form, lambda: directory.set_directory(
            person, unit=form.unit.data, employee_id=form.employee_id.data, manager=form.manager.data,
            actor=actor())) is not FAILED:
        flash(_("The reporting line of %(name)s is saved.", name=person.name), "success")
        return _back(person)
    return _person_again(person, form=form)


@bp.route("/people/<int:user_id>/deactivate", methods=["POST"])
@role_required("hr")
def deactivate_person(user_id: int):
    """Deactivate an account: no sign-in, no mail, no new sheets; its history stays (audited)."""
    person = get_or_404(User, user_id)
    form = DeactivateForm()
    if form.validate_on_submit() and save(form, lambda: users.deactivate_user(
            person, actor=actor(), reason=(form.reason.data or "").strip())) is not FAILED:
        flash(_("%(name)s is deactivated: they cannot sign in and get no mail; their sheets and results stay.",
                name=person.name), "success")
        return _back(person, "account")
    return _person_again(person, deactivate_form=form)


@bp.route("/people/<int:user_id>/reactivate", methods=["POST"])
@role_required("hr")
def reactivate_person(user_id: int):
    """Let a deactivated account sign in and receive mail again (audited)."""
    person = get_or_404(User, user_id)
    form = DeactivateForm()
    if form.validate_on_submit() and save(form, lambda: users.reactivate_user(person, actor=actor())) is not FAILED:
        flash(_("%(name)s is active again.", name=person.name), "success")
        return _back(person, "account")
    return _person_again(person, deactivate_form=form)


def _warn_of_conflicts(assessment: Assessment, made: list) -> None:
    """The rules of conflicts of interest hold here too: a conflicted new rater is marked, and HR is told."""
    found = conflicts.conflicts([assessment.id])
    role_name = pinned_framework(assessment.cycle).role(assessment.target_role).name
    for assignment in made:
        if reasons := found.get(assignment.id):
            flash(_("%(conflict)s The assignment is marked; remove it if another rater can be found.",
                    conflict=conflicts.conflict_text(assignment, reasons, role_name)), "warning")


def _one_step(assessment: Assessment, action, done):
    form = ReportingRaterForm(prefix=ReportingRaterForm.PREFIX)
    if form.validate_on_submit():
        made = save(form, lambda: action(assessment, actor=actor(), reason=form.reason.data))
        if made is not FAILED:
            flash(done(made), "success")
            _warn_of_conflicts(assessment, made if isinstance(made, list) else [made])
            return redirect(url_for("hr.assign_raters", assessment_id=assessment.id))
    return render_template("hr/reporting_raters.html", assessment=assessment, form=form,
                           offer=reporting_raters(assessment)), 400


@bp.route("/assessments/<int:assessment_id>/line-manager", methods=["POST"])
@role_required("hr")
def add_line_manager(assessment_id: int):
    """Assign the candidate's line manager as a manager rater in one step (the rules of assigning a rater apply)."""
    assessment = get_or_404(Assessment, assessment_id)
    return _one_step(assessment, directory.assign_line_manager,
                     lambda made: _("%(rater)s will rate %(candidate)s as manager.", rater=made.rater.name,
                                    candidate=assessment.candidate.name))


@bp.route("/assessments/<int:assessment_id>/direct-reports", methods=["POST"])
@role_required("hr")
def add_direct_reports(assessment_id: int):
    """Assign the candidate's direct reports as the direct-report raters in one step."""
    assessment = get_or_404(Assessment, assessment_id)
    return _one_step(assessment, directory.assign_direct_reports,
                     lambda made: ngettext("%(num)d direct report will rate %(candidate)s.",
                                           "%(num)d direct reports will rate %(candidate)s.", len(made),
                                           candidate=assessment.candidate.name))
