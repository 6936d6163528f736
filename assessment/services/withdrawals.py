"""Withdrawing a candidate from a cycle, and starting a new cycle from an earlier one's set-up."""

from __future__ import annotations

from flask_babel import gettext as _
from rubrics import Framework

from ..extensions import db
from ..models import Assessment, Cycle, RaterAssignment, User, utcnow
from . import NotAllowed, ServiceError
from .assessments import check_ladder_step
from .audit import record_audit
from .cycles import create_cycle, state_word


def withdraw_candidate(assessment: Assessment, reason: str, *, actor: User) -> Assessment:
    """Take a candidate out of a cycle with a reason: their sheets are kept, but nobody owes them any more."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("a reason is required to withdraw a candidate"), field="reason")
    if assessment.is_withdrawn:
        raise NotAllowed(_("%(name)s was already withdrawn from this cycle.", name=assessment.candidate.name))
    if assessment.cycle.state not in ("draft", "open"):
        raise NotAllowed(_("Candidates cannot be withdrawn from a %(state)s cycle.",
                           state=state_word(assessment.cycle.state)))
    assessment.withdrawn_at, assessment.withdrawn_by_id, assessment.withdrawal_reason = utcnow(), actor.id, reason
    db.session.flush()
    record_audit("assessment.withdraw", assessment,
                 f"Withdrew {assessment.candidate.name} from {assessment.cycle.name}: {reason}", actor=actor,
                 cycle_id=assessment.cycle_id, before={"withdrawn": False},
                 after={"withdrawn": True, "reason": reason,
                        "sheets_kept": [f"{a.rater_group}: {a.rater.email} ({a.status})" for a in assessment.assignments]})
    return assessment


def copy_cycle(source: Cycle, name: str, *, actor: User, framework: Framework) -> Cycle:
    """A new draft cycle with the source's instructions, candidates (not withdrawn ones) and raters."""
    cycle = create_cycle(name, actor=actor, instructions=source.instructions, review_days=source.review_days)
    copied = 0
    for old in source.assessments:
        if old.is_withdrawn:
            continue
        try:
            check_ladder_step(framework, old.current_role, old.target_role)
        except ServiceError:
            continue  # the current rubric no longer has this step: leave it to HR to add them again
        new = Assessment(cycle=cycle, candidate=old.candidate, current_role=old.current_role,
                         target_role=old.target_role)
        db.session.add(new)
        db.session.add(RaterAssignment(assessment=new, rater=old.candidate, rater_group="self"))
        for sheet in old.assignments:
            if sheet.rater_group != "self":
                db.session.add(RaterAssignment(assessment=new, rater=sheet.rater, rater_group=sheet.rater_group))
        copied += 1
    db.session.flush()
    record_audit("cycle.copy", cycle, f"Started {cycle.name} from {source.name}: {copied} candidates with their raters",
                 actor=actor, cycle_id=cycle.id, before={"source_cycle": source.id},
                 after={"candidates": copied})
    return cycle
