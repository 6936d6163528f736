"""The audit trail: append-only, who did what, when, with the state before and after."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import utcnow

# Relationships name classes of the other model modules by their annotation alone ("Assessment"):
# SQLAlchemy finds them in the declarative registry once every module is loaded (models/__init__.py).


class AuditEvent(db.Model):
    """Append-only trail: who did what, when, with the state before and after."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(64), index=True)
    cycle_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cycles.id"), index=True)
    subject_type: Mapped[str] = mapped_column(sa.String(64))
    subject_id: Mapped[int | None] = mapped_column()
    summary: Mapped[str] = mapped_column(sa.Text)
    before: Mapped[dict | None] = mapped_column(sa.JSON)
    after: Mapped[dict | None] = mapped_column(sa.JSON)

    actor: Mapped[User | None] = relationship()

    # The audit trail of one cycle, newest first, without walking every other cycle's events (docs/scale.md).
    __table_args__ = (sa.Index("ix_audit_events_cycle_id_occurred_at", "cycle_id", "occurred_at"),)


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _audit_is_append_only(mapper, connection, target):
    raise RuntimeError("the audit trail is append-only: audit events are never changed or deleted")
