"""Rating sheets: the list of sheets a rater owes, and the sheet itself (managers, peers, self-assessment)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import contains_eager

from rubrics.sheet import submission_problems

from ..access import get_or_404, owned_or_404, signed_in
from ..extensions import db
from ..framework import pinned_framework
from ..listing import sorted_page
from ..models import ASSIGNMENT_STATUSES, Assessment, Cycle, RaterAssignment, User
from ..services import ConflictError, ServiceError
from ..services.ratings import IncompleteSheet, reopen_reason, save_sheet, submitted_self_ratings
from .forms import evidence_rule, sheet_data, sheet_form, sheet_inputs, show_problems

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
    """The sheets the current user fills in as a manager or a peer."""
    query = (
        sa.select(RaterAssignment)
        .join(RaterAssignment.assessment).join(Assessment.cycle).join(Assessment.candidate)
        .where(RaterAssignment.rater_id == current_user.id, RaterAssignment.rater_group != "self",
               Cycle.state != "draft", Assessment.withdrawn_at.is_(None))
        # The rows show the candidate and the cycle: load them with the same query, not one query per row.
        .options(contains_eager(RaterAssignment.assessment).contains_eager(Assessment.cycle),
                 contains_eager(RaterAssignment.assessment).contains_eager(Assessment.candidate))
    )
    status = request.args.get("status", "")
    if status in ASSIGNMENT_STATUSES:
        query = query.where(RaterAssignment.status == status)
    listing = sorted_page(query, SORTS, "owed", tiebreak=RaterAssignment.id)
    return render_template("rating/my_sheets.html", listing=listing, status=status, statuses=ASSIGNMENT_STATUSES)


@bp.route("/<int:assignment_id>", methods=["GET", "POST"])
@signed_in
def edit_sheet(assignment_id: int):
    """One rater's sheet: a form while it can be edited, read-only once submitted or when the cycle is not open."""
    assignment = get_or_404(RaterAssignment, assignment_id)
    is_rater = assignment.rater_id == current_user.id
    owned_or_404(assignment, is_rater or current_user.role == "hr")
    cycle = assignment.assessment.cycle
    framework = pinned_framework(cycle)
    if request.method == "POST" and not is_rater:
        abort(403)  # HR may read any sheet, but only its rater fills it in
    editable = is_rater and cycle.state == "open" and assignment.status != "submitted"
    if request.method == "GET" and not editable:
        return _render(assignment, framework, None)

    # A POST is read from the request alone: a missing version must count as stale, never as "current".
    form = sheet_form(framework) if request.method == "POST" else sheet_form(framework, data=sheet_data(assignment))
    status = 200
    if form.is_submitted():
        submit = request.form.get("action") == "submit"
        status, message = _save(form, assignment, framework, submit)
        if status == 200:
            flash(message, "success")
            return redirect(url_for("rating.edit_sheet", assignment_id=assignment.id))
        if status == 500:
            flash(message, "error")  # not the user's mistake: said above the form, not as a form problem
        elif message:
            form.form_errors.append(message)
    return _render(assignment, framework, form, conflict=status == 409), status


def _save(form, assignment, framework, submit: bool) -> tuple[int, str | None]:
    """Validate and save; (200, success message) or (error status, message for the top of the form)."""
    if not form.validate():
        return 400, None
    inputs = sheet_inputs(form, framework)
    if submit and not form.confirm.data:
        form.confirm.errors = ["Tick this box to confirm, then press Submit again."]
        show_problems(form, framework, submission_problems(framework, {i.competency_id: i for i in inputs}))
        return 400, None
    try:
        save_sheet(assignment, inputs, actor=current_user, framework=framework,
                   expected_version=_version(form), submit=submit)
        db.session.commit()
    except IncompleteSheet as exc:
        db.session.rollback()
        show_problems(form, framework, exc.problems)
        return 400, None
    except ConflictError as exc:
        db.session.rollback()
        return 409, exc.message
    except ServiceError as exc:
        db.session.rollback()
        return (409 if exc.field is None else 400), exc.message
    except SQLAlchemyError:
        db.session.rollback()
        current_app.logger.exception("saving sheet %s failed", assignment.id)
        return 500, ("The database could not save your answers, so nothing was changed. "
                     "Your answers are kept below; please try again in a moment.")
    return 200, "Your rating was submitted." if submit else "Draft saved. You can come back and finish it later."


def _version(form) -> int:
    """The sheet version the form was loaded with; 0 (always stale) when missing or mangled."""
    try:
        return int(form.version.data or 0)
    except ValueError:
        return 0


def _render(assignment: RaterAssignment, framework, form, *, conflict: bool = False):
    """The sheet page: the form when ``form`` is given, the read-only answers otherwise."""
    # Blind rating: a manager sees the candidate's self-assessment only after submitting their own. Peers never
    # do: they are fellow candidates, and the self-assessment is shared with the candidate's managers only.
    self_ratings = None
    if assignment.rater_group == "manager" and assignment.rater_id == current_user.id \
            and assignment.status == "submitted":
        self_ratings = submitted_self_ratings(assignment.assessment) or {}
    ratings = {r.competency_id: r for r in assignment.current_ratings()}
    return render_template("rating/sheet.html", assignment=assignment, framework=framework, form=form,
                           ratings=ratings, self_ratings=self_ratings, reopen_reason=reopen_reason(assignment),
                           evidence_rule=evidence_rule(framework), conflict=conflict)
