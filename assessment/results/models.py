"""Stored readiness results: the engine's result for an assessment, kept with the fingerprint of its inputs.

A stored result is a cache that is never trusted blindly: ``services.results_store`` recomputes it when the
fingerprint of its inputs (counted sheet revisions, calibrations, target role, the cycle's state and rubric
hash) or the engine version differ. The listeners below also delete it as soon as one of those inputs changes
through the ORM, so that cycle-wide queries (the overview's counts and sorting) can trust a row that exists.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..models import Assessment, Calibration, Cycle, RaterAssignment, Submission, utcnow


class StoredResult(db.Model):
    """One assessment's computed readiness result (JSON), with what it was computed from and sort keys."""

    __tablename__ = "stored_results"

    assessment_id: Mapped[int] = mapped_column(sa.ForeignKey("assessments.id", ondelete="CASCADE"),
                                               primary_key=True)
    fingerprint: Mapped[str] = mapped_column(sa.String(64))
    engine_version: Mapped[str] = mapped_column(sa.String(80))
    band_id: Mapped[str] = mapped_column(sa.String(64))
    #: The verdict's place in the rubric's band order (outcomes outside it come after the last band).
    verdict_rank: Mapped[int] = mapped_column()
    weighted_attainment: Mapped[float | None] = mapped_column(sa.Float)
    #: Decision score per competency id (null when none), for sorting the overview by a competency.
    decision_scores: Mapped[dict] = mapped_column(sa.JSON)
    payload: Mapped[str] = mapped_column(sa.Text)
    computed_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


_table = StoredResult.__table__


def _forget(connection, assessment_ids) -> None:
    connection.execute(_table.delete().where(_table.c.assessment_id.in_(assessment_ids)))


def _changed(target, *names: str) -> bool:
    state = sa.inspect(target)
    return any(state.attrs[name].history.has_changes() for name in names)


@event.listens_for(Submission, "after_insert")
@event.listens_for(Submission, "after_update")
@event.listens_for(Submission, "after_delete")
def _submission_changed(mapper, connection, target):
    _forget(connection, sa.select(RaterAssignment.assessment_id).where(RaterAssignment.id == target.assignment_id))


@event.listens_for(RaterAssignment, "after_insert")
@event.listens_for(RaterAssignment, "after_delete")
def _sheet_added_or_removed(mapper, connection, target):
    _forget(connection, [target.assessment_id])


@event.listens_for(RaterAssignment, "after_update")
def _sheet_changed(mapper, connection, target):
    # A draft save changes neither; a submit or a reopen changes both.
    if _changed(target, "status", "revision", "rater_group", "assessment_id"):
        _forget(connection, [target.assessment_id])


@event.listens_for(Calibration, "after_insert")
@event.listens_for(Calibration, "after_update")
@event.listens_for(Calibration, "after_delete")
def _calibration_changed(mapper, connection, target):
    _forget(connection, [target.assessment_id])


@event.listens_for(Assessment, "after_update")
def _assessment_changed(mapper, connection, target):
    if _changed(target, "target_role", "current_role", "cycle_id"):
        _forget(connection, [target.id])


@event.listens_for(Assessment, "before_delete")
def _assessment_deleted(mapper, connection, target):
    _forget(connection, [target.id])


@event.listens_for(Cycle, "after_update")
def _cycle_changed(mapper, connection, target):
    if _changed(target, "state", "rubric_version_id"):
        _forget(connection, sa.select(Assessment.id).where(Assessment.cycle_id == target.id))
