"""The signed-in home page: what each kind of user has to do."""

import sqlalchemy as sa
from flask import Blueprint, render_template
from flask_login import current_user

from ..access import signed_in

from ..extensions import db
from ..models import Assessment, Cycle, RaterAssignment

bp = Blueprint("main", __name__)


@bp.route("/")
@signed_in
def index():
    """Home: HR sees the cycles, raters what they owe, candidates their own assessments."""
    cycles, sheets, own = [], [], []
    if current_user.role == "hr":
        cycles = db.session.scalars(sa.select(Cycle).order_by(Cycle.created_at.desc())).all()
    sheets = db.session.scalars(
        sa.select(RaterAssignment)
        .where(RaterAssignment.rater_id == current_user.id, RaterAssignment.rater_group != "self")
        .order_by(RaterAssignment.id)
    ).all()
    if current_user.role == "candidate":
        own = db.session.scalars(
            sa.select(Assessment).where(Assessment.candidate_id == current_user.id).order_by(Assessment.id.desc())
        ).all()
    return render_template("main/index.html", cycles=cycles, sheets=sheets, own=own)
