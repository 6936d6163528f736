"""The demo's right of reply (issue 20, 4): in the released cycle, one candidate has acknowledged their results,
written a reply and asked for a review that is still open. Built through the reply services, once."""

from __future__ import annotations

import sqlalchemy as sa

from .extensions import db
from .models import Assessment, Cycle, User
from .services.replies import acknowledge, reply_of, save_reply
from .services.review_requests import requests_of, request_review

#: Who replies (a candidate of the released spring cycle).
REPLYING = "zoe.muller-simic@example.com"
REPLY = ("Thank you for the report. I recognise the gaps in budget authority: I have owned a budget for one year "
         "only. I see crisis management differently: during the warehouse flood in February I led the recovery for "
         "three weeks, which my peers did not see and my manager was on leave for. I would like that to be weighed.")
REASON = ("Crisis management was rated below the requirement, but the raters did not see the February warehouse "
          "flood, where I led the recovery for three weeks. Please ask the site director, who saw it, and review "
          "the verdict.")


def reply_and_review(cycle: Cycle) -> None:
    """Acknowledge, reply and ask for a review as the demo candidate, when the cycle is released and they have not."""
    assessment = db.session.scalar(sa.select(Assessment).join(User, Assessment.candidate_id == User.id)
                                   .where(Assessment.cycle_id == cycle.id, User.email == REPLYING))
    if assessment is None or cycle.state != "released" or requests_of(assessment):
        return
    candidate = assessment.candidate
    row = reply_of(assessment)
    if row is None or row.acknowledged_at is None:
        acknowledge(assessment, actor=candidate)
    save_reply(assessment, REPLY, actor=candidate, expected_version=reply_of(assessment).version)
    request_review(assessment, REASON, actor=candidate)
