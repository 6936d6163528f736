"""Closing and releasing with eyes open: completion, candidates without a band verdict, reopened sheets,
the acknowledgement, withholding and releasing one candidate later, and no "still owed" once closed."""

import re

import pytest
import sqlalchemy as sa

from assessment.extensions import db
from assessment.models import Assessment, AuditEvent, Cycle
from assessment.services.ratings import reopen_sheet
from tests.results_helpers import move_cycle, rated_assessment, sheet, submit_sheet


def _varied(make, level):
    """``level`` and the level above it in turn: a sheet that is not straight-lined (rubric 2026.12.3 flags a sheet
    with >= 90% identical levels, and a verdict resting on it goes to the panel)."""
    return {c.id: min(level + i % 2, 5) for i, c in enumerate(make.framework.competencies)}


@pytest.fixture
def world(make):
    """An open cycle: Bea rated by her manager (a band verdict); Ivo's manager and peer never submitted."""
    cycle = make.cycle()
    bea = rated_assessment(make, cycle=cycle, manager=_varied(make, 4), self_level=_varied(make, 4),
                           candidate=make.user("candidate", name="Bea Banded"))
    ivo = make.assessment(cycle=cycle, candidate=make.user("candidate", name="Ivo Insufficient"), peers=1)
    return cycle, bea, ivo


@pytest.fixture
def hr(make, auth):
    user = make.user("hr", name="Helga HR")
    auth.login(user)
    return user


def _state_page(client, cycle, to):
    return client.get(f"/hr/cycles/{cycle.id}/state?to={to}").get_data(as_text=True)


def _group_row(html, label):
    row = re.search(rf'<th scope="row">{label}</th>(.*?)</tr>', html, re.S).group(1)
    return [int(n) for n in re.findall(r'<td class="num">(\d+)</td>', row)]


@pytest.mark.parametrize("to", ["closed", "released"])
def test_close_and_release_confirmations_show_completion_flagged_and_reopened(app, client, make, hr, world, to):
    """Per group submitted / owed / assigned, candidates without a band verdict, reopened sheets. (Before closing
    the verdicts show only with HIDE_VERDICTS_WHILE_OPEN off; tests/test_governance_hidden_verdicts.py has it on.)"""
    app.config["HIDE_VERDICTS_WHILE_OPEN"] = False
    cycle, bea, ivo = world
    submit_sheet(sheet(ivo, "self"), 3)
    reopen_sheet(sheet(ivo, "self"), "Please add evidence for the budget.", actor=hr)
    db.session.commit()
    if to == "released":
        move_cycle(cycle, "closed")
    html = _state_page(client, cycle, to)
    assert _group_row(html, "Self") == [1, 1, 2]           # Bea's submitted; Ivo's reopened (owed again)
    assert _group_row(html, "Managers") == [1, 1, 2]
    assert _group_row(html, "Peers") == [0, 1, 1]
    flagged = re.search(r'<ul id="flagged-list">(.*?)</ul>', html, re.S).group(1)
    assert "Ivo Insufficient: Insufficient evidence" in flagged and "Bea" not in flagged
    assert "1 reopened sheet was not resubmitted" in html and "for Ivo Insufficient" in html


def test_release_with_a_flagged_candidate_needs_the_acknowledgement(client, make, hr, world):
    """Without the box ticked: 400, the error beside the box, still closed; ticked: released and audited."""
    cycle, bea, ivo = world
    move_cycle(cycle, "closed")
    url = f"/hr/cycles/{cycle.id}/state?to=released"
    refused = client.post(url, data={})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert 'href="#acknowledge"' in html and 'id="acknowledge-error"' in html
    assert "Ivo Insufficient (Insufficient evidence)" in html
    assert re.search(r'<input[^>]*aria-describedby="acknowledge-error"[^>]*id="acknowledge"|'
                     r'<input[^>]*id="acknowledge"[^>]*aria-describedby="acknowledge-error"', html)
    db.session.expire_all()
    assert db.session.get(Cycle, cycle.id).state == "closed"
    assert client.post(url, data={"acknowledge": "y"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Cycle, cycle.id).state == "released"
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.kind == "cycle.release_acknowledged"))
    assert event.actor_id == hr.id and event.after["candidates"] == [ivo.candidate.email]


def test_release_without_flagged_candidates_needs_no_acknowledgement(client, make, hr):
    """Every candidate with a band verdict: no box to tick, the release goes through."""
    cycle = make.cycle()
    rated_assessment(make, cycle=cycle, manager=_varied(make, 4))
    move_cycle(cycle, "closed")
    assert 'id="acknowledge"' not in _state_page(client, cycle, "released")
    assert client.post(f"/hr/cycles/{cycle.id}/state?to=released", data={}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Cycle, cycle.id).state == "released"


