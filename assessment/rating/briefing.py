"""The rater briefing: before a rater's first sheet in a cycle, the best-fit rule, the common rating errors and an
optional practice item. Confirming it records ``briefing_read_at`` on all the rater's sheets in the cycle."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import RadioField
from wtforms.validators import Optional

from rubrics import NOT_OBSERVED
from rubrics.sheet import parse_value

from ..access import get_or_404, owned_or_404, signed_in
from ..extensions import db
from ..forms import CleanForm
from ..forms.common import SelectChoice
from ..framework import pinned_framework
from ..models import Assessment, RaterAssignment, utcnow
from .practice import practice_feedback, practice_item

bp = Blueprint("briefing", __name__, url_prefix="/ratings")


class BriefingForm(CleanForm):
    """Confirm the briefing, or check an answer to the practice item (``action``: "practice" or "confirm")."""

    answer = RadioField(validators=[Optional()])


def needs_briefing(assignment: RaterAssignment) -> bool:
    """The rater has not confirmed the briefing for this cycle yet."""
    return assignment.briefing_read_at is None


def record_briefing(assignment: RaterAssignment) -> int:
    """Mark the briefing read on every sheet of this rater in the assignment's cycle; how many were marked."""
    ids = sa.select(Assessment.id).where(Assessment.cycle_id == assignment.assessment.cycle_id)
    result = db.session.execute(
        sa.update(RaterAssignment)
        .where(RaterAssignment.rater_id == assignment.rater_id, RaterAssignment.assessment_id.in_(ids),
               RaterAssignment.briefing_read_at.is_(None))
        .values(briefing_read_at=utcnow()).execution_options(synchronize_session="fetch"))
    return result.rowcount


@bp.route("/<int:assignment_id>/briefing", methods=["GET", "POST"])
@signed_in
def show(assignment_id: int):
    """The briefing; HR may read it, only the sheet's rater confirms it."""
    assignment = get_or_404(RaterAssignment, assignment_id)
    is_rater = assignment.rater_id == current_user.id
    owned_or_404(assignment, is_rater or current_user.role == "hr")
    if request.method == "POST" and not is_rater:
        abort(403)
    framework = pinned_framework(assignment.assessment.cycle)
    item = practice_item(framework)
    form = BriefingForm()
    form.answer.choices = [SelectChoice(str(lv.level), f"{lv.level} {lv.label}") for lv in framework.scale.levels] \
        + [SelectChoice(NOT_OBSERVED, framework.scale.not_observed_label)]
    feedback, status = None, 200
    if form.validate_on_submit():
        if request.form.get("action") == "confirm":
            record_briefing(assignment)
            db.session.commit()
            return redirect(url_for("rating.edit_sheet", assignment_id=assignment.id))
        if item is not None and form.answer.data:
            feedback = practice_feedback(item, parse_value(form.answer.data))
        elif item is not None:
            form.answer.errors = [_("Choose a level to check your answer.")]
            status = 400
    elif form.is_submitted():
        status = 400
    return render_template("rating/briefing.html", assignment=assignment, framework=framework, form=form,
                           item=item, competency=item and framework.competency(item.competency_id),
                           feedback=feedback, is_rater=is_rater), status
