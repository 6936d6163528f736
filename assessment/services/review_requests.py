"""The candidate asks for a review of their results (issue 20, 4), with a reason, within the cycle's review period;
HR resolves it: the verdict upheld (no change), changed through a calibration made under today's rules
(``calibrations``: the resolution waits until that calibration is in force and records it), or the request not
upheld, with the reason. The candidate is told by mail in their language. One open request per assessment (the
database refuses a second); resolving is a conditional update, so two HR people resolving at once give one.

Who resolves (docs/talent-review.md): an HR person who is not involved in the decision under review: not someone
who rates the candidate or is a candidate for the same role in the cycle (``two_person.involvement_problem``), and
not the HR person who recorded or approved the calibration that was in force when the candidate asked, or one that
was pending then (approved since or not).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from rubrics import language
from sqlalchemy.orm import joinedload

from ..cleaning import text_problem
from ..extensions import db
from ..mail.review_mail import notify_review_resolved
from ..models import REVIEW_OUTCOMES, Assessment, Calibration, Cycle, ReviewRequest, User, utcnow
from . import ConflictError, NotAllowed, ServiceError
from .audit import record_audit
from .calibration_rules import real_words
from .replies import is_released_to_candidate, period_end, period_runs
from .two_person import _aware, involvement_problem

#: The longest reason or resolution, in characters.
MAX_REASON = 4000
#: A reason or a resolution needs at least this many real words: the other side must be able to act on it.
MIN_WORDS = 4


def _text_problem(text: str, what: str) -> str | None:
    if len(text) > MAX_REASON:
        return _("keep %(what)s to %(max)d characters; this has %(num)d", what=what, max=MAX_REASON, num=len(text))
    if problem := text_problem(text, multiline=True):
        return problem
    if len(real_words(text)) < MIN_WORDS:
        return _("give %(what)s in at least %(num)d words", what=what, num=MIN_WORDS)
    return None


def requests_of(assessment: Assessment) -> list[ReviewRequest]:
    """The assessment's review requests, oldest first."""
    return list(db.session.scalars(sa.select(ReviewRequest).where(ReviewRequest.assessment_id == assessment.id)
                                   .order_by(ReviewRequest.id)))


def open_request(assessment: Assessment) -> ReviewRequest | None:
    return db.session.scalar(sa.select(ReviewRequest).where(ReviewRequest.assessment_id == assessment.id,
                                                            ReviewRequest.status == "open"))


def request_refusal(assessment: Assessment, now: datetime | None = None) -> str | None:
    """Why the candidate cannot ask for a review now, or None."""
    if not is_released_to_candidate(assessment):
        return _("Nothing has been released to you in this cycle, so there is nothing to review.")
    if not period_runs(assessment, now):
        return _("The period for asking for a review ended on %(date)s.",
                 date=language.long_date(period_end(assessment)))
    if open_request(assessment) is not None:
        return _("You have asked for a review already; HR has not answered it yet. You can ask again once it "
                 "is resolved.")
    return None


def request_review(assessment: Assessment, reason: str, *, actor: User) -> ReviewRequest:
    """The candidate asks for a review with a reason; audited. Refused after the period, while one is open, or
    when nothing was released to them."""
    if actor.id != assessment.candidate_id:
        raise NotAllowed(_("Only the candidate can do this."))
    if refusal := request_refusal(assessment):
        raise NotAllowed(refusal)
    reason = (reason or "").strip().replace("\r\n", "\n")
    if problem := _text_problem(reason, _("your reason")):
        raise ServiceError(problem, field="reason")
    try:
        with db.session.begin_nested():
            request = ReviewRequest(assessment_id=assessment.id, reason=reason, status="open", requested_at=utcnow())
            db.session.add(request)
    except IntegrityError:
        # Another submission made the open request a moment ago (a double click, a second tab).
        raise ConflictError(_("You have asked for a review already; HR has not answered it yet. You can ask again "
                              "once it is resolved.")) from None
    record_audit("review.request", request, f"{actor.name} asked for a review of their results of "
                 f"{assessment.cycle.name}", actor=actor, cycle_id=assessment.cycle_id,
                 after={"reason": reason, "status": "open"})
    return request


def _in_force_at(calibration: Calibration) -> datetime:
    """When the calibration came into force (rows from before approvals were dated: when recorded)."""
    return _aware(calibration.approved_at or calibration.created_at)


