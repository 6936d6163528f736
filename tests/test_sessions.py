"""Sessions end when they should: sign-out and any password change end every session of that person (checked
with a saved cookie replayed later), idle sessions expire, and people change their own password."""

from __future__ import annotations

import time

import pytest
from flask.testing import FlaskClient

from assessment import create_app
from assessment.extensions import db
from assessment.models import User
from tests.conftest import app_config
from tests.factories import Factory

NEW_PASSWORD = "a-brand-new-password"


class Browser(FlaskClient):
    """A test client whose every request runs in its own app context, as in production: several browsers in
    one test must not share Flask-Login's cached user in ``g``."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


def browser(app) -> Browser:
    return Browser(app, app.response_class, use_cookies=True)


def _signed_in_client(app, user, password=Factory.PASSWORD):
    client = browser(app)
    assert client.post("/login", data={"email": user.email, "password": password}).status_code == 302
    return client


def _saved_cookie(client) -> str:
    return client.get_cookie("session").value


def _replay(app, cookie: str, path: str = "/"):
    """A fresh client (another browser, or an attacker who copied the cookie) sending ``cookie``."""
    other = browser(app)
    other.set_cookie("session", cookie)
    return other.get(path)


def _is_signed_in(response) -> bool:
    return response.status_code == 200 or (response.status_code == 302 and "/login" not in response.location)


def _signed_out(response) -> bool:
    return response.status_code == 302 and "/login" in response.location


def test_a_saved_cookie_no_longer_works_after_sign_out(app, make):
    """Copy the cookie, sign out: the copy is refused too."""
    user = make.user("manager")
    client = _signed_in_client(app, user)
    cookie = _saved_cookie(client)
    assert _is_signed_in(_replay(app, cookie, "/ratings/"))
    assert client.post("/logout").status_code == 302
    assert _signed_out(_replay(app, cookie, "/ratings/"))


def test_sign_out_ends_the_sessions_on_other_devices(app, make):
    """Signed in twice (laptop and phone); signing out on one ends the other."""
    user = make.user("manager")
    laptop, phone = _signed_in_client(app, user), _signed_in_client(app, user)
    laptop.post("/logout")
    assert _signed_out(phone.get("/ratings/"))


def test_hr_cannot_set_a_password_on_the_people_page(app, make):
    """HR no longer sets anyone's password (issue 15): the address is gone and the person's session stays."""
    person, hr_user = make.user("manager"), make.user("hr")
    cookie = _saved_cookie(_signed_in_client(app, person))
    hr = _signed_in_client(app, hr_user)
    response = hr.post(f"/hr/people/{person.id}/password", data={"password": NEW_PASSWORD, "repeat": NEW_PASSWORD})
    assert response.status_code == 404
    assert not _signed_out(_replay(app, cookie, "/ratings/"))


def test_people_change_their_own_password(app, make):
    """The header links to the page; the current password is required; other sessions end, this one stays."""
    user = make.user("candidate")
    client, other = _signed_in_client(app, user), _signed_in_client(app, user)
    home = client.get("/", follow_redirects=True).get_data(as_text=True)
    assert 'href="/account/password"' in home
    page = client.get("/account/password").get_data(as_text=True)
    assert '<label for="current_password">' in page and 'autocomplete="new-password"' in page
    wrong = client.post("/account/password", data={"current_password": "not-my-password",
                                                   "password": NEW_PASSWORD, "repeat": NEW_PASSWORD})
    assert wrong.status_code == 400 and "not your current password" in wrong.get_data(as_text=True)
    differ = client.post("/account/password", data={"current_password": Factory.PASSWORD,
                                                    "password": NEW_PASSWORD, "repeat": NEW_PASSWORD + "x"})
    assert differ.status_code == 400 and "differ" in differ.get_data(as_text=True)
    short = client.post("/account/password", data={"current_password": Factory.PASSWORD,
                                                   "password": "short", "repeat": "short"})
    assert short.status_code == 400
    assert client.get("/me").status_code == 200  # the refusals changed nothing
    ok = client.post("/account/password", data={"current_password": Factory.PASSWORD,
                                                "password": NEW_PASSWORD, "repeat": NEW_PASSWORD})
    assert ok.status_code == 302
    assert client.get("/me").status_code == 200
    assert _signed_out(other.get("/me"))
    assert _is_signed_in(_signed_in_client(app, user, NEW_PASSWORD).get("/me"))
    refused = browser(app).post("/login", data={"email": user.email, "password": Factory.PASSWORD})
    assert refused.status_code == 401


def test_my_password_is_throttled_like_sign_in(app, make):
    """Issue 15, finding 5: thirty wrong current passwords were all checked, then the right one worked. Now the
    sign-in counters apply: past LOGIN_MAX_FAILURES even the right current password is refused with the lock
    message, the password stays as it was, and signing in from that address is locked too."""
    user = make.user("candidate")
    db.session.commit()
    client = _signed_in_client(app, user)
    limit = app.config["LOGIN_MAX_FAILURES"]
    for guess in range(limit):
        wrong = client.post("/account/password", data={"current_password": f"guess-{guess}",
                                                       "password": NEW_PASSWORD, "repeat": NEW_PASSWORD})
        assert wrong.status_code == 400 and "not your current password" in wrong.get_data(as_text=True)
    right = client.post("/account/password", data={"current_password": Factory.PASSWORD,
                                                   "password": NEW_PASSWORD, "repeat": NEW_PASSWORD})
    assert right.status_code == 429
    assert "Too many failed sign-in attempts for this account." in right.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, user.id).check_password(Factory.PASSWORD)
    locked = browser(app).post("/login", data={"email": user.email, "password": Factory.PASSWORD})
    assert locked.status_code == 429


def test_a_right_current_password_clears_the_count(app, make):
    """Below the limit, changing the password clears the account's counters, as a sign-in does."""
    user = make.user("candidate")
    db.session.commit()
    client = _signed_in_client(app, user)
    limit = app.config["LOGIN_MAX_FAILURES"]
    for guess in range(limit - 1):
        client.post("/account/password", data={"current_password": f"guess-{guess}",
                                                "password": NEW_PASSWORD, "repeat": NEW_PASSWORD})
    ok = client.post("/account/password", data={"current_password": Factory.PASSWORD,
                                                "password": NEW_PASSWORD, "repeat": NEW_PASSWORD})
    assert ok.status_code == 302
    for guess in range(limit - 1):
        assert browser(app).post("/login", data={"email": user.email, "password": "x"}).status_code == 401
    assert _is_signed_in(_signed_in_client(app, user, NEW_PASSWORD).get("/me"))


