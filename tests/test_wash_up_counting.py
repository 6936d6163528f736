"""What of the wash-up's consensus counts (review of issue 18): a consensus level counts only where two different
assessors gave a level; the report names only the exercises where the consensus level was seen (counted revision);
a reason or resolution of "." is refused."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from assessment.extensions import db
from assessment.models import Rating, Submission
from assessment.services import wash_up
from assessment.services.ratings import reopen_sheet
from assessment.services.wash_up import ConsensusAnswer, WashUpRefused
from rubrics import NOT_OBSERVED
from tests.exercise_helpers import assessor, schedule, submit_exercise_sheet

REASON = "Both assessors saw a plan covering three years."


def _save(assessment, framework, answers, actor):
    wash_up.save_consensus(assessment, answers, framework=framework, actor=actor,
                           expected_version=wash_up.consensus_version(assessment))
    db.session.commit()


def _consensus_of(assessment):
    return wash_up.consensus_sheets([assessment.id]).get(assessment.id)


@pytest.fixture
def hr(make):
    return make.user("hr")


def test_one_assessors_level_is_recorded_but_not_counted(make, hr, client, auth):
    """Ada alone gave a level on strategic planning (Ben: not observed; Ada's second exercise does not make her two
    assessors): the consensus level is saved, but the verdict's consensus sheet leaves it out and the page says so."""
    framework, assessment = make.framework, make.assessment()
    ada, ben = assessor(make, "Ada Assessor"), assessor(make, "Ben Assessor")
    case = schedule(assessment, "case_analysis", [ada, ben], framework, hr)
    submit_exercise_sheet(case[0], {"strategic_planning": 4, "decision_making": 4})
    submit_exercise_sheet(case[1], {"strategic_planning": NOT_OBSERVED, "decision_making": 3})
    _save(assessment, framework, {"strategic_planning": ConsensusAnswer(4, REASON),
                                  "decision_making": ConsensusAnswer(4, "Decided well under real time pressure.")},
          ada)
    assert wash_up.consensus_rows(assessment)["strategic_planning"].level == 4  # recorded
    sheet = _consensus_of(assessment)
    assert "strategic_planning" not in sheet.ratings and "strategic_planning" not in sheet.situations
    assert sheet.ratings["decision_making"] == 4  # two assessors: counted
    assert wash_up.single_assessor_competencies(assessment) == {"strategic_planning"}
    auth.login(ada)
    page = client.get(f"/wash-up/{assessment.id}").get_data(as_text=True)
    assert 'id="single-strategic_planning"' in page and 'id="single-decision_making"' not in page
    assert "one assessor only: recorded, not counted" in page


def test_a_single_scheduled_assessor_is_allowed_and_never_counts(make, hr):
    framework, assessment = make.framework, make.assessment()
    ada = assessor(make, "Ada Assessor")
    for exercise_id in ("case_analysis", "role_play"):
        (sheet,) = schedule(assessment, exercise_id, [ada], framework, hr)
        submit_exercise_sheet(sheet, {"performance_metrics": 4})
    _save(assessment, framework, {"performance_metrics": ConsensusAnswer(4, REASON)}, ada)
    assert _consensus_of(assessment) is None or "performance_metrics" not in _consensus_of(assessment).ratings


def test_the_report_names_only_exercises_where_the_consensus_level_was_seen(make, hr):
    """Consensus 4: the case (Ada 4) counts; the role-play (Ada not observed, Ben 3) does not; nor does Ben's 5 in
    the presentation's earlier revision, reopened and resubmitted at 3."""
    framework, assessment = make.framework, make.assessment()
    ada, ben = assessor(make, "Ada Assessor"), assessor(make, "Ben Assessor")
    case = schedule(assessment, "case_analysis", [ada, ben], framework, hr)
    role_play = schedule(assessment, "role_play", [ada, ben], framework, hr)
    submit_exercise_sheet(case[0], {"performance_metrics": 4})
    submit_exercise_sheet(case[1], {"performance_metrics": 3})
    submit_exercise_sheet(role_play[0], {"performance_metrics": NOT_OBSERVED})
    submit_exercise_sheet(role_play[1], {"performance_metrics": 5})
    answers = {"performance_metrics": ConsensusAnswer(4, REASON, "Ben's five rested on one single answer.")}
    _save(assessment, framework, answers, ada)
    assert _consensus_of(assessment).situations["performance_metrics"].exercises == ("case_analysis", "role_play")
    reopen_sheet(role_play[1], "Ben corrects a typo in his level.", actor=hr)
    db.session.flush()
    db.session.execute(sa.update(Rating).where(Rating.assignment_id == role_play[1].id,
                                               Rating.revision == role_play[1].revision).values(level=3))
    db.session.add(Submission(assignment_id=role_play[1].id, revision=role_play[1].revision, submitted_by_id=ben.id))
    role_play[1].status = "submitted"
    db.session.commit()
    assert _consensus_of(assessment).situations["performance_metrics"].exercises == ("case_analysis",)


@pytest.mark.parametrize("field", ["reason", "resolution"])
@pytest.mark.parametrize("text", [".", "ok ok ok ok ok ok", "x" * 40, "Agreed level 4"])
def test_a_reason_or_resolution_without_words_is_refused(make, hr, field, text):
    framework, assessment = make.framework, make.assessment()
    ada, ben = assessor(make, "Ada Assessor"), assessor(make, "Ben Assessor")
    for sheet, level in zip(schedule(assessment, "case_analysis", [ada, ben], framework, hr), (3, 5)):
        submit_exercise_sheet(sheet, {"strategic_planning": level})
    typed = {"reason": REASON, "resolution": "Ben's five rested on one single answer."} | {field: text}
    with pytest.raises(WashUpRefused) as refused:
        _save(assessment, framework, {"strategic_planning": ConsensusAnswer(4, typed["reason"], typed["resolution"])},
              ada)
    assert set(refused.value.problems) == {f"{field}_strategic_planning"}
    assert "at least 5 different real words" in refused.value.problems[f"{field}_strategic_planning"]


def test_the_page_shows_the_wording_problem_beside_the_reason(make, hr, client, auth):
    framework, assessment = make.framework, make.assessment()
    ada, ben = assessor(make, "Ada Assessor"), assessor(make, "Ben Assessor")
    for sheet in schedule(assessment, "case_analysis", [ada, ben], framework, hr):
        submit_exercise_sheet(sheet, {"strategic_planning": 4})
    auth.login(ben)
    url = f"/wash-up/{assessment.id}"
    response = client.post(url, data={"version": "", "level_strategic_planning": "4",
                                      "reason_strategic_planning": "."})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="reason_strategic_planning-error">Say in a sentence why the assessors agreed this' in page
    assert wash_up.consensus_rows(assessment) == {}
