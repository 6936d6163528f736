"""Issue 18, 4: the rater briefing before a rater's first sheet in a cycle (best fit, four rating errors, a practice
item with feedback), in English and German; confirming it is recorded on the rater's sheets of that cycle."""

import pytest
import sqlalchemy as sa

from assessment import create_app
from assessment.extensions import db
from assessment.models import RaterAssignment
from assessment.services.ratings import scope_of
from tests.conftest import app_config
from tests.sheets import reload, sheet_of

GERMAN = {"Accept-Language": "de-DE,de;q=0.9"}


@pytest.fixture
def unbriefed(make):
    """A manager's sheet whose rater has not read the briefing; the same manager rates a second candidate."""
    cycle = make.cycle()
    first = make.assessment(cycle=cycle, briefed=False)
    sheet = sheet_of(first, "manager")
    return sheet


def _url(sheet, tail=""):
    return f"/ratings/{sheet.id}{tail}"


def test_the_first_sheet_leads_to_the_briefing(client, auth, unbriefed):
    auth.login(unbriefed.rater)
    response = client.get(_url(unbriefed))
    assert response.status_code == 302 and response.headers["Location"].endswith(_url(unbriefed, "/briefing"))
    html = client.get(_url(unbriefed, "/briefing")).get_data(as_text=True)
    for words in ("Best fit", "Halo", "Leniency", "Central tendency", "Recency", "warehouse fire",
                  "Practice (optional)", "Planning and organising"):
        assert words in html
    # The practice item offers the competency's real anchors.
    assert "Organises the department's day-to-day work" in html.replace("&#39;", "'")


def test_the_briefing_is_in_german(client, auth, unbriefed):
    auth.login(unbriefed.rater)
    html = client.get(_url(unbriefed, "/briefing"), headers=GERMAN).get_data(as_text=True)
    assert "Beste Passung" in html and "Halo-Effekt" in html and "Milde" in html and "Übung (freiwillig)" in html


@pytest.mark.parametrize("answer, words", [("3", "Yes. Level 3 fits best"), ("5", "Level 5 is too high"),
                                           ("1", "Level 1 is too low"), ("not_observed", "Not quite")])
def test_the_practice_item_says_which_level_fits_and_why(client, auth, unbriefed, answer, words):
    auth.login(unbriefed.rater)
    response = client.post(_url(unbriefed, "/briefing"), data={"action": "practice", "answer": answer})
    html = response.get_data(as_text=True).replace("&#39;", "'")
    assert response.status_code == 200 and words in html and "was not Sam's task" in html
    assert reload(unbriefed).briefing_read_at is None  # practising is not confirming


@pytest.mark.parametrize("answer", ["", "7", "3\x00", "9" * 30])
def test_a_missing_or_mangled_practice_answer_is_refused(client, auth, unbriefed, answer):
    auth.login(unbriefed.rater)
    response = client.post(_url(unbriefed, "/briefing"), data={"action": "practice", "answer": answer})
    assert response.status_code == 400


def test_confirming_records_the_briefing_on_the_raters_sheets_of_this_cycle_only(client, auth, make, unbriefed):
    cycle = unbriefed.assessment.cycle
    second = make.assessment(cycle=cycle, managers=0, briefed=False)
    own_second = RaterAssignment(assessment=second, rater=unbriefed.rater, rater_group="manager")
    db.session.add(own_second)
    db.session.commit()
    other_cycle = make.assessment(managers=0, briefed=False)
    elsewhere = RaterAssignment(assessment=other_cycle, rater=unbriefed.rater, rater_group="manager")
    db.session.add(elsewhere)
    db.session.commit()
    auth.login(unbriefed.rater)
    response = client.post(_url(unbriefed, "/briefing"), data={"action": "confirm"})
    assert response.status_code == 302 and response.headers["Location"].endswith(_url(unbriefed))
    assert reload(unbriefed).briefing_read_at is not None and reload(own_second).briefing_read_at is not None
    assert reload(elsewhere).briefing_read_at is None
    others = db.session.scalars(sa.select(RaterAssignment).where(RaterAssignment.rater_id != unbriefed.rater_id))
    assert all(sheet.briefing_read_at is None for sheet in others)
    html = client.get(_url(unbriefed)).get_data(as_text=True)
    assert f'href="{_url(unbriefed, "/briefing")}"' in html  # reachable again from the sheet
    again = client.get(_url(unbriefed, "/briefing")).get_data(as_text=True)
    assert "You confirmed this briefing on" in again and "Back to my sheet" in again


def test_only_the_rater_confirms_hr_may_read(client, auth, make, unbriefed):
    auth.login(make.user("hr"))
    assert client.get(_url(unbriefed, "/briefing")).status_code == 200
    assert client.post(_url(unbriefed, "/briefing"), data={"action": "confirm"}).status_code == 403
    for intruder in (unbriefed.assessment.candidate, make.user("manager")):
        auth.logout()
        auth.login(intruder)
        assert client.get(_url(unbriefed, "/briefing")).status_code == 404
        assert client.post(_url(unbriefed, "/briefing"), data={"action": "confirm"}).status_code in (403, 404)
    assert reload(unbriefed).briefing_read_at is None


def test_a_confirmation_without_its_csrf_token_records_nothing(database_url, make):
    app = create_app(app_config(database_url, WTF_CSRF_ENABLED=True))
    with app.app_context():
        sheet = sheet_of(make.assessment(briefed=False), "manager")
        client = app.test_client()
        token_of = lambda page: page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]  # noqa: E731
        client.post("/login", data={"email": sheet.rater.email, "password": make.PASSWORD,
                                    "csrf_token": token_of(client.get("/login").get_data(as_text=True))})
        stolen = "IjRkZWFkYmVlZiI.forged.token"
        for token in (None, stolen):
            data = {"action": "confirm", **({"csrf_token": token} if token else {})}
            assert client.post(f"/ratings/{sheet.id}/briefing", data=data).status_code == 400
        db.session.expire_all()
        assert db.session.get(RaterAssignment, sheet.id).briefing_read_at is None
        token = token_of(client.get(f"/ratings/{sheet.id}/briefing").get_data(as_text=True))
        assert client.post(f"/ratings/{sheet.id}/briefing", data={"action": "confirm", "csrf_token": token}
                           ).status_code == 302
        db.session.expire_all()
        assert db.session.get(RaterAssignment, sheet.id).briefing_read_at is not None


@pytest.mark.parametrize("tail, data", [("", {"action": "submit", "confirm": "1"}), ("", {}),
                                        ("/submit", {"confirm": "1"})])
def test_posting_the_sheet_does_not_skip_the_briefing(client, auth, make, unbriefed, tail, data):
    """Attack: only a GET of the sheet led to the briefing, so a rater could save or submit by POSTing directly."""
    scope = scope_of(unbriefed, make.framework)
    answers = {f"level_{cid}": "not_observed" for cid in scope.competencies}
    answers.update({f"evidence_{cid}": "Not seen in this period." for cid in scope.competencies})
    auth.login(unbriefed.rater)
    response = client.post(_url(unbriefed, tail), data={"version": str(unbriefed.version_id), **answers, **data})
    assert response.status_code == 302 and response.headers["Location"].endswith(_url(unbriefed, "/briefing"))
    stored = reload(unbriefed)
    assert stored.status != "submitted" and stored.current_ratings() == [] and stored.briefing_read_at is None
