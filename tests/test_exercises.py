"""Assessor exercises (issue 18): marking trained assessors and scheduling exercises (services)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from assessment.extensions import db
from assessment.models import AuditEvent, ExerciseSession
from assessment.services import NotAllowed, ServiceError
from assessment.services import exercises
from assessment.services.assessments import RATER_CHANGE_KIND, add_assessment, assign_rater
from assessment.services.cycles import change_state
from assessment.services.users import change_role
from tests.exercise_helpers import assessor, schedule
from tests.sheets import sheet_of


@pytest.fixture
def framework(make):
    return make.framework


def _kinds():
    return [e.kind for e in db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id))]


def test_hr_marks_a_manager_as_assessor_but_never_a_candidate(make):
    hr, manager, candidate = make.user("hr"), make.user("manager"), make.user("candidate")
    exercises.mark_assessor(manager, True, actor=hr)
    assert manager.is_assessor and _kinds()[-1] == "user.assessor"
    with pytest.raises(ServiceError, match="already marked"):
        exercises.mark_assessor(manager, True, actor=hr)
    with pytest.raises(ServiceError, match="candidate account"):
        exercises.mark_assessor(candidate, True, actor=hr)
    exercises.mark_assessor(manager, False, actor=hr)
    assert not manager.is_assessor


def test_scheduling_creates_the_session_and_one_sheet_per_assessor(make, framework):
    hr = make.user("hr")
    assessment = make.assessment(cycle=make.cycle(state="draft"))
    first, second = assessor(make), assessor(make)
    sheets = schedule(assessment, "case_analysis", [first, second], framework, hr)
    assert [(s.rater_group, s.exercise_id) for s in sheets] == [("assessor", "case_analysis")] * 2
    session = db.session.scalar(sa.select(ExerciseSession))
    assert (session.assessment_id, session.exercise_id) == (assessment.id, "case_analysis")
    assert _kinds()[-1] == "exercise.schedule"
    # The same assessor can assess a second exercise, but not the same one twice.
    schedule(assessment, "role_play", [first], framework, hr)
    with pytest.raises(ServiceError, match="already assesses"):
        exercises.schedule_exercise(assessment, "role_play", [first], framework=framework, actor=hr)
    assert len(exercises.assessor_sheets(assessment)) == 3


@pytest.mark.parametrize("who", ["candidate", "manager", "peer", "unmarked", "fellow_candidate"])
def test_conflicts_of_interest_are_refused(make, framework, who):
    hr = make.user("hr")
    cycle = make.cycle(state="draft")
    assessment = make.assessment(cycle=cycle, peers=1)
    if who == "candidate":
        person, expected = assessment.candidate, "is the candidate"
    elif who in ("manager", "peer"):
        person = sheet_of(assessment, who).rater
        person.role, person.is_assessor = "manager", True
        expected = "already rates"
    elif who == "unmarked":
        person, expected = make.user("manager"), "not marked"
    else:  # a candidate of the same cycle whose account later became a manager's
        other = make.assessment(cycle=cycle)
        person = other.candidate
        person.role, person.is_assessor = "manager", True
        expected = "candidate in this cycle"
    with pytest.raises(ServiceError, match=expected) as refused:
        exercises.schedule_exercise(assessment, "case_analysis", [person], framework=framework, actor=hr)
    assert refused.value.field == "assessors"
    assert not exercises.assessor_sheets(assessment)


def test_an_assessor_cannot_then_be_added_as_peer(make, framework):
    hr, person = make.user("hr"), None
    assessment = make.assessment(cycle=make.cycle(state="draft"))
    person = assessor(make)
    schedule(assessment, "case_analysis", [person], framework, hr)
    with pytest.raises(ServiceError, match="already assigned"):
        assign_rater(assessment, person, "peer", actor=hr)


def test_unknown_exercise_no_assessor_and_closed_cycle(make, framework):
    hr = make.user("hr")
    assessment = make.assessment(cycle=make.cycle(state="draft"))
    with pytest.raises(ServiceError, match="rubric's exercises"):
        exercises.schedule_exercise(assessment, "karaoke", [assessor(make)], framework=framework, actor=hr)
    with pytest.raises(ServiceError, match="at least one"):
        exercises.schedule_exercise(assessment, "case_analysis", [], framework=framework, actor=hr)
    person = assessor(make)
    with pytest.raises(ServiceError, match="named twice"):
        exercises.schedule_exercise(assessment, "case_analysis", [person, person], framework=framework, actor=hr)
    change_state(assessment.cycle, "open", actor=hr, framework=make.framework)
    change_state(assessment.cycle, "closed", actor=hr)
    with pytest.raises(NotAllowed):
        exercises.schedule_exercise(assessment, "case_analysis", [person], framework=framework, actor=hr)


def test_after_opening_a_reason_is_needed_and_each_assessor_is_a_rater_change(make, framework):
    hr = make.user("hr")
    assessment = make.assessment()  # an open cycle
    person = assessor(make)
    with pytest.raises(ServiceError, match="give the reason") as refused:
        exercises.schedule_exercise(assessment, "case_analysis", [person], framework=framework, actor=hr)
    assert refused.value.field == "reason"
    db.session.rollback()
    [sheet] = schedule(assessment, "case_analysis", [person], framework, hr, reason="Exercise day added")
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.kind == RATER_CHANGE_KIND))
    assert event.after["exercise"] == "case_analysis" and event.after["reason"] == "Exercise day added"
    assert event.after["group"] == "assessor"
    exercises.remove_assessor(sheet, actor=hr, reason="Assessor is ill")
    db.session.commit()
    # The exercise goes with its last assessor.
    assert db.session.scalar(sa.select(sa.func.count(ExerciseSession.id))) == 0
    assert [e.after["change"] for e in db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.kind == RATER_CHANGE_KIND).order_by(AuditEvent.id))] == \
        ["added", "removed"]


def test_removing_one_of_two_assessors_keeps_the_exercise(make, framework):
    hr = make.user("hr")
    assessment = make.assessment(cycle=make.cycle(state="draft"))
    first, _second = schedule(assessment, "case_analysis", [assessor(make), assessor(make)], framework, hr)
    exercises.remove_assessor(first, actor=hr)
    db.session.commit()
    assert len(exercises.sessions_of(assessment)) == 1
    assert len(exercises.assessor_sheets(assessment)) == 1


def test_an_assessor_cannot_become_a_candidate_in_the_same_cycle(make, framework):
    """Attack: HR turned an assessor into a candidate and added them to the cycle they assess in; they kept their
    assessor sheet. The role change now ends the assessor mark (audited), and adding them to that cycle is refused."""
    hr = make.user("hr")
    assessment = make.assessment()
    ada = assessor(make, "Ada Assessor")
    schedule(assessment, "case_analysis", [ada], framework, hr)
    change_role(ada, "candidate", actor=hr)
    db.session.commit()
    event = db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert not ada.is_assessor
    assert (event.kind, event.before, event.after) == ("user.role_change", {"role": "manager", "is_assessor": True},
                                                       {"role": "candidate", "is_assessor": False})
    with pytest.raises(ServiceError, match="assesses other candidates in this cycle"):
        add_assessment(assessment.cycle, ada, "operations_manager", framework.next_role("operations_manager").id,
                       framework=framework, actor=hr)
    db.session.rollback()
    elsewhere = add_assessment(make.cycle(), ada, "operations_manager", framework.next_role("operations_manager").id,
                               framework=framework, actor=hr)
    assert elsewhere.candidate_id == ada.id  # another cycle is fine
