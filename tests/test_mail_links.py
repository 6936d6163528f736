"""Invitations and password resets end to end: the e-mail arrives at a real SMTP server, its link works once,
an expired or used link says so and offers a new one, and an unknown address is answered like a known one."""

from __future__ import annotations

import sqlalchemy as sa

from assessment.extensions import db
from assessment.models import OutboxMessage
from assessment.mail.outbox import wait_for_delivery
from assessment.mail.tokens import LinkProblem, make_token, read_token
from assessment.models import AuditEvent, User
from tests.mailbox import html_of, link_in, mailbox, text_of  # noqa: F401 - fixture

NEW_PASSWORD = "a-brand-new-passphrase"


def _reset_link(client, mailbox, email):
    response = client.post("/password/forgot", data={"email": email})
    assert response.status_code == 200
    wait_for_delivery()
    [message] = mailbox.to(email.lower())
    return message, link_in(message, "/password/set/")


def test_forgot_password_mails_a_link_that_sets_a_new_password_once(app, client, make, mailbox):
    """The reset mail reaches the server; its link sets the password; the old one and the link then stop working."""
    app.config.update(mailbox.config)
    user = make.user("manager")
    message, link = _reset_link(client, mailbox, user.email.upper())
    assert message["Subject"] == "Reset your OpsLadder password"
    assert "works once and for 120 minutes" in text_of(message) and "Choose a new password" in html_of(message)
    form = client.get(link)
    assert form.status_code == 200 and "Choose a new password" in form.get_data(as_text=True)
    assert form.headers["Referrer-Policy"] == "no-referrer"
    done = client.post(link, data={"password": NEW_PASSWORD, "repeat": NEW_PASSWORD})
    assert done.status_code == 302 and done.headers["Location"] == "/"  # signed in with the new password
    client.post("/logout")
    assert client.post("/login", data={"email": user.email, "password": make.PASSWORD}).status_code == 401
    assert client.post("/login", data={"email": user.email, "password": NEW_PASSWORD}).status_code == 302
    client.post("/logout")
    again = client.get(link)
    page = again.get_data(as_text=True)
    assert again.status_code == 410 and "This link has already been used" in page
    assert "Send me a new link" in page and f'value="{user.email}"' in page
    assert db.session.scalar(sa.select(AuditEvent.kind).where(AuditEvent.kind == "user.password_reset"))


