"""Conflicts of interest among raters: a peer who competes for the same target role in the same cycle, and two
candidates who rate each other. Worked out from the assignments when shown (never stored), so a later
assignment that creates a conflict marks both sides at once.

A conflicted rater's sheet does not count in the readiness result until HR clears the conflict with a reason
(``clear_conflict``, audited; docs/security.md, "Conflicts of interest")."""

from __future__ import annotations

from flask_babel import gettext as _
from collections.abc import Iterable
from functools import cache

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from ..cleaning import text_problem
from ..extensions import db
from ..models import Assessment, ConflictClearance, RaterAssignment, User, utcnow
from . import NotAllowed, ServiceError
from .audit import record_audit
from .calibration_rules import MIN_DISTINCT_WORDS, real_words
from .two_person import involvement_problem

SAME_TARGET, MUTUAL = "same_target", "mutual"


def conflicts(assessment_ids: Iterable[int]) -> dict[int, tuple[str, ...]]:
    """The conflicted assignments of these assessments: assignment id -> reasons (``SAME_TARGET``, ``MUTUAL``).

    One query, whatever the number of assessments.
    """
    ids = list(assessment_ids)
    if not ids:
        return {}
    rows = db.session.execute(_conflicts_query(), {"ids": ids}).all()
    found = {}
    for assignment_id, is_same_target, is_mutual in rows:
        reasons = tuple(r for r, on in ((SAME_TARGET, is_same_target), (MUTUAL, is_mutual)) if on)
        if reasons:
            found[assignment_id] = reasons
    return found


@cache
def _conflicts_query():
    """The statement of ``conflicts`` (bound parameter ``ids``), built once: its aliases cost more to build than
    the query takes to run for one candidate."""
    rater_as_candidate = aliased(Assessment)  # the rater's own assessment in the same cycle, if any
    back = aliased(RaterAssignment)
    mutual = sa.exists().where(back.assessment_id == rater_as_candidate.id,
                               back.rater_id == Assessment.candidate_id)
    same_target = sa.and_(RaterAssignment.rater_group == "peer",
                          rater_as_candidate.target_role == Assessment.target_role)
    return (sa.select(RaterAssignment.id, same_target, mutual)
            .join(Assessment, Assessment.id == RaterAssignment.assessment_id)
            .join(rater_as_candidate, sa.and_(rater_as_candidate.cycle_id == Assessment.cycle_id,
                                              rater_as_candidate.candidate_id == RaterAssignment.rater_id))
            .where(RaterAssignment.assessment_id.in_(sa.bindparam("ids", expanding=True)),
                   RaterAssignment.rater_group != "self"))


def conflict_text(assignment: RaterAssignment, reasons: Iterable[str], role_name: str, *, labelled: bool = True) -> str:
    """The reasons in words ("Conflict of interest: ..." unless ``labelled`` is False), for the pages."""
    names = {"rater": assignment.rater.name, "candidate": assignment.assessment.candidate.name, "role": role_name}
    sentences = []
    if SAME_TARGET in reasons:
        sentences.append(_("%(rater)s is also a candidate for %(role)s in this cycle.", **names))
    if MUTUAL in reasons:
        sentences.append(_("%(rater)s and %(candidate)s rate each other.", **names))
    text = " ".join(sentences)
    return _("Conflict of interest: %(reasons)s", reasons=text) if labelled else text


def clearances(assignment_ids: Iterable[int]) -> dict[int, ConflictClearance]:
    """HR's clearances of these assignments' conflicts: assignment id -> clearance (one query)."""
    ids = list(assignment_ids)
    if not ids:
        return {}
    return {c.assignment_id: c for c in db.session.scalars(
        sa.select(ConflictClearance).where(ConflictClearance.assignment_id.in_(ids)))}


def uncleared(assessment_ids: Iterable[int]) -> dict[int, tuple[str, ...]]:
    """The conflicted assignments HR has not cleared: their sheets do not count (assignment id -> reasons)."""
    found = conflicts(assessment_ids)
    cleared = clearances(found)
    return {assignment_id: reasons for assignment_id, reasons in found.items() if assignment_id not in cleared}


def clear_conflict(assignment: RaterAssignment, reason: str, *, actor: User) -> ConflictClearance:
    """HR decides that a conflicted rater's sheet counts after all, giving the reason; audited."""
    reasons = conflicts([assignment.assessment_id]).get(assignment.id)
    if not reasons:
        raise NotAllowed(_("This sheet has no conflict of interest to clear."))
    if clearances([assignment.id]):
        raise NotAllowed(_("This conflict of interest was already cleared."))
    assessment = assignment.assessment
    if assessment.cycle.state == "released":
        # Counting a sheet now would change a published verdict without the two-person rule of calibrations.
        raise NotAllowed(_("The results of this cycle are released: a sheet that did not count cannot be counted "
                           "afterwards. If the verdict should change, record a calibration."))
    if involvement_problem(assessment, actor):
        raise NotAllowed(_("You rate %(candidate)s or are a candidate for the same role in this cycle, so another "
                           "HR person must decide whether this sheet counts.", candidate=assessment.candidate.name))
    reason = (reason or "").strip()
    problem = text_problem(reason, multiline=True, max_length=2000)
    if problem:
        raise ServiceError(_("The reason %(problem)s.", problem=problem), field="reason")
    if len(set(real_words(reason))) < MIN_DISTINCT_WORDS:
        raise ServiceError(_("Say in a sentence why this rater's sheet should count despite the conflict."),
                           field="reason")
    clearance = ConflictClearance(assignment_id=assignment.id, reason=reason, cleared_by_id=actor.id,
                                  cleared_at=utcnow())
    db.session.add(clearance)
    db.session.flush()
    record_audit("conflict.clear", assignment,
                 f"{actor.name} cleared the conflict of interest of {assignment.rater.name} rating "
                 f"{assessment.candidate.name}: the sheet counts", actor=actor, cycle_id=assessment.cycle_id,
                 before={"counted": False, "conflict_of_interest": list(reasons)},
                 after={"counted": True, "reason": reason})
    return clearance
