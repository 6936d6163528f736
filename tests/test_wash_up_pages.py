"""The wash-up page: who reaches it (every role, another candidate's, an assessor of another candidate), what it
shows, the rules on save, what is kept on an error, stale saves, stolen CSRF, NUL bytes, huge numbers, the lock."""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa

from assessment import create_app
from assessment.extensions import db
from assessment.models import AssessorConsensus
from assessment.services.assessments import assign_rater
from assessment.services.cycles import change_state
from assessment.services.ratings import reopen_sheet
from rubrics import NOT_OBSERVED
from tests.conftest import app_config
from tests.exercise_helpers import assessor, schedule, submit_exercise_sheet
from tests.sheets import reload, sheet_of
from tests.test_sessions import browser


def exercise_day(make, hr, *, strategic=(3, 5), submit=True):
    """A candidate with one exercise and two assessors (Ada, Ben), their sheets submitted."""
    assessment = make.assessment()
    ada, ben = assessor(make, "Ada Assessor"), assessor(make, "Ben Assessor")
    sheets = schedule(assessment, "case_analysis", [ada, ben], make.framework, hr)
    if submit:
        for sheet, level in zip(sheets, strategic):
            submit_exercise_sheet(sheet, {"strategic_planning": (level, f"{sheet.rater.name} saw a plan."),
                                          "decision_making": 4})
    return assessment, ada, ben


@pytest.fixture
def day(make):
    hr = make.user("hr")
    assessment, ada, ben = exercise_day(make, hr)
    return {"hr": hr, "assessment": assessment, "ada": ada, "ben": ben, "url": f"/wash-up/{assessment.id}"}


def _version(page: str) -> str:
    found = re.search(r'name="version" type="hidden" value="([^"]*)"', page)
    return found.group(1) if found else ""


def _good(version, **overrides):
    data = {"version": version, "level_strategic_planning": "4",
            "reason_strategic_planning": "A sound plan covering three years.",
            "resolution_strategic_planning": "Ben's 5 rested on one answer; Ada agreed on 4.",
            "level_decision_making": "4", "reason_decision_making": "Decided well under real time pressure."}
    data.update(overrides)
    return data


def _count():
    return db.session.scalar(sa.select(sa.func.count(AssessorConsensus.id)))


def test_assessors_see_each_other_by_name_with_evidence(client, auth, day):
    auth.login(day["ada"])
    page = client.get(day["url"]).get_data(as_text=True)
    assert "Ben Assessor saw a plan." in page and "Ada Assessor saw a plan." in page
    assert "Levels given: 3 to 5." in page and "2 levels apart: a resolution is required" in page
    assert 'name="resolution_strategic_planning"' in page and 'name="resolution_decision_making"' not in page


def test_who_reaches_the_wash_up(make, client, auth, day):
    other, other_ada, _other_ben = exercise_day(make, day["hr"])
    cases = [(day["hr"], day["url"], 200), (day["ben"], day["url"], 200),
             (other_ada, day["url"], 404),  # an assessor of another candidate
             (day["ada"], f"/wash-up/{other.id}", 404),  # the assessor, on another candidate's wash-up
             (sheet_of(day["assessment"], "manager").rater, day["url"], 404),  # the candidate's manager
             (day["assessment"].candidate, day["url"], 403), (make.user("manager"), day["url"], 404),
             (day["hr"], "/wash-up/99999999999999999999999999", 404)]
    for user, url, expected in cases:
        auth.login(user)
        assert client.get(url).status_code == expected, (user.name, url)
        if expected != 200:  # refused before anything is read from the form
            assert client.post(url, data=_good("")).status_code == expected, (user.name, url)
        auth.logout()
    assert _count() == 0
    assert client.get(day["url"]).status_code == 302  # signed out: to the sign-in page


def test_closed_until_every_assessor_sheet_is_submitted(make, client, auth):
    hr = make.user("hr")
    assessment, ada, _ben = exercise_day(make, hr, submit=False)
    auth.login(ada)
    page = client.get(f"/wash-up/{assessment.id}").get_data(as_text=True)
    assert "opens once every assessor has submitted" in page and "Save the consensus" not in page
    assert client.post(f"/wash-up/{assessment.id}", data=_good("")).status_code == 409
    assert _count() == 0


