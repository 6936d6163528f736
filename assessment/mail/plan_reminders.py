"""Reminders of development-plan actions (issue 20, part 3): an action not done nor dropped that is due within
``PLAN_REMINDER_DAYS`` days, or overdue, mails its owner once per stage.

Each message carries a key (action, owner, stage, due date) that the outbox stores once only, as the raters'
reminders do (``mail.reminders``): ``opsladder plans remind`` (and ``opsladder remind``) is safe every hour. A new
due date or a new owner starts the stages afresh. Deactivated owners get nothing, and neither does anyone about
the plan of a deactivated candidate.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, joinedload

from ..extensions import db
from ..models import CLOSED_STATUSES, Assessment, DevelopmentAction, DevelopmentPlan, User, utcnow
from .compose import external_url, send_to
from .outbox import already_queued


@dataclass(frozen=True)
class PlanReminderRun:
    recorded: int
    skipped: int


def action_stage(due_on: date, today: date, days: tuple[int, ...]) -> str | None:
    """The stage an action due on ``due_on`` is in today: 'overdue', 'before-N' (the nearest window), or None."""
    left = (due_on - today).days
    if left < 0:
        return "overdue"
    for window in sorted(days):
        if left <= window:
            return f"before-{window}"
    return None


def _due_actions(today: date, days: tuple[int, ...]) -> list[DevelopmentAction]:
    """The open actions due within the widest window or overdue, of active candidates and of active owners who still
    take part in the plan (the candidate, their current line manager, HR; as ``services.plans.party`` says): a
    former line manager who still owns an action is not mailed about the candidate (the plan is closed to them)."""
    horizon = today.toordinal() + max(days or (0,))
    candidate = aliased(User)
    return list(db.session.scalars(
        sa.select(DevelopmentAction).join(DevelopmentAction.owner)
        .join(DevelopmentPlan, DevelopmentAction.plan_id == DevelopmentPlan.id)
        .join(Assessment, DevelopmentPlan.assessment_id == Assessment.id)
        .join(candidate, Assessment.candidate_id == candidate.id)
        .where(DevelopmentAction.status.not_in(CLOSED_STATUSES), User.is_active.is_(True),
               candidate.is_active.is_(True), DevelopmentAction.due_on <= date.fromordinal(horizon),
               sa.or_(DevelopmentAction.owner_id == candidate.id, DevelopmentAction.owner_id == candidate.manager_id,
                      User.role == "hr"))
        .options(joinedload(DevelopmentAction.owner),
                 joinedload(DevelopmentAction.plan).joinedload(DevelopmentPlan.assessment)
                 .joinedload(Assessment.candidate))
        .order_by(DevelopmentAction.id)))


def send_plan_reminder(action: DevelopmentAction, stage: str, today: date) -> bool:
    """Record the reminder of one action at one stage, unless recorded before (flushes); True when recorded."""
    key = f"plan:{action.id}:{action.owner_id}:{stage}:{action.due_on.isoformat()}"
    if already_queued(key):
        return False
    candidate = action.plan.assessment.candidate
    overdue = stage == "overdue"
    subject = (_l("Overdue: a development action for %(name)s", name=candidate.name) if overdue
               else _l("Due soon: a development action for %(name)s", name=candidate.name))
    send_to(action.owner, "reminder", subject, "plan_reminder", dedupe_key=key, action=action,
            candidate=candidate, overdue=overdue, days_left=(action.due_on - today).days,
            own=action.owner_id == candidate.id, link=external_url("plans.view_plan", plan_id=action.plan_id))
    return True


def remind_plans(today: date | None = None) -> PlanReminderRun:
    """Record the plan reminders due today and commit (another run's identical reminders stand)."""
    today = today or utcnow().date()
    days = current_app.config.get("PLAN_REMINDER_DAYS") or (7,)
    recorded = skipped = 0
    for action in _due_actions(today, days):
        stage = action_stage(action.due_on, today, days)
        if stage is None:
            continue
        if send_plan_reminder(action, stage, today):
            recorded += 1
        else:
            skipped += 1
    try:
        db.session.commit()
    except IntegrityError:  # another run recorded the same reminders a moment ago: theirs stand
        db.session.rollback()
        recorded, skipped = 0, recorded + skipped
    return PlanReminderRun(recorded, skipped)
