"""Issue 20, 4 in the demo: a candidate of the released cycle acknowledged, replied and has an open review request,
which HR sees on the dashboard and the candidate's results page; a second run of the demo adds nothing."""

from __future__ import annotations

import sqlalchemy as sa

from assessment.demo import DEMO_PASSWORD
from assessment.demo_reply import REPLYING
from assessment.extensions import db
from assessment.models import Cycle, ReviewRequest, User
from assessment.services.replies import reply_of
from tests.results_helpers import results_page_text


def test_the_demo_has_a_reply_and_an_open_review_request(runner, app, auth):
    """Built once through the services; HR sees both."""
    for _ in range(2):
        result = runner.invoke(args=["demo"])
        assert result.exit_code == 0, result.output
    # The demo's released cycle of today (the history demo adds two earlier released ones).
    released = db.session.scalar(sa.select(Cycle).where(Cycle.name == "Spring 2026 promotion round"))
    assessment = next(a for a in released.assessments if a.candidate.email == REPLYING)
    row = reply_of(assessment)
    assert row.acknowledged_at is not None and row.version == 1 and "warehouse flood" in row.text
    [request] = db.session.scalars(sa.select(ReviewRequest)).all()
    assert request.is_open and request.assessment_id == assessment.id
    auth.login(db.session.scalar(sa.select(User).where(User.role == "hr")), DEMO_PASSWORD)
    dashboard = auth.client.get(f"/hr/cycles/{released.id}").get_data(as_text=True)
    assert "1 open review request" in dashboard
    page = results_page_text(auth.client, assessment)
    assert "warehouse flood" in page and "Resolve the review request" in page
