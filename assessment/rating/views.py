"""Rating sheets: the list of sheets a rater owes, and the sheet itself (managers, peers, self-assessment)."""

from __future__ import annotations

from datetime import timezone

import sqlalchemy as sa
from babel.dates import format_time
from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import contains_eager

from rubrics import language
from rubrics.readiness_groups import anonymity_threshold
from rubrics.sheet import submission_problems

from ..access import get_or_404, owned_or_404, signed_in
from ..cleaning import whole_number
from ..extensions import db
from ..framework import pinned_framework
from ..listing import choice_arg, sorted_page
from ..models import ASSIGNMENT_STATUSES, Assessment, Cycle, RaterAssignment, User
from ..services.plan_queries import earlier_plan_actions
from ..services import ConflictError, ServiceError
from ..services.ratings import IncompleteSheet, reopen_reason, save_sheet, scope_of, submitted_self_ratings, \
    target_role
from .briefing import needs_briefing
from .forms import SubmitForm, evidence_answers, evidence_rule, relationship_of, sheet_data, sheet_form, \
    sheet_inputs, show_problems, stored_inputs
from .progress import evidence_notes, evidence_values, sheet_progress
from .sheet_view import answered, empty_situations, level_blocks

bp = Blueprint("rating", __name__, url_prefix="/ratings")

#: What is still owed in an open cycle comes first by default, soonest due first.
_OWED_FIRST = sa.case((sa.and_(Cycle.state == "open", RaterAssignment.status != "submitted"), 0), else_=1)
SORTS = {
    "owed": (_OWED_FIRST, Cycle.ends_on),
    "candidate": User.name,
    "cycle": Cycle.name,
    "group": RaterAssignment.rater_group,
    "status": RaterAssignment.status,
    "due": Cycle.ends_on,
}


@bp.route("/")
@signed_in
def my_sheets():
    """The sheets the current user fills in as a manager, a peer, a direct report or an assessor."""
    query = (
        sa.select(RaterAssignment)
        .join(RaterAssignment.assessment).join(Assessment.cycle).join(Assessment.candidate)
        .where(RaterAssignment.rater_id == current_user.id, RaterAssignment.rater_group != "self",
               Cycle.state != "draft", Assessment.withdrawn_at.is_(None))
        # The rows show the candidate and the cycle: load them with the same query, not one query per row.
        .options(contains_eager(RaterAssignment.assessment).contains_eager(Assessment.cycle),
                 contains_eager(RaterAssignment.assessment).contains_eager(Assessment.candidate))
    )
    status = choice_arg("status", ASSIGNMENT_STATUSES)
    if status:
        query = query.where(RaterAssignment.status == status)
    listing = sorted_page(query, SORTS, "owed", tiebreak=RaterAssignment.id)
    return render_template("rating/my_sheets.html", listing=listing, status=status, statuses=ASSIGNMENT_STATUSES)


@bp.route("/<int:assignment_id>", methods=["GET", "POST"])
@signed_in
def edit_sheet(assignment_id: int):
    """One rater's sheet: a form while it can be edited, read-only once submitted or when the cycle is not open.

    The sheet's script saves drafts in the background through the same POST, asking for JSON (``_json_answer``).
    """
    assignment, framework, is_rater = _load(assignment_id)
    editable = _editable(assignment, is_rater)
    if request.method == "GET" and not editable:
        return _render(assignment, framework, None)
    if editable and needs_briefing(assignment):  # a POST too: the briefing cannot be skipped by posting the sheet
        return redirect(url_for("briefing.show", assignment_id=assignment.id))

    # A POST is read from the request alone: a missing version must count as stale, never as "current".
    is_self = assignment.rater_group == "self"
    scope = scope_of(assignment, framework)
    form = sheet_form(framework, is_self=is_self, scope=scope) if request.method == "POST" \
        else sheet_form(framework, is_self=is_self, scope=scope, data=sheet_data(assignment))
    status = 200
    if form.is_submitted():
        status, message, review = _save(form, assignment, framework, request.form.get("action") == "submit")
        if _wants_json():
            return _json_answer(form, assignment, status, message)
        if review:
            return redirect(url_for("rating.submit_sheet", assignment_id=assignment.id))
        if status == 200:
            flash(message, "success")
            return redirect(url_for("rating.edit_sheet", assignment_id=assignment.id))
        if status == 500:
            flash(message, "error")  # not the user's mistake: said above the form, not as a form problem
        elif message:
            form.form_errors.append(message)
    return _render(assignment, framework, form, conflict=status == 409), status


