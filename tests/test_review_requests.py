"""Review requests (issue 20, 4): the candidate asks with a reason within the cycle's period, one open at a time;
HR sees open requests with the days open, and an uninvolved HR person resolves each (upheld, changed through a
calibration in force, not upheld), recorded, audited, and mailed to the candidate in their language."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from assessment.extensions import db
from assessment.models import AuditEvent, Cycle, OutboxMessage, RaterAssignment, ReviewRequest
from assessment.services import ConflictError, NotAllowed, ServiceError
from assessment.services import review_requests as service
from assessment.services.calibration_rules import needs_second_approval
from assessment.services.calibrations import approve_calibration, calibrate_verdict
from assessment.services.readiness import assess
from assessment.services.review_requests import open_reviews, request_review, resolve_review
from tests.reply_helpers import released_world

REASON = "The raters did not see the February flood recovery, which I led for three weeks."
ANSWER = "The panel looked at the flood recovery again with the site director and the verdict stands."
RATIONALE = "The panel weighed the plant relaunch she led, and two site directors confirmed the results."


@pytest.fixture
def world(make):
    return released_world(make)


def _text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split())


def _messages():
    return list(db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.kind == "review_resolved")))


def test_the_candidate_asks_with_a_reason_and_hr_sees_it_on_the_dashboard_with_days_open(client, auth, world):
    """The request is recorded and audited; the dashboard counts and lists it with the days open."""
    a = world["a"]
    auth.login(a.candidate)
    short = client.post(f"/me/assessments/{a.id}/review-request", data={"reason": "wrong"})
    assert short.status_code == 422 and "at least 4 words" in _text(short)
    assert client.post(f"/me/assessments/{a.id}/review-request", data={"reason": REASON}).status_code == 302
    second = client.post(f"/me/assessments/{a.id}/review-request", data={"reason": REASON})
    assert second.status_code == 422 and "You have asked for a review already" in _text(second)
    page = _text(client.get(f"/me/assessments/{a.id}/reply"))
    assert "Open: HR has not answered it yet." in page and "Ask for a review" in page
    request = db.session.scalar(sa.select(ReviewRequest))
    request.requested_at = request.requested_at - timedelta(days=3)
    db.session.commit()
    auth.logout()
    auth.login(world["hr"])
    dashboard = _text(client.get(f"/hr/cycles/{a.cycle_id}"))
    assert "1 open review request" in dashboard and "Rhea Replier · open 3 days" in dashboard
    listing = _text(client.get("/hr/review-requests"))
    assert "Rhea Replier" in listing and "1 request waits for an answer" in listing
    assert [e.kind for e in db.session.scalars(sa.select(AuditEvent).where(AuditEvent.kind.like("review.%")))] \
        == ["review.request"]


def test_after_the_period_the_button_is_gone_and_the_server_refuses(client, auth, world):
    """The cycle's review days after the release: no form, and a forged POST is refused with the date."""
    a = world["a"]
    cycle = db.session.get(Cycle, a.cycle_id)
    cycle.review_days = 3
    cycle.released_at = cycle.released_at - timedelta(days=4)
    db.session.commit()
    auth.login(a.candidate)
    page = _text(client.get(f"/me/assessments/{a.id}/reply"))
    assert "The period for asking for a review ended on" in page
    assert 'action="/me/assessments/%d/review-request"' % a.id not in client.get(
        f"/me/assessments/{a.id}/reply").get_data(as_text=True)
    refused = client.post(f"/me/assessments/{a.id}/review-request", data={"reason": REASON})
    assert refused.status_code == 422 and "The period for asking for a review ended on" in _text(refused)
    assert db.session.scalar(sa.select(sa.func.count(ReviewRequest.id))) == 0


def test_two_requests_at_once_give_one_open_request(world, monkeypatch):
    """The database refuses a second open request even when both passed the check (two tabs at once)."""
    a = world["a"]
    request_review(a, REASON, actor=a.candidate)
    db.session.commit()
    monkeypatch.setattr(service, "open_request", lambda assessment: None)
    with pytest.raises(ConflictError, match="asked for a review already"):
        request_review(a, REASON, actor=a.candidate)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(ReviewRequest.id))) == 1


