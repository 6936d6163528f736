"""Candidate self-service: their assessments, their self-assessment sheet, and whether results are out."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, render_template
from flask_login import current_user

from ..access import role_required
from ..extensions import db
from ..framework import pinned_framework
from ..models import Assessment
from ..services.history import person_history

bp = Blueprint("candidate", __name__)


@bp.route("/me")
@role_required("candidate")
def home():
    """The candidate's own assessments: self-assessment status and the results state."""
    assessments = db.session.scalars(
        sa.select(Assessment).where(Assessment.candidate_id == current_user.id, Assessment.withdrawn_at.is_(None))
        .order_by(Assessment.id.desc())
    ).all()
    rows = []
    for assessment in assessments:
        own = next((a for a in assessment.assignments if a.rater_group == "self"), None)
        rows.append((assessment, own, pinned_framework(assessment.cycle)))
    return render_template("candidate/home.html", rows=rows)


@bp.route("/me/history")
@role_required("candidate")
def history():
    """The candidate's own assessments across cycles, as released to them (never withheld or unreleased ones)."""
    return render_template("candidate/history.html", rows=person_history(current_user.id, audience="candidate"))
