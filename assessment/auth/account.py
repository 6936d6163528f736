"""Pages reached from an e-mail or the sign-in page: "Forgot password?" and setting a password from a link."""

from __future__ import annotations

from flask import Blueprint, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy.exc import IntegrityError

from ..access import public
from ..extensions import db
from ..forms import add_error
from ..mail.tokens import LinkProblem, read_token
from ..services import ServiceError
from ..services.users import MIN_PASSWORD_LENGTH
from ..services.sso import password_policy, provider_name
from ..services.accounts import LinkAlreadyUsed, request_password_reset, set_password_from_link
from .forms import ForgotForm, PasswordForm

bp = Blueprint("account", __name__, url_prefix="/password")


def _no_referrer(html: str, status: int):
    # The link's token is in this page's address: never hand it to another site in a Referer header.
    response = make_response(html, status)
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _link_problem(problem: LinkProblem):
    form = ForgotForm(email=problem.user.email if problem.user else None)
    status = 400 if problem.reason == "invalid" else 410
    return _no_referrer(render_template("account/link_problem.html", problem=problem, form=form), status)


@bp.route("/forgot", methods=["GET", "POST"])
@public
def forgot_password():
    """Ask for a reset link; the answer is the same whether or not the address has an account."""
    form = ForgotForm()
    if form.validate_on_submit():
        try:
            request_password_reset(form.email.data)
        except ServiceError as exc:
            db.session.rollback()
            add_error(form, exc.field, exc.message)
        else:
            try:
                db.session.commit()
            except IntegrityError:  # the same request twice at once: the other one's link was recorded
                db.session.rollback()
            # Password sign-in off: the same words for every address, so the page tells nobody which one keeps it.
            return render_template("account/forgot_sent.html", email=form.email.data.strip(),
                                   password_off=not password_policy().password_sign_in, provider=provider_name())
    return render_template("account/forgot.html", form=form), 400 if form.errors else 200


@bp.route("/set/<token>", methods=["GET", "POST"])
@public
def set_password(token: str):
    """Choose a password from an invitation or a reset link, then go on signed in; a used or expired link says so
    and offers a new one."""
    try:
        user, purpose = read_token(token)
    except LinkProblem as problem:
        return _link_problem(problem)
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            set_password_from_link(user, purpose, form.password.data)
        except LinkAlreadyUsed:  # another submission of the same link set the password a moment ago
            db.session.rollback()
            return _link_problem(LinkProblem("used", purpose, user))
        except ServiceError as exc:
            db.session.rollback()
            add_error(form, exc.field, exc.message)
        else:
            db.session.commit()
            # The link proved the mailbox and the new password is chosen: no second sign-in. Signed in only
            # here, after the commit; a used, expired or forged link never reaches this line. Whoever was
            # signed in in this browser is signed out first.
            if current_user.is_authenticated:
                logout_user()
            login_user(user)
            flash(_("Your password is set and you are signed in."), "success")
            return redirect(url_for("main.index"))
    form.password.data = form.repeat.data = ""
    return _no_referrer(render_template("account/set_password.html", form=form, user=user, purpose=purpose,
                                        min_length=MIN_PASSWORD_LENGTH), 400 if form.errors else 200)
