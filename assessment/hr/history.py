"""HR: a person's history across cycles (issue 20, part 2): every assessment with its verdict, calibration and
release date, newest first; each leads to its results page."""

from __future__ import annotations

from flask import render_template

from ..access import get_or_404, role_required
from ..models import User
from ..services.history import person_history as history_rows
from .blueprint import bp


@bp.route("/people/<int:user_id>/history")
@role_required("hr")
def person_history(user_id: int):
    """Every assessment of one person across cycles (HR's view: also withheld, withdrawn and unfinished ones)."""
    person = get_or_404(User, user_id)
    return render_template("hr/person_history.html", person=person, rows=history_rows(person.id, audience="hr"))