def test_save_needs_a_resolution_at_two_apart_and_keeps_what_was_typed(client, auth, day):
    auth.login(day["ada"])
    version = _version(client.get(day["url"]).get_data(as_text=True))
    response = client.post(day["url"], data=_good(version, resolution_strategic_planning="",
                                                  reason_decision_making="Typed reason kept"))
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "2 levels apart here: write how the disagreement was resolved" in page
    assert "Typed reason kept" in page and '<option value="4" selected>' in page
    assert _count() == 0
    response = client.post(day["url"], data=_good(version))
    assert response.status_code == 302 and _count() == 2
    page = client.get(day["url"]).get_data(as_text=True)
    assert "Agreed by Ada Assessor" in page and "Ben&#39;s 5 rested on one answer" in page


def test_one_level_apart_needs_no_resolution(make, client, auth):
    hr = make.user("hr")
    assessment, ada, _ben = exercise_day(make, hr, strategic=(3, 4))
    auth.login(ada)
    url = f"/wash-up/{assessment.id}"
    page = client.get(url).get_data(as_text=True)
    assert 'name="resolution_strategic_planning"' not in page
    assert client.post(url, data=_good(_version(page), resolution_strategic_planning="")).status_code == 302


@pytest.mark.parametrize(("level", "message"), [
    ("2", "Level 2 was given by no assessor: the consensus must lie within the assessors&#39; levels (3 to 5)."),
    ("99999999999999999999999", "Choose a level from 1 to 5"), ("abc", "Choose a level from 1 to 5"),
    ("", "Choose the consensus level")])
def test_a_consensus_nobody_saw_is_refused(client, auth, day, level, message):
    auth.login(day["hr"])
    version = _version(client.get(day["url"]).get_data(as_text=True))
    response = client.post(day["url"], data=_good(version, level_strategic_planning=level))
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert _count() == 0


def test_nul_bytes_are_refused_and_not_observed_is_possible(client, auth, day):
    auth.login(day["ada"])
    version = _version(client.get(day["url"]).get_data(as_text=True))
    response = client.post(day["url"], data=_good(version, reason_decision_making="bad\x00text"))
    assert response.status_code == 400 and "NUL byte" in response.get_data(as_text=True) and _count() == 0
    assert client.post(day["url"], data=_good(version, level_decision_making=NOT_OBSERVED)).status_code == 302
    row = db.session.scalar(sa.select(AssessorConsensus).where(AssessorConsensus.competency_id == "decision_making"))
    assert row.is_not_observed and row.level is None


def test_a_stale_page_is_refused_and_keeps_the_typing(client, auth, day):
    auth.login(day["ada"])
    stale = _version(client.get(day["url"]).get_data(as_text=True))
    assert client.post(day["url"], data=_good(stale)).status_code == 302
    auth.logout()
    auth.login(day["ben"])
    response = client.post(day["url"], data=_good(stale, reason_strategic_planning="Ben's later view"))
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and "Someone else saved the consensus" in page and "Ben&#39;s later view" in page
    row = db.session.scalar(sa.select(AssessorConsensus).where(AssessorConsensus.competency_id == "strategic_planning"))
    assert row.reason == "A sound plan covering three years."


def test_locked_once_the_cycle_closes(client, auth, day):
    auth.login(day["ada"])
    version = _version(client.get(day["url"]).get_data(as_text=True))
    client.post(day["url"], data=_good(version))
    change_state(day["assessment"].cycle, "closed", actor=day["hr"])
    db.session.commit()
    page = client.get(day["url"]).get_data(as_text=True)
    assert "can be read, not changed" in page and "Save the consensus" not in page and "A sound plan covering three years." in page
    response = client.post(day["url"], data=_good(_version(page), reason_strategic_planning="Changed later"))
    assert response.status_code == 409
    assert "Changed later" not in [r.reason for r in db.session.scalars(sa.select(AssessorConsensus))]


