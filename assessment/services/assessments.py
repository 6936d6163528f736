"""Candidates in a cycle and the raters assigned to them."""

from __future__ import annotations

import sqlalchemy as sa

from rubrics import Framework

from ..extensions import db
from ..models import Assessment, Cycle, RaterAssignment, User
from . import NotAllowed, ServiceError
from .audit import record_audit


def check_ladder_step(framework: Framework, current_role: str, target_role: str) -> None:
    """Refuse a target that is not the next step up the ladder from the current role."""
    ids = [r.id for r in framework.roles]
    if current_role not in ids:
        raise ServiceError(f"unknown current role {current_role!r}; choose one of {', '.join(ids)}",
                           field="current_role")
    if target_role not in ids:
        raise ServiceError(f"unknown target role {target_role!r}; choose one of {', '.join(ids)}",
                           field="target_role")
    nxt = framework.next_role(current_role)
    if nxt is None:
        raise ServiceError(f"{framework.role(current_role).name} is the top of the ladder: there is no next step",
                           field="current_role")
    if target_role != nxt.id:
        raise ServiceError(f"the target role must be the next step up from {framework.role(current_role).name}, "
                           f"which is {nxt.name}", field="target_role")


def add_assessment(cycle: Cycle, candidate: User, current_role: str, target_role: str, *, framework: Framework,
                   actor: User | None) -> Assessment:
    """Add a candidate to a cycle; their self-assessment sheet is created with it."""
    if cycle.state not in ("draft", "open"):
        raise NotAllowed(f"Candidates cannot be added to a {cycle.state} cycle.")
    if candidate.role != "candidate":
        raise ServiceError(f"{candidate.email} is not a candidate account", field="candidate")
    check_ladder_step(framework, current_role, target_role)
    exists = db.session.scalar(sa.select(Assessment.id).where(Assessment.cycle_id == cycle.id,
                                                              Assessment.candidate_id == candidate.id))
    if exists:
        raise ServiceError(f"{candidate.email} is already in this cycle", field="candidate")
    assessment = Assessment(cycle=cycle, candidate=candidate, current_role=current_role, target_role=target_role)
    db.session.add(assessment)
    db.session.flush()
    db.session.add(RaterAssignment(assessment=assessment, rater=candidate, rater_group="self"))
    db.session.flush()
    record_audit("assessment.create", assessment, f"Added {candidate.name} ({current_role} -> {target_role})",
                 actor=actor, cycle_id=cycle.id,
                 after={"candidate": candidate.email, "current_role": current_role, "target_role": target_role})
    return assessment


def assign_rater(assessment: Assessment, rater: User, group: str, *, actor: User | None) -> RaterAssignment:
    """Assign a manager or a peer to rate a candidate."""
    if group not in ("manager", "peer"):
        raise ServiceError(f"a rater is assigned as manager or peer, not {group!r}", field="rater_group")
    if rater.id == assessment.candidate_id:
        raise ServiceError(f"{rater.name} cannot rate themselves as a {group}; the self-assessment covers that",
                           field="rater")
    if group == "manager" and rater.role not in ("manager", "hr"):
        raise ServiceError(f"{rater.email} is not a manager account", field="rater")
    if any(a.rater_id == rater.id for a in assessment.assignments):
        raise ServiceError(f"{rater.email} is already assigned to this candidate", field="rater")
    assignment = RaterAssignment(assessment=assessment, rater=rater, rater_group=group)
    db.session.add(assignment)
    db.session.flush()
    record_audit("assignment.create", assignment, f"Assigned {rater.name} as {group} for {assessment.candidate.name}",
                 actor=actor, cycle_id=assessment.cycle_id, after={"rater": rater.email, "group": group})
    return assignment
