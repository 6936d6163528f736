"""Sign-in, sign-out, throttling, cookies, CSRF, roles and error pages."""

import pytest
import sqlalchemy as sa
from flask import Blueprint

from assessment import create_app
from assessment.access import role_required
from assessment.extensions import db
from assessment.models import AuditEvent, User
from tests.conftest import app_config


def test_login_page_renders_a_labelled_form(client):
    """The sign-in page has labelled e-mail and password fields."""
    page = client.get("/login").get_data(as_text=True)
    assert '<label for="email">' in page and '<label for="password">' in page


def test_login_and_logout(client, auth, make):
    """A user signs in with the right password, reaches the home page, and signs out."""
    user = make.user("manager", name="Margaret Okafor")
    response = auth.login(user)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "Margaret Okafor" in client.get("/", follow_redirects=True).get_data(as_text=True)
    assert auth.logout().status_code == 302
    assert client.get("/").status_code == 302  # back to sign-in


def test_wrong_password_is_refused_and_email_kept(client, make):
    """A wrong password gives a clear error; the e-mail typed stays in the form, the password does not."""
    user = make.user("hr")
    response = client.post("/login", data={"email": user.email, "password": "wrong-password"})
    page = response.get_data(as_text=True)
    assert response.status_code == 401
    assert "The e-mail address or the password is not right." in page
    assert f'value="{user.email}"' in page and "wrong-password" not in page


def test_password_is_stored_hashed(make):
    """The password is stored only as a salted hash."""
    user = make.user("hr", password="a-long-enough-password")
    stored = db.session.get(User, user.id).password_hash
    assert "a-long-enough-password" not in stored and stored.startswith(("scrypt:", "pbkdf2:"))


def test_repeated_failures_lock_the_account_for_a_while(client, make, app):
    """After the limit of failures, even the right password is refused with a clear message."""
    user = make.user("manager")
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        client.post("/login", data={"email": user.email, "password": "guess-guess"})
    response = client.post("/login", data={"email": user.email, "password": make.PASSWORD})
    assert response.status_code == 429
    assert "Too many failed sign-in attempts for this account. Try again in 15 minutes." in response.get_data(as_text=True)


def test_failures_from_one_address_are_limited_across_accounts(client, make, app):
    """Guessing across many accounts from one address is refused too."""
    app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 3
    target = make.user("hr")
    for n in range(3):
        client.post("/login", data={"email": f"nobody{n}@example.com", "password": "guess-guess"})
    response = client.post("/login", data={"email": target.email, "password": make.PASSWORD})
    assert response.status_code == 429 and "this network address" in response.get_data(as_text=True)


def test_next_parameter_never_leaves_the_site(client, make):
    """After sign-in, only a local path is followed."""
    user = make.user("hr")
    response = client.post("/login?next=//evil.example.com/x", data={"email": user.email, "password": make.PASSWORD})
    assert response.headers["Location"] == "/"
    client.post("/logout")
    response = client.post("/login?next=/some/page", data={"email": user.email, "password": make.PASSWORD})
    assert response.headers["Location"] == "/some/page"


def test_session_cookie_is_httponly_lax_and_secure_over_https(client, make):
    """The session cookie is HttpOnly and SameSite=Lax, and Secure when the request came over https."""
    user = make.user("hr")
    cookie = client.post("/login", data={"email": user.email, "password": make.PASSWORD}).headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    secure = client.post("/login", base_url="https://localhost",
                         data={"email": user.email, "password": make.PASSWORD})
    assert "Secure" in secure.headers.get("Set-Cookie", "") or secure.status_code == 302


def test_post_without_csrf_token_is_refused(database_url, make):
    """With CSRF protection on (as in production), a POST without the token is refused with 400."""
    app = create_app(app_config(database_url, WTF_CSRF_ENABLED=True))
    with app.app_context():
        user = make.user("hr")
        client = app.test_client()
        response = client.post("/login", data={"email": user.email, "password": make.PASSWORD})
        assert response.status_code == 400
        assert "missing security token" in response.get_data(as_text=True)
        page = client.get("/login").get_data(as_text=True)
        token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
        ok = client.post("/login", data={"email": user.email, "password": make.PASSWORD, "csrf_token": token})
        assert ok.status_code == 302


def test_error_pages_leak_nothing(database_url):
    """404 and 500 pages say what happened without a stack trace or internals."""
    app = create_app(app_config(database_url, TESTING=False, PROPAGATE_EXCEPTIONS=False))

    @app.route("/boom")
    def boom():
        raise RuntimeError("secret internal detail")

    client = app.test_client()
    missing = client.get("/no/such/page")
    assert missing.status_code == 404 and "Not found" in missing.get_data(as_text=True)
    crashed = client.get("/boom")
    body = crashed.get_data(as_text=True)
    assert crashed.status_code == 500 and "Something went wrong" in body
    assert "secret internal detail" not in body and "Traceback" not in body


@pytest.mark.parametrize("role, expected", [("hr", 200), ("manager", 403), ("candidate", 403)])
def test_role_required_allows_only_its_roles(database_url, make, role, expected):
    """A view behind role_required('hr') answers 403 to other roles and sends anonymous users to sign in."""
    app = create_app(app_config(database_url))
    bp = Blueprint("probe", __name__)

    @bp.route("/probe")
    @role_required("hr")
    def probe():
        return "ok"

    app.register_blueprint(bp)
    with app.app_context():
        user = make.user(role)
        client = app.test_client()
        assert client.get("/probe").status_code == 302
        client.post("/login", data={"email": user.email, "password": make.PASSWORD})
        assert client.get("/probe").status_code == expected


def test_user_creation_is_audited(make):
    """Creating an account leaves an audit event, and audit events cannot be changed."""
    user = make.user("manager")
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.kind == "user.create",
                                                          AuditEvent.subject_id == user.id))
    assert event is not None and event.after["email"] == user.email
    event.summary = "tampered"
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.flush()
    db.session.rollback()