def test_a_stolen_csrf_token_saves_nothing(database_url, make):
    """With CSRF on: a token from another person's session is refused (400), as is none; nothing is saved."""
    app = create_app(app_config(database_url, WTF_CSRF_ENABLED=True))
    with app.app_context():
        hr = make.user("hr")
        assessment, ada, ben = exercise_day(make, hr)
        url, emails = f"/wash-up/{assessment.id}", (ben.email, ada.email)
    pages = []
    for email in emails:  # the thief (Ben), then the victim (Ada), each with a fresh context and client
        with app.app_context():
            client = app.test_client()
            client.post("/login", data={"email": email, "password": make.PASSWORD,
                                        "csrf_token": _token(client.get("/login").get_data(as_text=True))})
            pages.append((client, client.get(url).get_data(as_text=True)))
    (_thief, stolen), (victim, own) = pages
    data = _good(_version(stolen), csrf_token=_token(stolen))
    with app.app_context():
        assert victim.post(url, data=data).status_code == 400
        assert victim.post(url, data={k: v for k, v in data.items() if k != "csrf_token"}).status_code == 400
        assert _count() == 0
        assert victim.post(url, data={**data, "csrf_token": _token(own)}).status_code == 302
        assert _count() == 2


def _token(page: str) -> str:
    return page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]


def test_a_later_exercise_closes_the_wash_up_and_says_the_consensus_no_longer_counts(make, client, auth, day):
    auth.login(day["ada"])
    version = _version(client.get(day["url"]).get_data(as_text=True))
    assert client.post(day["url"], data=_good(version)).status_code == 302
    schedule(day["assessment"], "role_play", [assessor(make, "Cleo Assessor")], make.framework, day["hr"])
    page = client.get(day["url"]).get_data(as_text=True)
    assert "opens once every assessor has submitted" in page
    assert "does not count in the verdict until the assessors agree it again" in page


def test_a_reopened_sheet_asks_for_the_consensus_to_be_agreed_again(client, auth, day):
    """Attack: after the wash-up agreed 4 (levels 3 and 5), HR reopened Ada's sheet and she resubmitted 5; the
    consensus 4 then lay outside every level given. The page says it must be agreed again."""
    auth.login(day["ada"])
    assert client.post(day["url"], data=_good(_version(client.get(day["url"]).get_data(as_text=True)))
                       ).status_code == 302
    ada_sheet = next(s for s in day["assessment"].assignments if s.rater_id == day["ada"].id)
    reopen_sheet(ada_sheet, "Typed the wrong level.", actor=day["hr"])
    db.session.commit()
    page = client.get(day["url"]).get_data(as_text=True)
    assert "does not count in the verdict until the assessors agree it again" in page
    ada_sheet = reload(ada_sheet)
    next(r for r in ada_sheet.current_ratings() if r.competency_id == "strategic_planning").level = 5
    ada_sheet.status = "submitted"
    db.session.commit()
    page = client.get(day["url"]).get_data(as_text=True)
    assert 'id="agree-again-strategic_planning"' in page and "until the consensus is agreed again" in page
    assert 'id="agree-again-decision_making"' not in page  # 4 and 4: that consensus still counts
    assert client.post(day["url"], data=_good(_version(page), level_strategic_planning="5")).status_code == 302
    assert 'id="agree-again-' not in client.get(day["url"]).get_data(as_text=True)


def test_hr_staff_who_rate_the_candidate_do_not_reach_the_wash_up(make, client, auth, day):
    """Attack: an HR account assigned as the candidate's manager read the assessors' evidence and saved a consensus."""
    hilda = make.user("hr", name="Hilda HR")
    assign_rater(day["assessment"], hilda, "manager", actor=day["hr"], reason="Her line manager since May.")
    db.session.commit()
    auth.login(hilda)
    assert client.get(day["url"]).status_code == 404
    assert client.post(day["url"], data=_good("")).status_code == 404
    assert _count() == 0


def test_simultaneous_first_saves_give_one_consensus_and_no_500(app, make, day, database_url):
    """Attack: several first saves at once (each its own session and connection) all passed the version check
    before any committed. The assessment row is locked first: one saves, the others get the stale-page answer."""
    if database_url.startswith("sqlite"):
        pytest.skip("SQLite serialises writers; the race is shown on PostgreSQL (row locks, READ COMMITTED)")
    people = (day["ada"], day["ben"], day["hr"])
    clients = []
    for n in range(6):
        client = browser(app)
        assert client.post("/login", data={"email": people[n % 3].email, "password": make.PASSWORD}
                           ).status_code == 302
        clients.append(client)
    url = day["url"]
    db.session.close()
    barrier = threading.Barrier(len(clients))

    def save(client):
        barrier.wait()
        return client.post(url, data=_good("")).status_code

    with ThreadPoolExecutor(max_workers=len(clients)) as pool:
        statuses = list(pool.map(save, clients))
    assert statuses.count(302) == 1 and set(statuses) == {302, 409}, statuses
    assert _count() == 2