@bp.route("/<int:assignment_id>/submit", methods=["GET", "POST"])
@signed_in
def submit_sheet(assignment_id: int):
    """Confirm and submit the saved answers: the sheet's Submit leads here when no script asked first."""
    assignment, framework, is_rater = _load(assignment_id)
    if not _editable(assignment, is_rater):
        return redirect(url_for("rating.edit_sheet", assignment_id=assignment.id))
    if needs_briefing(assignment):
        return redirect(url_for("briefing.show", assignment_id=assignment.id))
    form = SubmitForm() if request.method == "POST" else SubmitForm(version=str(assignment.version_id))
    inputs = stored_inputs(assignment)
    by_id = {i.competency_id: i for i in inputs}
    problems = submission_problems(framework, by_id, target_role(assignment, framework), scope_of(assignment, framework),
                                   (assignment.known_for, assignment.closeness))
    status = 200
    if form.validate_on_submit() and not problems:
        status, message, _ = _store(assignment, inputs, framework, _version(form), submit=True)
        if status == 200:
            flash(message, "success")
            return redirect(url_for("rating.edit_sheet", assignment_id=assignment.id))
        form.form_errors.append(message)
    scope = scope_of(assignment, framework)
    return render_template("rating/confirm_submit.html", assignment=assignment, framework=framework, form=form,
                           answers=by_id, problems=problems,
                           competencies=[framework.competency(cid) for cid in scope.competencies]), status


def _load(assignment_id: int):
    """The sheet, its pinned framework and whether the current user is its rater; 404 when it is not theirs.

    HR may read any sheet, but only its rater fills it in: a POST from anyone else is 403.
    """
    assignment = get_or_404(RaterAssignment, assignment_id)
    is_rater = assignment.rater_id == current_user.id
    owned_or_404(assignment, is_rater or current_user.role == "hr")
    if request.method == "POST" and not is_rater:
        abort(403)
    return assignment, pinned_framework(assignment.assessment.cycle), is_rater


def _editable(assignment: RaterAssignment, is_rater: bool) -> bool:
    return is_rater and assignment.assessment.cycle.state == "open" and assignment.status != "submitted"


def _save(form, assignment, framework, submit: bool) -> tuple[int, str | None, bool]:
    """Validate and save: (status, message, review). ``review``: a complete sheet was kept as a draft and
    waits for the confirmation page, because Submit was pressed without confirming first."""
    if not form.validate():
        return 400, None, False
    scope = scope_of(assignment, framework)
    inputs = sheet_inputs(form, scope)
    role = target_role(assignment, framework)
    review = submit and not form.confirm.data
    if review and show_problems(form, framework, role, scope):
        return 400, None, False
    status, message, problems = _store(assignment, inputs, framework, _version(form), submit=submit and not review,
                                       relationship=relationship_of(form))
    if problems:
        show_problems(form, framework, role, scope)
    return status, message, review and status == 200


def _store(assignment, inputs, framework, version: int, *, submit: bool,
           relationship=None) -> tuple[int, str | None, dict]:
    """Save or submit through the service and commit: (status, message, submission problems by competency)."""
    try:
        save_sheet(assignment, inputs, actor=current_user, framework=framework, expected_version=version,
                   submit=submit, relationship=relationship)
        db.session.commit()
    except IncompleteSheet as exc:
        db.session.rollback()
        return 400, None, exc.problems
    except ConflictError as exc:
        db.session.rollback()
        return 409, exc.message, {}
    except ServiceError as exc:
        db.session.rollback()
        return (409 if exc.field is None else 400), exc.message, {}
    except SQLAlchemyError:
        db.session.rollback()
        current_app.logger.exception("saving sheet %s failed", assignment.id)
        return 500, _("The database could not save your answers, so nothing was changed. "
                      "Your answers are kept below; please try again in a moment."), {}
    if not submit:
        return 200, _("Draft saved. You can come back and finish it later."), {}
    own = assignment.rater_group == "self"
    return 200, _("Your self-assessment was submitted.") if own else _("Your rating was submitted."), {}


