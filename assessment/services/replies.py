"""The candidate's right of reply (issue 20, 4): after release the candidate acknowledges the results (a dated
record; no agreement implied) and writes a reply that becomes part of HR's record. Every version is audited.

The reply is editable while the review period runs (``Cycle.review_days`` after the candidate's release) and
until an HR person marks it read, whichever comes first (docs/talent-review.md): the candidate may correct what
they wrote until someone acted on it, and what HR read is what stays on the record. Writes are conditional
updates, so a double submit or two tabs give one change and a clear answer to the other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from reports.data import CandidateReply as CandidateReplyData
from rubrics import language

from ..cleaning import text_problem
from ..extensions import db
from ..models import Assessment, AuditEvent, CandidateReply, ReviewRequest, User, utcnow
from . import ConflictError, NotAllowed, ServiceError
from .audit import record_audit
from .two_person import _aware, involvement_problem

#: The longest reply, in characters (about a page): a statement for the record, not a second report.
MAX_REPLY = 4000


def is_released_to_candidate(assessment: Assessment) -> bool:
    """Released, not withheld, not withdrawn: only then has the candidate anything to reply to."""
    return assessment.cycle.state == "released" and not assessment.is_withheld and not assessment.is_withdrawn


def released_at(assessment: Assessment) -> datetime | None:
    """When the candidate's results were released to them: a withheld candidate's own later release (its audit
    event), else the cycle's; None while nothing is released to them."""
    if not is_released_to_candidate(assessment):
        return None
    own = db.session.scalar(sa.select(sa.func.max(AuditEvent.occurred_at)).where(
        AuditEvent.kind == "assessment.release", AuditEvent.subject_type == "Assessment",
        AuditEvent.subject_id == assessment.id))
    return _aware(own or assessment.cycle.released_at)


def period_end(assessment: Assessment) -> datetime | None:
    """When the review period ends (the candidate's release + the cycle's ``review_days``), or None."""
    start = released_at(assessment)
    return start + timedelta(days=assessment.cycle.review_days or 14) if start else None


def period_runs(assessment: Assessment, now: datetime | None = None) -> bool:
    end = period_end(assessment)
    return end is not None and (now or utcnow()) < end


def reply_of(assessment: Assessment) -> CandidateReply | None:
    return db.session.scalar(sa.select(CandidateReply).where(CandidateReply.assessment_id == assessment.id))


def _row(assessment: Assessment) -> CandidateReply:
    """The assessment's reply row, made when missing; of two requests making it at once, the second reads the
    first's (the unique assessment id refuses a second row)."""
    row = reply_of(assessment)
    if row is not None:
        return row
    try:
        with db.session.begin_nested():
            row = CandidateReply(assessment_id=assessment.id)
            db.session.add(row)
    except IntegrityError:
        row = reply_of(assessment)
    return row


def _check_candidate(assessment: Assessment, actor: User) -> None:
    if actor.id != assessment.candidate_id:
        raise NotAllowed(_("Only the candidate can do this."))
    if not is_released_to_candidate(assessment):
        raise NotAllowed(_("Nothing has been released to you in this cycle, so there is nothing to reply to."))


def acknowledge(assessment: Assessment, *, actor: User) -> CandidateReply:
    """Record that the candidate has read their results (once; a dated record, no agreement implied)."""
    _check_candidate(assessment, actor)
    row = _row(assessment)
    now = utcnow()
    done = db.session.execute(
        sa.update(CandidateReply).where(CandidateReply.id == row.id, CandidateReply.acknowledged_at.is_(None))
        .values(acknowledged_at=now).execution_options(synchronize_session=False))
    db.session.refresh(row)
    if done.rowcount != 1:
        raise ConflictError(_("You acknowledged these results already, on %(date)s.",
                              date=language.long_date(_aware(row.acknowledged_at))))
    record_audit("reply.acknowledge", assessment, f"{actor.name} acknowledged their results of "
                 f"{assessment.cycle.name} (read, no agreement implied)", actor=actor,
                 cycle_id=assessment.cycle_id, after={"acknowledged": True})
    return row


def reply_lock(assessment: Assessment, row: CandidateReply | None, now: datetime | None = None) -> str | None:
    """Why the reply cannot be written or changed now, or None when it can."""
    if row is not None and row.read_at is not None:
        return _("HR has read your reply (on %(date)s); it stays as they read it. If you disagree with your "
                 "results, ask for a review.", date=language.long_date(_aware(row.read_at)))
    end = period_end(assessment)
    if end is None:
        return _("Nothing has been released to you in this cycle, so there is nothing to reply to.")
    if (now or utcnow()) >= end:
        return _("The period for replying ended on %(date)s.", date=language.long_date(end))
    return None


def reply_problem(text: str) -> str | None:
    """Why ``text`` cannot be stored as a reply, or None."""
    if not text:
        return _("write your reply, or leave the page without saving")
    if len(text) > MAX_REPLY:
        return _("keep your reply to %(max)d characters; this has %(num)d", max=MAX_REPLY, num=len(text))
    return text_problem(text, multiline=True)


