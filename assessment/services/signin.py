"""Checking sign-ins: throttled atomically, and costing the same whether or not the account exists.

Every attempt is counted BEFORE its password is checked, with one atomic upsert per counter
(``INSERT ... ON CONFLICT DO UPDATE ... RETURNING`` on PostgreSQL and SQLite): parallel requests cannot
lose a count, collide on the first insert, or get more guesses evaluated than the limit. An attempt whose
count is past a limit is refused without looking at the password.

Three counters, so that nobody can lock HR out with five guesses from somewhere else:

- ``pair:<e-mail>|<address>``: one account from one address; ``LOGIN_MAX_FAILURES`` (5);
- ``addr:<address>``: any accounts from one address; ``LOGIN_MAX_FAILURES_PER_ADDRESS`` (20);
- ``acct:<e-mail>``: one account from all addresses (distributed guessing); ``LOGIN_MAX_FAILURES_PER_ACCOUNT`` (100).

A successful sign-in clears its account's counters and takes its own attempt off the address counter.

"My password" checks the current password with the same counters and limits (``begin_sign_in`` before the
check, ``clear_counters`` after the right one): a signed-in session is no way around the throttle.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _, ngettext

from ..extensions import db
from ..models import LoginThrottle, User, utcnow
from . import ServiceError
from .sso import password_allowed
from .users import find_user, normalise_email, verify_password


class SignInRefused(ServiceError):
    """Too many failed sign-ins for this account or address."""


@dataclass(frozen=True)
class Limits:
    per_pair: int
    per_address: int
    per_account: int
    lock_minutes: int


@dataclass(frozen=True)
class Attempt:
    """A counted sign-in attempt, allowed to check its password."""

    email: str
    address: str
    keys: tuple[str, ...]


def clean_address(address: str | None) -> str:
    """The client address as a safe counter key: only the characters of an IPv4/IPv6 address, bounded."""
    return re.sub(r"[^0-9A-Fa-f:.]", "", address or "")[:64] or "unknown"


def _insert_for_dialect():
    name = db.session.get_bind().dialect.name
    if name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # pragma: no cover - the app supports these two
        raise RuntimeError(f"sign-in throttling needs PostgreSQL or SQLite, not {name}")
    return insert


def _count(key: str, limit: int, now: datetime, window: timedelta) -> tuple[int, datetime | None]:
    """Add one attempt to ``key`` atomically; its new count and the end of its lock (None when not locked)."""
    table = LoginThrottle.__table__
    c = table.c
    # A counter starts again once its window passed without a lock, or once its lock ended.
    fresh = sa.or_(sa.and_(c.locked_until.is_(None), c.first_failure_at < now - window), c.locked_until <= now)
    failures = sa.case((fresh, 1), else_=c.failures + 1)
    lock = now + window
    stmt = _insert_for_dialect()(table).values(key=key, failures=1, first_failure_at=now,
                                               locked_until=lock if limit <= 1 else None)
    stmt = stmt.on_conflict_do_update(index_elements=[c.key], set_={
        "failures": failures,
        "first_failure_at": sa.case((fresh, now), else_=c.first_failure_at),
        # The attempt that reaches the limit starts the lock; a running lock is never extended.
        "locked_until": sa.case(
            (fresh, lock if limit <= 1 else sa.null()),
            (c.locked_until.is_not(None), c.locked_until),
            (c.failures + 1 >= limit, lock),
            else_=sa.null()),
    }).returning(c.failures, c.locked_until)
    count, locked_until = db.session.execute(stmt).one()
    return count, locked_until


def _as_aware(moment: datetime | None) -> datetime | None:
    from datetime import timezone

    # SQLite hands back naive datetimes; they were stored as UTC.
    return moment.replace(tzinfo=timezone.utc) if moment is not None and moment.tzinfo is None else moment


def begin_sign_in(email: str, address: str, limits: Limits) -> Attempt:
    """Count one attempt on each counter (in one fixed order, so parallel requests never deadlock).

    Raises SignInRefused while a limit is exceeded; the caller commits either way, so that the count holds
    and the row locks are released before the (slow) password check.
    """
    now = utcnow()
    email, address = normalise_email(email), clean_address(address)
    window = timedelta(minutes=limits.lock_minutes)
    counters = {f"pair:{email}|{address}": (limits.per_pair, "account"),
                f"addr:{address}": (limits.per_address, "address"),
                f"acct:{email}": (limits.per_account, "account")}
    refused = None
    for key in sorted(counters):
        limit, what = counters[key]
        count, locked_until = _count(key, limit, now, window)
        if count > limit and refused is None:
            refused = (what, _as_aware(locked_until) or now + window)
    db.session.flush()
    if refused is not None:
        what, until = refused
        minutes = max(1, math.ceil((until - now).total_seconds() / 60))
        refusal = (_("Too many failed sign-in attempts for this account.") if what == "account"
                   else _("Too many failed sign-in attempts for this network address."))
        raise SignInRefused(refusal + " " + ngettext("Try again in %(num)d minute.", "Try again in %(num)d minutes.",
                                                     minutes))
    return Attempt(email, address, tuple(sorted(counters)))


def finish_sign_in(attempt: Attempt, password: str) -> User | None:
    """The user when the password is right (their counters cleared), else None; the same cost either way."""
    user = find_user(attempt.email)
    matches = verify_password(user.password_hash if user is not None else None, password)
    if user is None or not user.is_active or not matches or not password_allowed(user):
        return None
    clear_counters(attempt)
    user.last_login_at = utcnow()
    db.session.flush()
    return user


def clear_counters(attempt: Attempt) -> None:
    """After the right password: the account's counters go, and this attempt comes off the address counter."""
    table = LoginThrottle.__table__
    db.session.execute(sa.delete(table).where(table.c.key.in_(
        [key for key in attempt.keys if not key.startswith("addr:")])))
    # This attempt was counted against the address too; a success should not use up an office's allowance.
    db.session.execute(sa.update(table).where(table.c.key == f"addr:{attempt.address}", table.c.failures > 0,
                                              table.c.locked_until.is_(None))
                       .values(failures=table.c.failures - 1))
