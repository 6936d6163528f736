"""Accounts: creating users and checking sign-ins, with throttling of repeated failures."""

from __future__ import annotations

import math
from datetime import timedelta

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email

from ..extensions import db
from ..models import ROLES, LoginThrottle, User, utcnow
from . import ServiceError
from .audit import record_audit

MIN_PASSWORD_LENGTH = 10


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def check_email(email: str) -> str:
    """The normalised address, or ServiceError when it is not a valid e-mail address."""
    email = normalise_email(email)
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError as exc:
        raise ServiceError(f"{email or '(empty)'} is not a valid e-mail address: {exc}", field="email") from None
    return email


def find_user(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def create_user(email: str, name: str, role: str, password: str | None = None, *, actor: User | None = None,
                audit: bool = True) -> User:
    """Create an account; the password (when given) is stored only as a hash.

    ``audit=False`` is for callers that record one event for a whole batch (the candidate import).
    """
    email = check_email(email)
    if role not in ROLES:
        raise ServiceError(f"unknown role {role!r}; choose one of {', '.join(ROLES)}", field="role")
    if not (name or "").strip():
        raise ServiceError("a name is required", field="name")
    if find_user(email) is not None:
        raise ServiceError(f"an account for {email} already exists", field="email")
    user = User(email=email, name=name.strip(), role=role)
    if password is not None:
        set_password(user, password)
    db.session.add(user)
    db.session.flush()
    if audit:
        record_audit("user.create", user, f"Created {role} account {email}", actor=actor,
                     after={"email": email, "name": user.name, "role": role})
    return user


def change_role(user: User, role: str, *, actor: User) -> User:
    """Give an account another role; nobody changes their own, so HR cannot lock itself out."""
    if role not in ROLES:
        raise ServiceError(f"unknown role {role!r}; choose one of {', '.join(ROLES)}", field="role")
    if user.id == actor.id:
        raise ServiceError("You cannot change your own role; ask another HR user.", field="role")
    if role == user.role:
        raise ServiceError(f"{user.name} already has the role {user.role_label}.", field="role")
    before = {"role": user.role}
    user.role = role
    db.session.flush()
    record_audit("user.role_change", user, f"Changed the role of {user.email}: {before['role']} -> {role}",
                 actor=actor, before=before, after={"role": role})
    return user


def change_password(user: User, password: str, *, actor: User) -> User:
    """Set a new password for an account; the audit trail says that it changed, never what to."""
    had_password = bool(user.password_hash)
    set_password(user, password)
    db.session.flush()
    record_audit("user.password", user, f"Set a new password for {user.email}", actor=actor,
                 before={"has_password": had_password}, after={"has_password": True})
    return user


def set_password(user: User, password: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise ServiceError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters", field="password")
    user.set_password(password)


class SignInRefused(ServiceError):
    """Too many failed sign-ins for this account or address."""


def _throttle(key: str) -> LoginThrottle | None:
    return db.session.scalar(sa.select(LoginThrottle).where(LoginThrottle.key == key))


def _as_aware(moment):
    # SQLite hands back naive datetimes; they were stored as UTC.
    from datetime import timezone

    return moment.replace(tzinfo=timezone.utc) if moment is not None and moment.tzinfo is None else moment


def authenticate(email: str, password: str, address: str, *, max_failures: int, max_per_address: int,
                 lock_minutes: int) -> User | None:
    """The user whose e-mail and password match, or None; raises SignInRefused while a lock lasts.

    Failures are counted per account and per client address; past the limit, sign-in is refused for
    ``lock_minutes`` even with the right password, so guessing gets nowhere.
    """
    now = utcnow()
    keys = {f"email:{normalise_email(email)}": max_failures, f"addr:{address}": max_per_address}
    for key in keys:
        row = _throttle(key)
        locked_until = _as_aware(row.locked_until) if row else None
        if locked_until and locked_until > now:
            minutes = math.ceil((locked_until - now).total_seconds() / 60)
            what = "this account" if key.startswith("email:") else "this network address"
            raise SignInRefused(f"Too many failed sign-in attempts for {what}. "
                                f"Try again in {minutes} minute{'s' if minutes != 1 else ''}.")
    user = find_user(email)
    if user is not None and user.is_active and user.check_password(password):
        for key in keys:
            if (row := _throttle(key)) is not None and key.startswith("email:"):
                db.session.delete(row)
        user.last_login_at = now
        db.session.flush()
        return user
    window = timedelta(minutes=lock_minutes)
    for key, limit in keys.items():
        row = _throttle(key)
        if row is None or _as_aware(row.first_failure_at) < now - window:
            if row is None:
                row = LoginThrottle(key=key)
                db.session.add(row)
            row.failures, row.first_failure_at, row.locked_until = 0, now, None
        row.failures += 1
        if row.failures >= limit:
            row.locked_until = now + window
    db.session.flush()
    return None
