"""Reading development plans (issue 20, part 3): HR's overview by status, the plans a person may open, the earlier
plan a rating sheet shows, and the agreed plans the reports list. Nothing here changes the database."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Sequence

import sqlalchemy as sa
from sqlalchemy.orm import aliased, selectinload

from reports.plan import PlanAction, PlanReport
from rubrics import Framework

from ..extensions import db
from ..models import (ACTION_STATUSES, CLOSED_STATUSES, Assessment, Cycle, DevelopmentAction, DevelopmentPlan,
                      User)
from .plans import is_agreed, manager_agreed


@dataclass(frozen=True)
class PlanFilter:
    """HR's overview filters: a cycle (None: all), an action status ("": all), overdue actions only."""

    cycle_id: int | None = None
    status: str = ""
    overdue: bool = False


def _open_and_past(today: date):
    return sa.and_(DevelopmentAction.status.not_in(CLOSED_STATUSES), DevelopmentAction.due_on < today)


def status_counts(cycle_id: int | None, today: date) -> dict[str, int]:
    """Actions per status, plus "overdue", "plans" and "actions", in one query each (of one cycle, or all)."""
    base = sa.select(DevelopmentAction.status, sa.func.count()).join(DevelopmentPlan).join(Assessment)
    plans = sa.select(sa.func.count(DevelopmentPlan.id)).join(Assessment)
    overdue = (sa.select(sa.func.count(DevelopmentAction.id)).join(DevelopmentPlan).join(Assessment)
               .where(_open_and_past(today)))
    if cycle_id is not None:
        base, plans, overdue = (q.where(Assessment.cycle_id == cycle_id) for q in (base, plans, overdue))
    counts = {status: 0 for status in ACTION_STATUSES}
    counts.update(dict(db.session.execute(base.group_by(DevelopmentAction.status)).all()))
    counts["actions"] = sum(counts[s] for s in ACTION_STATUSES)
    counts["overdue"] = db.session.scalar(overdue) or 0
    counts["plans"] = db.session.scalar(plans) or 0
    return counts


Candidate = aliased(User)
Owner = aliased(User)
#: The overview's sort columns.
OVERVIEW_SORTS = {"due": DevelopmentAction.due_on, "candidate": Candidate.name, "status": DevelopmentAction.status,
                  "owner": Owner.name}


def overview_query(chosen: PlanFilter, today: date):
    """Every action with its plan's candidate and cycle and its owner, filtered (order and page: the caller)."""
    stmt = (sa.select(DevelopmentAction, Candidate, Owner, Cycle, DevelopmentPlan)
            .join(DevelopmentPlan, DevelopmentAction.plan_id == DevelopmentPlan.id)
            .join(Assessment, DevelopmentPlan.assessment_id == Assessment.id)
            .join(Candidate, Assessment.candidate_id == Candidate.id)
            .join(Owner, DevelopmentAction.owner_id == Owner.id)
            .join(Cycle, Assessment.cycle_id == Cycle.id))
    if chosen.cycle_id is not None:
        stmt = stmt.where(Assessment.cycle_id == chosen.cycle_id)
    if chosen.status:
        stmt = stmt.where(DevelopmentAction.status == chosen.status)
    if chosen.overdue:
        stmt = stmt.where(_open_and_past(today))
    return stmt


def cycles_with_plans() -> list[Cycle]:
    """The cycles that have a plan, newest first (the overview's cycle filter)."""
    return list(db.session.scalars(sa.select(Cycle).where(Cycle.id.in_(
        sa.select(Assessment.cycle_id).join(DevelopmentPlan, DevelopmentPlan.assessment_id == Assessment.id)))
        .order_by(Cycle.id.desc())))


def visible_plans(user: User) -> list[DevelopmentPlan]:
    """The plans ``user`` takes part in as candidate or line manager, newest first (HR: the overview)."""
    return list(db.session.scalars(
        sa.select(DevelopmentPlan).join(Assessment).join(User, Assessment.candidate_id == User.id)
        .where(sa.or_(User.id == user.id, User.manager_id == user.id))
        .options(selectinload(DevelopmentPlan.actions), selectinload(DevelopmentPlan.assessment)
                 .selectinload(Assessment.candidate))
        .order_by(DevelopmentPlan.id.desc())))


@dataclass(frozen=True)
class EarlierAction:
    """An action of the candidate's earlier plan, as the next cycle's rating sheet shows it (read-only)."""

    what: str
    status: str
    cycle_name: str


def earlier_plan_actions(assessment: Assessment) -> dict[str, list[EarlierAction]]:
    """The actions of the candidate's latest agreed plan from an earlier cycle for the same target role (cycles are
    numbered in the order they were made), by competency id (two queries): what and how far only; never who else
    rated, never who owns them. Agreed as ``plans.is_agreed`` says: a draft HR has not agreed with the candidate
    and their current line manager is not shown. Which sheets show it: the caller (``rating.views``)."""
    candidate = aliased(User)
    has_actions = sa.exists().where(DevelopmentAction.plan_id == DevelopmentPlan.id)
    manager_ok = sa.or_(candidate.manager_id.is_(None), DevelopmentPlan.manager_agreed_by_id == candidate.manager_id)
    plan = db.session.execute(
        sa.select(DevelopmentPlan.id, Cycle.name).join(Assessment, DevelopmentPlan.assessment_id == Assessment.id)
        .join(Cycle, Assessment.cycle_id == Cycle.id).join(candidate, Assessment.candidate_id == candidate.id)
        .where(Assessment.candidate_id == assessment.candidate_id, Assessment.cycle_id < assessment.cycle_id,
               Assessment.target_role == assessment.target_role, DevelopmentPlan.candidate_agreed_at.is_not(None),
               manager_ok, has_actions)
        .order_by(Cycle.id.desc()).limit(1)).first()
    found: dict[str, list[EarlierAction]] = defaultdict(list)
    if plan is None:
        return {}
    for cid, what, status in db.session.execute(
            sa.select(DevelopmentAction.competency_id, DevelopmentAction.what, DevelopmentAction.status)
            .where(DevelopmentAction.plan_id == plan.id).order_by(DevelopmentAction.due_on, DevelopmentAction.id)):
        found[cid].append(EarlierAction(what, status, plan.name))
    return dict(found)


def report_plans(assessment_ids: Sequence[int], framework: Framework) -> dict[int, PlanReport]:
    """The agreed plans of these assessments (of one cycle) for their reports, per assessment id, competency names
    in ``framework``'s language; a plan not agreed (or without actions) is left out. Two queries."""
    if not assessment_ids:
        return {}
    plans = db.session.scalars(
        sa.select(DevelopmentPlan).where(DevelopmentPlan.assessment_id.in_(list(assessment_ids)))
        .options(selectinload(DevelopmentPlan.actions).selectinload(DevelopmentAction.owner),
                 selectinload(DevelopmentPlan.manager_agreed_by),
                 selectinload(DevelopmentPlan.assessment).selectinload(Assessment.candidate)))
    names = {c.id: c.name for c in framework.competencies}
    made = {}
    for plan in plans:
        if not is_agreed(plan):
            continue
        actions = tuple(PlanAction(names.get(a.competency_id, a.competency_id), a.what, a.owner.name, a.due_on,
                                   a.support, a.support_detail, a.status) for a in plan.actions)
        made[plan.assessment_id] = PlanReport(
            plan.candidate_agreed_at.date(), plan.manager_agreed_at.date() if manager_agreed(plan) else None,
            plan.manager_agreed_by.name if manager_agreed(plan) else "", actions)
    return made
