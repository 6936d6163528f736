"""Calibration: HR's calibrated verdict beside the computed one, under the two-person rule."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import _in, utcnow

#: A calibration is proposed until a second HR person approves it (two-person rule), or approved at once
#: when the move is small; only an approved calibration is in force.
CALIBRATION_STATUSES = ("proposed", "approved")

#: Who sat on a calibration's panel, as accounts (issue 17, 4); a calibration from before it keeps its typed names
#: in ``Calibration.panel_members``.
calibration_panel_members = sa.Table(
    "calibration_panel_members", db.metadata,
    sa.Column("calibration_id", sa.ForeignKey("calibrations.id"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("users.id"), primary_key=True, index=True),
)

# Relationships name classes of the other model modules by their annotation alone ("Assessment"):
# SQLAlchemy finds them in the declarative registry once every module is loaded (models/__init__.py).


class Calibration(db.Model):
    """HR's calibrated verdict, with its rationale, beside the computed one; every one is kept.

    ``rationale`` is for HR and the panel only; ``candidate_note`` is what the candidate reads. A large move
    is ``proposed`` until a second HR person approves it; rows from before the two-person rule are approved.
    """

    __tablename__ = "calibrations"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(sa.ForeignKey("assessments.id"), index=True)
    band_id: Mapped[str] = mapped_column(sa.String(64))
    computed_band_id: Mapped[str] = mapped_column(sa.String(64))
    rationale: Mapped[str] = mapped_column(sa.Text)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    candidate_note: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    #: Who sat on the panel, as HR typed it (names): calibrations from before the panel was chosen from accounts.
    panel_members: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    status: Mapped[str] = mapped_column(sa.String(20), default="approved", server_default="approved")
    #: The second HR person, for a move that needed one; None when the move was approved with its recording.
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    approved_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    #: The reason code from the pinned rubric's ``calibration_reasons`` (None: before the codes, or none asked).
    reason_code: Mapped[str | None] = mapped_column(sa.String(64))

    assessment: Mapped[Assessment] = relationship(back_populates="calibrations")
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
    #: The accounts who sat on the panel, by name.
    panel: Mapped[list[User]] = relationship(secondary=calibration_panel_members, order_by="User.name")

    __table_args__ = (sa.CheckConstraint(_in("status", CALIBRATION_STATUSES), name="status"),)

    @property
    def is_approved(self) -> bool:
        return self.status == "approved"

    @property
    def panel_text(self) -> str:
        """Who sat on the panel: the accounts' names, else the names typed before accounts were chosen."""
        if self.panel:
            return ", ".join(member.name for member in self.panel)
        return self.panel_members or ""
