"""The signed-in home page: each role is sent to the page where its work is."""

import sqlalchemy as sa
from flask import Blueprint, current_app, redirect, render_template, url_for
from flask_login import current_user

from ..access import signed_in
from ..extensions import db
from ..models import Cycle

bp = Blueprint("main", __name__)

#: The home of each role; a role whose area is not registered stays on the page below.
HOMES = {"hr": "hr.list_cycles", "manager": "rating.my_sheets", "candidate": "candidate.home"}


@bp.route("/")
@signed_in
def index():
    """Send each role to its home; HR sees the cycles here until the HR area exists."""
    endpoint = HOMES.get(current_user.role)
    if endpoint in current_app.view_functions:
        return redirect(url_for(endpoint))
    cycles = db.session.scalars(sa.select(Cycle).order_by(Cycle.created_at.desc())).all()
    return render_template("main/index.html", cycles=cycles)
