"""Single sign-on end to end against a real OpenID Connect provider started here (tests/sso_provider.py): the test
client goes to the provider, the provider's sign-in page sends it back, the app exchanges the code over HTTP and
verifies the ID token. Every refusal is a clear page, never a server error (issue 21, part 2)."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa
from flask import g

from assessment.extensions import db
from assessment.models import AuditEvent, User
from assessment.services.sso import add_jit_domain
from assessment.services.users import deactivate_user
from tests.conftest import app_config, running_app
from tests.factories import Factory
from tests.sso_provider import local_path, running_provider


@pytest.fixture(scope="module")
def provider():
    with running_provider() as provider:
        yield provider


def sso_config(database_url, provider, **extra):
    return app_config(database_url, OIDC_ISSUER=provider.url, OIDC_CLIENT_ID="opsladder",
                      OIDC_CLIENT_SECRET="s3cret", OIDC_NAME="Contoso Login", **extra)


@pytest.fixture
def sso_app(database_url, provider):
    with running_app(sso_config(database_url, provider)) as app:
        yield app
    provider.tamper = {}


@pytest.fixture
def make(sso_app):
    return Factory(sso_app)


def start(client, next_url=None):
    """Begin a single sign-on; the provider's authorization address."""
    g.pop("_login_user", None)  # the tests' app context is shared by the requests: forget the last one's user
    response = client.get("/sso/start" + (f"?next={next_url}" if next_url else ""))
    assert response.status_code == 302
    return response.headers["Location"]


def sso(client, provider, sub, *, deny=False):
    """Sign in through the provider as ``sub``: to the provider, its sign-in page, and back to the callback."""
    back = provider.approve(start(client), sub, deny=deny)
    assert back.startswith("http://localhost/sso/callback?")
    return client.get(local_path(back))


def test_start_uses_discovery_pkce_state_and_nonce(sso_app, provider):
    """The browser goes to the provider found by discovery, with PKCE (S256), a state, a nonce, scope openid."""
    url = start(sso_app.test_client())
    query = parse_qs(urlsplit(url).query)
    assert query["client_id"] == ["opsladder"] and query["response_type"] == ["code"]
    assert "openid" in query["scope"][0].split() and "email" in query["scope"][0].split()
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) >= 43
    assert query["state"][0] and query["nonce"][0]
    assert query["redirect_uri"] == ["http://localhost/sso/callback"]


def test_known_verified_email_signs_in_like_a_password(sso_app, provider, make):
    """A known account with a verified address is signed in: last_login_at set, same session as a password."""
    person = make.user("manager", email="ann@example.com")
    client = sso_app.test_client()
    with client.session_transaction() as session:
        session["csrf_token"] = "planted-before-sign-in"
    sub = provider.user("ann", email="Ann@Example.com", email_verified=True, name="Ann")
    response = sso(client, provider, sub)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    with client.session_transaction() as session:
        assert session["_user_id"] == f"{person.id}.{person.session_version}"
        assert session.get("csrf_token") != "planted-before-sign-in"  # renewed at sign-in
    db.session.expire_all()
    assert db.session.get(User, person.id).last_login_at is not None
    assert client.get("/rating/").status_code != 302  # signed in: no redirect to the sign-in page


def test_next_is_followed_when_on_this_site(sso_app, provider, make):
    """?next= on the sign-in button is kept through the provider (only paths on this site)."""
    make.user("manager", email="nia@example.com")
    sub = provider.user("nia", email="nia@example.com", email_verified=True)
    client = sso_app.test_client()
    back = provider.approve(start(client, "/rating/"), sub)
    assert client.get(local_path(back)).headers["Location"] == "/rating/"
    client = sso_app.test_client()
    back = provider.approve(start(client, "https://evil.example/"), sub)
    assert client.get(local_path(back)).headers["Location"] == "/"


@pytest.mark.parametrize("tamper, words", [
    ({"aud": "someone-else"}, "could not be verified"),
    ({"iss": "https://evil.example"}, "could not be verified"),
    ({"nonce": "not-this-sign-in"}, "could not be verified"),
    ({"exp": int(time.time()) - 3600, "iat": int(time.time()) - 7200}, "has expired"),
])
def test_untrustworthy_id_token_is_refused(sso_app, provider, make, tamper, words):
    """An ID token for another client, from another issuer, for another sign-in, or expired: a clear page."""
    make.user("manager", email="ben@example.com")
    sub = provider.user("ben", email="ben@example.com", email_verified=True)
    provider.tamper = tamper
    client = sso_app.test_client()
    response = sso(client, provider, sub)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Single sign-on did not sign you in" in page and words in page
    with client.session_transaction() as session:
        assert "_user_id" not in session


def test_unverified_email_is_refused(sso_app, provider, make):
    """email_verified false (or missing): refused, even for a known address."""
    make.user("hr", email="cat@example.com")
    for verified in (False, "false", None):
        claims = {"email": "cat@example.com"} | ({} if verified is None else {"email_verified": verified})
        sub = provider.user(f"cat-{verified}", **claims)
        response = sso(sso_app.test_client(), provider, sub)
        assert response.status_code == 403
        assert "has not verified your e-mail address" in response.get_data(as_text=True)


