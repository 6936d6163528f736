"""(issue 21) HR's pages for API tokens: create one (the token is shown once, on the answer to the form, never
again), list them with their last use, revoke one. /hr/api-tokens."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup
from wtforms import IntegerField, SelectMultipleField, StringField, widgets
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from ..access import get_or_404, role_required
from ..extensions import db
from ..forms import CleanForm, add_error
from ..forms.common import ConfirmForm
from ..models import API_SCOPES, ApiToken
from ..services import ServiceError, api_tokens

bp = Blueprint("api_tokens", __name__, url_prefix="/hr/api-tokens")
STATES = {"active": _l("Active"), "expired": _l("Expired"), "revoked": _l("Revoked")}


class TokenForm(CleanForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)],
                       description=_l("Say what uses it, e.g. “HR system sync”."))
    scopes = SelectMultipleField(_l("Scopes"), option_widget=widgets.CheckboxInput(),
                                 widget=widgets.ListWidget(prefix_label=False))
    days = IntegerField(_l("Expires after (days)"), default=90,
                        validators=[InputRequired(), NumberRange(1, api_tokens.MAX_DAYS)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The scope's id as code (what a script names), then what it allows in the reader's language.
        self.scopes.choices = [(scope, Markup("<code>{}</code>: {}").format(scope, api_tokens.scope_word(scope)))
                               for scope in API_SCOPES]


def _actor():
    return current_user._get_current_object()


@bp.route("", methods=["GET", "POST"])
@role_required("hr")
def list_tokens():
    """The tokens (active first, with last use) and the form for a new one; the new token is shown once."""
    form, secret, status = TokenForm(), None, 200
    if form.validate_on_submit():
        try:
            _token, secret = api_tokens.create_token(form.name.data, form.scopes.data, form.days.data,
                                                     actor=_actor())
            db.session.commit()
            form = TokenForm(formdata=None)
        except ServiceError as exc:
            db.session.rollback()
            add_error(form, exc.field, exc.message)
    if form.errors or form.form_errors:
        status = 400
    rows = [(token, api_tokens.token_state(token)) for token in api_tokens.list_tokens()]
    return render_template("api/tokens.html", form=form, secret=secret, rows=rows, states=STATES), status


@bp.route("/<int:token_id>/revoke", methods=["GET", "POST"])
@role_required("hr")
def revoke_token(token_id: int):
    """Confirm, then revoke a token for good."""
    token = get_or_404(ApiToken, token_id)
    if token.revoked_at is not None:
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            api_tokens.revoke_token(token, actor=_actor())
            db.session.commit()
            flash(_("The API token “%(name)s” is revoked: it no longer works.", name=token.name), "success")
            return redirect(url_for("api_tokens.list_tokens"))
        except ServiceError as exc:
            db.session.rollback()
            add_error(form, exc.field, exc.message)
    return render_template("hr/confirm.html", form=form, title=_("Revoke the API token “%(name)s”?", name=token.name),
                           message=_("Whatever uses it stops working at once; this cannot be undone."),
                           button=_("Revoke the token"), back=url_for("api_tokens.list_tokens"),
                           action=url_for("api_tokens.revoke_token", token_id=token.id)), \
        400 if form.errors or form.form_errors else 200
