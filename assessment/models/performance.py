"""Performance ratings imported from the HR system, one row per rating; the latest per person counts, every one
is kept (issue 20: the grid's second axis)."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import utcnow

#: The scales a rating may be on: its highest value.
PERFORMANCE_SCALES = (3, 5)


class PerformanceRating(db.Model):
    """One performance rating of a person as the HR system gave it, with its source and date, and the grid's row
    it maps to (``level``: 1 low, 2 medium, 3 high)."""

    __tablename__ = "performance_ratings"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    rating: Mapped[int] = mapped_column()
    scale: Mapped[int] = mapped_column()
    level: Mapped[int] = mapped_column()
    source: Mapped[str] = mapped_column(sa.String(200))
    rated_on: Mapped[date] = mapped_column(sa.Date)
    imported_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    imported_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    imported_by: Mapped[User | None] = relationship(foreign_keys=[imported_by_id])

    __table_args__ = (
        sa.CheckConstraint("scale IN (3, 5)", name="scale"),
        sa.CheckConstraint("rating >= 1 AND rating <= scale", name="rating"),
        sa.CheckConstraint("level IN (1, 2, 3)", name="level"),
        sa.Index("ix_performance_ratings_latest", "user_id", "rated_on", "id"),
    )
