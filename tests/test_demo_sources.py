"""Issue 18 in the demo: a candidate rated by their direct reports (with where and how long their high levels were
seen), a candidate with an exercise day (two exercises, two assessors, a consensus with a resolved disagreement), a
rater known under three months, every candidate's track record (one not meeting the eligibility rule); the
results page, the overview and HR's PDF show all of it."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from assessment.demo import DEMO_PASSWORD
from assessment.demo_exercises import CONTESTED, EXERCISE_DAY, WITH_EXERCISE_DAY
from assessment.demo_sources import TRACK_RECORDS, WITH_DIRECT_REPORTS
from assessment.extensions import db
from assessment.framework import pinned_framework
from assessment.models import Assessment, AssessorConsensus, Cycle, ExerciseSession, User
from tests.results_helpers import report_pdf_text, results_page_text


@pytest.fixture
def demo(runner, app):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    # The demo's released cycle of today (the history demo adds two earlier released ones).
    released = db.session.scalar(sa.select(Cycle).where(Cycle.name == "Spring 2026 promotion round"))
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


def test_direct_reports_rate_with_situations_and_hr_sees_them(demo, auth, tmp_path):
    released, by_email = demo
    assessment = by_email[WITH_DIRECT_REPORTS]
    team = [a for a in assessment.assignments if a.rater_group == "direct_report"]
    assert len(team) == 3 and all(a.status == "submitted" and a.known_for for a in team)
    seen = [r for a in team for r in a.current_ratings() if r.seen_in]
    assert seen and all(r.seen_in == "role" and r.seen_weeks for r in seen)
    assert [a.known_for for a in assessment.assignments].count("under_3_months") == 1
    _hr(auth)
    text = results_page_text(auth.client, assessment)
    assert "Direct reports: 3 direct reports were asked; all submitted." in text
    assert "Evidence behind the levels" in text and "seen in the role" in text
    assert "Short acquaintance: 1 counted rater has worked with the candidate for less than 3 months." in text
    assert "(rwg " in text
    pdf = report_pdf_text(auth.client, assessment, tmp_path)
    assert "Direct reports 3 direct reports were asked; all submitted." in pdf
    assert "Evidence behind the levels" in pdf and "Sources of evidence and their weights" in pdf


def test_every_high_level_says_where_it_was_seen(demo):
    """On every submitted sheet of the released cycle but the self-assessment, each level at or above the target
    requirement records where and for how long it was seen (the rubric asks it; an assessor's sheet was seen in
    its exercise)."""
    released, _by_email = demo
    framework = pinned_framework(released)
    checked = 0
    for assessment in released.assessments:
        role = framework.role(assessment.target_role)
        for sheet in assessment.assignments:
            if sheet.rater_group == "self" or sheet.status != "submitted":
                continue
            for rating in sheet.current_ratings():
                if rating.level is not None and rating.level >= role.requirement(rating.competency_id).required:
                    if sheet.rater_group == "assessor":
                        assert rating.seen_in == "exercise"
                        continue
                    assert rating.seen_in and rating.seen_weeks, (sheet.rater_group, rating.competency_id)
                    checked += 1
    assert checked > 50


def test_an_exercise_day_with_two_assessors_and_a_resolved_consensus(demo, auth, tmp_path):
    released, by_email = demo
    assessment = by_email[WITH_EXERCISE_DAY]
    sessions = db.session.scalars(sa.select(ExerciseSession).where(ExerciseSession.assessment_id == assessment.id))
    assert sorted(s.exercise_id for s in sessions) == sorted(EXERCISE_DAY)
    sheets = [a for a in assessment.assignments if a.rater_group == "assessor"]
    assert len(sheets) == 4 and all(a.status == "submitted" and a.rater.is_assessor for a in sheets)
    assert len({a.rater_id for a in sheets}) == 2
    consensus = db.session.scalars(sa.select(AssessorConsensus)
                                   .where(AssessorConsensus.assessment_id == assessment.id)).all()
    assert consensus and [c.competency_id for c in consensus if c.resolution] == [CONTESTED]
    _hr(auth)
    text = results_page_text(auth.client, assessment)
    assert "Assessors: The assessors’ consensus is agreed." in text
    assert "in the board presentation exercise" in text or "board presentation and case analysis exercises" in text
    pdf = report_pdf_text(auth.client, assessment, tmp_path)
    assert "Assessors" in pdf and "exercise" in pdf
