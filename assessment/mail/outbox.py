"""The outbox: record a message in the change's own transaction; deliver it after commit, with retries.

- ``queue_message`` adds the row and flushes, like any service; the request (or command) commits.
- After a commit, the new ids are handed to a background thread (or to RQ with ``REDIS_URL``); a rollback
  forgets them, and their rows were never committed: a rolled-back change sends nothing.
- ``deliver`` claims each message with a conditional UPDATE, so two deliverers never send the same one; a
  failure counts an attempt, keeps the error and schedules the next try with a growing delay, so a mail server
  that is down loses nothing. ``opsladder mail send-pending`` (and each later delivery) picks up what is due.
"""

from __future__ import annotations

import atexit
import functools
import logging
import threading
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
from flask import Flask, current_app, has_app_context, has_request_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from ..config import mail_sender
from ..extensions import db
from ..jobs import rq_queue
from ..models import OutboxMessage, User, utcnow
from .transport import UnsafeHeader, build_email, transport_for

log = logging.getLogger("opsladder.mail")

_PENDING = "opsladder.outbox.new_ids"
#: A message claimed this long ago and still "sending" belongs to a deliverer that died: it may be taken again.
STALE_CLAIM = timedelta(minutes=15)
_threads: list[threading.Thread] = []
#: The RQ task that delivers (``worker.deliver_mail``), by name: the worker sits above this module.
DELIVERY_TASK = "assessment.worker.deliver_mail"