def _decision_makers(request: ReviewRequest) -> set[int]:
    """The HR people behind the verdict under review: who recorded and who approved the calibration in force when
    the candidate asked, and every calibration recorded by then but not yet in force (pending at the request,
    whether approved since or not: its approval during the review makes it the verdict under review). A
    calibration recorded after the request is the review's own answer (a "changed" resolution links it): its
    people may resolve."""
    asked = _aware(request.requested_at)
    before = [c for c in request.assessment.calibrations if _aware(c.created_at) <= asked]
    in_force = [c for c in before if c.is_approved and _in_force_at(c) <= asked]
    behind = in_force[-1:] + [c for c in before if not (c.is_approved and _in_force_at(c) <= asked)]
    return {person for c in behind for person in (c.created_by_id, c.approved_by_id) if person is not None}


def resolver_problem(request: ReviewRequest, actor: User) -> str | None:
    """Why ``actor`` may not resolve this request, or None."""
    if actor.role != "hr":
        return _("Only an HR person can resolve a review request.")
    assessment = request.assessment
    if problem := involvement_problem(assessment, actor):
        return problem
    if actor.id in _decision_makers(request):
        return _("You recorded or approved the calibrated verdict %(candidate)s asks to have reviewed, so another "
                 "HR person must resolve the request.", candidate=assessment.candidate.name)
    return None


def change_calibration(request: ReviewRequest) -> Calibration | None:
    """The latest calibration of the assessment that came into force since the request was made (a proposal pending
    at the request and approved during the review counts: the verdict changed during the review), or one that awaits
    approval."""
    asked = _aware(request.requested_at)
    made = [c for c in request.assessment.calibrations if not c.is_approved or _in_force_at(c) >= asked]
    return made[-1] if made else None


def _linked_calibration(request: ReviewRequest) -> Calibration:
    calibration = change_calibration(request)
    if calibration is None:
        raise ServiceError(_("No calibration was recorded since the request: record the changed verdict on the "
                             "results page first (under today's rules), then resolve the request."), field="outcome")
    if not calibration.is_approved:
        raise NotAllowed(_("The calibration proposed on %(date)s awaits a second HR person's approval; resolve the "
                           "request once it is in force.",
                           date=language.long_date(_aware(calibration.created_at))))
    return calibration


def resolve_review(request: ReviewRequest, outcome: str, resolution: str, *, actor: User) -> ReviewRequest:
    """Resolve an open request with an outcome and what the candidate is told; audited; the candidate is mailed."""
    if outcome not in REVIEW_OUTCOMES:
        raise ServiceError(_("choose the outcome"), field="outcome")
    if not request.is_open:
        raise ConflictError(_("This review request was resolved already; reload the page."))
    if problem := resolver_problem(request, actor):
        raise NotAllowed(problem)
    resolution = (resolution or "").strip().replace("\r\n", "\n")
    if problem := _text_problem(resolution, _("the reason")):
        raise ServiceError(problem, field="resolution")
    calibration = _linked_calibration(request) if outcome == "changed" else None
    now = utcnow()
    done = db.session.execute(
        sa.update(ReviewRequest).where(ReviewRequest.id == request.id, ReviewRequest.status == "open")
        .values(status="resolved", outcome=outcome, resolution=resolution, resolved_by_id=actor.id,
                resolved_at=now, calibration_id=calibration.id if calibration else None)
        .execution_options(synchronize_session=False))
    if done.rowcount != 1:
        raise ConflictError(_("Another HR person resolved this request a moment ago; reload the page."))
    db.session.refresh(request)
    assessment = request.assessment
    record_audit("review.resolve", request, f"{actor.name} resolved {assessment.candidate.name}'s review request: "
                 f"{outcome}", actor=actor, cycle_id=assessment.cycle_id, before={"status": "open"},
                 after={"status": "resolved", "outcome": outcome, "resolution": resolution,
                        "calibration": calibration.id if calibration else None})
    notify_review_resolved(request)
    return request


@dataclass(frozen=True)
class OpenReview:
    """An open request as HR's lists show it."""

    request: ReviewRequest
    days_open: int


def open_reviews(cycle: Cycle | None = None, now: datetime | None = None) -> list[OpenReview]:
    """The open review requests (of one cycle, or all), oldest first, with the days each has been open."""
    stmt = (sa.select(ReviewRequest).join(Assessment).where(ReviewRequest.status == "open")
            .options(joinedload(ReviewRequest.assessment).joinedload(Assessment.candidate),
                     joinedload(ReviewRequest.assessment).joinedload(Assessment.cycle))
            .order_by(ReviewRequest.requested_at, ReviewRequest.id))
    if cycle is not None:
        stmt = stmt.where(Assessment.cycle_id == cycle.id)
    now = now or utcnow()
    return [OpenReview(r, (now - _aware(r.requested_at)).days) for r in db.session.scalars(stmt).unique()]
