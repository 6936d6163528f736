"""Development plans (issue 20, part 3): per released assessment, the actions HR, the candidate and their line
manager agree, each serving one competency, with an owner, a due date, support and a status."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import _in, utcnow

ACTION_STATUSES = ("planned", "in_progress", "done", "dropped")
#: Statuses whose actions are finished: no reminder, never overdue.
CLOSED_STATUSES = ("done", "dropped")
SUPPORT_KINDS = ("mentor", "course", "acting_up", "other")

# Relationships name classes of the other model modules by their annotation alone ("Assessment"):
# SQLAlchemy finds them in the declarative registry once every module is loaded (models/__init__.py).


class DevelopmentPlan(db.Model):
    """The plan of one assessment, and each party's dated agreement to it (None: not agreed, or agreed to a plan
    that has changed since)."""

    __tablename__ = "development_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(sa.ForeignKey("assessments.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    candidate_agreed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    manager_agreed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    #: The line manager who agreed (the reporting line may change later).
    manager_agreed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    assessment: Mapped[Assessment] = relationship()
    manager_agreed_by: Mapped[User | None] = relationship(foreign_keys=[manager_agreed_by_id])
    actions: Mapped[list[DevelopmentAction]] = relationship(
        back_populates="plan", order_by="(DevelopmentAction.due_on, DevelopmentAction.id)")


class DevelopmentAction(db.Model):
    """One action of a plan: what, for which competency, who owns it, by when, with what support, how far."""

    __tablename__ = "development_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("development_plans.id"), index=True)
    competency_id: Mapped[str] = mapped_column(sa.String(64))
    what: Mapped[str] = mapped_column(sa.Text)
    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    due_on: Mapped[date] = mapped_column(sa.Date, index=True)
    support: Mapped[str] = mapped_column(sa.String(20))
    support_detail: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")
    status: Mapped[str] = mapped_column(sa.String(20), default="planned", server_default="planned")
    note: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    #: Optimistic lock: a change based on an older version is refused as a conflict.
    version_id: Mapped[int] = mapped_column(default=1)

    plan: Mapped[DevelopmentPlan] = relationship(back_populates="actions")
    owner: Mapped[User] = relationship(foreign_keys=[owner_id])

    __table_args__ = (
        sa.CheckConstraint(_in("status", ACTION_STATUSES), name="status"),
        sa.CheckConstraint(_in("support", SUPPORT_KINDS), name="support"),
    )
    __mapper_args__ = {"version_id_col": version_id}

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES

    def is_overdue(self, today: date) -> bool:
        return not self.is_closed and self.due_on < today
