"""Ratings: a rater's sheet (assignment), its ratings per revision, and each submitted revision.

Ratings are never deleted: a reopened submission starts a new revision and the earlier one stays.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import _in, utcnow

RATER_GROUPS = ("self", "manager", "peer", "direct_report", "assessor")
ASSIGNMENT_STATUSES = ("not_started", "draft", "submitted")

# Relationships name classes of the other model modules by their annotation alone ("Assessment"):
# SQLAlchemy finds them in the declarative registry once every module is loaded (models/__init__.py).


class RaterAssignment(db.Model):
    """A rater's sheet for one assessment: the candidate themself (self), a manager, a peer, a direct report, or an
    assessor's sheet for one assessment-centre exercise (``exercise_id``; one per assessor and exercise)."""

    __tablename__ = "rater_assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(sa.ForeignKey("assessments.id"), index=True)
    rater_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    rater_group: Mapped[str] = mapped_column(sa.String(20))
    status: Mapped[str] = mapped_column(sa.String(20), default="not_started")
    #: Starts at 1; a reopen starts the next revision and keeps the earlier one's ratings.
    revision: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    submitted_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    #: Optimistic lock: a save based on an older version is refused as a conflict.
    version_id: Mapped[int] = mapped_column(default=1)
    #: (issue 18) An assessor's sheet: the rubric's exercise id; '' for every other sheet.
    exercise_id: Mapped[str] = mapped_column(sa.String(64), default="", server_default="")
    #: (issue 18) How long and how closely the rater has worked with the candidate (rubrics.situations lists).
    known_for: Mapped[str | None] = mapped_column(sa.String(20))
    closeness: Mapped[str | None] = mapped_column(sa.String(20))
    #: (issue 18) When the rater confirmed reading the rater briefing for this sheet.
    briefing_read_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    assessment: Mapped[Assessment] = relationship(back_populates="assignments")
    rater: Mapped[User] = relationship()
    ratings: Mapped[list[Rating]] = relationship(back_populates="assignment", order_by="Rating.id")
    submissions: Mapped[list[Submission]] = relationship(
        back_populates="assignment", order_by="Submission.revision"
    )

    __table_args__ = (
        sa.UniqueConstraint("assessment_id", "rater_id", "exercise_id"),
        # Covers the per-assessment sheet counts of the dashboard and cycle list (index-only; docs/scale.md).
        sa.Index("ix_rater_assignments_assessment_id_status", "assessment_id", "status"),
        sa.CheckConstraint(_in("rater_group", RATER_GROUPS), name="rater_group"),
        sa.CheckConstraint(_in("status", ASSIGNMENT_STATUSES), name="status"),
    )
    __mapper_args__ = {"version_id_col": version_id}

    def current_ratings(self) -> list[Rating]:
        return [r for r in self.ratings if r.revision == self.revision]


class Rating(db.Model):
    """One competency on one rater's sheet, in one revision: a level or "not observed", and evidence."""

    __tablename__ = "ratings"

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(sa.ForeignKey("rater_assignments.id"), index=True)
    revision: Mapped[int] = mapped_column(default=1)
    competency_id: Mapped[str] = mapped_column(sa.String(64))
    level: Mapped[int | None] = mapped_column()
    is_not_observed: Mapped[bool] = mapped_column(default=False)
    evidence: Mapped[str] = mapped_column(sa.Text, default="")
    #: (issue 18) Where the level was seen (role, acting_up, project, exercise) and for how many weeks.
    seen_in: Mapped[str | None] = mapped_column(sa.String(20))
    seen_weeks: Mapped[int | None] = mapped_column()
    updated_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    assignment: Mapped[RaterAssignment] = relationship(back_populates="ratings")

    __table_args__ = (
        sa.UniqueConstraint("assignment_id", "revision", "competency_id"),
        sa.CheckConstraint("level IS NULL OR (level >= 1 AND level <= 5)", name="level_on_scale"),
        sa.CheckConstraint("NOT (is_not_observed AND level IS NOT NULL)", name="level_or_not_observed"),
        sa.CheckConstraint("seen_weeks IS NULL OR (seen_weeks >= 1 AND seen_weeks <= 1040)", name="seen_weeks"),
    )


class Submission(db.Model):
    """One submitted revision of a rater's sheet, and its reopening by HR, if it was reopened."""

    __tablename__ = "submissions"

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(sa.ForeignKey("rater_assignments.id"), index=True)
    revision: Mapped[int] = mapped_column()
    submitted_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    submitted_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    reopened_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    reopened_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    reopen_reason: Mapped[str | None] = mapped_column(sa.Text)

    assignment: Mapped[RaterAssignment] = relationship(back_populates="submissions")

    __table_args__ = (sa.UniqueConstraint("assignment_id", "revision"),)


class ConflictClearance(db.Model):
    """HR cleared a rater's conflict of interest on one sheet, with a reason: the sheet counts again."""

    __tablename__ = "conflict_clearances"

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(sa.ForeignKey("rater_assignments.id"), unique=True)
    reason: Mapped[str] = mapped_column(sa.Text)
    cleared_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    cleared_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    cleared_by: Mapped[User] = relationship()
