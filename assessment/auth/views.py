"""Sign-in, sign-out and changing one's own password."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from ..access import public, safe_next, signed_in
from ..extensions import db
from ..forms import add_error
from ..services import ServiceError
from ..services.signin import Limits, SignInRefused, begin_sign_in, clear_counters, finish_sign_in
from ..services.sso import (password_allowed, password_off_message, password_policy, password_refused_message,
                            provider_name, sso_configured)
from ..services.users import change_own_password
from .forms import LoginForm, LogoutForm, OwnPasswordForm

bp = Blueprint("auth", __name__)


def _limits() -> Limits:
    cfg = current_app.config
    return Limits(per_pair=cfg["LOGIN_MAX_FAILURES"], per_address=cfg["LOGIN_MAX_FAILURES_PER_ADDRESS"],
                  per_account=cfg["LOGIN_MAX_FAILURES_PER_ACCOUNT"], lock_minutes=cfg["LOGIN_LOCK_MINUTES"])


def _login_page(form, status: int):
    """The sign-in page: the single sign-on button when configured; the password form unless password sign-in is
    off (then only behind "break-glass account only", ?password=1)."""
    provider, on = (provider_name() if sso_configured() else None), password_policy().password_sign_in
    shown = on or provider is None or request.args.get("password") == "1" or request.method == "POST"
    form.password.data = ""
    return render_template("auth/login.html", form=form, sso_provider=provider, password_sign_in=on,
                           show_password_form=shown), status


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    """Show the sign-in form and sign the user in."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if not form.validate_on_submit():
        return _login_page(form, 400 if request.method == "POST" else 200)
    # Password sign-in off: every address is counted and checked alike, and an account other than the break-glass
    # one is refused whatever its password (finish_sign_in), with the same status and words as a wrong password,
    # so that the answer never tells which address is the break-glass account.
    try:
        attempt = begin_sign_in(form.email.data, request.remote_addr, _limits())
    except SignInRefused as exc:
        db.session.commit()
        form.form_errors.append(exc.message)
        return _login_page(form, 429)
    db.session.commit()  # the attempt is counted (and its row locks released) before the slow check
    user = finish_sign_in(attempt, form.password.data)
    db.session.commit()
    if user is not None:
        login_user(user)
        return redirect(safe_next(request.args.get("next")))
    form.form_errors.append(password_refused_message())
    return _login_page(form, 401)


@bp.route("/logout", methods=["POST"])
@signed_in
def logout():
    """Sign the user out: every session of theirs ends, on every device."""
    if LogoutForm().validate_on_submit():
        current_user.end_sessions()
        db.session.commit()
        logout_user()
        flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@signed_in
def change_password():
    """A signed-in person changes their own password; their other sessions end, this one goes on."""
    form, status = OwnPasswordForm(), 200
    if not password_allowed(current_user._get_current_object()):
        form.form_errors.append(password_off_message())
        status = 403
    elif form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            # Counted like a sign-in (same counters and limits) before the current password is checked.
            attempt = begin_sign_in(user.email, request.remote_addr, _limits())
        except SignInRefused as exc:
            attempt, status = None, 429
            add_error(form, "current_password", exc.message)
        db.session.commit()
        if attempt is not None:
            try:
                change_own_password(user, form.current_password.data, form.password.data)
            except ServiceError as exc:
                db.session.rollback()
                add_error(form, exc.field, exc.message)
                if exc.field != "current_password":  # the right current password: not a guess
                    clear_counters(attempt)
                    db.session.commit()
            else:
                clear_counters(attempt)
                db.session.commit()
                login_user(user)  # this session carries the new session version
                flash(_("Your password was changed. Your other sessions, on any device, are signed out."), "success")
                return redirect(url_for("main.index"))
    form.current_password.data = form.password.data = form.repeat.data = ""
    return render_template("auth/password.html", form=form), status if status != 200 else 400 if form.errors else 200
