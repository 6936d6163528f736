"""Development plans (issue 20, part 3): from a released assessment's development priorities, HR, the candidate
and the candidate's line manager agree actions, and follow them up.

Who: HR sees and edits every plan. The candidate and their line manager (``User.manager``, the reporting line as
the HR system knows it now) see their plan, update each action's status and note, and record their agreement.
The line manager rather than the manager who rated in that cycle: a plan is followed up over the months after the
cycle, by whoever manages the candidate then; a rater of the cycle may have moved on, and raters are several
(and their ratings are not the candidate's to know). Anyone else: the plan does not exist for them (404).

A change to what an action is (its what, competency, owner, due date or support) clears both agreements: the
parties agreed to the plan as it was. Status and notes are progress, not the plan: they leave agreement as it is.
Every change is audited; these functions flush, the request or command commits.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from rubrics import Framework

from ..cleaning import text_problem
from ..extensions import db
from ..models import (ACTION_STATUSES, SUPPORT_KINDS, Assessment, DevelopmentAction, DevelopmentPlan, User,
                      utcnow)
from . import ConflictError, NotAllowed, ServiceError
from .audit import record_audit

MAX_WHAT = 1000
MAX_NOTE = 2000
MAX_DETAIL = 200
#: How far ahead a due date may be (a typo such as 2207 is refused, not stored).
MAX_YEARS_AHEAD = 5
#: The parts of an action that make the plan (changing one clears the agreements), and the progress.
PLAN_FIELDS = ("competency_id", "what", "owner_id", "due_on", "support", "support_detail")
PROGRESS_FIELDS = ("status", "note")


@dataclass(frozen=True)
class ActionInput:
    """What HR enters for an action (the view turns the form into this)."""

    competency_id: str
    what: str
    owner_id: int | None
    due_on: date | None
    support: str
    support_detail: str = ""
    status: str = "planned"
    note: str = ""


def party(plan: DevelopmentPlan, user: User) -> str | None:
    """How ``user`` takes part in ``plan``: "hr", "candidate", "manager" (the line manager), or None."""
    candidate = plan.assessment.candidate
    # The candidate and the line manager come before HR: an HR account that is the candidate or their line manager
    # takes part as such (it agrees to the plan, it does not write it), else the plan could never be agreed.
    if user.id == candidate.id:
        return "candidate"
    if candidate.manager_id is not None and user.id == candidate.manager_id:
        return "manager"
    if user.role == "hr":
        return "hr"
    return None


def plan_may_start(assessment: Assessment) -> bool:
    """A plan starts from released results: the cycle released, the candidate's results not withheld nor withdrawn
    (the same condition as the candidate seeing their results)."""
    return assessment.cycle.state == "released" and not assessment.is_withheld and not assessment.is_withdrawn


def plan_of(assessment: Assessment) -> DevelopmentPlan | None:
    return db.session.scalar(sa.select(DevelopmentPlan).where(DevelopmentPlan.assessment_id == assessment.id))


def start_plan(assessment: Assessment, *, actor: User) -> DevelopmentPlan:
    """HR starts the (empty) plan of a released assessment; the one already there when it has one."""
    existing = plan_of(assessment)
    if existing is not None:
        return existing
    if not plan_may_start(assessment):
        raise NotAllowed(_("A development plan starts from released results: %(name)s has none yet.",
                           name=assessment.candidate.name))
    plan = DevelopmentPlan(assessment=assessment, created_by_id=actor.id)
    db.session.add(plan)
    db.session.flush()
    record_audit("plan.start", plan, f"Development plan started for {assessment.candidate.name}", actor=actor,
                 cycle_id=assessment.cycle_id, after={"candidate": assessment.candidate.name})
    return plan


def owner_choices(plan: DevelopmentPlan) -> list[User]:
    """Who may own an action: the candidate, their line manager, and the active HR accounts."""
    candidate = plan.assessment.candidate
    people = [candidate] + ([candidate.manager] if candidate.manager is not None else [])
    hr = db.session.scalars(sa.select(User).where(User.role == "hr", User.is_active.is_(True))
                            .order_by(User.name, User.id)).all()
    return people + [u for u in hr if u not in people]


def _check_text(value: str, field: str, label: str, limit: int, *, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ServiceError(_("Say what the action is."), field=field)
    problem = text_problem(value, multiline=field != "support_detail", max_length=limit)
    if problem:
        raise ServiceError(_("%(field)s %(problem)s.", field=label, problem=problem), field=field)
    return value


def _checked(plan: DevelopmentPlan, data: ActionInput, framework: Framework, *, today: date,
             keep_due: date | None = None) -> dict:
    """The action's values after every check (``keep_due``: an existing action's due date, accepted unchanged
    even when it has passed)."""
    if data.competency_id not in {c.id for c in framework.competencies}:
        raise ServiceError(_("Choose the competency the action serves."), field="competency_id")
    owners = {u.id: u for u in owner_choices(plan)}
    if data.owner_id not in owners and not (keep_due is not None and data.owner_id == _current_owner(plan, data)):
        raise ServiceError(_("Choose who owns the action: the candidate, their line manager or HR."),
                           field="owner_id")
    if data.due_on is None:
        raise ServiceError(_("Enter the due date."), field="due_on")
    if data.due_on != keep_due and data.due_on < today:
        raise ServiceError(_("The due date %(date)s has passed: choose today or a later day.",
                             date=data.due_on.isoformat()), field="due_on")
    if data.due_on > today + timedelta(days=366 * MAX_YEARS_AHEAD):
        raise ServiceError(_("The due date is more than %(years)d years ahead: check the year.",
                             years=MAX_YEARS_AHEAD), field="due_on")
    if data.support not in SUPPORT_KINDS:
        raise ServiceError(_("Choose the support."), field="support")
    if data.status not in ACTION_STATUSES:
        raise ServiceError(_("Choose a status."), field="status")
    return {"competency_id": data.competency_id, "what": _check_text(data.what, "what", _("What"), MAX_WHAT,
                                                                     required=True),
            "owner_id": data.owner_id, "due_on": data.due_on, "support": data.support,
            "support_detail": _check_text(data.support_detail, "support_detail", _("Support, in detail"),
                                          MAX_DETAIL),
            "status": data.status, "note": _check_text(data.note, "note", _("Note"), MAX_NOTE)}


def _current_owner(plan: DevelopmentPlan, data: ActionInput) -> int | None:
    # An owner who has since left the choices (deactivated, no longer the line manager) may stay on the action.
    return data.owner_id if any(a.owner_id == data.owner_id for a in plan.actions) else None


def _stored(action: DevelopmentAction, fields) -> dict:
    return {f: (getattr(action, f).isoformat() if f == "due_on" else getattr(action, f)) for f in fields}


def _clear_agreement(plan: DevelopmentPlan) -> bool:
    agreed = plan.candidate_agreed_at is not None or plan.manager_agreed_at is not None
    plan.candidate_agreed_at = plan.manager_agreed_at = plan.manager_agreed_by_id = None
    return agreed


def add_action(plan: DevelopmentPlan, data: ActionInput, *, framework: Framework, actor: User,
               today: date | None = None) -> DevelopmentAction:
    """HR adds an action to a plan (the parties then agree the changed plan again)."""
    values = _checked(plan, data, framework, today=today or utcnow().date())
    action = DevelopmentAction(plan=plan, updated_by_id=actor.id, updated_at=utcnow(), **values)
    db.session.add(action)
    db.session.flush()
    cleared = _clear_agreement(plan)
    record_audit("plan.action_add", plan, f"Development action added for {plan.assessment.candidate.name}",
                 actor=actor, cycle_id=plan.assessment.cycle_id,
                 after={**_stored(action, PLAN_FIELDS + PROGRESS_FIELDS), "agreement_cleared": cleared})
    return action


def _check_version(action: DevelopmentAction, expected_version: int | None) -> None:
    if expected_version != action.version_id:
        raise ConflictError(_("Someone else changed this action since you opened it; nothing was saved. "
                              "Reload the page to see their change."))


def edit_action(action: DevelopmentAction, data: ActionInput, *, framework: Framework, actor: User,
                expected_version: int | None, today: date | None = None) -> bool:
    """HR changes an action; True when anything changed. A change to the plan part clears both agreements."""
    _check_version(action, expected_version)
    values = _checked(action.plan, data, framework, today=today or utcnow().date(), keep_due=action.due_on)
    return _apply(action, values, "plan.action_edit", actor=actor)


def update_progress(action: DevelopmentAction, status: str, note: str, *, actor: User,
                    expected_version: int | None) -> bool:
    """The candidate, their line manager or HR record how far an action is (status and note); True when changed."""
    _check_version(action, expected_version)
    if status not in ACTION_STATUSES:
        raise ServiceError(_("Choose a status."), field="status")
    values = {"status": status, "note": _check_text(note, "note", _("Note"), MAX_NOTE)}
    return _apply(action, values, "plan.action_progress", actor=actor)


def _apply(action: DevelopmentAction, values: dict, kind: str, *, actor: User) -> bool:
    fields = tuple(values)
    before = _stored(action, fields)
    for field, value in values.items():
        setattr(action, field, value)
    after = _stored(action, fields)
    if before == after:
        return False
    action.updated_at, action.updated_by_id = utcnow(), actor.id
    changed = {f for f in fields if before[f] != after[f]}
    cleared = _clear_agreement(action.plan) if changed & set(PLAN_FIELDS) else False
    plan = action.plan
    record_audit(kind, plan, f"Development action {action.id} of {plan.assessment.candidate.name} changed",
                 actor=actor, cycle_id=plan.assessment.cycle_id,
                 before={f: before[f] for f in sorted(changed)},
                 after={**{f: after[f] for f in sorted(changed)}, **({"agreement_cleared": True} if cleared else {})})
    db.session.flush()
    return True


def plan_version(plan: DevelopmentPlan) -> str:
    """What the plan is (each action's plan part, not its progress), as a short fingerprint: the agreement form
    carries it, so that agreement is to the plan the person read."""
    parts = sorted((a.id, *(_stored(a, PLAN_FIELDS)[f] for f in PLAN_FIELDS)) for a in plan.actions)
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]


def agree_plan(plan: DevelopmentPlan, *, actor: User, seen_version: str | None) -> str:
    """The candidate or their line manager records their agreement to the plan as they read it (``seen_version``:
    ``plan_version`` of the page they read; refused when the plan changed since); returns which party agreed. A
    plan without actions has nothing to agree to."""
    role = party(plan, actor)
    if role not in ("candidate", "manager"):
        raise NotAllowed(_("Only the candidate and their line manager record agreement to a plan."))
    if not plan.actions:
        raise NotAllowed(_("The plan has no actions yet: there is nothing to agree to."))
    if seen_version != plan_version(plan):
        raise ConflictError(_("The plan changed after you opened the page, so your agreement was not recorded. "
                              "Read the changed plan below and agree again if you do."))
    now = utcnow()
    if role == "candidate":
        plan.candidate_agreed_at = now
    else:
        plan.manager_agreed_at, plan.manager_agreed_by_id = now, actor.id
    record_audit("plan.agree", plan, f"{actor.name} agreed the development plan of {plan.assessment.candidate.name}",
                 actor=actor, cycle_id=plan.assessment.cycle_id, after={"party": role})
    db.session.flush()
    return role


def manager_agreed(plan: DevelopmentPlan) -> bool:
    """The candidate's line manager as it is now agreed (a former line manager's agreement does not count)."""
    manager_id = plan.assessment.candidate.manager_id
    return manager_id is not None and plan.manager_agreed_at is not None and plan.manager_agreed_by_id == manager_id


def is_agreed(plan: DevelopmentPlan) -> bool:
    """Agreed: the candidate agreed and so did their current line manager (when they have one) to the plan as it
    is."""
    needs_manager = plan.assessment.candidate.manager_id is not None
    return bool(plan.actions) and plan.candidate_agreed_at is not None and (
        manager_agreed(plan) or not needs_manager)
