"""Cycles: the pinned rubric snapshot, the cycle, and each candidate's assessment in it."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import _in, utcnow

CYCLE_STATES = ("draft", "open", "closed", "released")

# Relationships name classes of the other model modules by their annotation alone ("Assessment"):
# SQLAlchemy finds them in the declarative registry once every module is loaded (models/__init__.py).


class RubricVersion(db.Model):
    """A pinned snapshot of the framework: what a cycle was started with, never changed afterwards."""

    __tablename__ = "rubric_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    content_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    version: Mapped[str] = mapped_column(sa.String(50))
    snapshot: Mapped[dict] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class Cycle(db.Model):
    __tablename__ = "cycles"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    instructions: Mapped[str] = mapped_column(sa.Text, default="")
    starts_on: Mapped[date | None] = mapped_column(sa.Date)
    ends_on: Mapped[date | None] = mapped_column(sa.Date)
    state: Mapped[str] = mapped_column(sa.String(20), default="draft")
    rubric_version_id: Mapped[int | None] = mapped_column(sa.ForeignKey("rubric_versions.id"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    opened_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    released_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    version_id: Mapped[int] = mapped_column(default=1)
    #: (issue 20, 4) Days after a candidate's release in which they may reply and ask for a review.
    review_days: Mapped[int] = mapped_column(default=14, server_default="14")

    rubric_version: Mapped[RubricVersion | None] = relationship()
    assessments: Mapped[list[Assessment]] = relationship(back_populates="cycle", order_by="Assessment.id")

    __table_args__ = (
        sa.CheckConstraint(_in("state", CYCLE_STATES), name="state"),
        sa.CheckConstraint("state = 'draft' OR rubric_version_id IS NOT NULL", name="pinned_when_opened"),
        sa.CheckConstraint("review_days BETWEEN 1 AND 365", name="review_days"),
    )
    __mapper_args__ = {"version_id_col": version_id}


class Assessment(db.Model):
    """One candidate in one cycle, assessed for the next step up from their current role."""

    __tablename__ = "assessments"

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(sa.ForeignKey("cycles.id"), index=True)
    candidate_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    current_role: Mapped[str] = mapped_column(sa.String(50))
    target_role: Mapped[str] = mapped_column(sa.String(50))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    #: HR held this candidate's results back when releasing the cycle; released later one by one.
    is_withheld: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    #: A withdrawn candidate stays in the cycle with their sheets, but nobody owes those sheets any more.
    withdrawn_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    withdrawn_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    withdrawal_reason: Mapped[str | None] = mapped_column(sa.Text)
    #: (issue 18) The candidate's track record for the role's eligibility rule: months in leadership roles and in
    #: the current role; None: not known.
    leadership_months: Mapped[int | None] = mapped_column()
    current_role_months: Mapped[int | None] = mapped_column()

    cycle: Mapped[Cycle] = relationship(back_populates="assessments")
    candidate: Mapped[User] = relationship(foreign_keys=[candidate_id])
    assignments: Mapped[list[RaterAssignment]] = relationship(
        back_populates="assessment", order_by="RaterAssignment.id"
    )
    calibrations: Mapped[list[Calibration]] = relationship(
        back_populates="assessment", order_by="Calibration.id"
    )

    __table_args__ = (sa.UniqueConstraint("cycle_id", "candidate_id"),)

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


#: Which assessments have results at all: a withdrawn candidate has none, anywhere (overview, panel summary, ZIP
#: of reports, scores CSV/XLSX, release mails, the candidate's own page and PDF). HR still opens the withdrawn
#: person's record and their single results page.
HAS_RESULTS = Assessment.withdrawn_at.is_(None)
