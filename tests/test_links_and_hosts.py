"""Links in mail come from OPSLADDER_BASE_URL only, never from the request; a request naming a host that is not
configured gets 400; forwarding headers without OPSLADDER_BEHIND_PROXY are reported once (issue 15: 1 and 10)."""

from __future__ import annotations

import email
import logging
import re
from email.policy import default

import pytest
import sqlalchemy as sa

from assessment import create_app
from assessment.config import ConfigError
from assessment.extensions import db
from assessment.mail.compose import external_url
from assessment.models import OutboxMessage
from assessment.mail.outbox import wait_for_delivery
from tests.conftest import app_config
from tests.mailbox import html_of, text_of

LINK = re.compile(r"https?://[^\s\"'<>]+")


def _mail_to_files(app, tmp_path):
    folder = tmp_path / "mail"
    app.config.update(SMTP_HOST=None, MAIL_DIR=str(folder), MAIL_DISPATCH="thread")
    return folder


def _written(folder) -> list[email.message.EmailMessage]:
    wait_for_delivery()
    return [email.message_from_bytes(path.read_bytes(), policy=default) for path in sorted(folder.glob("*.eml"))]


def _links(message) -> list[str]:
    return LINK.findall(text_of(message)) + LINK.findall(html_of(message))


def test_a_forged_host_header_gets_400_and_no_reset_mail_is_written(app, client, make, tmp_path):
    """Issue 15.1: `Host: evil.example` on forgot-password wrote HR's real reset mail with a link to evil.example.
    Now the request is refused before any view runs: no mail file, nothing in the outbox, and no 500."""
    folder = _mail_to_files(app, tmp_path)
    hr = make.user("hr", email="hr@example.com")
    response = client.post("/password/forgot", data={"email": hr.email}, headers={"Host": "evil.example"})
    assert response.status_code == 400
    assert "does not answer to the address you used" in response.get_data(as_text=True)
    assert _written(folder) == [] and not list(folder.glob("*"))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0
    # The same request to the configured host writes the mail, and its link is the configured address.
    assert client.post("/password/forgot", data={"email": hr.email}).status_code == 200
    [message] = _written(folder)
    links = _links(message)
    assert all(link.startswith("http://localhost/") for link in links), links
    assert any("/password/set/" in link for link in links)


@pytest.mark.parametrize("path", ["/", "/login", "/password/forgot", "/static/css/app.css", "/no-such-page"])
@pytest.mark.parametrize("host", ["evil.example", "localhost.evil.example", "evil.example:80", "[::1]"])
def test_every_page_refuses_a_host_that_is_not_configured(client, path, host):
    """Any path, any untrusted Host (also a look-alike and one with a port): 400 with a plain message."""
    response = client.get(path, headers={"Host": host})
    assert response.status_code == 400, (path, host)
    assert response.mimetype == "text/plain" and "OpsLadder" in response.get_data(as_text=True)
    assert response.headers["X-Frame-Options"] == "DENY"


def test_an_untrusted_host_is_answered_before_the_csrf_check_and_the_query_guard(database_url):
    """Those checks answer with an HTML page, which cannot be built for an untrusted host: the host check comes
    first, so a forged POST without a token, or with a NUL in the query, is a 400 too, never a 500."""
    client = create_app(app_config(database_url, WTF_CSRF_ENABLED=True)).test_client()
    forged = client.post("/password/forgot", data={"email": "hr@example.com"}, headers={"Host": "evil.example"})
    nul = client.get("/login?q=%00", headers={"Host": "evil.example"})
    for response in (forged, nul):
        assert response.status_code == 400 and "does not answer to the address" in response.get_data(as_text=True)
    assert client.post("/password/forgot", data={"email": "hr@example.com"}).status_code == 400  # CSRF, as before


def test_the_mail_links_to_the_base_url_whatever_trusted_host_the_request_named(app, client, make, tmp_path):
    """A second trusted name (OPSLADDER_TRUSTED_HOSTS, e.g. an internal one) is answered, but the mail written for
    it still links to OPSLADDER_BASE_URL only; so do links built outside a request (cron reminders)."""
    folder = _mail_to_files(app, tmp_path)
    app.config.update(BASE_URL="https://opsladder.example.com/",
                      TRUSTED_HOSTS=["opsladder.example.com", "opsladder.internal"])
    user = make.user("manager")
    response = client.post("/password/forgot", data={"email": user.email}, headers={"Host": "opsladder.internal"})
    assert response.status_code == 200
    [message] = _written(folder)
    links = _links(message)
    assert all(link.startswith("https://opsladder.example.com/") for link in links), links
    assert any(link.startswith("https://opsladder.example.com/password/set/") for link in links)
    assert "opsladder.internal" not in message.as_string() and "localhost" not in text_of(message)
    assert external_url("auth.login") == "https://opsladder.example.com/login"


