"""The outbox: every e-mail, recorded in the transaction of the change that causes it, sent after commit."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import _in, utcnow

OUTBOX_STATUSES = ("pending", "sending", "sent", "failed")
STATUS_LABELS = {"pending": "Waiting to send", "sending": "Sending", "sent": "Sent", "failed": "Gave up"}
MESSAGE_KINDS = ("invitation", "password_reset", "cycle_opened", "reminder", "results_released", "sheet_reopened",
                 "review_resolved")
KIND_LABELS = {"invitation": "Invitation", "password_reset": "Password reset", "cycle_opened": "Cycle opened",
               "reminder": "Reminder", "results_released": "Results released", "sheet_reopened": "Sheet reopened",
               "review_resolved": "Review request resolved"}


class OutboxMessage(db.Model):
    """One e-mail: its rendered content, and where its delivery stands (attempts, last error, next try)."""

    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(32))
    recipient_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    to_address: Mapped[str] = mapped_column(sa.String(320))
    to_name: Mapped[str] = mapped_column(sa.String(200), default="")
    subject: Mapped[str] = mapped_column(sa.String(300))
    text_body: Mapped[str] = mapped_column(sa.Text)
    html_body: Mapped[str] = mapped_column(sa.Text)
    cycle_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cycles.id"), index=True)
    #: Messages that must go out once only (a reminder stage, ...) carry a key; the database refuses a second one.
    dedupe_key: Mapped[str | None] = mapped_column(sa.String(200), unique=True)
    status: Mapped[str] = mapped_column(sa.String(20), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    next_attempt_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    recipient: Mapped["User | None"] = relationship()  # models.people (found in the registry)

    __table_args__ = (
        sa.CheckConstraint(_in("status", OUTBOX_STATUSES), name="status"),
        sa.CheckConstraint(_in("kind", MESSAGE_KINDS), name="kind"),
        sa.Index("ix_outbox_messages_status_next_attempt_at", "status", "next_attempt_at"),
    )

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]
