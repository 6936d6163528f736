"""Candidate self-service: their assessments, their self-assessment, the results state."""

from flask import Blueprint, url_for

from assessment.access import role_required
from assessment.extensions import db
from assessment.services.cycles import change_state
from tests.sheets import complete_answers, form_data, reload, sheet_of


def test_home_lists_own_assessment_with_self_assessment_link_and_results_pending(client, auth, make):
    """Before release: cycle, roles, a link to the self-assessment with its status, and 'Results not yet released'."""
    assessment = make.assessment()
    make.assessment(cycle=assessment.cycle, candidate=make.user("candidate", name="Other Person"))
    auth.login(assessment.candidate)
    page = client.get("/me").get_data(as_text=True)
    own = sheet_of(assessment, "self")
    assert assessment.cycle.name in page and "Operations Manager → Head of Operations" in page
    assert f'href="/ratings/{own.id}">Start your self-assessment</a>' in page
    assert "Not started" in page and "Results not yet released." in page
    assert "Other Person" not in page


def test_candidate_completes_the_self_assessment_on_the_same_form(client, auth, make):
    """The candidate saves a draft and submits their self-assessment; /me then shows it as submitted."""
    assessment = make.assessment()
    own = sheet_of(assessment, "self")
    auth.login(assessment.candidate)
    page = client.get(f"/ratings/{own.id}").get_data(as_text=True)
    assert "Your self-assessment" in page and "Blind rating" not in page
    answers = complete_answers(make.framework, 4)
    assert client.post(f"/ratings/{own.id}", data=form_data(own, answers)).status_code == 302
    assert "Continue your self-assessment" in client.get("/me").get_data(as_text=True)
    stored = reload(own)
    response = client.post(f"/ratings/{own.id}", data=form_data(stored, answers, action="submit", confirm=True))
    assert response.status_code == 302 and reload(own).status == "submitted"
    home = client.get("/me").get_data(as_text=True)
    assert "Submitted" in home and "View your self-assessment" in home


def test_released_results_are_announced_without_a_results_page(client, auth, make):
    """After release, without the results area, the page says results are released and the report will appear."""
    assessment = make.assessment()
    cycle = assessment.cycle
    change_state(cycle, "closed", actor=None)
    change_state(cycle, "released", actor=None)
    db.session.commit()
    auth.login(assessment.candidate)
    page = client.get("/me").get_data(as_text=True)
    if "results.view_results" not in client.application.view_functions:
        assert "Your results have been released; your readiness report will appear here." in page
    assert "Results not yet released" not in page


def test_released_results_link_to_the_results_page_when_it_exists(app, make):
    """When the results area is registered, a released assessment links to its results page."""
    if "results.view_results" not in app.view_functions:
        results = Blueprint("results", __name__)

        @results.route("/results/<int:assessment_id>")
        @role_required("hr", "candidate")
        def view_results(assessment_id):
            """Stand-in for the readiness area's results page."""
            return "results"

        app.register_blueprint(results)
    assessment = make.assessment()
    change_state(assessment.cycle, "closed", actor=None)
    change_state(assessment.cycle, "released", actor=None)
    db.session.commit()
    client = app.test_client()
    client.post("/login", data={"email": assessment.candidate.email, "password": make.PASSWORD})
    page = client.get("/me").get_data(as_text=True)
    with app.test_request_context():
        link = url_for("results.view_results", assessment_id=assessment.id)
    assert f'href="{link}">See your results and report</a>' in page


def test_home_without_assessments_has_a_clear_empty_state(client, auth, make):
    """A candidate in no cycle is told so."""
    auth.login(make.user("candidate"))
    assert "You are not part of an assessment cycle yet." in client.get("/me").get_data(as_text=True)


def test_only_candidates_have_a_candidate_home(client, auth, make):
    """Managers and HR get 403 on /me; anonymous users go to sign-in."""
    assert client.get("/me").headers["Location"].startswith("/login")
    auth.login(make.user("manager"))
    assert client.get("/me").status_code == 403