def _wants_json() -> bool:
    """The sheet's background save asks for JSON; a browser's form post asks for HTML."""
    return request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json"


def _json_answer(form, assignment, status: int, message: str | None):
    """The background save's answer: the new version to send next time, or what went wrong, in words."""
    if status == 200:
        return jsonify(saved=True, version=assignment.version_id,
                       message=_("Draft saved automatically at %(time)s UTC.",
                                 time=format_time(_aware(assignment.updated_at), "short",
                                                  locale=language.locale()))), 200
    if message is None:  # a field problem, e.g. an evidence text that is too long
        problems = [_("%(field)s: %(problem)s", field=f.label.text, problem=" ".join(f.errors))
                    for f in form if f.errors and f.name != "csrf_token"]
        message = _("Not saved: %(problems)s.", problems="; ".join(problems) or _("the form could not be read"))
    return jsonify(saved=False, conflict=status == 409, message=message), status


def _aware(moment):
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)


def _version(form) -> int:
    """The sheet version the form was loaded with; 0 (always stale) when missing or mangled."""
    return whole_number(form.version.data) or 0


def _not_observed_words(assignment: RaterAssignment, framework) -> str:
    """What "not observed" means, told to the rater: the candidate's own sheet words it for them."""
    if assignment.rater_group == "self" and assignment.rater_id == current_user.id:
        return _("You have had no chance to show this yet. It is not a low score.")
    return framework.scale.not_observed_summary


#: The sheets that show the candidate's earlier agreed development plan: the candidate's own and their managers'.
#: Peers (fellow candidates), direct reports and assessors do not read a plan made from the candidate's
#: confidential development priorities (docs/talent-review.md, Development plans).
EARLIER_PLAN_GROUPS = ("self", "manager")


def _earlier_plan(assignment: RaterAssignment) -> dict:
    if assignment.rater_group not in EARLIER_PLAN_GROUPS:
        return {}
    return earlier_plan_actions(assignment.assessment)


def _render(assignment: RaterAssignment, framework, form, *, conflict: bool = False):
    """The sheet page: the form when ``form`` is given, the read-only answers otherwise."""
    # Blind rating: a manager sees the candidate's self-assessment only after submitting their own. Peers never
    # do: they are fellow candidates, and the self-assessment is shared with the candidate's managers only.
    self_ratings = None
    if assignment.rater_group == "manager" and assignment.rater_id == current_user.id \
            and assignment.status == "submitted":
        self_ratings = submitted_self_ratings(assignment.assessment) or {}
    ratings = {r.competency_id: r for r in assignment.current_ratings()}
    scope = scope_of(assignment, framework)
    role = framework.role(assignment.assessment.target_role)
    blank = lambda: sheet_form(framework, is_self=assignment.rater_group == "self", scope=scope, formdata=None)  # noqa: E731
    return render_template("rating/sheet.html", assignment=assignment, framework=framework, form=form,
                           scope=scope, competencies=[framework.competency(cid) for cid in scope.competencies],
                           exercise=framework.exercise(scope.exercise_id) if scope.exercise_id else None,
                           ratings=ratings, self_ratings=self_ratings, reopen_reason=reopen_reason(assignment) if assignment.revision > 1 else None,
                           evidence_rule=evidence_rule(framework), evidence_answers=evidence_answers(framework),
                           conflict=conflict, unsaved=form is not None and form.is_submitted(),
                           progress=form and sheet_progress(form, framework, assignment.assessment.target_role, scope),
                           evidence_values=evidence_values(framework),
                           levels=form and level_blocks(framework, scope, _not_observed_words(assignment, framework)),
                           answered=answered, situations=form and empty_situations(framework, scope, role, form, blank),
                           group_threshold=anonymity_threshold(framework.readiness, assignment.rater_group),
                           evidence_notes=evidence_notes(framework, assignment.assessment.target_role),
                           earlier_plan=_earlier_plan(assignment))
