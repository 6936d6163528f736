"""Reporting lines and the directory fields of an account (unit, employee id, line manager), and what they allow:
assigning a candidate's line manager, or their direct reports, as raters in one step."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from ..cleaning import text_problem
from ..extensions import db
from ..models import Assessment, RaterAssignment, User
from . import ServiceError
from .assessments import assign_rater
from .audit import record_audit
from .users import normalise_email


def find_person(reference: str) -> User | None:
    """The account with this e-mail address or employee id."""
    reference = (reference or "").strip()
    if not reference:
        return None
    return db.session.scalar(sa.select(User).where(sa.or_(User.email == normalise_email(reference),
                                                          User.employee_id == reference)))


def direct_reports(person: User, *, active_only: bool = False) -> list[User]:
    """The people whose line manager is ``person``, by name."""
    stmt = sa.select(User).where(User.manager_id == person.id).order_by(User.name, User.id)
    if active_only:
        stmt = stmt.where(User.is_active.is_(True))
    return list(db.session.scalars(stmt))


def manages_up(person: User, manager: User) -> bool:
    """Whether ``person`` is ``manager`` or above them in the reporting line (so ``manager`` cannot report to
    ``person``'s reports: the line would go round in a circle)."""
    seen, current = set(), manager
    while current is not None and current.id not in seen:
        if current.id == person.id:
            return True
        seen.add(current.id)
        current = current.manager
    return False


def set_directory(person: User, *, unit: str, employee_id: str, manager: str, actor: User) -> User:
    """Set an account's unit, employee id and line manager (by e-mail or employee id; empty: none); audited."""
    unit, employee_id, manager = (unit or "").strip(), (employee_id or "").strip(), (manager or "").strip()
    for name, value, limit in (("unit", unit, 120), ("employee_id", employee_id, 64), ("manager", manager, 320)):
        if problem := text_problem(value, max_length=limit):
            raise ServiceError(_("The field %(problem)s.", problem=problem), field=name)
    if employee_id and (other := db.session.scalar(sa.select(User).where(User.employee_id == employee_id,
                                                                         User.id != person.id))):
        raise ServiceError(_("The employee id %(id)s belongs to %(name)s.", id=employee_id, name=other.name),
                           field="employee_id")
    boss = find_person(manager) if manager else None
    if manager and boss is None:
        raise ServiceError(_("Nobody has the e-mail address or employee id %(reference)s.", reference=manager),
                           field="manager")
    if boss is not None and manages_up(person, boss):
        raise ServiceError(_("%(manager)s reports to %(name)s (directly or further down), so cannot be their line "
                             "manager: the reporting line would go round in a circle.", manager=boss.name,
                             name=person.name), field="manager")
    before = {"unit": person.unit, "employee_id": person.employee_id,
              "manager": person.manager.email if person.manager else None}
    person.unit, person.employee_id, person.manager = unit or None, employee_id or None, boss
    db.session.flush()
    after = {"unit": person.unit, "employee_id": person.employee_id, "manager": boss.email if boss else None}
    if before != after:
        record_audit("user.directory", person, f"Changed the unit, employee id or line manager of {person.email}",
                     actor=actor, before={k: v for k, v in before.items() if v != after[k]},
                     after={k: v for k, v in after.items() if v != before[k]})
    return person


def line_manager_problem(assessment: Assessment) -> str | None:
    """Why the candidate's line manager cannot be added as their manager rater in one step, or None."""
    boss = assessment.candidate.manager
    if boss is None:
        return _("%(name)s has no line manager on record.", name=assessment.candidate.name)
    if not boss.is_active:
        return _("%(manager)s, the line manager, is deactivated.", manager=boss.name)
    if boss.role not in ("manager", "hr"):
        return _("%(manager)s, the line manager, has no manager account.", manager=boss.name)
    if any(a.rater_id == boss.id for a in assessment.assignments):
        return _("%(manager)s, the line manager, already rates %(name)s.", manager=boss.name,
                 name=assessment.candidate.name)
    return None


def assign_line_manager(assessment: Assessment, *, actor: User, reason: str | None = None) -> RaterAssignment:
    """Assign the candidate's line manager as a manager rater: the rules of ``assign_rater`` apply (an open cycle
    needs a reason; a conflict of interest is recorded and shown)."""
    if problem := line_manager_problem(assessment):
        raise ServiceError(problem)
    return assign_rater(assessment, assessment.candidate.manager, "manager", actor=actor, reason=reason)


def reports_to_assign(assessment: Assessment) -> list[User]:
    """The candidate's active direct reports who do not rate them yet."""
    assigned = {a.rater_id for a in assessment.assignments}
    return [u for u in direct_reports(assessment.candidate, active_only=True) if u.id not in assigned]


def assign_direct_reports(assessment: Assessment, *, actor: User, reason: str | None = None) -> list[RaterAssignment]:
    """Assign every active direct report of the candidate not yet rating them as a direct-report rater."""
    people = reports_to_assign(assessment)
    if not people:
        raise ServiceError(_("%(name)s has no direct reports on record who could be added.",
                             name=assessment.candidate.name))
    return [assign_rater(assessment, person, "direct_report", actor=actor, reason=reason) for person in people]
