"""The candidate's right of reply (issue 20, 4): their acknowledgement and reply to released results, and their
requests for a review, each resolved by HR."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import _in, utcnow

REVIEW_STATUSES = ("open", "resolved")
#: upheld: reviewed, the verdict stands; changed: the verdict changed through a calibration; not_upheld: the
#: request was not taken up, with the reason why.
REVIEW_OUTCOMES = ("upheld", "changed", "not_upheld")

# Relationships name classes of the other model modules by their annotation alone ("Assessment"):
# SQLAlchemy finds them in the declarative registry once every module is loaded (models/__init__.py).


class CandidateReply(db.Model):
    """One per assessment: when the candidate acknowledged the results, and their reply (its latest version;
    every version is in the audit trail). Locked once HR has read it or the review period has ended."""

    __tablename__ = "candidate_replies"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(sa.ForeignKey("assessments.id"), unique=True)
    acknowledged_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    text: Mapped[str | None] = mapped_column(sa.Text)
    #: How many versions of the reply were saved (0: none yet); a save names the version it was based on.
    version: Mapped[int] = mapped_column(default=0, server_default="0")
    written_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    updated_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    #: The HR person who marked the reply read, and when: from then on it is what HR read, and it stays.
    read_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    read_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    assessment: Mapped[Assessment] = relationship()
    read_by: Mapped[User | None] = relationship(foreign_keys=[read_by_id])


class ReviewRequest(db.Model):
    """The candidate asks for a review of their results, with a reason; HR resolves it with an outcome."""

    __tablename__ = "review_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(sa.ForeignKey("assessments.id"), index=True)
    reason: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.String(20), default="open", server_default="open")
    requested_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    outcome: Mapped[str | None] = mapped_column(sa.String(20))
    #: What the candidate is told with the outcome.
    resolution: Mapped[str | None] = mapped_column(sa.Text)
    #: For "changed": the calibration (recorded after the request, in force when resolved).
    calibration_id: Mapped[int | None] = mapped_column(sa.ForeignKey("calibrations.id"))
    resolved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    resolved_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    assessment: Mapped[Assessment] = relationship()
    calibration: Mapped[Calibration | None] = relationship()
    resolved_by: Mapped[User | None] = relationship(foreign_keys=[resolved_by_id])

    __table_args__ = (
        sa.CheckConstraint(_in("status", REVIEW_STATUSES), name="status"),
        sa.CheckConstraint(f"outcome IS NULL OR {_in('outcome', REVIEW_OUTCOMES)}", name="outcome"),
        # One open request per assessment, whoever submits twice at once: the database refuses the second.
        sa.Index("uq_review_requests_open", "assessment_id", unique=True,
                 sqlite_where=sa.text("status = 'open'"), postgresql_where=sa.text("status = 'open'")),
    )

    @property
    def is_open(self) -> bool:
        return self.status == "open"