def test_a_withheld_candidate_sees_not_released_until_hr_releases_them(client, auth, make, hr, world):
    """Withholding the flagged candidate needs no acknowledgement; they see "not released"; released later."""
    cycle, bea, ivo = world
    move_cycle(cycle, "closed")
    response = client.post(f"/hr/cycles/{cycle.id}/state?to=released", data={"withhold": [str(ivo.id)]})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Assessment, ivo.id).is_withheld and not db.session.get(Assessment, bea.id).is_withheld
    withhold = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.kind == "assessment.withhold"))
    assert withhold.subject_id == ivo.id and withhold.actor_id == hr.id
    dashboard = client.get(f"/hr/cycles/{cycle.id}").get_data(as_text=True)
    assert dashboard.count("Results withheld") == 1
    assert "Release these results" in client.get(f"/hr/assessments/{ivo.id}").get_data(as_text=True)
    assert "does not see these results yet" in client.get(f"/assessments/{ivo.id}/results").get_data(as_text=True)

    auth.logout()
    auth.login(ivo.candidate)
    assert "not released yet" in client.get(f"/assessments/{ivo.id}/results").get_data(as_text=True)
    assert client.get(f"/assessments/{ivo.id}/report.pdf").status_code == 404
    assert "Results not yet released" in client.get("/me").get_data(as_text=True)
    auth.logout()
    auth.login(bea.candidate)
    assert "Your readiness results" in client.get(f"/assessments/{bea.id}/results").get_data(as_text=True)

    auth.logout()
    auth.login(hr)
    url = f"/hr/assessments/{ivo.id}/release"
    assert "Insufficient evidence" in client.get(url).get_data(as_text=True)
    refused = client.post(url, data={})
    assert refused.status_code == 400 and 'id="acknowledge-error"' in refused.get_data(as_text=True)
    assert client.post(url, data={"acknowledge": "y"}).status_code == 302
    release = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.kind == "assessment.release"))
    assert release.subject_id == ivo.id and release.after["is_withheld"] is False
    auth.logout()
    auth.login(ivo.candidate)
    assert "Your readiness results" in client.get(f"/assessments/{ivo.id}/results").get_data(as_text=True)


def test_withholding_someone_outside_the_cycle_is_refused(client, make, hr, world):
    """An assessment id of another cycle is a field error; nothing is released."""
    cycle, bea, ivo = world
    stranger = make.assessment()
    move_cycle(cycle, "closed")
    response = client.post(f"/hr/cycles/{cycle.id}/state?to=released",
                           data={"withhold": [str(stranger.id)], "acknowledge": "y"})
    assert response.status_code == 400 and "not in this cycle" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Cycle, cycle.id).state == "closed"


def test_releasing_a_candidate_who_is_not_withheld_does_nothing(client, make, hr, world):
    """The per-candidate release of a candidate already released (or of an unreleased cycle) only says so."""
    cycle, bea, ivo = world
    response = client.post(f"/hr/assessments/{bea.id}/release", data={"acknowledge": "y"})
    assert response.status_code == 302
    assert not db.session.scalar(sa.select(sa.func.count()).where(AuditEvent.kind == "assessment.release"))


def test_a_released_cycle_shows_no_work_as_owed(client, auth, make, hr, world):
    """Dashboard: "Never submitted", not "Still owed"; the rater's list and the candidate's home: not submitted."""
    cycle, bea, ivo = world
    open_page = client.get(f"/hr/cycles/{cycle.id}").get_data(as_text=True)
    assert "Still owed, by rater" in open_page
    move_cycle(cycle, "closed", "released")
    page = client.get(f"/hr/cycles/{cycle.id}").get_data(as_text=True)
    assert "Still owed" not in page and "Sheets owed" not in page
    assert 'class="status not_started"' not in page and 'class="status in_progress"' not in page
    assert "Never submitted" in page and "Nothing is owed" in page and "Not submitted" in page
    assert "1 incomplete (the cycle is released)" in re.sub(r"<[^>]+>", "", page) and "not started</div>" not in page
    auth.logout()
    auth.login(sheet(ivo, "manager").rater)
    mine = client.get("/ratings/").get_data(as_text=True)
    assert "Not submitted" in mine and "nothing is owed" in mine and 'class="status not_started"' not in mine
    auth.logout()
    auth.login(ivo.candidate)
    home = client.get("/me").get_data(as_text=True)
    assert "Not submitted" in home and 'class="status not_started"' not in home


def test_new_routes_are_declared_for_the_access_matrix(app):
    """The route-by-role test covers the new routes: they exist and declare HR only."""
    views = app.view_functions
    for endpoint in ("hr.release_assessment", "results.approve_calibration"):
        assert views[endpoint].allowed_roles == ("hr",)


def test_a_withdrawn_candidate_owes_nothing_and_needs_no_acknowledgement(client, make, hr, world):
    """Ivo withdrawn: his sheets leave the owed counts and he is not listed without a band verdict."""
    from assessment.services.withdrawals import withdraw_candidate

    cycle, bea, ivo = world
    withdraw_candidate(ivo, "Left the company in October.", actor=hr)
    db.session.commit()
    move_cycle(cycle, "closed")
    html = _state_page(client, cycle, "released")
    assert _group_row(html, "Managers") == [1, 0, 1] and _group_row(html, "Peers") == [0, 0, 0]
    assert 'id="flagged-list"' not in html and 'id="acknowledge"' not in html
