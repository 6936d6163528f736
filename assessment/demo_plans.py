"""The demo's development plan (issue 20, part 3): a candidate of the released cycle with development priorities
has a plan in progress, agreed by them and their line manager, made from those priorities (one action done, one
overdue, one due soon), so the plan page, the HR overview, the reminders, the report and the next cycle's sheets
show one."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from rubrics import Framework

from .extensions import db
from .models import Assessment, Cycle, DevelopmentPlan, User, utcnow
from .services.plans import ActionInput, add_action, agree_plan, plan_version, start_plan, update_progress
from .services.readiness import assess

#: (support, detail, days from today until due, status, note) of the demo's actions, in priority order.
ACTIONS = (
    ("acting_up", "Covers the Head of Operations for six weeks in the summer", 5, "in_progress",
     "Started: runs the weekly operations review."),
    ("mentor", "Monthly sessions with the COO", -10, "planned", ""),
    ("course", "Finance for operations leaders (two days)", 60, "done", "Completed in November."),
)


def _with_priorities(cycle: Cycle, framework: Framework):
    """The cycle's first assessment whose results name development priorities (else its first), and them."""
    first = None
    for assessment in db.session.scalars(sa.select(Assessment).where(Assessment.cycle_id == cycle.id)
                                         .order_by(Assessment.id)):
        priorities = assess(assessment, framework=framework).result.development_priorities
        if priorities:
            return assessment, priorities
        first = first or assessment
    return first, ()


def demo_plan(cycle: Cycle, framework: Framework, hr: User, manager: User) -> None:
    """Give a candidate of the released cycle a plan in progress, once (a second run finds it and adds nothing)."""
    if cycle.state != "released" or db.session.scalar(
            sa.select(DevelopmentPlan.id).join(Assessment).where(Assessment.cycle_id == cycle.id)) is not None:
        return
    assessment, priorities = _with_priorities(cycle, framework)
    if assessment is None:
        return
    candidate = assessment.candidate
    if candidate.manager_id is None:
        candidate.manager_id = manager.id
        db.session.flush()
    plan = start_plan(assessment, actor=hr)
    today = utcnow().date()
    for (support, detail, days, status, note), priority in zip(ACTIONS, priorities or framework.competencies):
        cid = getattr(priority, "competency_id", None) or priority.id
        what = getattr(priority, "action", "") or f"Work towards the next level of {priority.name}."
        action = add_action(plan, ActionInput(cid, what[:1000], candidate.id, today + timedelta(days=max(days, 0)),
                                              support, detail), framework=framework, actor=hr)
        if days < 0:  # an action that is overdue today: dated before the service would accept a new one
            action.due_on = today + timedelta(days=days)
        if status != "planned" or note:
            update_progress(action, status, note, actor=candidate, expected_version=action.version_id)
    db.session.refresh(plan)
    agree_plan(plan, actor=candidate, seen_version=plan_version(plan))
    agree_plan(plan, actor=db.session.get(User, candidate.manager_id), seen_version=plan_version(plan))
