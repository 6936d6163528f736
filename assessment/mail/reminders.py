"""Reminders before the due date (the cycle's end date) and when overdue: each stage once per rater.

``opsladder remind`` is safe to run every hour from cron: every reminder carries a key
(cycle, rater, stage, due date) that the outbox stores once only, so a second run finds it and sends nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import Cycle, utcnow
from .notify import send_reminders
from .outbox import aware


@dataclass(frozen=True)
class ReminderRun:
    cycle_name: str
    stage: str
    recorded: int
    skipped: int


def due_stage(cycle: Cycle, today: date, days: tuple[int, ...]) -> str | None:
    """The reminder stage a cycle is in today: 'overdue', 'before-N', or None (nothing due)."""
    if cycle.state != "open" or cycle.ends_on is None:
        return None
    left = (cycle.ends_on - today).days
    if left < 0:
        return "overdue"
    for window in sorted(days):
        if left <= window:
            opened = aware(cycle.opened_at).date() if cycle.opened_at else None
            # A cycle opened inside this window: its opening message already said when things are due.
            if opened is not None and opened > cycle.ends_on - timedelta(days=window):
                return None
            return f"before-{window}"
    return None


def remind_due(today: date | None = None) -> list[ReminderRun]:
    """Record the reminders due today in every open cycle, committing cycle by cycle."""
    today = today or utcnow().date()
    days = current_app.config.get("REMINDER_DAYS") or (7, 2)
    runs = []
    cycles = db.session.scalars(sa.select(Cycle).where(Cycle.state == "open", Cycle.ends_on.is_not(None))
                                .order_by(Cycle.id)).all()
    for cycle in cycles:
        stage = due_stage(cycle, today, days)
        if stage is None:
            continue
        recorded, skipped = send_reminders(cycle, stage=stage, today=today)
        try:
            db.session.commit()
        except IntegrityError:  # another run recorded the same reminders a moment ago: theirs stand
            db.session.rollback()
            recorded, skipped = 0, recorded + skipped
        runs.append(ReminderRun(cycle.name, stage, recorded, skipped))
    return runs


def remind_now(cycle: Cycle, rater_ids) -> tuple[int, int]:
    """HR's "remind the selected raters now": at most once an hour per rater, whatever is clicked (flushes)."""
    return send_reminders(cycle, stage="now", rater_ids=rater_ids, key_suffix=f"{utcnow():%Y%m%d%H}")
