"""HR: a candidate's assessment-centre exercises (issue 18): schedule one of the cycle's rubric exercises with
trained assessors, see each assessor's sheet and whether the wash-up is open. Removing an assessor goes through
the rater removal page (``views.remove_assignment``), with the same rules as every rater."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from ..access import get_or_404, role_required
from ..framework import pinned_framework
from ..models import Assessment
from ..services import exercises as exercise_service
from ..services import wash_up
from .blueprint import FAILED, actor, bp, save
from .forms import ExerciseForm


@bp.route("/assessments/<int:assessment_id>/exercises", methods=["GET", "POST"])
@role_required("hr")
def schedule_exercises(assessment_id: int):
    """The candidate's exercises and their assessors, and scheduling another (or adding assessors to one)."""
    assessment = get_or_404(Assessment, assessment_id)
    framework = pinned_framework(assessment.cycle)
    people = exercise_service.trained_assessors()
    form = ExerciseForm(exercises=framework.exercises, assessors=people)
    if form.validate_on_submit():
        chosen = [person for person in people if person.id in set(form.assessors.data or ())]
        session = save(form, lambda: exercise_service.schedule_exercise(
            assessment, form.exercise_id.data, chosen, framework=framework, actor=actor(),
            scheduled_on=form.scheduled_on.data, reason=form.reason.data))
        if session is not FAILED:
            flash(_("%(exercise)s scheduled for %(candidate)s with %(assessors)s.",
                    exercise=framework.exercise(session.exercise_id).name, candidate=assessment.candidate.name,
                    assessors=", ".join(person.name for person in chosen)), "success")
            return redirect(url_for("hr.schedule_exercises", assessment_id=assessment.id))
    sheets = exercise_service.assessor_sheets(assessment)
    return render_template("hr/exercises.html", assessment=assessment, framework=framework, form=form,
                           sessions=exercise_service.sessions_of(assessment), people=people,
                           sheets={s.exercise_id: [a for a in sheets if a.exercise_id == s.exercise_id]
                                   for s in sheets},
                           ready=wash_up.is_ready(assessment)), 400 if form.errors or form.form_errors else 200
