"""(issue 21) A person's details as an HR system keeps them: name, language, unit (site or department); audited.
Roles change through ``users.change_role`` and deactivation through ``users.deactivate_user``."""

from __future__ import annotations

from flask_babel import gettext as _

from ..cleaning import text_problem
from ..extensions import db
from ..models import User
from . import ServiceError
from .audit import record_audit
from .users import language_problem, name_problem

UNCHANGED = object()


def update_details(user: User, *, actor: User | None, name=UNCHANGED, language=UNCHANGED, unit=UNCHANGED) -> User:
    """Change what is given (None clears language or unit); one audit event with before and after."""
    before, after = {}, {}
    if name is not UNCHANGED:
        name = (name or "").strip()
        if not name:
            raise ServiceError(_("a name is required"), field="name")
        if problem := name_problem(name):
            raise ServiceError(_("The name %(problem)s.", problem=problem), field="name")
        before["name"], after["name"] = user.name, name
    if language is not UNCHANGED:
        if problem := language_problem(language):
            raise ServiceError(problem, field="language")
        before["language"], after["language"] = user.language, language or None
    if unit is not UNCHANGED:
        unit = (unit or "").strip() or None
        if problem := text_problem(unit, max_length=120):
            raise ServiceError(_("The unit %(problem)s.", problem=problem), field="unit")
        before["unit"], after["unit"] = user.unit, unit
    changed = {key for key in after if before[key] != after[key]}
    if not changed:
        return user
    for key in changed:
        setattr(user, key, after[key])
    db.session.flush()
    record_audit("user.details", user, f"Changed the details of {user.email}: {', '.join(sorted(changed))}",
                 actor=actor, before={k: before[k] for k in sorted(changed)},
                 after={k: after[k] for k in sorted(changed)})
    return user
