"""HR's sign-in settings (issue 21, part 2): password sign-in off for everyone but the break-glass account, the
domains allowed just-in-time accounts; audited, HR only, hostile input refused with a message, CSRF checked."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import g

from assessment import create_app
from assessment.config import ConfigError, checked_oidc
from assessment.extensions import db
from assessment.mail.tokens import make_token
from assessment.models import AuditEvent, JitDomain, OutboxMessage, SignInSettings
from assessment.services import NotAllowed
from assessment.services.sso import password_policy, set_password_sign_in
from tests.conftest import app_config, running_app
from tests.factories import Factory

SSO = {"OIDC_ISSUER": "http://127.0.0.1:9", "OIDC_CLIENT_ID": "opsladder", "OIDC_CLIENT_SECRET": "s3cret",
       "OIDC_NAME": "Contoso Login"}


@pytest.fixture
def sso_app(database_url):
    """An app with single sign-on configured (the provider is not needed for these pages)."""
    with running_app(app_config(database_url, **SSO)) as app:
        yield app


@pytest.fixture
def make(sso_app):
    return Factory(sso_app)


def login(client, user, password=Factory.PASSWORD):
    g.pop("_login_user", None)  # the tests' app context is shared by the requests
    return client.post("/login", data={"email": user.email, "password": password})


def turn_off(hr, break_glass):
    set_password_sign_in(False, break_glass, actor=hr)
    db.session.commit()


REFUSED = ("The e-mail address or the password is not right, or password sign-in is turned off for this account "
           "(then sign in with Contoso Login).")


def test_password_sign_in_off_refuses_everyone_but_the_break_glass_account(sso_app, make):
    """Off: the others are refused whatever their password (the right one too); break-glass signs in."""
    hr, keeper, manager = make.user("hr"), make.user("hr"), make.user("manager")
    turn_off(hr, keeper)
    client = sso_app.test_client()
    response = login(client, manager)
    assert response.status_code == 401 and REFUSED in response.get_data(True)
    assert login(client, hr).status_code == 401
    assert login(client, make.user("candidate"), "wrong password").status_code == 401
    assert login(client, keeper).status_code == 302


def test_password_sign_in_off_never_tells_which_address_is_the_break_glass_account(sso_app, make):
    """A wrong password for the break-glass account, another account or no account: one status, one text; and
    the throttle counts them all alike."""
    hr, keeper = make.user("hr", email="hr.one@example.com"), make.user("hr", email="keeper@example.com")
    turn_off(hr, keeper)
    sso_app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"] = 2
    client = sso_app.test_client()
    answers = {}
    for email in ("hr.one@example.com", "keeper@example.com", "nobody@example.com"):
        g.pop("_login_user", None)
        answer = client.post("/login", data={"email": email, "password": "a wrong guess!"})
        answers[email] = (answer.status_code, REFUSED in answer.get_data(True))
    assert set(answers.values()) == {(401, True)}, answers
    for email in ("hr.one@example.com", "keeper@example.com"):
        for _attempt in range(3):
            g.pop("_login_user", None)
            last = client.post("/login", data={"email": email, "password": "a wrong guess!"})
        assert last.status_code == 429, email


def test_sign_in_page_hides_the_password_form_when_off(sso_app, make):
    """Off: the page shows the provider's button and a break-glass link; the form only behind that link."""
    hr = make.user("hr")
    client = sso_app.test_client()
    page = client.get("/login").get_data(as_text=True)
    assert 'name="password"' in page and "Sign in with Contoso Login" in page
    turn_off(hr, hr)
    page = client.get("/login").get_data(as_text=True)
    assert 'name="password"' not in page and "Sign in with Contoso Login" in page
    assert "break-glass account only" in page
    assert 'name="password"' in client.get("/login?password=1").get_data(as_text=True)
    german = client.get("/login", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert "Anmelden mit Contoso Login" in german and "nur Notfallkonto" in german


def test_password_reset_mail_only_for_the_break_glass_account_when_off(sso_app, make):
    """Off: no reset link for the others (the page says why, the same for every address); break-glass gets one."""
    hr, manager = make.user("hr"), make.user("manager")
    turn_off(hr, hr)
    client = sso_app.test_client()
    response = client.post("/password/forgot", data={"email": manager.email})
    assert response.status_code == 200 and "Password sign-in is turned off" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 0
    client.post("/password/forgot", data={"email": hr.email})
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 1


def test_a_link_sent_earlier_sets_no_password_when_off(sso_app, make):
    """An invitation or reset link mailed before password sign-in was turned off no longer sets a password."""
    hr, manager = make.user("hr"), make.user("manager", password=None)
    token = make_token(manager, "invitation")
    turn_off(hr, hr)
    response = sso_app.test_client().post(f"/password/set/{token}", data={"password": "a-long-new-password",
                                                                         "repeat": "a-long-new-password"})
    assert response.status_code == 400 and "Password sign-in is turned off" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(type(manager), manager.id).password_hash is None


def test_own_password_change_refused_when_off(sso_app, make):
    """A signed-in person (signed in before it was turned off) cannot set a password either."""
    hr, manager = make.user("hr"), make.user("manager")
    client = sso_app.test_client()
    assert login(client, manager).status_code == 302
    turn_off(hr, hr)
    response = client.post("/account/password", data={"current_password": Factory.PASSWORD,
                                                       "password": "another-long-password",
                                                       "repeat": "another-long-password"})
    assert response.status_code == 403 and "Password sign-in is turned off" in response.get_data(as_text=True)


def test_turning_off_needs_sso_and_an_active_hr_break_glass(database_url, sso_app, make):
    """The break-glass account must be an active HR account; without SSO configured, off is refused."""
    hr, manager = make.user("hr"), make.user("manager")
    for bad in (None, manager):
        with pytest.raises(Exception, match="break-glass"):
            set_password_sign_in(False, bad, actor=hr)
        db.session.rollback()
    plain = create_app(app_config(database_url))
    with plain.app_context():
        with pytest.raises(NotAllowed, match="not configured"):
            set_password_sign_in(False, hr, actor=hr)
        db.session.rollback()
    assert password_policy().password_sign_in


def test_settings_page_saves_and_audits(sso_app, make):
    """HR turns password sign-in off through the page, then on again; both audited with before and after."""
    hr = make.user("hr")
    client = sso_app.test_client()
    login(client, hr)
    assert "Sign-in settings" in client.get("/hr/sign-in").get_data(as_text=True)
    response = client.post("/hr/sign-in/password", data={"password_sign_in": "off", "break_glass": str(hr.id)})
    assert response.status_code == 302
    db.session.expire_all()
    assert not password_policy().password_sign_in and password_policy().break_glass.id == hr.id
    client.post("/hr/sign-in/password", data={"password_sign_in": "on", "break_glass": ""})
    events = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.kind == "sso.password_sign_in")
                                .order_by(AuditEvent.id)).all()
    assert [e.after["password_sign_in"] for e in events] == [False, True]
    assert events[1].before == {"password_sign_in": False, "break_glass": hr.email}