def test_forwarded_host_is_ignored_without_the_proxy_setting_and_checked_with_it(database_url, make, tmp_path):
    """Not behind a proxy, X-Forwarded-Host changes nothing (the link stays on the base URL); behind one, the
    forwarded host must be a trusted host too."""
    app = create_app(app_config(database_url, MAIL_DIR=str(tmp_path / "mail"), MAIL_DISPATCH="thread"))
    proxied = create_app(app_config(database_url, BEHIND_PROXY=True))
    with app.app_context():
        try:
            user = make.user("hr")
            response = app.test_client().post("/password/forgot", data={"email": user.email},
                                              headers={"X-Forwarded-Host": "evil.example"})
            assert response.status_code == 200
            [message] = _written(tmp_path / "mail")
            assert all(link.startswith("http://localhost/") for link in _links(message))
            refused = proxied.test_client().post("/password/forgot", data={"email": user.email},
                                                 headers={"X-Forwarded-Host": "evil.example"})
            assert refused.status_code == 400
            assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 1
        finally:
            db.session.remove()
            with db.engine.begin() as conn:
                for table in reversed(db.metadata.sorted_tables):
                    conn.execute(table.delete())


def test_production_refuses_to_start_without_a_base_url(database_url, monkeypatch):
    """Not testing, not debug, no OPSLADDER_BASE_URL: create_app stops with a message naming the setting."""
    monkeypatch.delenv("OPSLADDER_BASE_URL", raising=False)
    with pytest.raises(ConfigError, match="OPSLADDER_BASE_URL is not set"):
        create_app(app_config(database_url, TESTING=False, BASE_URL=None))
    monkeypatch.setenv("OPSLADDER_BASE_URL", "https://opsladder.example.com/hr/")
    monkeypatch.setenv("OPSLADDER_TRUSTED_HOSTS", "opsladder.internal, .corp.example  ")
    config = {key: value for key, value in app_config(database_url, TESTING=False).items()
              if key not in ("BASE_URL", "EXTRA_TRUSTED_HOSTS")}
    app = create_app(config)
    assert app.config["BASE_URL"] == "https://opsladder.example.com/hr/"
    assert app.config["TRUSTED_HOSTS"] == ["opsladder.example.com", "opsladder.internal", ".corp.example"]


@pytest.mark.parametrize("url", ["opsladder.example.com", "javascript:alert(1)", "ftp://opsladder.example.com",
                                 "https://user:secret@opsladder.example.com", "https://opsladder.example.com/?a=1",
                                 "https://opsladder.example.com/#top", "https://"])
def test_a_base_url_that_cannot_start_a_link_is_refused_at_start(database_url, url):
    with pytest.raises(ConfigError, match="OPSLADDER_BASE_URL is"):
        create_app(app_config(database_url, BASE_URL=url))


def test_tests_and_debug_runs_without_a_base_url_use_the_development_address(database_url):
    """Only TESTING or DEBUG fall back to http://127.0.0.1:5000 (the `make run` address), trusting that host only."""
    app = create_app(app_config(database_url, BASE_URL=None, EXTRA_TRUSTED_HOSTS=()))
    assert app.config["BASE_URL"] == "http://127.0.0.1:5000/" and app.config["TRUSTED_HOSTS"] == ["127.0.0.1"]
    assert app.test_client().get("/login", base_url="http://127.0.0.1:5000").status_code == 200
    assert app.test_client().get("/login").status_code == 400  # Host: localhost is not trusted here


def _proxy_warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "opsladder.security" and r.levelno == logging.WARNING]


def test_forwarding_headers_without_the_proxy_setting_are_warned_about_once(app, client, caplog):
    """Issue 15.10: behind a proxy without OPSLADDER_BEHIND_PROXY=1 every visitor shares the proxy's address, so
    21 wrong sign-ins lock everyone out. The first request with forwarding headers logs one warning naming the
    setting; later ones do not repeat it."""
    with caplog.at_level(logging.WARNING, logger="opsladder.security"):
        assert client.get("/login").status_code == 200
        assert _proxy_warnings(caplog) == []
        for _ in range(3):
            client.get("/login", headers={"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"})
    [warning] = _proxy_warnings(caplog)
    assert "OPSLADDER_BEHIND_PROXY" in warning and "X-Forwarded-For, X-Forwarded-Proto" in warning
    assert "lock" in warning


@pytest.mark.parametrize("header", ["Forwarded", "X-Real-IP", "X-Forwarded-Host"])
def test_every_forwarding_header_is_noticed(app, client, caplog, header):
    with caplog.at_level(logging.WARNING, logger="opsladder.security"):
        client.get("/login", headers={header: "for=203.0.113.7" if header == "Forwarded" else "203.0.113.7"})
    assert len(_proxy_warnings(caplog)) == 1


def test_behind_a_proxy_the_headers_are_trusted_and_nothing_is_warned(database_url, caplog):
    app = create_app(app_config(database_url, BEHIND_PROXY=True))
    with caplog.at_level(logging.WARNING, logger="opsladder.security"):
        response = app.test_client().get("/login", headers={"X-Forwarded-For": "203.0.113.7",
                                                            "X-Forwarded-Proto": "https"})
    assert response.status_code == 200 and "Strict-Transport-Security" in response.headers
    assert _proxy_warnings(caplog) == []
