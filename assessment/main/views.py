"""The signed-in home page: each role is sent to the page where its work is."""

from flask import Blueprint, redirect, url_for
from flask_login import current_user

from ..access import signed_in

bp = Blueprint("main", __name__)

HOMES = {"hr": "hr.list_cycles", "manager": "rating.my_sheets", "candidate": "candidate.home"}


@bp.route("/")
@signed_in
def index():
    """Send each role to its home."""
    return redirect(url_for(HOMES[current_user.role]))
