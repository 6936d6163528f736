"""The header's language switch: the language chosen from now on, for the account or (before sign-in) the browser."""

from __future__ import annotations

from flask import Blueprint, redirect, request, session
from flask_login import current_user

from rubrics import language

from ..access import public, safe_next
from ..extensions import db
from ..forms import CleanForm

bp = Blueprint("language", __name__)


class LanguageForm(CleanForm):
    """The header switch: a button per language; only the CSRF token is checked here."""


@bp.route("/language", methods=["POST"])
@public
def switch():
    """Use the language chosen in the header from now on: the account's setting, or this browser's before sign-in."""
    chosen = language.normalise(request.form.get("language"))
    if chosen and LanguageForm().validate_on_submit():
        session["language"] = chosen
        if current_user.is_authenticated:
            current_user.language = chosen
            db.session.commit()
    return redirect(safe_next(request.form.get("next")))
