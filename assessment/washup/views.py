"""The wash-up (integration) page of one candidate: their assessors and HR see every assessor's level and evidence
per exercise and agree the consensus (``services.wash_up``). Nobody else learns that the page exists (404)."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from ..access import get_or_404, owned_or_404, role_required
from ..extensions import db
from ..framework import pinned_framework
from ..models import Assessment
from ..services import ServiceError
from ..services import exercises as exercise_service
from ..services import wash_up as service
from .forms import WashUpForm, read_answers

bp = Blueprint("washup", __name__, url_prefix="/wash-up")


@bp.route("/<int:assessment_id>", methods=["GET", "POST"])
@role_required("hr", "manager")
def wash_up(assessment_id: int):
    """The candidate's wash-up: read-only until every assessor sheet is submitted and once the cycle closes."""
    assessment = get_or_404(Assessment, assessment_id)
    owned_or_404(assessment, service.may_take_part(assessment, current_user))
    framework = pinned_framework(assessment.cycle)
    rows = service.wash_up_rows(assessment, framework)
    form = WashUpForm() if request.method == "POST" else WashUpForm(version=service.consensus_version(assessment))
    problems, typed, status = {}, {}, 200
    if form.validate_on_submit():
        answers, problems, typed = read_answers(request.form, rows)
        status = 400 if problems else _save(form, assessment, answers, framework, problems)
        if status == 200:
            flash(_("The consensus for %(candidate)s is saved.", candidate=assessment.candidate.name), "success")
            return redirect(url_for("washup.wash_up", assessment_id=assessment.id))
    elif form.is_submitted():
        status = 400
    editable = service.is_ready(assessment) and assessment.cycle.state == "open" and not assessment.is_withdrawn
    return render_template("washup/wash_up.html", assessment=assessment, framework=framework, rows=rows, form=form,
                           problems=problems, typed=typed, editable=editable,
                           sessions=exercise_service.sessions_of(assessment),
                           sheets=exercise_service.assessor_sheets(assessment),
                           single_assessor=service.single_assessor_competencies(assessment),
                           resolve_apart=framework.readiness.wash_up_resolve_apart), status


def _save(form, assessment, answers, framework, problems) -> int:
    """Save through the service and commit; the status, with any problem put on ``problems`` or the form."""
    try:
        service.save_consensus(assessment, answers, framework=framework, actor=current_user._get_current_object(),
                               expected_version=form.version.data or "")
        db.session.commit()
        return 200
    except service.WashUpRefused as exc:
        db.session.rollback()
        problems.update(exc.problems)
        return 400
    except ServiceError as exc:  # a stale page (ConflictError), a closed cycle, sheets reopened meanwhile
        db.session.rollback()
        form.form_errors.append(exc.message)
        return 409
    except SQLAlchemyError:
        db.session.rollback()
        current_app.logger.exception("database error while saving a wash-up consensus")
        form.form_errors.append(_("The database could not save the consensus, so nothing was changed. What you "
                                  "typed is kept below; please try again."))
        return 500
