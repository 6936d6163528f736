"""HR records a candidate's track record (months in leadership roles and in the current role), which the rubric's
eligibility rule is checked against (issue 18). The form sits on the candidate's page; this page shows it alone
when it needs correcting."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from ..access import get_or_404, role_required
from ..framework import pinned_framework
from ..models import Assessment
from ..services.track_record import parse_months, set_track_record
from .blueprint import FAILED, actor, bp, save
from .forms import TrackRecordForm


def track_record_form(assessment: Assessment) -> TrackRecordForm:
    """The form filled with what is recorded (empty where not known)."""
    form = TrackRecordForm()
    if not form.is_submitted():
        for name in ("leadership_months", "current_role_months"):
            value = getattr(assessment, name)
            getattr(form, name).data = "" if value is None else str(value)
    return form


@bp.app_template_global("track_record")
def track_record(assessment: Assessment, form: TrackRecordForm | None = None) -> dict:
    """What the track-record section of the candidate's page shows: the form, the target role's eligibility rule
    in the cycle's rubric (None: it has none), the role's name, and whether it can still change."""
    target = pinned_framework(assessment.cycle).role(assessment.target_role)
    return {"form": form or track_record_form(assessment), "rule": target.eligibility, "target_name": target.name,
            "editable": assessment.cycle.state != "released" and not assessment.is_withdrawn}


@bp.route("/assessments/<int:assessment_id>/track-record", methods=["GET", "POST"])
@role_required("hr")
def edit_track_record(assessment_id: int):
    """The candidate's months in leadership roles and in the current role; empty: not known."""
    assessment = get_or_404(Assessment, assessment_id)
    form = track_record_form(assessment)
    if form.validate_on_submit():
        changed = save(form, lambda: set_track_record(assessment, parse_months(form.leadership_months.data),
                                                      parse_months(form.current_role_months.data), actor=actor()))
        if changed is not FAILED:
            flash(_("The track record of %(name)s was saved.", name=assessment.candidate.name) if changed
                  else _("The track record of %(name)s is unchanged.", name=assessment.candidate.name), "success")
            return redirect(url_for("hr.assign_raters", assessment_id=assessment.id) + "#track-record")
    return render_template("hr/track_record.html", assessment=assessment, track=track_record(assessment, form)), \
        400 if form.errors or form.form_errors else 200
