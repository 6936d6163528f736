"""Accounts reached by e-mail: invitations, password-reset requests and setting a password from a link."""

from __future__ import annotations

from flask_babel import gettext as _
import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from ..extensions import db
from ..mail import notify
from ..models import User, utcnow
from . import NotAllowed, ServiceError
from .audit import record_audit
from .sso import password_allowed, password_off_message
from .users import check_email, check_new_password, find_user


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
    if not password_allowed(email):
        # Password sign-in is off for this account: no link (the page says so to everyone alike, see docs/sso.md).
        return
    notify.send_password_reset(find_user(email), email)


class LinkAlreadyUsed(ServiceError):
    """The link's password was set by another request in the meantime (two submissions at once)."""


def set_password_from_link(user: User, purpose: str, password: str) -> User:
    """Set the password of the link's user, who is then signed in (``last_login_at``); that changes the hash, so
    the link (and older ones) stop working. Conditional on the hash the link was read with: of two submissions
    at once, the second raises LinkAlreadyUsed instead of setting a second password."""
    if not password_allowed(user):
        raise NotAllowed(password_off_message(), field="password")
    old_hash = user.password_hash
    had_password = bool(old_hash)
    check_new_password(password)
    unchanged = User.password_hash.is_(None) if old_hash is None else User.password_hash == old_hash
    done = db.session.execute(
        sa.update(User).where(User.id == user.id, unchanged)
        .values(password_hash=generate_password_hash(password), last_login_at=utcnow(),
                session_version=sa.func.coalesce(User.session_version, 1) + 1)
        .execution_options(synchronize_session=False))
    if done.rowcount != 1:
        raise LinkAlreadyUsed(_("This link has already been used"))
    db.session.refresh(user)
    summary = "accepted the invitation and set a password" if purpose == "invitation" else "reset the password"
    record_audit(f"user.{purpose}", user, f"{user.email} {summary} through an e-mailed link", actor=user,
                 before={"has_password": had_password}, after={"has_password": True})
    return user