def test_settings_page_refuses_a_bad_break_glass_choice(sso_app, make):
    """A manager, a forged id, a huge number or text as the break-glass account: a message, nothing saved."""
    hr, manager = make.user("hr"), make.user("manager")
    client = sso_app.test_client()
    login(client, hr)
    for choice in (str(manager.id), "99999", "9" * 40, "\x00", "", "x" * 5000):
        response = client.post("/hr/sign-in/password", data={"password_sign_in": "off", "break_glass": choice})
        assert response.status_code == 400, choice
    assert db.session.get(SignInSettings, 1) is None


@pytest.mark.parametrize("domain, message", [
    ("exa\x00mple.com", "NUL"),
    ("a" * 300 + ".com", "253"),
    ("ann@example.com", "the part after the @"),
    ("example\uff20evil.com", "the part after the @"),
    ("exa\u200bmple.com", "invisible"),
    ("exa\u202emple.com", "invisible"),
    ("localhost", "not a domain name"),
    ("-bad-.com", "not a domain name"),
    ("exa mple.com", "invisible"),
    ("", "required"),
])
def test_hostile_domains_are_refused_with_a_message(sso_app, make, domain, message):
    """NUL, overlong, an address, a full-width @, zero-width and bidi characters: refused, said why, never 500."""
    hr = make.user("hr")
    client = sso_app.test_client()
    login(client, hr)
    response = client.post("/hr/sign-in/domains", data={"domain": domain, "role": "candidate"})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(JitDomain.id))) == 0


