"""The append-only audit trail."""

from __future__ import annotations

from ..extensions import db
from ..models import AuditEvent, User


def record_audit(kind: str, subject, summary: str, *, actor: User | None, cycle_id: int | None = None,
                 before: dict | None = None, after: dict | None = None) -> AuditEvent:
    """Append one audit event about ``subject`` (a model instance) and flush."""
    event = AuditEvent(
        kind=kind,
        actor_id=actor.id if actor is not None else None,
        cycle_id=cycle_id,
        subject_type=type(subject).__name__,
        subject_id=getattr(subject, "id", None),
        summary=summary,
        before=before,
        after=after,
    )
    db.session.add(event)
    db.session.flush()
    return event
