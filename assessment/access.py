"""Access in layers: signed in, then role, then ownership of the object (404 for what is not yours)."""

from __future__ import annotations

from functools import wraps

from urllib.parse import urlsplit

from flask import abort, url_for
from flask_login import current_user, login_required

from .cleaning import text_problem
from .extensions import db
from .models import ROLES


def public(view):
    """Mark a view as open to everyone, signed in or not (the route x role test reads this mark)."""
    view.allowed_roles = "public"
    return view


def role_required(*roles: str):
    """Allow the view to signed-in users whose role is one of ``roles``; others get 403.

    Every view declares its access with this decorator (or ``public``); the route x role test reads
    ``allowed_roles`` and fails for a view that has none.
    """

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        wrapped.allowed_roles = roles
        return wrapped

    return decorator


#: Any signed-in user; ownership checks inside the view do the rest.
signed_in = role_required(*ROLES)


def get_or_404(model, ident):
    """The object with this id, or 404."""
    obj = db.session.get(model, ident)
    if obj is None:
        abort(404)
    return obj


def owned_or_404(obj, is_owner: bool):
    """``obj`` when the current user may see it; 404 otherwise, so a stranger learns nothing of its existence."""
    if obj is None or not is_owner:
        abort(404)
    return obj


def safe_next(target: str | None) -> str:
    """Only a path on this site is followed after sign-in; anything else (another site, a line break) goes home."""
    if (target and target.startswith("/") and not target.startswith(("//", "/\\")) and "\\" not in target
            and text_problem(target, max_length=2000) is None):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("main.index")
