"""While a cycle is open, HR sees completion, not provisional verdicts (issue 17, 4): nobody can add a friendly
rater after peeking at a verdict. ``HIDE_VERDICTS_WHILE_OPEN`` (env ``OPSLADDER_HIDE_VERDICTS_WHILE_OPEN``, on by
default) switches it; every HR page, PDF and export that shows a verdict, band, score or attainment asks
``verdicts_hidden`` first and shows ``completion`` (sheets submitted of sheets asked) instead, or refuses.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import HAS_RESULTS, RATER_GROUPS, Assessment, Cycle, RaterAssignment


def verdicts_hidden(cycle: Cycle) -> bool:
    """True while ``cycle`` is open and the setting hides its provisional verdicts."""
    return cycle.state == "open" and bool(current_app.config.get("HIDE_VERDICTS_WHILE_OPEN", True))


def hidden_text() -> str:
    """Why a page shows completion instead of verdicts."""
    return _("The cycle is open, so its results are not shown yet: only how many sheets are submitted. Verdicts, "
             "bands, scores and attainment appear once the cycle is closed, so that nobody changes the raters after "
             "seeing a provisional verdict.")


@dataclass(frozen=True)
class CandidateCompletion:
    """One candidate's sheets: (group, submitted, asked) for self, managers and peers."""

    assessment: Assessment
    groups: tuple[tuple[str, int, int], ...]

    @property
    def submitted(self) -> int:
        return sum(done for _group, done, _asked in self.groups)

    @property
    def asked(self) -> int:
        return sum(asked for _group, _done, asked in self.groups)


def completion(cycle: Cycle, assessment_ids: Sequence[int] | None = None) -> list[CandidateCompletion]:
    """Submitted and asked sheets per rater group of the cycle's candidates (withdrawn ones apart), or of
    ``assessment_ids`` in it, by name; two queries."""
    query = (sa.select(Assessment).where(Assessment.cycle_id == cycle.id, HAS_RESULTS)
             .options(selectinload(Assessment.candidate)))
    if assessment_ids is not None:
        query = query.where(Assessment.id.in_(list(assessment_ids)))
    assessments = list(db.session.scalars(query))
    submitted = sa.func.sum(sa.case((RaterAssignment.status == "submitted", 1), else_=0))
    counts = {(row[0], row[1]): (int(row[2] or 0), int(row[3])) for row in db.session.execute(
        sa.select(RaterAssignment.assessment_id, RaterAssignment.rater_group, submitted, sa.func.count())
        .where(RaterAssignment.assessment_id.in_([a.id for a in assessments]))
        .group_by(RaterAssignment.assessment_id, RaterAssignment.rater_group))} if assessments else {}
    rows = [CandidateCompletion(a, tuple((group, *counts.get((a.id, group), (0, 0))) for group in RATER_GROUPS))
            for a in assessments]
    return sorted(rows, key=lambda row: (row.assessment.candidate.name.casefold(), row.assessment.id))
