"""HR marks trained assessors and schedules exercises (pages); the assessor sees the exercise in their sheet list."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from assessment.extensions import db
from assessment.models import AuditEvent, ExerciseSession, RaterAssignment
from tests.exercise_helpers import assessor, schedule
from tests.sheets import reload, sheet_of


def _assessor_sheets():
    return db.session.scalars(sa.select(RaterAssignment).where(RaterAssignment.rater_group == "assessor")).all()


def test_hr_marks_and_unmarks_an_assessor(make, client, auth):
    hr, manager, candidate = make.user("hr"), make.user("manager"), make.user("candidate")
    auth.login(hr)
    page = client.get(f"/hr/people/{manager.id}").get_data(as_text=True)
    assert "Trained assessor: may be scheduled" in page
    response = client.post(f"/hr/people/{manager.id}/assessor", data={"is_assessor": "y"})
    assert response.status_code == 302 and reload(manager).is_assessor
    assert db.session.scalar(sa.select(AuditEvent.kind).order_by(AuditEvent.id.desc()).limit(1)) == "user.assessor"
    client.post(f"/hr/people/{manager.id}/assessor", data={})
    assert not reload(manager).is_assessor
    assert "Only managers and HR people" in client.get(f"/hr/people/{candidate.id}").get_data(as_text=True)
    refused = client.post(f"/hr/people/{candidate.id}/assessor", data={"is_assessor": "y"})
    assert refused.status_code == 400 and "candidate account" in refused.get_data(as_text=True)
    assert not reload(candidate).is_assessor


def _schedule_page(client, assessment):
    return client.get(f"/hr/assessments/{assessment.id}/exercises")


def test_hr_schedules_an_exercise_and_the_assessor_sees_it(make, client, auth):
    hr = make.user("hr")
    assessment = make.assessment(cycle=make.cycle(state="draft"))
    ada, ben = assessor(make, "Ada Assessor"), assessor(make, "Ben Assessor")
    auth.login(hr)
    page = _schedule_page(client, assessment).get_data(as_text=True)
    assert "Ada Assessor" in page and "Case analysis" in page and "No exercise is scheduled" in page
    response = client.post(f"/hr/assessments/{assessment.id}/exercises",
                           data={"exercise_id": "case_analysis", "scheduled_on": "2026-12-14",
                                 "assessors": [str(ada.id), str(ben.id)]})
    assert response.status_code == 302
    session = db.session.scalar(sa.select(ExerciseSession))
    assert session.exercise_id == "case_analysis" and session.scheduled_on.isoformat() == "2026-12-14"
    assert sorted(s.rater.name for s in _assessor_sheets()) == ["Ada Assessor", "Ben Assessor"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "scheduled for" in page and "14 December 2026" in page
    assert "Case analysis" in client.get(f"/hr/assessments/{assessment.id}").get_data(as_text=True)
    from assessment.services.cycles import change_state
    change_state(assessment.cycle, "open", actor=hr, framework=make.framework)
    db.session.commit()
    auth.logout()
    auth.login(ada)
    sheets = client.get("/ratings/").get_data(as_text=True)
    assert "Case analysis" in sheets and f"/wash-up/{assessment.id}" in sheets


@pytest.mark.parametrize(("data", "message"), [
    ({"exercise_id": "case_analysis"}, "Name at least one assessor"),
    ({"exercise_id": "karaoke", "assessors": ["ADA"]}, "Not a valid choice"),
    ({"exercise_id": "case_analysis", "assessors": ["99999999999999999999999999"]}, "Invalid choice"),
    ({"exercise_id": "case_analysis", "assessors": ["ADA"], "reason": "bad\x00byte"}, "NUL byte"),
    ({"exercise_id": "case_analysis", "assessors": ["ADA"], "scheduled_on": "2026-13-45"}, "Not a valid date"),
    ({"exercise_id": "case_analysis", "assessors": ["ADA"]}, "give the reason"),
])
def test_scheduling_refusals_keep_what_was_typed(make, client, auth, data, message):
    hr = make.user("hr")
    assessment = make.assessment()  # open: a reason is needed
    ada = assessor(make, "Ada Assessor")
    data = {k: ([str(ada.id) if v == "ADA" else v for v in value] if isinstance(value, list) else value)
            for k, value in data.items()}
    auth.login(hr)
    response = client.post(f"/hr/assessments/{assessment.id}/exercises", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400, page
    assert message in page, page[page.find('id="error-summary"'):][:700]
    assert not _assessor_sheets()
    if data.get("exercise_id") == "case_analysis":
        assert '<option selected value="case_analysis">' in page or 'value="case_analysis" selected' in page


def test_conflict_of_interest_is_refused_on_the_page(make, client, auth):
    hr = make.user("hr")
    assessment = make.assessment(cycle=make.cycle(state="draft"))
    manager = sheet_of(assessment, "manager").rater
    manager.is_assessor = True
    db.session.commit()
    auth.login(hr)
    response = client.post(f"/hr/assessments/{assessment.id}/exercises",
                           data={"exercise_id": "case_analysis", "assessors": [str(manager.id)]})
    assert response.status_code == 400 and "conflict of interest" in response.get_data(as_text=True)


def test_removing_the_last_assessor_after_opening_needs_a_reason_and_unschedules(make, client, auth):
    hr = make.user("hr")
    assessment = make.assessment()
    [sheet] = schedule(assessment, "case_analysis", [assessor(make, "Ada Assessor")],
                       make.framework, hr)
    auth.login(hr)
    page = client.get(f"/hr/assignments/{sheet.id}/remove").get_data(as_text=True)
    assert "Remove Ada Assessor as assessor?" in page
    assert client.post(f"/hr/assignments/{sheet.id}/remove", data={}).status_code == 400
    response = client.post(f"/hr/assignments/{sheet.id}/remove", data={"reason": "Ada is ill"})
    assert response.status_code == 302
    assert not _assessor_sheets() and db.session.scalar(sa.select(sa.func.count(ExerciseSession.id))) == 0


def test_schedule_page_is_hr_only(make, client, auth):
    assessment = make.assessment()
    person = assessor(make)
    auth.login(person)
    assert client.get(f"/hr/assessments/{assessment.id}/exercises").status_code == 403
    assert client.post(f"/hr/people/{person.id}/assessor", data={}).status_code == 403
    auth.logout()
    auth.login(make.user("hr"))
    assert client.get("/hr/assessments/99999999999999999999999/exercises").status_code == 404
