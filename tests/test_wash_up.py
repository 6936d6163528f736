"""The assessors' wash-up (services): when it opens, the resolution and range rules, the stamp, the lock; and how
the consensus enters the verdict as one sheet (load_sheets, load_assigned, stored results)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from assessment.extensions import db
from assessment.models import AssessorConsensus, AuditEvent, Submission, utcnow
from assessment.services import ConflictError, NotAllowed
from assessment.services import ratings, results_store, sheets as sheet_service, wash_up
from assessment.services.assessments import assign_rater
from assessment.services.cycles import change_state
from assessment.services.rater_quality import cycle_ratings
from assessment.services.readiness import compute_results
from assessment.services.wash_up import ConsensusAnswer, WashUpRefused
from rubrics import NOT_OBSERVED
from tests.exercise_helpers import assessor, schedule, submit_exercise_sheet


@pytest.fixture
def framework(make):
    return make.framework


@pytest.fixture
def day(make, framework):
    """A candidate in an open cycle with two exercises, two assessors each (Ada and Ben in both)."""
    hr = make.user("hr")
    assessment = make.assessment()
    ada, ben = assessor(make, "Ada Assessor"), assessor(make, "Ben Assessor")
    case = schedule(assessment, "case_analysis", [ada, ben], framework, hr)
    role_play = schedule(assessment, "role_play", [ada, ben], framework, hr)
    return {"hr": hr, "assessment": assessment, "ada": ada, "ben": ben, "case": case, "role_play": role_play}


def _submit_all(day, metrics=(3, 4, 3, 4)):
    """Submit every sheet; ``metrics``: the four levels on performance metrics (case Ada, Ben, role-play Ada, Ben)."""
    levels = iter(metrics)
    for sheet in day["case"]:
        submit_exercise_sheet(sheet, {"performance_metrics": next(levels), "decision_making": 4})
    for sheet in day["role_play"]:
        submit_exercise_sheet(sheet, {"performance_metrics": next(levels), "communication": NOT_OBSERVED})


def _answers(**overrides):
    answers = {"performance_metrics": ConsensusAnswer(4, "Both exercises showed a 3-year plan."),
               "decision_making": ConsensusAnswer(4, "Decided quickly with incomplete market data."),
               "communication": ConsensusAnswer(NOT_OBSERVED, "The role-play was cut short.")}
    answers.update(overrides)
    return answers


def _save(day, framework, answers, actor=None, version=None):
    assessment = day["assessment"]
    saved = wash_up.save_consensus(assessment, answers, framework=framework, actor=actor or day["ada"],
                                   expected_version=wash_up.consensus_version(assessment) if version is None
                                   else version)
    db.session.commit()
    return saved


def test_opens_only_once_every_assessor_sheet_is_submitted(day, framework):
    assessment = day["assessment"]
    assert not wash_up.is_ready(assessment)
    submit_exercise_sheet(day["case"][0], {"performance_metrics": 3, "decision_making": 4})
    with pytest.raises(NotAllowed, match="once every assessor"):
        _save(day, framework, _answers())
    db.session.rollback()
    _submit_all_rest(day)
    assert wash_up.is_ready(assessment)


def _submit_all_rest(day):
    submit_exercise_sheet(day["case"][1], {"performance_metrics": 4, "decision_making": 4})
    for sheet in day["role_play"]:
        submit_exercise_sheet(sheet, {"performance_metrics": 3, "communication": NOT_OBSERVED})


def test_rows_name_each_assessor_per_exercise_in_rubric_order(day, framework):
    _submit_all(day)
    rows = wash_up.wash_up_rows(day["assessment"], framework)
    order = [c.id for c in framework.competencies]
    assert [r.competency_id for r in rows] == sorted(["performance_metrics", "decision_making", "communication"],
                                                     key=order.index)
    metrics = next(r for r in rows if r.competency_id == "performance_metrics")
    assert [(o.assessor, o.exercise_id, o.value) for o in metrics.observations] == [
        ("Ada Assessor", "case_analysis", 3), ("Ben Assessor", "case_analysis", 4),
        ("Ada Assessor", "role_play", 3), ("Ben Assessor", "role_play", 4)]
    assert metrics.span == (3, 4) and not metrics.resolve


@pytest.mark.parametrize(("levels", "needs"), [((3, 4, 4, 4), False), ((3, 5, 4, 4), True)])
def test_resolution_required_from_exactly_two_apart(day, framework, levels, needs):
    _submit_all(day, levels)
    if needs:
        with pytest.raises(WashUpRefused) as refused:
            _save(day, framework, _answers())
        assert set(refused.value.problems) == {"resolution_performance_metrics"}
        db.session.rollback()
        _save(day, framework, _answers(performance_metrics=ConsensusAnswer(
            4, "Both exercises showed a clear plan.", "Ben saw the full case; Ada agreed the 5 was the case alone.")))
    else:
        _save(day, framework, _answers())
    row = db.session.scalar(sa.select(AssessorConsensus).where(AssessorConsensus.competency_id == "performance_metrics"))
    assert row.level == 4 and bool(row.resolution) is needs


def test_a_consensus_nobody_saw_is_refused_with_every_problem(day, framework):
    _submit_all(day)
    with pytest.raises(WashUpRefused) as refused:
        _save(day, framework, _answers(performance_metrics=ConsensusAnswer(5, "Stretch"),
                                       decision_making=ConsensusAnswer(4, "  "),
                                       communication=ConsensusAnswer(3, "Saw it")))
    problems = refused.value.problems
    assert "given by no assessor" in problems["level_performance_metrics"] and "3 to 4" in problems["level_performance_metrics"]
    assert "reason" in problems["reason_decision_making"]
    assert "not observed" in problems["level_communication"]
    assert db.session.scalar(sa.select(sa.func.count(AssessorConsensus.id))) == 0


def test_saved_audited_and_a_stale_save_refused(day, framework):
    _submit_all(day)
    stamp = wash_up.consensus_version(day["assessment"])
    _save(day, framework, _answers())
    rows = wash_up.consensus_rows(day["assessment"])
    assert {cid: (r.level, r.is_not_observed, r.agreed_by_id) for cid, r in rows.items()} == {
        "performance_metrics": (4, False, day["ada"].id), "decision_making": (4, False, day["ada"].id),
        "communication": (None, True, day["ada"].id)}
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.kind == "assessment.consensus"))
    assert event.after["communication"][0] == NOT_OBSERVED and event.before is None
    with pytest.raises(ConflictError, match="Someone else saved"):
        _save(day, framework, _answers(), actor=day["ben"], version=stamp)
    db.session.rollback()
    _save(day, framework, _answers(performance_metrics=ConsensusAnswer(
        3, "On reflection both assessors agreed level three.")), actor=day["ben"])
    assert wash_up.consensus_rows(day["assessment"])["performance_metrics"].agreed_by_id == day["ben"].id


def test_only_assessors_and_hr_and_locked_after_close(make, day, framework):
    _submit_all(day)
    manager = make.user("manager")
    assert not wash_up.may_take_part(day["assessment"], manager)
    assert wash_up.may_take_part(day["assessment"], day["hr"])
    with pytest.raises(NotAllowed, match="assessors or HR"):
        _save(day, framework, _answers(), actor=manager)
    db.session.rollback()
    _save(day, framework, _answers(), actor=day["hr"])
    change_state(day["assessment"].cycle, "closed", actor=day["hr"])
    db.session.commit()
    with pytest.raises(NotAllowed, match="locked"):
        _save(day, framework, _answers())


def test_the_consensus_is_one_sheet_of_the_verdict(day, framework):
    _submit_all(day)
    aid = day["assessment"].id
    before = sheet_service.load_sheets([aid])[aid]
    assert all(s.group != "assessor" for s in before)  # the assessors' own sheets never count
    assert sheet_service.load_assigned([aid])[aid]["assessor"] == 1
    cycle = day["assessment"].cycle
    fingerprint = results_store.input_fingerprints(cycle, [day["assessment"]])[aid]
    _save(day, framework, _answers())
    [consensus] = [s for s in sheet_service.load_sheets([aid])[aid] if s.group == "assessor"]
    assert consensus.rater_key == "assessor-consensus"
    assert consensus.ratings == {"performance_metrics": 4, "decision_making": 4, "communication": NOT_OBSERVED}
    assert consensus.comments["decision_making"] == "Decided quickly with incomplete market data."
    assert consensus.situations["performance_metrics"].exercises == ("case_analysis", "role_play")
    assert consensus.situations["decision_making"].exercises == ("case_analysis",)
    assert consensus.situations["decision_making"].seen_in == "exercise"
    assert results_store.input_fingerprints(cycle, [day["assessment"]])[aid] != fingerprint
    # The rater keys of rater_ids stay those of load_sheets (the assessors are not among them).
    assert set(sheet_service.rater_ids([aid])[aid]) <= {s.rater_key for s in before}


def test_assessor_sheets_are_not_rater_quality_data(day):
    """An assessor's exercise sheet never counts, so it never feeds the cycle's rater-quality flags either."""
    _submit_all(day)
    assert cycle_ratings(day["assessment"].cycle) == []


def test_the_consensus_enters_the_verdict_as_the_assessors_group(day, framework):
    """Before the wash-up the assessors' own levels count nowhere; after it, the consensus is the assessors' score."""
    _submit_all(day, metrics=(3, 5, 4, 4))
    assessment = day["assessment"]

    def metrics_result():
        result = compute_results([assessment], framework=framework)[assessment.id]
        return next(c for c in result.competencies if c.competency_id == "performance_metrics")

    assert metrics_result().assessor_score is None
    _save(day, framework, _answers(performance_metrics=ConsensusAnswer(4, "Both exercises showed a KPI tree.",
                                                                       "Ben's 5 rested on one single answer.")))
    after = metrics_result()
    assert after.assessor_score == 4.0
    assert after.situation_text == "seen in the case analysis and role-play exercises"  # the report says where


def _resubmit(sheet, competency_id, level):
    """A reopened sheet changed on one competency and submitted again (as the rating sheet would)."""
    [rating] = [r for r in sheet.current_ratings() if r.competency_id == competency_id]
    rating.level = level
    db.session.add(Submission(assignment_id=sheet.id, revision=sheet.revision, submitted_by_id=sheet.rater_id))
    sheet.status, sheet.submitted_at = "submitted", utcnow()
    db.session.commit()


def test_a_consensus_outside_the_levels_after_a_reopened_sheet_stops_counting(day, framework):
    """Attack: the wash-up agreed 5 (levels 3 to 5); HR reopened the sheet with the 5 and its assessor resubmitted
    3. The consensus 5 lay outside every level given and still counted. Now it counts only while every assessor
    sheet is submitted and it lies within their levels; the rows are kept until the assessors agree again."""
    _submit_all(day, metrics=(3, 5, 4, 4))
    assessment, aid = day["assessment"], day["assessment"].id

    def metrics_score():
        result = compute_results([assessment], framework=framework)[aid]
        return next(c for c in result.competencies if c.competency_id == "performance_metrics").assessor_score

    _save(day, framework, _answers(performance_metrics=ConsensusAnswer(5, "A full KPI tree with clear targets.",
                                                                       "Ben's final answer won the others over.")))
    assert metrics_score() == 5.0
    five = day["case"][1]
    ratings.reopen_sheet(five, "Typed the wrong level.", actor=day["hr"])
    db.session.commit()
    assert metrics_score() is None and wash_up.consensus_sheets([aid]) == {}  # a sheet is open again
    _resubmit(five, "performance_metrics", 3)
    assert metrics_score() is None
    rows = {r.competency_id: r for r in wash_up.wash_up_rows(assessment, framework)}
    assert rows["performance_metrics"].consensus.level == 5 and not rows["performance_metrics"].counts
    assert rows["decision_making"].counts
    assert set(wash_up.consensus_sheets([aid])[aid].ratings) == {"decision_making", "communication"}
    _save(day, framework, _answers())
    assert metrics_score() == 4.0


def test_hr_staff_who_rate_the_candidate_keep_out_of_the_wash_up(make, day, framework):
    """Attack: an HR account assigned as the candidate's manager saw the assessors' evidence and saved the
    consensus. HR staff who rate the candidate otherwise, and the candidate, are refused like anyone else."""
    _submit_all(day)
    hilda = make.user("hr", name="Hilda HR")
    assert wash_up.may_take_part(day["assessment"], hilda)
    assign_rater(day["assessment"], hilda, "manager", actor=day["hr"], reason="Her line manager since May.")
    db.session.commit()
    assert not wash_up.may_take_part(day["assessment"], hilda)
    assert not wash_up.may_take_part(day["assessment"], day["assessment"].candidate)
    with pytest.raises(NotAllowed, match="assessors or HR"):
        _save(day, framework, _answers(), actor=hilda)
    db.session.rollback()
    assert wash_up.consensus_rows(day["assessment"]) == {}
