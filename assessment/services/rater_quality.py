"""Rater quality across a cycle, for HR only: the cycle's counted manager and peer levels, under REAL rater ids,
into the core's ``rater_quality`` (docs/readiness.md, "Rater quality").

This is HR data: it names raters, so it must never reach a candidate's page, PDF or export. It reads the
whole cycle in two queries, whatever its size.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import sqlalchemy as sa

from rubrics import Framework
from rubrics.readiness_quality import CycleRating, RaterQuality, RaterQualityReport, rater_quality

from ..extensions import db
from ..framework import pinned_framework
from ..models import Assessment, Cycle, RaterAssignment, Rating, User
from .sheets import counted_revision


@dataclass(frozen=True)
class CycleRaterQuality:
    """The cycle's rater quality report; raters are keyed by user id (as text), candidates by assessment id."""

    report: RaterQualityReport
    #: rater key -> the rater's name, for HR's display.
    rater_names: Mapping[str, str]

    def rests_on_flagged(self, assessment_id: int) -> RaterQuality | None:
        """The flagged rater this assessment's verdict rests mainly on, or None."""
        return self.report.rests_on_flagged(str(assessment_id))


def cycle_ratings(cycle: Cycle) -> list[CycleRating]:
    """Every counted manager and peer level of the cycle (last submitted revision), in one query."""
    counted, last = counted_revision(sa.select(Assessment.id).where(Assessment.cycle_id == cycle.id))
    rows = db.session.execute(
        sa.select(RaterAssignment.rater_id, RaterAssignment.assessment_id, RaterAssignment.rater_group,
                  Rating.competency_id, Rating.level)
        .join(Assessment, Assessment.id == RaterAssignment.assessment_id)
        .join(Rating, Rating.assignment_id == RaterAssignment.id)
        .outerjoin(last, last.c.assignment_id == RaterAssignment.id)
        # An assessor's own exercise sheets never count (their wash-up consensus does): not rater quality either.
        .where(Assessment.cycle_id == cycle.id, RaterAssignment.rater_group.not_in(("self", "assessor")),
               Rating.revision == counted, Rating.level.is_not(None))
        .order_by(RaterAssignment.id, Rating.competency_id)
    ).all()
    return [CycleRating(str(rater), str(assessment), competency, level, group)
            for rater, assessment, group, competency, level in rows]


def cycle_rater_quality(cycle: Cycle, *, framework: Framework | None = None) -> CycleRaterQuality:
    """Leniency, severity, central tendency and straight-lining of every manager and peer of the cycle
    (``framework``: the cycle's pinned framework when the caller has it already)."""
    framework = framework or pinned_framework(cycle)
    ratings = cycle_ratings(cycle)
    report = rater_quality(ratings, framework.readiness.rater_quality, framework.readiness.rater_group_weights)
    ids = sorted({int(r.rater_key) for r in ratings})
    names = dict(db.session.execute(sa.select(User.id, User.name).where(User.id.in_(ids))).all()) if ids else {}
    return CycleRaterQuality(report, {str(k): v for k, v in names.items()})
