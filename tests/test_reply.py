"""The candidate's right of reply (issue 20, 4): acknowledging (dated, no agreement implied), the reply (bounded,
editable until HR read it or the review period ended, every version audited), HR's record (results page, HR copy of
the PDF, never the candidate's), and who may see or do what."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from assessment.extensions import db
from assessment.models import AuditEvent, CandidateReply, Cycle, RaterAssignment
from assessment.services import ConflictError, NotAllowed
from assessment.services.readiness import report_data
from assessment.services.replies import (MAX_REPLY, acknowledge, mark_read, period_end, reply_for, reply_of,
                                         save_reply)
from tests.reply_helpers import released_world
from tests.results_helpers import report_pdf_text, results_page_text

REPLY = "I recognise the budget gap, but I led the flood recovery in February, which nobody rated."


@pytest.fixture
def world(make):
    return released_world(make)


def _page(client, assessment):
    return client.get(f"/me/assessments/{assessment.id}/reply")


def _text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split())


def _audits(kind):
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.kind == kind).order_by(AuditEvent.id)))


def test_acknowledging_is_dated_says_no_agreement_and_happens_once(client, auth, world):
    """The page says acknowledging implies no agreement; the record is dated and audited; a second press is told."""
    a = world["a"]
    auth.login(a.candidate)
    page = _text(_page(client, a))
    assert "It does not mean that you agree with them" in page
    assert client.post(f"/me/assessments/{a.id}/acknowledgement").status_code == 302
    row = reply_of(a)
    assert row.acknowledged_at is not None
    again = client.post(f"/me/assessments/{a.id}/acknowledgement")
    assert again.status_code == 409 and "You acknowledged these results already" in _text(again)
    assert len(_audits("reply.acknowledge")) == 1
    assert "You acknowledged your results on" in _text(_page(client, a))


def test_the_reply_is_saved_versioned_and_every_version_audited(client, auth, world):
    """Two saves give version 2; both texts are in the audit trail; a save from a stale page is a conflict."""
    a = world["a"]
    auth.login(a.candidate)
    assert client.post(f"/me/assessments/{a.id}/reply/versions", data={"text": "First words of my reply here.",
                                                               "version": "0"}).status_code == 302
    second = client.post(f"/me/assessments/{a.id}/reply/versions", data={"text": REPLY, "version": "1"})
    assert second.status_code == 302
    stale = client.post(f"/me/assessments/{a.id}/reply/versions", data={"text": "From an old tab", "version": "1"})
    assert stale.status_code == 422 and "saved from another page" in _text(stale)
    assert "From an old tab" in stale.get_data(as_text=True)  # the typed text is kept
    db.session.expire_all()
    assert reply_of(a).text == REPLY and reply_of(a).version == 2
    texts = [event.after["reply"] for event in _audits("reply.save")]
    assert texts == ["First words of my reply here.", REPLY]


def test_the_reply_is_bounded_and_hostile_text_is_refused_clearly(client, auth, world):
    """Overlong text, a NUL byte, an empty reply and a mangled version: a clear answer, nothing saved, never a 500."""
    a = world["a"]
    auth.login(a.candidate)
    for data, words in [({"text": "x" * (MAX_REPLY + 1), "version": "0"}, "4000"),
                        ({"text": "bad\x00byte", "version": "0"}, "NUL"),
                        ({"text": "", "version": "0"}, "write your reply"),
                        ({"text": REPLY, "version": "9" * 40}, "saved from another page"),
                        ({"text": REPLY, "version": "\x00"}, "NUL byte")]:
        response = client.post(f"/me/assessments/{a.id}/reply/versions", data=data)
        assert response.status_code == 422, data
        assert words in _text(response), data
    assert reply_of(a) is None or reply_of(a).text is None


def test_marked_read_locks_the_reply_and_the_period_end_locks_it_too(app, client, auth, world):
    """After HR marks it read the candidate cannot change it; after the period nobody can write one."""
    a, b, hr = world["a"], world["b"], world["hr"]
    save_reply(a, REPLY, actor=a.candidate, expected_version=0)
    mark_read(a, actor=hr, version=1)
    db.session.commit()
    with pytest.raises(NotAllowed, match="HR has read your reply"):
        save_reply(a, "Changed after reading", actor=a.candidate, expected_version=1)
    db.session.rollback()
    with pytest.raises(ConflictError):
        mark_read(a, actor=world["second"], version=1)
    db.session.rollback()
    # The period: the cycle's release moved back beyond the review days.
    cycle = db.session.get(Cycle, b.cycle_id)
    cycle.released_at = cycle.released_at - timedelta(days=cycle.review_days + 1)
    db.session.commit()
    with pytest.raises(NotAllowed, match="The period for replying ended"):
        save_reply(b, REPLY, actor=b.candidate, expected_version=0)
    db.session.rollback()
    auth.login(b.candidate)
    page = _text(_page(client, b))
    assert "The period for replying ended" in page and "Save my reply" not in page
    assert "The period for asking for a review ended" in page


def test_hr_reads_the_reply_on_the_results_page_and_in_the_hr_copy_of_the_pdf_only(client, auth, world, tmp_path):
    """HR's results page and PDF show acknowledgement and reply; the candidate's own PDF and page never do."""
    a = world["a"]
    acknowledge(a, actor=a.candidate)
    save_reply(a, REPLY, actor=a.candidate, expected_version=0)
    db.session.commit()
    assert reply_for(a) == REPLY and reply_for(world["b"]) is None
    assert report_data(a, audience="candidate").candidate_reply is None
    assert report_data(a, audience="hr").candidate_reply.text == REPLY
    auth.login(world["hr"])
    page = results_page_text(client, a)
    assert "The candidate's reply" in page and "flood recovery" in page and "Acknowledged on" in page
    hr_pdf = report_pdf_text(client, a, tmp_path)
    assert "The candidate's reply" in hr_pdf and "flood recovery in February" in hr_pdf
    auth.logout()
    auth.login(a.candidate)
    own_pdf = report_pdf_text(client, a, tmp_path)
    assert "flood recovery" not in own_pdf and "The candidate's reply" not in own_pdf
    assert "flood recovery" not in results_page_text(client, a)


def test_hr_marks_the_reply_read_through_the_page(client, auth, world):
    """The button marks the version HR saw; a version changed since is refused; audited."""
    a = world["a"]
    save_reply(a, REPLY, actor=a.candidate, expected_version=0)
    db.session.commit()
    auth.login(world["hr"])
    client.post(f"/hr/assessments/{a.id}/reply/read", data={"version": "0"})
    db.session.expire_all()
    assert reply_of(a).read_at is None  # HR saw another version
    assert client.post(f"/hr/assessments/{a.id}/reply/read", data={"version": "1"}).status_code == 302
    db.session.expire_all()
    assert reply_of(a).read_by_id == world["hr"].id
    assert [e.after for e in _audits("reply.read")] == [{"version": 1}]
    assert "Read by Hanna HR" in results_page_text(client, a)


@pytest.mark.parametrize("state", ["withheld", "withdrawn"])
def test_a_withheld_or_withdrawn_candidate_cannot_reply_or_acknowledge(make, client, auth, state):
    """Nothing released to them: the page says so (withheld) or is a 404 (withdrawn); every write is refused."""
    hr = make.user("hr")
    cycle = make.cycle()
    from tests.results_helpers import rated_assessment, move_cycle
    a = rated_assessment(make, cycle=cycle, manager=3)
    if state == "withdrawn":
        from assessment.services.withdrawals import withdraw_candidate
        withdraw_candidate(a, "Left the company.", actor=hr)
        db.session.commit()
        move_cycle(cycle, "closed", "released")
    else:
        move_cycle(cycle, "closed")
        from assessment.services.release import release_cycle
        release_cycle(cycle, actor=hr, withhold=[a.id], acknowledged=True)
        db.session.commit()
    with pytest.raises(NotAllowed):
        acknowledge(a, actor=a.candidate)
    db.session.rollback()
    with pytest.raises(NotAllowed):
        save_reply(a, REPLY, actor=a.candidate, expected_version=0)
    db.session.rollback()
    auth.login(a.candidate)
    page = _page(client, a)
    assert page.status_code == (404 if state == "withdrawn" else 200)
    if state == "withheld":
        assert "held back" in _text(page) and "Save my reply" not in _text(page)
    for path, data in [("acknowledgement", {}), ("reply/versions", {"text": REPLY, "version": "0"}),
                       ("review-request", {"reason": "Please review my results again, they seem wrong."})]:
        response = client.post(f"/me/assessments/{a.id}/{path}", data=data)
        assert response.status_code in (404, 409, 422), path
    assert db.session.scalar(sa.select(sa.func.count(CandidateReply.id))) == 0


def test_managers_peers_and_other_candidates_see_none_of_it(client, auth, world, make):
    """Another candidate, the manager and a second candidate's URL: 403/404, never the reply."""
    a, b = world["a"], world["b"]
    save_reply(a, REPLY, actor=a.candidate, expected_version=0)
    db.session.commit()
    manager = next(s.rater for s in a.assignments if s.rater_group == "manager")
    for person, expected in [(b.candidate, 404), (manager, 403)]:
        auth.login(person)
        response = _page(client, a)
        assert response.status_code == expected
        assert "flood" not in response.get_data(as_text=True)
        hijack = client.post(f"/me/assessments/{a.id}/reply/versions", data={"text": "hijack", "version": "1"})
        assert hijack.status_code == expected
        auth.logout()
    auth.login(manager)
    assert "flood" not in client.get(f"/assessments/{a.id}/results").get_data(as_text=True)
    db.session.expire_all()
    assert reply_of(a).text == REPLY


