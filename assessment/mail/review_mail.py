"""The message that tells a candidate how HR resolved their review request (issue 20, 4), in their language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..models import ReviewRequest
from .compose import external_url, send_to

#: The outcome of a review request in words (HR's pages and the candidate's use these too).
REVIEW_OUTCOME_LABELS = {
    "upheld": _l("Verdict upheld (no change)"),
    "changed": _l("Verdict changed through calibration"),
    "not_upheld": _l("Request not upheld"),
}


def notify_review_resolved(request: ReviewRequest) -> None:
    """Tell the candidate the outcome of their review request and HR's reason (recorded in the outbox)."""
    assessment = request.assessment
    send_to(assessment.candidate, "review_resolved",
            _l("Your review request about %(name)s was answered", name=assessment.cycle.name), "review_resolved",
            cycle_id=assessment.cycle_id, cycle=assessment.cycle, outcome=REVIEW_OUTCOME_LABELS[request.outcome],
            resolution=request.resolution, link=external_url("reply.show_reply", assessment_id=assessment.id))
