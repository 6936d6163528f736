"""Conflicts of interest among raters: a peer who competes for the same target role in the same cycle, and two
candidates who rate each other. Worked out from the assignments when shown (never stored), so a later
assignment that creates a conflict marks both sides at once."""

from __future__ import annotations

from flask_babel import gettext as _
from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from ..extensions import db
from ..models import Assessment, RaterAssignment

SAME_TARGET, MUTUAL = "same_target", "mutual"


def conflicts(assessment_ids: Iterable[int]) -> dict[int, tuple[str, ...]]:
    """The conflicted assignments of these assessments: assignment id -> reasons (``SAME_TARGET``, ``MUTUAL``).

    One query, whatever the number of assessments.
    """
    ids = list(assessment_ids)
    if not ids:
        return {}
    rater_as_candidate = aliased(Assessment)  # the rater's own assessment in the same cycle, if any
    back = aliased(RaterAssignment)
    mutual = sa.exists().where(back.assessment_id == rater_as_candidate.id,
                               back.rater_id == Assessment.candidate_id)
    same_target = sa.and_(RaterAssignment.rater_group == "peer",
                          rater_as_candidate.target_role == Assessment.target_role)
    rows = db.session.execute(
        sa.select(RaterAssignment.id, same_target, mutual)
        .join(Assessment, Assessment.id == RaterAssignment.assessment_id)
        .join(rater_as_candidate, sa.and_(rater_as_candidate.cycle_id == Assessment.cycle_id,
                                          rater_as_candidate.candidate_id == RaterAssignment.rater_id))
        .where(RaterAssignment.assessment_id.in_(ids), RaterAssignment.rater_group != "self")
    ).all()
    found = {}
    for assignment_id, is_same_target, is_mutual in rows:
        reasons = tuple(r for r, on in ((SAME_TARGET, is_same_target), (MUTUAL, is_mutual)) if on)
        if reasons:
            found[assignment_id] = reasons
    return found


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
