"""Sign-in and sign-out."""

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user

from ..access import public, signed_in

from ..extensions import db
from ..services.users import SignInRefused, authenticate
from .forms import LoginForm, LogoutForm

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only a local path is followed after sign-in, never another site."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("main.index")


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    """Show the sign-in form and sign the user in."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        cfg = current_app.config
        try:
            user = authenticate(form.email.data, form.password.data, request.remote_addr or "unknown",
                                max_failures=cfg["LOGIN_MAX_FAILURES"],
                                max_per_address=cfg["LOGIN_MAX_FAILURES_PER_ADDRESS"],
                                lock_minutes=cfg["LOGIN_LOCK_MINUTES"])
        except SignInRefused as exc:
            db.session.commit()
            form.form_errors.append(exc.message)
            return render_template("auth/login.html", form=form), 429
        db.session.commit()
        if user is not None:
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
        form.form_errors.append("The e-mail address or the password is not right.")
        status = 401
    elif request.method == "POST":
        status = 400
    form.password.data = ""
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@signed_in
def logout():
    """Sign the user out."""
    if LogoutForm().validate_on_submit():
        logout_user()
        flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))
