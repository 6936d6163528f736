"""Candidates in a cycle and the raters assigned to them.

Once a cycle is open its rater lists are frozen (issue 17, 4): adding or removing a rater of a candidate then
needs a reason, and is audited as ``RATER_CHANGE_KIND`` about the candidate's assessment (who, when, which rater
and group, the reason), which the dashboard counts per candidate. A candidate added to an open cycle gets their
first raters with them (``initial``), without a reason. In draft, changes are free.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from rubrics import Framework
from rubrics.readiness_groups import rubric_groups
from rubrics.readiness_model import ASSESSOR

from ..extensions import db
from ..framework import pinned_framework
from ..mail.notify import notify_new_sheets
from ..models import Assessment, AuditEvent, Cycle, RaterAssignment, User
from ..labels import cycle_state_word, group_word
from . import NotAllowed, ServiceError
from .audit import record_audit
from .conflicts import conflicts

#: The audit kind of a rater added or removed after the cycle opened (its subject: the assessment).
RATER_CHANGE_KIND = "assessment.rater_change"
#: The longest reason for such a change.
MAX_CHANGE_REASON = 1000
#: The groups HR assigns raters to here (the self-assessment comes with the candidate).
ASSIGNABLE_GROUPS = ("manager", "peer", "direct_report")


def rater_change_reason(assessment: Assessment, reason: str | None) -> str | None:
    """The reason a change to the candidate's raters needs once the cycle is open (None in draft), or
    ServiceError (field ``reason``)."""
    if assessment.cycle.state != "open":
        return None
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("The cycle is open, so its rater list is frozen: give the reason for this change; it "
                             "goes into the audit trail."), field="reason")
    if len(reason) > MAX_CHANGE_REASON:
        raise ServiceError(_("keep the reason under %(num)d characters", num=MAX_CHANGE_REASON), field="reason")
    return reason


def _record_rater_change(assessment: Assessment, assignment: RaterAssignment, change: str, reason: str, *,
                         actor: User | None, extra: dict | None = None) -> None:
    rater = assignment.rater
    summary = (f"After opening: {'added' if change == 'added' else 'removed'} {rater.name} as {assignment.rater_group} "
               f"for {assessment.candidate.name}: {reason}")
    record_audit(RATER_CHANGE_KIND, assessment, summary, actor=actor, cycle_id=assessment.cycle_id,
                 after={"change": change, "rater": rater.email, "group": assignment.rater_group,
                        "assignment": assignment.id, "candidate": assessment.candidate.email, "reason": reason,
                        **(extra or {})})


def rater_changes(assessment_ids) -> dict[int, int]:
    """How many raters were added or removed after opening, per assessment id (only those with any)."""
    ids = list(assessment_ids)
    if not ids:
        return {}
    return dict(db.session.execute(
        sa.select(AuditEvent.subject_id, sa.func.count()).where(
            AuditEvent.kind == RATER_CHANGE_KIND, AuditEvent.subject_type == "Assessment",
            AuditEvent.subject_id.in_(ids)).group_by(AuditEvent.subject_id)).all())


def check_ladder_step(framework: Framework, current_role: str, target_role: str) -> None:
    """Refuse a target that is not the next step up the ladder from the current role."""
    ids = [r.id for r in framework.roles]
    if current_role not in ids:
        raise ServiceError(_("unknown current role %(role)s; choose one of %(ids)s", role=repr(current_role),
                             ids=", ".join(ids)), field="current_role")
    if target_role not in ids:
        raise ServiceError(_("unknown target role %(role)s; choose one of %(ids)s", role=repr(target_role),
                             ids=", ".join(ids)), field="target_role")
    nxt = framework.next_role(current_role)
    if nxt is None:
        raise ServiceError(_("%(role)s is the top of the ladder: there is no next step",
                             role=framework.role(current_role).name), field="current_role")
    if target_role != nxt.id:
        raise ServiceError(_("the target role must be the next step up from %(role)s, which is %(next)s",
                             role=framework.role(current_role).name, next=nxt.name), field="target_role")


def add_assessment(cycle: Cycle, candidate: User, current_role: str, target_role: str, *, framework: Framework,
                   actor: User | None, audit: bool = True) -> Assessment:
    """Add a candidate to a cycle; their self-assessment sheet is created with it.

    ``audit=False`` is for callers that record one event for a whole batch (the candidate import).
    """
    if cycle.state not in ("draft", "open"):
        raise NotAllowed(_("Candidates cannot be added to a %(state)s cycle.", state=cycle_state_word(cycle.state)))
    if candidate.role != "candidate":
        raise ServiceError(_("%(email)s is not a candidate account", email=candidate.email), field="candidate")
    check_ladder_step(framework, current_role, target_role)
    exists = db.session.scalar(sa.select(Assessment.id).where(Assessment.cycle_id == cycle.id,
                                                              Assessment.candidate_id == candidate.id))
    if exists:
        raise ServiceError(_("%(email)s is already in this cycle", email=candidate.email), field="candidate")
    assessing = db.session.scalar(sa.select(RaterAssignment.id).join(Assessment).where(
        Assessment.cycle_id == cycle.id, RaterAssignment.rater_id == candidate.id,
        RaterAssignment.rater_group == ASSESSOR).limit(1))
    if assessing:
        raise ServiceError(_("%(email)s assesses other candidates in this cycle, so they cannot be a candidate in it "
                             "too.", email=candidate.email), field="candidate")
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
                 audit: bool = True, reason: str | None = None, initial: bool = False) -> RaterAssignment:
    """Assign a manager, a peer or a direct report to rate a candidate (``audit=False``: the caller audits the batch). In an open
    cycle this needs a ``reason`` unless the candidate is being added with their raters (``initial``)."""
    if assessment.cycle.state not in ("draft", "open"):
        raise NotAllowed(_("Raters cannot be assigned in a %(state)s cycle.",
                           state=cycle_state_word(assessment.cycle.state)))
    if group not in ASSIGNABLE_GROUPS:
        raise ServiceError(_("a rater is assigned as manager, peer or direct report, not %(group)s",
                             group=repr(group)), field="rater_group")
    if problem := group_problem(pinned_framework(assessment.cycle), group):
        raise ServiceError(problem, field="rater_group")
    if rater.id == assessment.candidate_id:
        raise ServiceError(_("%(name)s cannot rate themselves as a %(group)s; the self-assessment covers that",
                             name=rater.name, group=group_word(group)), field="rater")
    if group == "manager" and rater.role not in ("manager", "hr"):
        raise ServiceError(_("%(email)s is not a manager account", email=rater.email), field="rater")
    if not rater.is_active:
        raise ServiceError(_("%(email)s is deactivated and cannot be given new sheets.", email=rater.email),
                           field="rater")
    if any(a.rater_id == rater.id for a in assessment.assignments):
        raise ServiceError(_("%(email)s is already assigned to this candidate", email=rater.email), field="rater")
    reason = None if initial else rater_change_reason(assessment, reason)
    assignment = RaterAssignment(assessment=assessment, rater=rater, rater_group=group)
    db.session.add(assignment)
    db.session.flush()
    if audit:
        notify_new_sheets([assignment])
        after = {"rater": rater.email, "group": group}
        reasons = conflicts([assessment.id]).get(assignment.id)
        if reasons:
            after["conflict_of_interest"] = list(reasons)
        if reason is not None:
            _record_rater_change(assessment, assignment, "added", reason, actor=actor,
                                 extra={k: v for k, v in after.items() if k == "conflict_of_interest"})
            return assignment
        record_audit("assignment.create", assignment,
                     f"Assigned {rater.name} as {group} for {assessment.candidate.name}",
                     actor=actor, cycle_id=assessment.cycle_id, after=after)
    return assignment


def group_problem(framework: Framework, group: str) -> str | None:
    """Why the cycle's pinned rubric cannot take sheets of ``group`` (an older rubric without direct reports or
    exercises would silently drop them), or None."""
    if group in rubric_groups(framework):
        return None
    if group == "assessor":
        return _("This cycle uses rubric %(version)s, which has no assessor exercises: exercise sheets would count "
                 "nowhere.", version=framework.version)
    return _("This cycle uses rubric %(version)s, which has no direct reports: their sheets would count nowhere.",
             version=framework.version)


def remove_assignment(assignment: RaterAssignment, *, actor: User, reason: str | None = None) -> None:
    """Take a rater off a candidate, only in a draft or open cycle and while their sheet holds no ratings; in an
    open cycle with a ``reason``."""
    assessment = assignment.assessment
    if assessment.cycle.state not in ("draft", "open"):
        raise NotAllowed(_("Raters cannot be removed in a %(state)s cycle.",
                           state=cycle_state_word(assessment.cycle.state)))
    if assignment.rater_group == "self":
        raise NotAllowed(_("The self-assessment belongs to the candidate and cannot be removed."))
    if assignment.status != "not_started" or assignment.ratings or assignment.submissions:
        raise NotAllowed(_("%(name)s has already started rating; a sheet with ratings is never deleted (reopen it "
                           "instead).", name=assignment.rater.name))
    managers = [a for a in assessment.assignments if a.rater_group == "manager"]
    if assignment.rater_group == "manager" and len(managers) == 1:
        raise NotAllowed(_("Every candidate needs at least one manager: assign another manager first."))
    reason = rater_change_reason(assessment, reason)
    if reason is not None:
        _record_rater_change(assessment, assignment, "removed", reason, actor=actor)
    before = {"rater": assignment.rater.email, "group": assignment.rater_group}
    summary = f"Removed {assignment.rater.name} as {assignment.rater_group} for {assessment.candidate.name}"
    # The event names the assignment by id; it outlives the row it describes.
    if reason is None:
        record_audit("assignment.remove", assignment, summary, actor=actor, cycle_id=assessment.cycle_id,
                     before=before)
    assessment.assignments.remove(assignment)
    db.session.delete(assignment)
    db.session.flush()
