"""Candidates in a cycle and the raters assigned to them."""

from __future__ import annotations

import sqlalchemy as sa

from rubrics import Framework

from ..extensions import db
from ..mail.notify import notify_new_sheets
from ..models import Assessment, Cycle, RaterAssignment, User
from . import NotAllowed, ServiceError
from .audit import record_audit
from .conflicts import conflicts


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
                   actor: User | None, audit: bool = True) -> Assessment:
    """Add a candidate to a cycle; their self-assessment sheet is created with it.

    ``audit=False`` is for callers that record one event for a whole batch (the candidate import).
    """
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
    own = RaterAssignment(assessment=assessment, rater=candidate, rater_group="self")
    db.session.add(own)
    db.session.flush()
    if audit:  # a batch (``audit=False``) tells each rater once, about all their sheets (imports.import_candidates)
        notify_new_sheets([own])
        record_audit("assessment.create", assessment, f"Added {candidate.name} ({current_role} -> {target_role})",
                     actor=actor, cycle_id=cycle.id,
                     after={"candidate": candidate.email, "current_role": current_role, "target_role": target_role})
    return assessment


def assign_rater(assessment: Assessment, rater: User, group: str, *, actor: User | None,
                 audit: bool = True) -> RaterAssignment:
    """Assign a manager or a peer to rate a candidate (``audit=False``: the caller audits the batch)."""
    if assessment.cycle.state not in ("draft", "open"):
        raise NotAllowed(f"Raters cannot be assigned in a {assessment.cycle.state} cycle.")
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
    if audit:
        notify_new_sheets([assignment])
        after = {"rater": rater.email, "group": group}
        reasons = conflicts([assessment.id]).get(assignment.id)
        if reasons:
            after["conflict_of_interest"] = list(reasons)
        record_audit("assignment.create", assignment,
                     f"Assigned {rater.name} as {group} for {assessment.candidate.name}",
                     actor=actor, cycle_id=assessment.cycle_id, after=after)
    return assignment


def remove_assignment(assignment: RaterAssignment, *, actor: User) -> None:
    """Take a rater off a candidate, only in a draft or open cycle and while their sheet holds no ratings."""
    assessment = assignment.assessment
    if assessment.cycle.state not in ("draft", "open"):
        raise NotAllowed(f"Raters cannot be removed in a {assessment.cycle.state} cycle.")
    if assignment.rater_group == "self":
        raise NotAllowed("The self-assessment belongs to the candidate and cannot be removed.")
    if assignment.status != "not_started" or assignment.ratings or assignment.submissions:
        raise NotAllowed(f"{assignment.rater.name} has already started rating; a sheet with ratings is never "
                         "deleted (reopen it instead).")
    managers = [a for a in assessment.assignments if a.rater_group == "manager"]
    if assignment.rater_group == "manager" and len(managers) == 1:
        raise NotAllowed("Every candidate needs at least one manager: assign another manager first.")
    before = {"rater": assignment.rater.email, "group": assignment.rater_group}
    summary = f"Removed {assignment.rater.name} as {assignment.rater_group} for {assessment.candidate.name}"
    # The event names the assignment by id; it outlives the row it describes.
    record_audit("assignment.remove", assignment, summary, actor=actor, cycle_id=assessment.cycle_id, before=before)
    assessment.assignments.remove(assignment)
    db.session.delete(assignment)
    db.session.flush()