def test_resolving_upheld_mails_the_candidate_in_their_language(client, auth, world):
    """HR resolves through the page; recorded, audited, the candidate told in German with outcome and reason."""
    a = world["a"]
    a.candidate.language = "de"
    request_review(a, REASON, actor=a.candidate)
    db.session.commit()
    auth.login(world["hr"])
    form = client.get(f"/hr/assessments/{a.id}/review-request").get_data(as_text=True)
    request_id = re.search(r'name="request_id" type="hidden" value="(\d+)"', form).group(1)
    missing = client.post(f"/hr/assessments/{a.id}/review-request", data={"request_id": request_id,
                                                                          "resolution": ANSWER})
    assert missing.status_code == 400 and "choose the outcome" in _text(missing)
    done = client.post(f"/hr/assessments/{a.id}/review-request",
                       data={"request_id": request_id, "outcome": "upheld", "resolution": ANSWER})
    assert done.status_code == 302
    request = db.session.scalar(sa.select(ReviewRequest))
    assert (request.status, request.outcome, request.resolved_by_id) == ("resolved", "upheld", world["hr"].id)
    [message] = _messages()
    assert message.to_address == a.candidate.email and "Überprüfung" in message.subject
    assert "site director" in message.text_body and "Einstufung bestätigt" in message.text_body
    again = client.post(f"/hr/assessments/{a.id}/review-request",
                        data={"request_id": request_id, "outcome": "not_upheld", "resolution": ANSWER})
    assert again.status_code == 400 and "resolved already" in _text(again)
    assert len(_messages()) == 1


def test_two_hr_people_resolving_at_once_give_one_resolution(world):
    """The conditional update: the second, working from the same open request, is told; one mail, one audit."""
    a = world["a"]
    request = request_review(a, REASON, actor=a.candidate)
    db.session.commit()
    db.session.execute(sa.update(ReviewRequest).where(ReviewRequest.id == request.id)
                       .values(status="resolved", outcome="upheld", resolution=ANSWER)
                       .execution_options(synchronize_session=False))
    assert request.is_open  # this session's copy is stale, as the second HR person's page is
    with pytest.raises(ConflictError, match="a moment ago"):
        resolve_review(request, "not_upheld", ANSWER, actor=world["hr"])
    assert _messages() == []


def _far_band(make, a):
    """A band the computed verdict moves to only with a second HR person's approval."""
    rules = make.framework.readiness
    computed = assess(a).result.band_id
    return next(b.id for b in rules.bands if needs_second_approval(rules, computed, b.id))


def test_changed_waits_for_a_calibration_in_force_and_links_it(make, world):
    """No calibration since the request: refused; a proposal awaiting approval: refused; approved: linked."""
    a, hr, second = world["a"], world["hr"], world["second"]
    request = request_review(a, REASON, actor=a.candidate)
    db.session.commit()
    with pytest.raises(ServiceError, match="No calibration was recorded since the request"):
        resolve_review(request, "changed", ANSWER, actor=hr)
    db.session.rollback()
    proposal = calibrate_verdict(a, _far_band(make, a), RATIONALE, actor=hr, reason_code="additional_evidence")
    db.session.commit()
    assert proposal.status == "proposed"
    with pytest.raises(NotAllowed, match="awaits a second HR person's approval"):
        resolve_review(request, "changed", ANSWER, actor=second)
    db.session.rollback()
    approve_calibration(a, proposal.id, actor=second)
    db.session.commit()
    resolved = resolve_review(request, "changed", ANSWER, actor=hr)
    db.session.commit()
    assert resolved.calibration_id == proposal.id and resolved.outcome == "changed"
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.kind == "review.resolve"))
    assert event.after["calibration"] == proposal.id and event.after["outcome"] == "changed"


def test_the_people_behind_the_verdict_do_not_resolve_the_request(make, world):
    """Who recorded or who approved the calibration in force when the candidate asked, and a rater, are refused."""
    a, hr, second = world["a"], world["hr"], world["second"]
    proposal = calibrate_verdict(a, _far_band(make, a), RATIONALE, actor=hr, reason_code="additional_evidence")
    db.session.commit()
    approve_calibration(a, proposal.id, actor=second)
    db.session.commit()
    request = request_review(a, REASON, actor=a.candidate)
    db.session.commit()
    for person in (hr, second):
        with pytest.raises(NotAllowed, match="You recorded or approved the calibrated verdict"):
            resolve_review(request, "upheld", ANSWER, actor=person)
        db.session.rollback()
    rater = make.user("hr", name="Rita Rater")
    db.session.add(RaterAssignment(assessment=a, rater=rater, rater_group="peer"))  # (set up before the release)
    db.session.commit()
    with pytest.raises(NotAllowed, match="You rate"):
        resolve_review(request, "upheld", ANSWER, actor=rater)
    db.session.rollback()
    third = make.user("hr", name="Tara Third")
    resolve_review(request, "not_upheld", ANSWER, actor=third)
    db.session.commit()
    assert request.outcome == "not_upheld"


def test_a_resolution_needs_a_reason_of_substance_and_hostile_text_is_refused(world):
    """Empty, too short, NUL, overlong: each refused with a clear message, the request still open."""
    a = world["a"]
    request = request_review(a, REASON, actor=a.candidate)
    db.session.commit()
    for text, words in [("", "at least 4 words"), ("ok no", "at least 4 words"), ("fine\x00 words here now", "NUL"),
                        ("word " * 1000, "4000")]:
        with pytest.raises(ServiceError, match=words):
            resolve_review(request, "not_upheld", text, actor=world["hr"])
        db.session.rollback()
    with pytest.raises(ServiceError, match="choose the outcome"):
        resolve_review(request, "granted", ANSWER, actor=world["hr"])
    db.session.rollback()
    assert db.session.get(ReviewRequest, request.id).is_open