def aware(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; they were stored as UTC."""
    return moment.replace(tzinfo=timezone.utc) if moment is not None and moment.tzinfo is None else moment


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed try: 1, 2, 4, 8 ... minutes, at most 6 hours."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


def queue_message(*, kind: str, to_address: str, to_name: str, subject: str, text_body: str, html_body: str,
                  recipient_id: int | None = None, cycle_id: int | None = None,
                  dedupe_key: str | None = None) -> OutboxMessage:
    """Record one message in the current transaction (flushes); it is sent after the transaction commits."""
    message = OutboxMessage(kind=kind, to_address=to_address, to_name=to_name or "", subject=subject,
                            text_body=text_body, html_body=html_body, recipient_id=recipient_id,
                            cycle_id=cycle_id, dedupe_key=dedupe_key, next_attempt_at=utcnow())
    db.session.add(message)
    db.session.flush()
    db.session.info.setdefault(_PENDING, []).append(message.id)
    return message


def already_queued(dedupe_key: str) -> bool:
    return db.session.scalar(sa.select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)) is not None


@event.listens_for(Session, "after_commit")
def _hand_over_after_commit(session):
    ids = session.info.pop(_PENDING, None)
    if ids and has_app_context():
        dispatch(current_app._get_current_object(), ids)


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session):
    session.info.pop(_PENDING, None)


def dispatch(app: Flask, ids: list[int]) -> None:
    """Start delivering committed messages: on RQ with REDIS_URL, else in a thread; MAIL_DISPATCH=off leaves them."""
    mode = app.config.get("MAIL_DISPATCH", "thread")
    if mode == "off":
        return
    if app.config.get("REDIS_URL"):
        try:
            rq_queue(app).enqueue(DELIVERY_TASK, list(ids), job_timeout=600)
            return
        except Exception:  # Redis down: the rows are committed and pending; the next sweep sends them
            log.exception("could not enqueue mail %s; it stays pending for `opsladder mail send-pending`", ids)
            return
    thread = threading.Thread(target=_deliver_in_thread, args=(app, list(ids)), name="outbox", daemon=True)
    _threads[:] = [t for t in _threads if t.is_alive()] + [thread]
    thread.start()
    if not has_request_context():
        # A command (``opsladder demo``, a script) may end right after its commit: let the sending finish first.
        _wait_at_exit()


def _deliver_in_thread(app: Flask, ids: list[int]) -> None:
    with app.app_context():
        try:
            deliver(ids, include_due=True)
        except Exception:
            log.exception("mail delivery failed; the messages stay in the outbox")
        finally:
            db.session.remove()


@functools.cache
def _wait_at_exit() -> None:
    atexit.register(wait_for_delivery)


def wait_for_delivery(timeout: float = 30) -> None:
    """Wait for the delivery threads started so far (tests and a clean shutdown use this)."""
    for thread in list(_threads):
        thread.join(timeout)


def _due_ids(now: datetime, limit: int) -> list[int]:
    stmt = (sa.select(OutboxMessage.id)
            .where(sa.or_(sa.and_(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now),
                          sa.and_(OutboxMessage.status == "sending", OutboxMessage.claimed_at < now - STALE_CLAIM)))
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(limit))
    return list(db.session.scalars(stmt))


def _claim(message_id: int, now: datetime, *, force: bool) -> bool:
    """Take one message for sending; False when another deliverer has it, it was sent, or it is not due."""
    claimable = sa.and_(OutboxMessage.status == "sending", OutboxMessage.claimed_at < now - STALE_CLAIM)
    pending = OutboxMessage.status == "pending"
    if not force:
        pending = sa.and_(pending, OutboxMessage.next_attempt_at <= now)
    result = db.session.execute(sa.update(OutboxMessage).where(OutboxMessage.id == message_id)
                                .where(sa.or_(pending, claimable))
                                .values(status="sending", claimed_at=now).execution_options(synchronize_session=False))
    db.session.commit()
    return result.rowcount == 1


def deliver(ids: list[int] | None = None, *, include_due: bool = True, limit: int = 500) -> int:
    """Send the given messages (new ones are sent at once) and, with ``include_due``, every message due for a try.

    Returns the number sent. Every message is committed on its own: a crash loses at most one attempt.
    """
    app = current_app._get_current_object()
    now = utcnow()
    fresh = list(ids or [])
    todo = fresh + [i for i in (_due_ids(now, limit) if include_due else []) if i not in fresh]
    if not todo:
        return 0
    transport = transport_for(app.config, app.instance_path)
    sent = 0
    try:
        for message_id in todo:
            if not _claim(message_id, now, force=message_id in fresh):
                continue
            sent += _send_one(db.session.get(OutboxMessage, message_id), transport, app.config)
    finally:
        transport.close()
    return sent


def _send_one(message: OutboxMessage, transport, config: dict) -> int:
    recipient = db.session.get(User, message.recipient_id) if message.recipient_id else None
    if recipient is not None and not recipient.is_active:
        # Recorded before the account was deactivated: a person who left gets nothing more (HR sees why).
        message.status, message.last_error = "failed", "not sent: the recipient's account is deactivated"
        db.session.commit()
        return 0
    message.attempts += 1
    try:
        transport.send(build_email(message, mail_sender(config)), message)
    except Exception as exc:  # any failure (refused, timeout, DNS, TLS): keep the message and say why
        if hasattr(transport, "close"):
            transport.close()  # a broken connection is opened afresh for the next message
        message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        # A header that would carry a line break fails the same way every time: give up at once, loudly.
        give_up = isinstance(exc, UnsafeHeader) or message.attempts >= config.get("MAIL_MAX_ATTEMPTS", 8)
        message.status = "failed" if give_up else "pending"
        message.next_attempt_at = utcnow() + retry_delay(message.attempts)
        log.warning("mail %s to %s failed (attempt %s%s): %s", message.id, message.to_address, message.attempts,
                    ", giving up" if give_up else "", message.last_error)
        db.session.commit()
        return 0
    message.status, message.sent_at, message.last_error = "sent", utcnow(), None
    db.session.commit()
    return 1


def retry_message(message: OutboxMessage) -> None:
    """HR asks for another try now, also for a message given up (flushes; sent after commit)."""
    if message.status == "sent":
        return
    message.status, message.next_attempt_at = "pending", utcnow()
    db.session.flush()
    db.session.info.setdefault(_PENDING, []).append(message.id)
