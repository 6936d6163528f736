"""Issue 18 in the demo: every candidate's track record, one not meeting the eligibility rule, which the results
page and the overview show beside the verdict."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from assessment.demo import DEMO_PASSWORD
from assessment.demo_sources import TRACK_RECORDS
from assessment.extensions import db
from assessment.models import Assessment, Cycle, User
from tests.results_helpers import results_page_text


@pytest.fixture
def demo(runner, app):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    released = db.session.scalar(sa.select(Cycle).where(Cycle.state == "released"))
    return released, {a.candidate.email: a for a in released.assessments}


def _hr(auth):
    auth.login(db.session.scalar(sa.select(User).where(User.role == "hr")), DEMO_PASSWORD)


def test_every_candidate_has_a_track_record_and_one_misses_the_rule(demo, auth):
    released, by_email = demo
    everyone = db.session.scalars(sa.select(Assessment)).all()
    assert all(a.leadership_months is not None and a.current_role_months is not None for a in everyone)
    assert set(TRACK_RECORDS) == {a.candidate.email for a in everyone}
    _hr(auth)
    text = results_page_text(auth.client, by_email["aoife.obrien@example.com"])
    assert "in leadership roles: 44, not met." in text and "it never changes the band" in text
    overview = auth.client.get(f"/cycles/{released.id}/overview").get_data(as_text=True)
    assert "Eligibility rule not met" in overview and "Eligibility rule met" in overview
    assert "Agreement: raters" in overview