def test_changing_ones_password_needs_the_csrf_token(database_url, make):
    """With CSRF on, the change without the page's token is refused and the password stays."""
    app = create_app(app_config(database_url, WTF_CSRF_ENABLED=True))
    with app.app_context():
        user = make.user("manager")
        client = browser(app)
        token_of = lambda page: page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]  # noqa: E731
        client.post("/login", data={"email": user.email, "password": Factory.PASSWORD,
                                    "csrf_token": token_of(client.get("/login").get_data(as_text=True))})
        data = {"current_password": Factory.PASSWORD, "password": NEW_PASSWORD, "repeat": NEW_PASSWORD}
        assert client.post("/account/password", data=data).status_code == 400
        db.session.expire_all()
        assert db.session.get(User, user.id).check_password(Factory.PASSWORD)
        token = token_of(client.get("/account/password").get_data(as_text=True))
        assert client.post("/account/password", data={**data, "csrf_token": token}).status_code == 302


def test_an_idle_session_expires(app, make, monkeypatch):
    """Unused for longer than SESSION_IDLE_MINUTES, the session is signed out with a message; used, it lives on."""
    app.config["SESSION_IDLE_MINUTES"] = 30
    user = make.user("manager")
    client = _signed_in_client(app, user)
    start = time.time()
    assert client.get("/ratings/").status_code == 200
    monkeypatch.setattr(time, "time", lambda: start + 29 * 60)
    assert client.get("/ratings/").status_code == 200  # used within the limit: renewed
    monkeypatch.setattr(time, "time", lambda: start + 29 * 60 + 31 * 60)
    expired = client.get("/ratings/")
    assert expired.status_code == 302 and "/login" in expired.location
    assert "without activity" in client.get(expired.location).get_data(as_text=True)
    # Signing in again later starts a fresh clock: the old last-use time does not sign the new session out.
    monkeypatch.setattr(time, "time", lambda: start + 5 * 3600)
    assert client.post("/login", data={"email": user.email, "password": Factory.PASSWORD}).status_code == 302
    assert client.get("/ratings/").status_code == 200


def test_signing_in_again_after_signing_out_starts_a_fresh_idle_clock(app, make, monkeypatch):
    """Sign out, come back hours later, sign in: the session works (the earlier last-use time is gone)."""
    app.config["SESSION_IDLE_MINUTES"] = 30
    user = make.user("manager")
    client = _signed_in_client(app, user)
    start = time.time()
    client.get("/ratings/")
    client.post("/logout")
    monkeypatch.setattr(time, "time", lambda: start + 3 * 3600)
    assert client.post("/login", data={"email": user.email, "password": Factory.PASSWORD}).status_code == 302
    assert client.get("/ratings/").status_code == 200


@pytest.mark.parametrize("session_id", ["5", "abc", "5.x", "", "5.1.2"])
def test_a_malformed_or_old_style_session_id_is_signed_out(app, make, session_id):
    """Session ids from before session versions ("5") or tampered ones sign nobody in."""
    from assessment.extensions import login_manager

    make.user("hr")
    assert login_manager._user_callback(session_id) is None


def test_a_right_current_password_with_an_unusable_new_one_is_not_a_guess(app, make):
    """The right current password with a new one refused (same as the current) clears the count: honest
    mistakes never lock a person out of changing their password."""
    user = make.user("candidate")
    db.session.commit()
    client = _signed_in_client(app, user)
    for _ in range(app.config["LOGIN_MAX_FAILURES"] + 1):
        same = client.post("/account/password", data={"current_password": Factory.PASSWORD,
                                                      "password": Factory.PASSWORD, "repeat": Factory.PASSWORD})
        assert same.status_code == 400 and "same as the current one" in same.get_data(as_text=True)
    changed = client.post("/account/password", data={"current_password": Factory.PASSWORD,
                                                     "password": NEW_PASSWORD, "repeat": NEW_PASSWORD})
    assert changed.status_code == 302