def save_reply(assessment: Assessment, text: str, *, actor: User, expected_version: int | None) -> CandidateReply:
    """Save a new version of the candidate's reply (audited with its text); refuses a save based on an older
    version (another tab, a double submit) and a reply HR has read or whose period has ended."""
    _check_candidate(assessment, actor)
    text = (text or "").strip().replace("\r\n", "\n")
    if problem := reply_problem(text):
        raise ServiceError(problem, field="text")
    row = _row(assessment)
    if lock := reply_lock(assessment, row):
        raise NotAllowed(lock)
    if expected_version is None or expected_version != row.version:
        raise ConflictError(_("Your reply was saved from another page since you opened this one. Your text is "
                              "kept below; reload the page to see the saved version before saving again."))
    before = row.text
    now = utcnow()
    saved = db.session.execute(
        sa.update(CandidateReply).where(CandidateReply.id == row.id, CandidateReply.version == expected_version,
                                        CandidateReply.read_at.is_(None))
        .values(text=text, version=expected_version + 1, updated_at=now,
                written_at=sa.func.coalesce(CandidateReply.written_at, now))
        .execution_options(synchronize_session=False))
    if saved.rowcount != 1:
        raise ConflictError(_("Your reply changed (or HR read it) a moment ago; reload the page."))
    db.session.refresh(row)
    record_audit("reply.save", assessment, f"{actor.name} saved version {row.version} of their reply to the "
                 f"results of {assessment.cycle.name}", actor=actor, cycle_id=assessment.cycle_id,
                 before={"reply": before} if before is not None else None,
                 after={"reply": text, "version": row.version})
    return row


def mark_read(assessment: Assessment, *, actor: User, version: int | None) -> CandidateReply:
    """An HR person marks the reply (the version they read) as read: from then on it cannot change. Audited. Not an
    HR person who rates the candidate or competes for the same role (the rule for resolving a review): marking
    read closes the candidate's reply, and the reply may be about that person's ratings."""
    if actor.role != "hr":
        raise NotAllowed(_("Only an HR person can do this."))
    if involvement_problem(assessment, actor) is not None:
        raise NotAllowed(_("You rate %(candidate)s in this cycle or are a candidate for the same role, so another "
                           "HR person marks the reply as read.", candidate=assessment.candidate.name))
    row = reply_of(assessment)
    if row is None or not row.text:
        raise NotAllowed(_("There is no reply to mark as read."))
    if version is None or version != row.version:
        raise ConflictError(_("The candidate changed their reply after you opened the page: read it again."))
    done = db.session.execute(
        sa.update(CandidateReply).where(CandidateReply.id == row.id, CandidateReply.version == version,
                                        CandidateReply.read_at.is_(None))
        .values(read_at=utcnow(), read_by_id=actor.id).execution_options(synchronize_session=False))
    db.session.refresh(row)
    if done.rowcount != 1:
        raise ConflictError(_("The reply was marked as read already."))
    record_audit("reply.read", assessment, f"{actor.name} read version {version} of {assessment.candidate.name}'s "
                 f"reply", actor=actor, cycle_id=assessment.cycle_id, after={"version": version})
    return row


@dataclass(frozen=True)
class ReplyRecord:
    """The candidate's acknowledgement and reply as plain data (for HR's pages, the HR copy of the PDF and the
    panel pack); never for anyone but HR."""

    acknowledged_at: datetime | None
    text: str | None
    version: int
    updated_at: datetime | None
    read_at: datetime | None
    read_by: str | None


def reply_records(assessment_ids) -> dict[int, ReplyRecord]:
    """The replies of these assessments (one query), by assessment id; those without a row are missing."""
    ids = list(assessment_ids)
    if not ids:
        return {}
    rows = db.session.scalars(sa.select(CandidateReply).where(CandidateReply.assessment_id.in_(ids)))
    return {row.assessment_id: ReplyRecord(_aware(row.acknowledged_at), row.text, row.version,
                                           _aware(row.updated_at), _aware(row.read_at),
                                           row.read_by.name if row.read_by else None) for row in rows}


def report_replies(assessment_ids) -> dict[int, CandidateReplyData]:
    """The candidate's reply as the HR copy of the PDF shows it (``reports.data.CandidateReply``), by assessment
    id, for those who acknowledged, replied or asked for a review (two queries for any number)."""
    ids = list(assessment_ids)
    records = reply_records(ids)
    requests: dict[int, list] = {}
    if ids:
        for request in db.session.scalars(sa.select(ReviewRequest).where(ReviewRequest.assessment_id.in_(ids))
                                          .order_by(ReviewRequest.id)):
            requests.setdefault(request.assessment_id, []).append(
                (_aware(request.requested_at), request.reason, request.outcome or "open", request.resolution or ""))
    made = {}
    for assessment_id in set(records) | set(requests):
        record = records.get(assessment_id)
        made[assessment_id] = CandidateReplyData(
            acknowledged_at=record.acknowledged_at if record else None, text=record.text if record else None,
            version=record.version if record else 0, updated_at=record.updated_at if record else None,
            requests=tuple(requests.get(assessment_id, ())))
    return made


def reply_for(assessment: Assessment) -> str | None:
    """The candidate's reply text for HR's record (the panel pack calls this), or None when there is none."""
    record = reply_records([assessment.id]).get(assessment.id)
    return record.text if record and record.text else None