def test_huge_ids_are_a_404_not_a_500(client, auth, world):
    """An id beyond the database's integers is no assessment."""
    auth.login(world["a"].candidate)
    for path in ("/me/assessments/99999999999999999999/reply", "/me/assessments/2147483648/reply"):
        assert client.get(path).status_code == 404
    assert client.post("/me/assessments/99999999999999999999/acknowledgement").status_code == 404


def test_the_review_period_follows_the_candidates_own_release(make, world):
    """A withheld candidate released later gets the full period from their own release."""
    a = world["a"]
    end = period_end(a)
    assert end is not None
    assert (end - a.cycle.released_at.replace(tzinfo=end.tzinfo)).days == 14


def test_reply_posts_need_the_csrf_token(database_url, make):
    """With CSRF on (as in production) a reply or review request without the token is refused and nothing saved."""
    from assessment import create_app
    from tests.conftest import app_config
    app = create_app(app_config(database_url, WTF_CSRF_ENABLED=True))
    with app.app_context():
        world = released_world(make)
        a = world["a"]
        client = app.test_client()
        token_of = lambda page: page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]  # noqa: E731
        client.post("/login", data={"email": a.candidate.email, "password": make.PASSWORD,
                                    "csrf_token": token_of(client.get("/login").get_data(as_text=True))})
        for path, data in [("reply/versions", {"text": REPLY, "version": "0"}), ("acknowledgement", {}),
                           ("review-request", {"reason": "Please review my results, the flood is missing."})]:
            refused = client.post(f"/me/assessments/{a.id}/{path}", data=data)
            assert refused.status_code == 400 and "missing security token" in refused.get_data(as_text=True)
        assert reply_of(a) is None
        token = token_of(client.get(f"/me/assessments/{a.id}/reply").get_data(as_text=True))
        assert client.post(f"/me/assessments/{a.id}/reply/versions", data={"text": REPLY, "version": "0",
                                                                   "csrf_token": token}).status_code == 302
        db.session.expire_all()
        assert reply_of(a).text == REPLY


