"""Assessment-centre evidence (issue 18): an exercise scheduled for a candidate, and the assessors' consensus.

Each assessor rates an exercise on a sheet of their own (``RaterAssignment`` with ``rater_group`` "assessor" and
the ``exercise_id``); those sheets never enter the verdict. In the wash-up the assessors agree one consensus level
per competency with a reason; the consensus enters the verdict as the assessors' group.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import utcnow


class ExerciseSession(db.Model):
    """One of the rubric's exercises, scheduled by HR for one candidate (assessment)."""

    __tablename__ = "exercise_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(sa.ForeignKey("assessments.id"), index=True)
    exercise_id: Mapped[str] = mapped_column(sa.String(64))
    scheduled_on: Mapped[date | None] = mapped_column(sa.Date)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    assessment: Mapped[Assessment] = relationship()

    __table_args__ = (sa.UniqueConstraint("assessment_id", "exercise_id"),)


class AssessorConsensus(db.Model):
    """The assessors' agreed level on one competency of one candidate, with its reason; where the assessors were
    the rubric's ``wash_up.resolve_apart`` levels apart or more, how that was resolved."""

    __tablename__ = "assessor_consensus"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(sa.ForeignKey("assessments.id"), index=True)
    competency_id: Mapped[str] = mapped_column(sa.String(64))
    level: Mapped[int | None] = mapped_column()
    is_not_observed: Mapped[bool] = mapped_column(default=False)
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    resolution: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    agreed_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    agreed_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    agreed_by: Mapped[User] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("assessment_id", "competency_id"),
        sa.CheckConstraint("level IS NULL OR (level >= 1 AND level <= 5)", name="level_on_scale"),
        sa.CheckConstraint("NOT (is_not_observed AND level IS NOT NULL)", name="level_or_not_observed"),
    )
