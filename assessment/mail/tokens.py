"""Signed, expiring, single-use links for setting a password (an invitation) or resetting it.

A token is signed with the app's secret key (itsdangerous, as Flask signs its sessions) and carries the
user's id, its purpose and a fingerprint of the user's current password hash. Setting a password changes the
hash, so every link issued before, this one included, stops working: single use without a table of used tokens.
"""

from __future__ import annotations

import hashlib
import time

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from ..extensions import db
from ..models import User

PURPOSES = ("invitation", "password_reset")
_SALT = "opsladder.account-link"


class LinkProblem(Exception):
    """Why a link does not work: 'invalid', 'expired' or 'used'; ``user`` when the signature was good."""

    def __init__(self, reason: str, purpose: str | None = None, user: User | None = None):
        super().__init__(reason)
        self.reason, self.purpose, self.user = reason, purpose, user


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def fingerprint(user: User) -> str:
    """Changes whenever the password (or the address) changes: what makes a link single-use."""
    material = f"{user.id}|{user.email}|{user.password_hash or ''}|{user.is_active}"
    return hashlib.sha256(material.encode()).hexdigest()[:24]


def lifetime_seconds(purpose: str) -> float:
    config = current_app.config
    if purpose == "invitation":
        return config["INVITATION_DAYS"] * 86400
    return config["PASSWORD_RESET_HOURS"] * 3600


def make_token(user: User, purpose: str) -> str:
    if purpose not in PURPOSES:
        raise ValueError(f"unknown link purpose {purpose!r}")
    return _serializer().dumps({"u": user.id, "p": purpose, "f": fingerprint(user)})


def read_token(token: str, *, now: float | None = None) -> tuple[User, str]:
    """The user and purpose of a good link; raises LinkProblem for a forged, expired or already used one."""
    try:
        payload, issued = _serializer().loads(token, return_timestamp=True)
    except BadSignature:
        raise LinkProblem("invalid") from None
    if not isinstance(payload, dict) or payload.get("p") not in PURPOSES or not isinstance(payload.get("u"), int):
        raise LinkProblem("invalid")
    purpose = payload["p"]
    user = db.session.get(User, payload["u"])
    if user is None or not user.is_active:
        raise LinkProblem("invalid", purpose)
    age = (now if now is not None else time.time()) - issued.timestamp()
    if payload.get("f") != fingerprint(user):
        raise LinkProblem("used", purpose, user)
    if age > lifetime_seconds(purpose):
        raise LinkProblem("expired", purpose, user)
    return user, purpose