def test_an_unknown_address_gets_the_same_answer_and_nothing_is_sent(app, client, make, mailbox):
    """Known and unknown addresses get the same status and page (apart from the address itself); only one mail."""
    app.config.update(mailbox.config)
    user = make.user("candidate", email="known@example.com")
    known = client.post("/password/forgot", data={"email": user.email})
    unknown = client.post("/password/forgot", data={"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 200
    assert known.get_data(as_text=True).replace("known@", "X@") == unknown.get_data(as_text=True).replace("nobody@", "X@")
    wait_for_delivery()
    assert [r for rcpt in mailbox.recipients for r in rcpt] == ["known@example.com"]


def test_a_second_reset_request_right_away_sends_no_second_mail(app, client, make):
    """Pressing the button twice (or a prankster) does not flood the inbox: one message within two minutes."""
    user = make.user("candidate")
    for _ in range(3):
        assert client.post("/password/forgot", data={"email": user.email}).status_code == 200
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 1


def test_a_malformed_address_is_told_beside_the_field(client):
    """Not an e-mail address: 400 with the message beside the field, no mail."""
    response = client.post("/password/forgot", data={"email": "not an address"})
    assert response.status_code == 400 and "like name@example.com" in response.get_data(as_text=True)


def test_an_expired_link_says_so_and_offers_a_new_one(app, client, make):
    """Past its lifetime a link is refused with 410, names the problem and prefills the request for a new one."""
    user = make.user("manager")
    token = make_token(user, "password_reset")
    app.config["PASSWORD_RESET_HOURS"] = -1  # every link is now older than its lifetime
    response = client.get(f"/password/set/{token}")
    page = response.get_data(as_text=True)
    assert response.status_code == 410 and "This link has expired" in page and f'value="{user.email}"' in page
    assert client.post(f"/password/set/{token}", data={"password": NEW_PASSWORD, "repeat": NEW_PASSWORD}).status_code == 410
    db.session.expire_all()
    assert db.session.get(User, user.id).check_password(make.PASSWORD)


def test_a_forged_or_mangled_link_is_refused(app, client, make):
    """A token signed with another key, or cut short, is 'invalid' and changes nothing."""
    user = make.user("manager")
    token = make_token(user, "password_reset")
    assert client.get(f"/password/set/{token[:-3]}").status_code == 400
    app.config["SECRET_KEY"] = "another-key"
    try:
        read_token(token)
    except LinkProblem as problem:
        assert problem.reason == "invalid" and problem.user is None
    else:
        raise AssertionError("a token signed with another key was accepted")


def test_reset_links_age_by_purpose(app, make):
    """An invitation lives INVITATION_DAYS, a reset PASSWORD_RESET_HOURS, checked against the signing time."""
    import time

    user = make.user("candidate", password=None)
    invitation, reset = make_token(user, "invitation"), make_token(user, "password_reset")
    three_hours = time.time() + 3 * 3600
    assert read_token(invitation, now=three_hours) == (user, "invitation")
    try:
        read_token(reset, now=three_hours)
    except LinkProblem as problem:
        assert problem.reason == "expired"
    else:
        raise AssertionError("a three-hour-old reset link was accepted")


def test_hr_invites_a_new_person_who_sets_their_password_from_the_mail(app, auth, client, make, mailbox):
    """Creating an account without a password e-mails an invitation; its link sets the password, once."""
    app.config.update(mailbox.config)
    auth.login(make.user("hr"))
    response = client.post("/hr/people/new", data={"name": "Nia Brandt", "email": "nia@example.com",
                                                   "role": "manager", "password": "", "invite": "y"})
    assert response.status_code == 302
    wait_for_delivery()
    [message] = mailbox.to("nia@example.com")
    assert message["Subject"] == "You are invited to OpsLadder: set your password"
    link = link_in(message, "/password/set/")
    auth.logout()
    page = client.get(link).get_data(as_text=True)
    assert "Welcome to OpsLadder: set your password" in page and "nia@example.com" in page
    assert client.post(link, data={"password": NEW_PASSWORD, "repeat": NEW_PASSWORD}).status_code == 302
    assert client.post("/login", data={"email": "nia@example.com", "password": NEW_PASSWORD}).status_code == 302
    assert client.get(link).status_code == 410


def test_the_sign_in_page_offers_forgot_password(client):
    """The sign-in page links to the reset request."""
    assert 'href="/password/forgot"' in client.get("/login").get_data(as_text=True)


def test_setting_a_password_from_an_invitation_signs_the_person_in(app, client, make):
    """After choosing a password from an invitation the person is signed in (no second sign-in); the used link,
    opened again, signs nobody in and changes nothing."""
    user = make.user("candidate", password=None)
    link = f"/password/set/{make_token(user, 'invitation')}"
    assert client.get("/me").status_code == 302  # not signed in yet
    done = client.post(link, data={"password": NEW_PASSWORD, "repeat": NEW_PASSWORD}, follow_redirects=True)
    assert done.status_code == 200 and "Your password is set and you are signed in." in done.get_data(as_text=True)
    assert client.get("/me").status_code == 200
    client.post("/logout")
    again = client.post(link, data={"password": "another-new-passphrase", "repeat": "another-new-passphrase"})
    assert again.status_code == 410
    assert client.get("/me").status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).check_password(NEW_PASSWORD)


def test_an_expired_invitation_signs_nobody_in(app, client, make):
    """An expired link sets no password and signs nobody in."""
    user = make.user("candidate", password=None)
    token = make_token(user, "invitation")
    app.config["INVITATION_DAYS"] = -1
    refused = client.post(f"/password/set/{token}", data={"password": NEW_PASSWORD, "repeat": NEW_PASSWORD})
    assert refused.status_code == 410
    assert client.get("/me").status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash is None
