"""Security review of issue 19, 1: no page served to HR shows a usable sign-in link. HR reads stored messages in
the outbox; invitations, resets and the opening mails to people without a password carry a /password/set/<token>
link, so one HR person could otherwise take over another's account."""

from __future__ import annotations

import re
from html import unescape

import pytest
import sqlalchemy as sa

from assessment.extensions import db
from assessment.mail.redact import hide_account_links
from assessment.mail.tokens import LinkProblem, read_token
from assessment.models import AuditEvent, OutboxMessage
from assessment.services.accounts import invite

#: Anything shaped like an itsdangerous token (three dot-separated URL-safe base64 parts).
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_\-]{4,}\.[A-Za-z0-9_\-]{4,}\.[A-Za-z0-9_\-]{4,}")


def _usable_tokens(page: str) -> list[str]:
    usable = []
    for candidate in set(TOKEN_SHAPE.findall(unescape(unescape(page)))):
        try:
            read_token(candidate)
        except LinkProblem:
            continue
        usable.append(candidate)
    return usable


def _crawl_outbox(client) -> list[str]:
    listing = client.get("/hr/outbox/").get_data(as_text=True)
    ids = re.findall(r'href="/hr/outbox/(\d+)"', listing)
    pages = [listing]
    for message_id in ids:
        response = client.get(f"/hr/outbox/{message_id}")
        assert response.status_code == 200
        pages.append(response.get_data(as_text=True))
    return pages


@pytest.fixture
def two_hr(make):
    hr1 = make.user("hr", email="hr1@example.com")
    hr2 = make.user("hr", email="hr2@example.com")
    newcomer = make.user("manager", email="new@example.com", password=None)
    db.session.commit()
    return hr1, hr2, newcomer


def test_no_outbox_page_holds_a_token_that_works(app, auth, two_hr):
    """HR1 asks for a reset of HR2's password and invites a newcomer; neither the outbox list nor any message
    page holds a token the link reader accepts, and the marker says a link was hidden. HR2's account stays HR2's."""
    hr1, hr2, newcomer = two_hr
    invite(newcomer, actor=hr1)
    db.session.commit()
    auth.login(hr1)
    assert auth.client.post("/password/forgot", data={"email": "hr2@example.com"}).status_code == 200
    stored = db.session.scalars(sa.select(OutboxMessage)).all()
    assert {m.kind for m in stored} >= {"invitation", "password_reset"}
    assert all(_usable_tokens(m.text_body) for m in stored), "the stored mails do hold working links"
    pages = _crawl_outbox(auth.client)
    assert len(pages) == 1 + len(stored)
    for page in pages:
        assert _usable_tokens(page) == []
    message_pages = "".join(pages[1:])
    assert "/password/set/[link hidden: personal sign-in link]" in message_pages
    assert "/password/set/[link hidden: personal sign-in link]" in unescape(unescape(message_pages))
    assert "The personal sign-in link in this message is hidden here" in unescape(message_pages)
    for token in re.findall(r"/password/set/([^\s\"<&]+)", unescape(unescape(message_pages))):
        assert auth.client.get(f"/password/set/{token}").status_code in (400, 404)


def test_the_marker_is_in_the_readers_language(app, auth, make):
    """A German-speaking HR person reads the marker in German."""
    hr = make.user("hr", email="hr-de@example.com")
    hr.language = "de"
    make.user("hr", email="other@example.com")
    db.session.commit()
    auth.login(hr)
    auth.client.post("/password/forgot", data={"email": "other@example.com"})
    page = "".join(_crawl_outbox(auth.client)[1:])
    assert "[Link ausgeblendet: persönlicher Anmeldelink]" in unescape(page)
    assert _usable_tokens(page) == []


def test_reading_a_message_is_audited(app, auth, make, two_hr):
    """Each read of a message's page is an audit event (who read which), labelled on the audit page."""
    hr1, hr2, _ = two_hr
    auth.login(hr1)
    auth.client.post("/password/forgot", data={"email": "hr2@example.com"})
    message = db.session.scalars(sa.select(OutboxMessage)).one()
    auth.client.get(f"/hr/outbox/{message.id}")
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.kind == "outbox.view")).one()
    assert (event.actor_id, event.subject_type, event.subject_id) == (hr1.id, "OutboxMessage", message.id)
    assert "hr2@example.com" in event.summary
    assert "Outbox message viewed" in auth.client.get("/hr/audit").get_data(as_text=True)


@pytest.mark.parametrize("html", [False, True])
def test_hide_account_links_leaves_other_links(app, html):
    body = "Sign in: https://x.example/login\nSet: https://x.example/password/set/abc.DEF-1_2.xyz?x=1 now"
    with app.test_request_context():
        hidden = hide_account_links(body, html=html)
    assert "https://x.example/login" in hidden and "abc.DEF" not in hidden and "?x=1 now" in hidden
