"""Shared by the API tests: an HR person's token with chosen scopes, and its header."""

from __future__ import annotations

from assessment.extensions import db
from assessment.models import API_SCOPES
from assessment.services.api_tokens import create_token


def token_for(make, scopes=API_SCOPES, hr=None, name="Test sync") -> tuple[str, object]:
    """A fresh token (the secret) of a new HR person (or ``hr``), and that person."""
    hr = hr or make.user("hr")
    _token, secret = create_token(name, scopes, 30, actor=hr)
    db.session.commit()
    return secret, hr


def bearer(secret: str, **extra) -> dict:
    return {"Authorization": f"Bearer {secret}", **extra}
