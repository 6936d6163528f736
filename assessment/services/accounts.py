"""Accounts reached by e-mail: invitations, password-reset requests and setting a password from a link."""

from __future__ import annotations

from flask_babel import gettext as _
from ..mail import notify
from ..models import User
from . import ServiceError
from .audit import record_audit
from .users import check_email, find_user, set_password


def invite(user: User, *, actor: User | None) -> None:
    """Send ``user`` an invitation to set their password (flushes; sent after commit)."""
    if not user.is_active:
        raise ServiceError(_("%(email)s is deactivated and cannot be invited.", email=user.email))
    notify.send_invitation(user)
    record_audit("user.invite", user, f"Sent an invitation to {user.email}", actor=actor,
                 after={"email": user.email})


def request_password_reset(email: str) -> None:
    """Record a reset link for the account with this address; an unknown address gets the same treatment, silently."""
    try:
        email = check_email(email)
    except ServiceError:
        raise ServiceError(_("Enter your e-mail address, like name@example.com."), field="email") from None
    notify.send_password_reset(find_user(email), email)


def set_password_from_link(user: User, purpose: str, password: str) -> User:
    """Set the password of the link's user; that changes the hash, so the link (and older ones) stop working."""
    had_password = bool(user.password_hash)
    set_password(user, password)
    summary = "accepted the invitation and set a password" if purpose == "invitation" else "reset the password"
    record_audit(f"user.{purpose}", user, f"{user.email} {summary} through an e-mailed link", actor=user,
                 before={"has_password": had_password}, after={"has_password": True})
    return user