def test_domains_are_stored_in_their_ascii_form_and_removed(sso_app, make):
    """A look-alike (Cyrillic) domain is stored as xn--..., so it never matches the Latin one; removing is audited."""
    hr = make.user("hr")
    client = sso_app.test_client()
    login(client, hr)
    assert client.post("/hr/sign-in/domains", data={"domain": "Ex\u0430mple.com", "role": "manager"}).status_code == 302
    assert client.post("/hr/sign-in/domains", data={"domain": "Bücher.DE.", "role": "candidate"}).status_code == 302
    assert sorted(db.session.scalars(sa.select(JitDomain.domain))) == ["xn--bcher-kva.de", "xn--exmple-4nf.com"]
    again = client.post("/hr/sign-in/domains", data={"domain": "xn--bcher-kva.de", "role": "candidate"})
    assert again.status_code == 400 and "already allowed" in again.get_data(as_text=True)
    assert client.post("/hr/sign-in/domains", data={"domain": "example.net", "role": "hr"}).status_code == 400
    row = db.session.scalar(sa.select(JitDomain).where(JitDomain.domain == "xn--bcher-kva.de"))
    assert client.post("/hr/sign-in/domains/remove", data={"domain_id": str(row.id)}).status_code == 302
    for forged in ("99999", "9" * 40, "\x00", ""):
        assert client.post("/hr/sign-in/domains/remove", data={"domain_id": forged}).status_code == 302
    kinds = db.session.scalars(sa.select(AuditEvent.kind).where(AuditEvent.kind.like("sso.%"))).all()
    assert sorted(kinds) == ["sso.jit_domain.add", "sso.jit_domain.add", "sso.jit_domain.remove"]


@pytest.mark.parametrize("role", ["manager", "candidate"])
def test_settings_are_hr_only(sso_app, make, role):
    """Managers and candidates get 403 on the page and on every change; nothing changes."""
    person = make.user(role)
    client = sso_app.test_client()
    login(client, person)
    assert client.get("/hr/sign-in").status_code == 403
    assert client.post("/hr/sign-in/password", data={"password_sign_in": "off", "break_glass": str(person.id)}
                       ).status_code == 403
    assert client.post("/hr/sign-in/domains", data={"domain": "example.com", "role": "manager"}).status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(JitDomain.id))) == 0


def test_settings_changes_need_the_csrf_token(database_url):
    """With CSRF on, a change without the token is refused and changes nothing."""
    with running_app(app_config(database_url, WTF_CSRF_ENABLED=True, **SSO)) as app:
        hr = Factory(app).user("hr")
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = hr.get_id()
            session["_fresh"] = True
        response = client.post("/hr/sign-in/domains", data={"domain": "example.com", "role": "manager"})
        assert response.status_code == 400
        assert db.session.scalar(sa.select(sa.func.count(JitDomain.id))) == 0


@pytest.mark.parametrize("settings, words", [
    ({"OIDC_ISSUER": "https://login.example.com"}, "half configured"),
    ({"OIDC_ISSUER": "http://login.example.com", "OIDC_CLIENT_ID": "a", "OIDC_CLIENT_SECRET": "b"}, "https"),
    ({"OIDC_ISSUER": "https://u:p@login.example.com", "OIDC_CLIENT_ID": "a", "OIDC_CLIENT_SECRET": "b"}, "without user"),
    ({"OIDC_ISSUER": "https://login.example.com", "OIDC_CLIENT_ID": "a", "OIDC_CLIENT_SECRET": "b",
      "OIDC_NAME": "x" * 61}, "OPSLADDER_OIDC_NAME"),
])
def test_bad_sso_configuration_refuses_to_start(settings, words):
    """Half set, plain http to another machine, credentials in the URL, an overlong name: a message naming it."""
    with pytest.raises(ConfigError, match=words):
        checked_oidc(settings)
    assert checked_oidc({}) is False
    assert checked_oidc({"OIDC_ISSUER": "https://login.example.com", "OIDC_CLIENT_ID": "a", "OIDC_CLIENT_SECRET": "b"})
