"""Security review of issue 19, 3: sign-in renews the CSRF token; the link sign-in signs out whoever was signed in,
counts as a sign-in and is single-use even for two submissions at once; releasing a withheld candidate twice at
once mails and audits once."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_login import user_logged_out

from assessment import create_app
from assessment.auth import account as account_views
from assessment.extensions import db
from assessment.mail.tokens import make_token
from assessment.models import Assessment, AuditEvent, OutboxMessage, User
from assessment.services import NotAllowed
from assessment.services.cycles import change_state
from assessment.services.release import release_assessment, release_cycle
from tests.conftest import app_config

NEW_PASSWORD = "a-new-password-42"


def _csrf(page: str) -> str:
    return page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]


def _set(client, token, password=NEW_PASSWORD):
    return client.post(f"/password/set/{token}", data={"password": password, "repeat": password})


@pytest.mark.parametrize("way", ["login", "link"])
def test_signing_in_renews_the_csrf_token(database_url, make, way):
    """A CSRF token issued before the sign-in (planted with a fixed session, say) no longer works after it."""
    app = create_app(app_config(database_url, WTF_CSRF_ENABLED=True))
    with app.app_context():
        user = make.user("manager", password=None if way == "link" else make.PASSWORD)
        db.session.commit()
        client = app.test_client()
        if way == "login":
            planted = _csrf(client.get("/login").get_data(as_text=True))
            response = client.post("/login", data={"email": user.email, "password": make.PASSWORD,
                                                   "csrf_token": planted})
        else:
            token = make_token(user, "invitation")
            planted = _csrf(client.get(f"/password/set/{token}").get_data(as_text=True))
            response = client.post(f"/password/set/{token}", data={"password": NEW_PASSWORD, "repeat": NEW_PASSWORD,
                                                                    "csrf_token": planted})
        assert response.status_code == 302
        client.post("/logout", data={"csrf_token": planted})
        assert client.get("/account/password").status_code == 200, "the old token must not sign out"
        fresh = _csrf(client.get("/account/password").get_data(as_text=True))
        assert fresh != planted
        client.post("/logout", data={"csrf_token": fresh})
        assert client.get("/account/password").status_code == 302


def test_the_link_signs_out_whoever_was_signed_in(app, auth, make):
    """HR is signed in; a newcomer's invitation link opened in the same browser signs HR out, then the newcomer in."""
    hr = make.user("hr")
    newcomer = make.user("manager", password=None)
    db.session.commit()
    auth.login(hr)
    signed_out = []

    def note(sender, user, **_extra):
        signed_out.append(user.id)

    with user_logged_out.connected_to(note, app):
        assert _set(auth.client, make_token(newcomer, "invitation")).status_code == 302
    assert signed_out == [hr.id]
    with auth.client.session_transaction() as session:
        assert session["_user_id"].startswith(f"{newcomer.id}.")


def test_the_link_sign_in_counts_as_a_sign_in(app, client, make):
    """Setting the password from a link signs the person in, and their last sign-in is now."""
    user = make.user("manager", password=None)
    db.session.commit()
    assert user.last_login_at is None
    assert _set(client, make_token(user, "invitation")).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).last_login_at is not None


def test_two_submissions_of_one_link_set_one_password(app, client, make, monkeypatch):
    """The second of two submissions at once (the first committed between its reading the link and its saving)
    is told the link is used (410); the first one's password stays."""
    user = make.user("manager", password=None)
    db.session.commit()
    real_read_token = account_views.read_token

    def read_then_lose_the_race(token):
        found = real_read_token(token)
        # The other submission sets its password now, after this one read the link.
        db.session.execute(sa.update(User).where(User.id == user.id).values(password_hash="the first one's")
                           .execution_options(synchronize_session=False))
        return found

    monkeypatch.setattr(account_views, "read_token", read_then_lose_the_race)
    response = _set(client, make_token(user, "invitation"))
    assert response.status_code == 410
    assert "This link has already been used" in response.get_data(as_text=True)
    with client.session_transaction() as session:
        assert "_user_id" not in session
    assert not db.session.scalars(sa.select(AuditEvent).where(AuditEvent.kind == "user.invitation")).all()


def test_two_hr_releasing_one_candidate_at_once_mail_and_audit_once(app, make):
    """The second release (it read the candidate as withheld before the first committed) is refused: one mail,
    one audit event."""
    cycle = make.cycle(name="Autumn round")
    hr = make.user("hr")
    held = make.assessment(cycle=cycle, candidate=make.user("candidate", name="Walt Withheld"))
    change_state(cycle, "closed", actor=hr)
    release_cycle(cycle, actor=hr, withhold=[held.id], acknowledged=True)
    db.session.commit()
    assert held.is_withheld
    # The other HR person's release lands in between.
    db.session.execute(sa.update(Assessment).where(Assessment.id == held.id).values(is_withheld=False)
                       .execution_options(synchronize_session=False))
    with pytest.raises(NotAllowed):
        release_assessment(held, actor=hr, acknowledged=True)
    assert not db.session.scalars(sa.select(AuditEvent).where(AuditEvent.kind == "assessment.release")).all()
    assert not db.session.scalars(sa.select(OutboxMessage).where(
        OutboxMessage.to_address == held.candidate.email, OutboxMessage.kind == "results_released")).all()