def test_unknown_email_without_jit_is_refused(sso_app, provider):
    """An address without an account, in no allowed domain: refused, no account made."""
    sub = provider.user("dan", email="dan@example.com", email_verified=True)
    response = sso(sso_app.test_client(), provider, sub)
    assert response.status_code == 403
    assert "There is no OpsLadder account for dan@example.com" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0


def test_jit_creates_an_account_for_an_allowed_domain(sso_app, provider, make):
    """An unknown verified address of an allowed domain gets an account with the domain's role (audited)."""
    hr = make.user("hr")
    add_jit_domain("Example.ORG", "manager", actor=hr)
    db.session.commit()
    sub = provider.user("eve", email="eve@example.org", email_verified=True, name="Eve Example")
    client = sso_app.test_client()
    response = sso(client, provider, sub)
    assert response.status_code == 302
    user = db.session.scalar(sa.select(User).where(User.email == "eve@example.org"))
    assert user.role == "manager" and user.name == "Eve Example" and user.password_hash is None
    assert user.last_login_at is not None
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.kind == "user.sso_create")).subject_id == user.id
    # A look-alike domain is not the allowed one.
    sub = provider.user("mal", email="mal@example.org.evil.test", email_verified=True)
    assert sso(sso_app.test_client(), provider, sub).status_code == 403


@pytest.mark.parametrize("email", ["hr@ｅxample.org", "ｈｒ@example.org", "hr@ＥＸＡＭＰＬＥ.org"])
def test_jit_refuses_a_look_alike_of_an_existing_address(sso_app, provider, make, email):
    """A verified full-width spelling maps to the allowed domain but would be stored as another account that
    looks like hr@example.org: refused (403), no account made."""
    hr = make.user("hr", email="hr@example.org")
    add_jit_domain("example.org", "candidate", actor=hr)
    db.session.commit()
    sub = provider.user("look", email=email, email_verified=True, name="Look Alike")
    assert sso(sso_app.test_client(), provider, sub).status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 1


def test_deactivated_account_is_refused(sso_app, provider, make):
    """A deactivated account stays out, whatever the provider says."""
    hr = make.user("hr")
    person = make.user("candidate", email="fay@example.com")
    deactivate_user(person, actor=hr, reason="left")
    db.session.commit()
    sub = provider.user("fay", email="fay@example.com", email_verified=True)
    response = sso(sso_app.test_client(), provider, sub)
    assert response.status_code == 403 and "is deactivated" in response.get_data(as_text=True)


def test_state_mismatch_and_replayed_callback_are_refused(sso_app, provider, make):
    """A callback whose state this browser did not start, and the same callback twice: clear pages."""
    make.user("manager", email="gus@example.com")
    sub = provider.user("gus", email="gus@example.com", email_verified=True)
    client = sso_app.test_client()
    back = provider.approve(start(client), sub)
    forged = back.replace("state=", "state=x")
    response = client.get(local_path(forged))
    assert response.status_code == 400 and "does not belong to a sign-in started" in response.get_data(as_text=True)
    # Another browser (no state of its own) presenting the callback: refused.
    assert sso_app.test_client().get(local_path(back)).status_code == 400
    # The real one signs in once; the same callback again is refused.
    assert client.get(local_path(back)).status_code == 302
    client.post("/logout")
    again = client.get(local_path(back))
    assert again.status_code == 400 and "already used" in again.get_data(as_text=True)


def test_provider_denial_is_a_clear_page(sso_app, provider):
    """The person presses "Deny" at the provider: a page saying so."""
    response = sso(sso_app.test_client(), provider, None, deny=True)
    assert response.status_code == 400 and "access_denied" in response.get_data(as_text=True)


def test_unreachable_provider_is_a_clear_page(database_url):
    """A provider that does not answer: 502 with advice, never a 500."""
    config = app_config(database_url, OIDC_ISSUER="http://127.0.0.1:9/", OIDC_CLIENT_ID="x", OIDC_CLIENT_SECRET="y")
    with running_app(config) as app:
        response = app.test_client().get("/sso/start")
        assert response.status_code == 502 and "could not be reached" in response.get_data(as_text=True)


def test_callback_with_hostile_query_is_never_a_500(sso_app, provider):
    """Garbage codes and states, with and without a started sign-in: 400 pages."""
    client = sso_app.test_client()
    for query in ("", "?code=x", "?state=" + "a" * 3000 + "&code=y", "?code=%00&state=%00", "?error=x&state=y"):
        assert client.get("/sso/callback" + query).status_code == 400
    start(client)
    assert client.get("/sso/callback?code=forged&state=forged").status_code == 400


def test_sign_in_page_shows_the_provider_button_in_english_and_german(sso_app):
    """"Sign in with Contoso Login" on the sign-in page, in both languages."""
    client = sso_app.test_client()
    assert "Sign in with Contoso Login" in client.get("/login").get_data(as_text=True)
    page = client.get("/login", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert "Anmelden mit Contoso Login" in page
