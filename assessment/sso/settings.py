"""HR's sign-in settings page (``/hr/sign-in``): password sign-in on or off (with the break-glass account) and the
e-mail domains allowed just-in-time accounts. Every change is audited (services.sso)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..access import role_required
from ..cleaning import whole_number
from ..extensions import db
from ..forms import saved
from ..models import JIT_ROLES, User
from ..services import ServiceError
from ..services.sso import (add_jit_domain, jit_domains, password_policy, provider_name, remove_jit_domain,
                            set_password_sign_in, sso_configured)
from ..services.users import role_word
from .forms import JitDomainForm, PasswordPolicyForm, RemoveDomainForm

bp = Blueprint("sso_settings", __name__, url_prefix="/hr/sign-in")


def _hr_accounts() -> list[User]:
    return list(db.session.scalars(sa.select(User).where(User.role == "hr", User.is_active).order_by(User.name)))


def _forms(policy_form=None, domain_form=None):
    policy = password_policy()
    if policy_form is None:
        policy_form = PasswordPolicyForm(password_sign_in="on" if policy.password_sign_in else "off",
                                         break_glass=str(policy.break_glass.id) if policy.break_glass else "")
    policy_form.break_glass.choices = [("", _("(none)"))] + [(str(u.id), f"{u.name} <{u.email}>")
                                                             for u in _hr_accounts()]
    domain_form = domain_form or JitDomainForm()
    domain_form.role.choices = [(role, role_word(role)) for role in JIT_ROLES]
    return policy, policy_form, domain_form


def _page(policy_form=None, domain_form=None, status=200):
    policy, policy_form, domain_form = _forms(policy_form, domain_form)
    return render_template("sso/settings.html", policy=policy, policy_form=policy_form, domain_form=domain_form,
                           domains=jit_domains(), provider=provider_name(),
                           configured=sso_configured()), status


@bp.route("", methods=["GET"])
@role_required("hr")
def show_settings():
    """How people sign in: password sign-in, the break-glass account, the domains allowed just-in-time accounts."""
    return _page()


@bp.route("/password", methods=["POST"])
@role_required("hr")
def save_password_policy():
    """Turn password sign-in on, or off for everyone but the break-glass account (audited)."""
    form = PasswordPolicyForm()
    _forms(form)
    if form.validate_on_submit():
        chosen = whole_number(form.break_glass.data, minimum=1)
        break_glass = db.session.get(User, chosen) if chosen else None
        enabled = form.password_sign_in.data == "on"
        if saved(form, lambda: set_password_sign_in(enabled, break_glass, actor=current_user._get_current_object())):
            flash(_("Password sign-in is on for everyone.") if enabled else
                  _("Password sign-in is off for everyone but %(email)s.", email=break_glass.email), "success")
            return redirect(url_for("sso_settings.show_settings"))
    return _page(policy_form=form, status=400)


@bp.route("/domains", methods=["POST"])
@role_required("hr")
def add_domain():
    """Allow just-in-time accounts (candidate or manager) for an e-mail domain (audited)."""
    form = JitDomainForm()
    form.role.choices = [(role, role_word(role)) for role in JIT_ROLES]
    if form.validate_on_submit():
        if saved(form, lambda: add_jit_domain(form.domain.data, form.role.data,
                                              actor=current_user._get_current_object())):
            flash(_("People of this domain now get an account at their first single sign-on."), "success")
            return redirect(url_for("sso_settings.show_settings"))
    return _page(domain_form=form, status=400)


@bp.route("/domains/remove", methods=["POST"])
@role_required("hr")
def remove_domain():
    """Stop just-in-time accounts for a domain; accounts made so far stay (audited)."""
    form = RemoveDomainForm()
    if not form.validate_on_submit():
        flash(_("The page had expired, so nothing was changed; please try again."), "error")
    else:
        try:
            domain = remove_jit_domain(whole_number(form.domain_id.data, minimum=1),
                                       actor=current_user._get_current_object())
            db.session.commit()
            flash(_("%(domain)s no longer gets accounts at a first sign-in.", domain=domain), "success")
        except ServiceError as exc:
            db.session.rollback()
            flash(exc.message, "error")
    return redirect(url_for("sso_settings.show_settings"))