def test_hr_pages_refuse_hostile_input_without_a_500(client, auth, world):
    """A forged request id, a NUL in the reason, a huge assessment id."""
    a = world["a"]
    request_review(a, REASON, actor=a.candidate)
    db.session.commit()
    auth.login(world["hr"])
    for data in [{"request_id": "9" * 30, "outcome": "upheld", "resolution": ANSWER},
                 {"request_id": "\x00", "outcome": "upheld", "resolution": ANSWER},
                 {"request_id": "1", "outcome": "upheld", "resolution": "bad\x00 text with words"},
                 {"request_id": "1", "outcome": "x" * 5000, "resolution": ANSWER}]:
        response = client.post(f"/hr/assessments/{a.id}/review-request", data=data)
        assert response.status_code == 400, data
    assert client.get("/hr/assessments/99999999999999999999/review-request").status_code == 404
    assert client.post("/hr/assessments/2147483648/reply/read", data={"version": "1"}).status_code == 404
    assert db.session.scalar(sa.select(ReviewRequest)).is_open


def test_open_reviews_counts_only_open_requests_in_the_cycle(world):
    """Resolved requests and other cycles' requests are not listed."""
    a, b = world["a"], world["b"]
    request_review(a, REASON, actor=a.candidate)
    done = request_review(b, REASON, actor=b.candidate)
    db.session.commit()
    resolve_review(done, "upheld", ANSWER, actor=world["hr"])
    db.session.commit()
    assert [r.request.assessment_id for r in open_reviews(world["cycle"])] == [a.id]


def test_hr_sets_the_review_period_on_the_cycle_form_and_bad_values_get_a_message(client, auth, make):
    """30 days is stored and audited with the cycle; 0, 366, text, a NUL and a huge number are refused clearly."""
    auth.login(make.user("hr"))
    for value in ("0", "366", "zwei Wochen", "1\x00", "9" * 40):
        response = client.post("/hr/cycles/new", data={"name": "Spring", "review_days": value})
        assert response.status_code == 400, value
        assert "review period" in _text(response).lower() or "days" in _text(response), value
    assert client.post("/hr/cycles/new", data={"name": "Spring", "review_days": "30"}).status_code == 302
    cycle = db.session.scalar(sa.select(Cycle).where(Cycle.name == "Spring"))
    assert cycle.review_days == 30
    assert client.post("/hr/cycles/new", data={"name": "Default"}).status_code == 302
    assert db.session.scalar(sa.select(Cycle).where(Cycle.name == "Default")).review_days == 14
    form = client.get(f"/hr/cycles/{cycle.id}/edit").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', form).group(1)
    assert client.post(f"/hr/cycles/{cycle.id}/edit", data={"name": "Spring", "review_days": "21",
                                                            "version": version}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Cycle, cycle.id).review_days == 21
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.kind == "cycle.update"))
    assert event.before == {"review_days": 30} and event.after == {"review_days": 21}


def test_the_cycles_page_links_to_the_open_requests(client, auth, world):
    """With a request open, HR's list of cycles says how many and leads to them."""
    a = world["a"]
    request_review(a, REASON, actor=a.candidate)
    db.session.commit()
    auth.login(world["hr"])
    page = client.get("/hr/cycles").get_data(as_text=True)
    assert 'href="/hr/review-requests"' in page and "1 open review request" in page


def test_a_calibration_pending_at_the_request_and_approved_during_it_bars_its_people_and_counts_as_changed(
        make, world):
    """HR-A proposes before the candidate asks; HR-B approves while the request is open: that verdict is the one
    under review, so neither A nor B resolves it; a third HR person records "changed", linked to it."""
    a, hr_a, hr_b = world["a"], world["hr"], world["second"]
    proposal = calibrate_verdict(a, _far_band(make, a), RATIONALE, actor=hr_a, reason_code="additional_evidence")
    db.session.commit()
    request = request_review(a, REASON, actor=a.candidate)
    db.session.commit()
    pending = make.user("hr", name="Tara Third")
    assert service.resolver_problem(request, hr_a) is not None  # pending: its proposer is behind it already
    approve_calibration(a, proposal.id, actor=hr_b)
    db.session.commit()
    db.session.refresh(a)
    for person in (hr_a, hr_b):
        with pytest.raises(NotAllowed, match="You recorded or approved the calibrated verdict"):
            resolve_review(request, "upheld", ANSWER, actor=person)
        db.session.rollback()
    resolved = resolve_review(request, "changed", ANSWER, actor=pending)
    db.session.commit()
    assert (resolved.outcome, resolved.calibration_id) == ("changed", proposal.id)