def test_a_saved_cookie_cannot_reply_after_sign_out(app, make):
    """Copy the candidate's cookie, sign out: the copy neither reads the page nor saves a reply."""
    from tests.test_sessions import _replay, _saved_cookie, _signed_in_client, _signed_out, browser
    world = released_world(make)
    a = world["a"]
    client = _signed_in_client(app, a.candidate)
    cookie = _saved_cookie(client)
    assert _replay(app, cookie, f"/me/assessments/{a.id}/reply").status_code == 200
    assert client.post("/logout").status_code == 302
    assert _signed_out(_replay(app, cookie, f"/me/assessments/{a.id}/reply"))
    other = browser(app)
    other.set_cookie("session", cookie)
    assert _signed_out(other.post(f"/me/assessments/{a.id}/reply/versions", data={"text": REPLY, "version": "0"}))
    assert reply_of(a) is None


def test_an_hr_person_who_rates_the_candidate_does_not_mark_the_reply_read(world):
    """Marking read closes the candidate's reply, which may be about that person's ratings: the independence rule
    of resolving a review applies (another HR person marks it)."""
    a = world["a"]
    save_reply(a, REPLY, actor=a.candidate, expected_version=0)
    rater = world["second"]
    db.session.add(RaterAssignment(assessment=a, rater=rater, rater_group="peer"))
    db.session.commit()
    with pytest.raises(NotAllowed, match="another HR person marks the reply as read"):
        mark_read(a, actor=rater, version=1)
    db.session.rollback()
    assert reply_of(a).read_at is None
    mark_read(a, actor=world["hr"], version=1)
    db.session.commit()
    assert reply_of(a).read_by_id == world["hr"].id
