"""(issue 21) API tokens: HR's pages (shown once, listed with last use, revoked), what makes a token refused,
scopes, auditing, rate limits (in memory and on Redis), and that no token ever reaches a log."""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa

from assessment import create_app
from assessment.extensions import db
from assessment.models import ApiToken, AuditEvent, utcnow
from assessment.services.api_tokens import hash_token
from assessment.services.two_person import grant_hr_by_operator
from assessment.services.users import change_role, deactivate_user, reactivate_user
from tests.api_helpers import bearer, token_for
from tests.conftest import app_config
from tests.test_results_exports import REDIS_URL, _redis_reason


def test_hr_creates_a_token_shown_once_and_stored_only_as_a_hash(client, auth, make):
    hr = make.user("hr")
    auth.login(hr)
    page = client.post("/hr/api-tokens", data={"name": "HRIS sync", "scopes": ["people:read", "people:write"],
                                               "days": "30"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    secret = html.split('<code class="token-secret">')[1].split("</code>")[0]
    assert secret.startswith("olk_") and len(secret) > 40
    token = db.session.scalar(sa.select(ApiToken))
    assert token.token_hash == hash_token(secret) and secret not in (token.token_hash, token.name, token.scopes)
    listed = client.get("/hr/api-tokens").get_data(as_text=True)
    assert "HRIS sync" in listed and secret not in listed and "Never" in listed
    assert client.get("/api/v1/people", headers=bearer(secret)).status_code == 200
    db.session.expire_all()
    assert db.session.get(ApiToken, token.id).last_used_at is not None
    assert "Never" not in client.get("/hr/api-tokens").get_data(as_text=True).split("<tbody>")[1]


def test_the_token_form_checks_its_fields_in_german(client, auth, make):
    hr = make.user("hr")
    hr.language = "de"
    db.session.commit()
    auth.login(hr)
    page = client.post("/hr/api-tokens", data={"name": "X\x00", "days": "999"})
    assert page.status_code == 400
    html = page.get_data(as_text=True)
    assert "API-Token" in html and db.session.scalar(sa.select(sa.func.count(ApiToken.id))) == 0


def test_revoked_expired_and_creator_changes_refuse_the_token(client, auth, make):
    secret, hr = token_for(make)
    other_hr = make.user("hr")
    assert client.get("/api/v1/people", headers=bearer(secret)).status_code == 200
    token = db.session.scalar(sa.select(ApiToken))
    auth.login(other_hr)
    assert client.post(f"/hr/api-tokens/{token.id}/revoke", data={}).status_code == 302
    refused = client.get("/api/v1/people", headers=bearer(secret))
    assert refused.status_code == 401 and secret not in refused.get_data(as_text=True)

    secret2, _hr = token_for(make, hr=hr)
    db.session.execute(sa.update(ApiToken).where(ApiToken.token_hash == hash_token(secret2))
                       .values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert client.get("/api/v1/people", headers=bearer(secret2)).status_code == 401

    secret3, _hr = token_for(make, hr=hr)
    change_role(hr, "manager", actor=other_hr)
    db.session.commit()
    no_longer = client.get("/api/v1/people", headers=bearer(secret3))
    assert no_longer.status_code == 401 and "revoked" in no_longer.get_json()["detail"]

    third_hr = make.user("hr")
    secret4, _hr = token_for(make, hr=third_hr)
    deactivate_user(third_hr, actor=other_hr)
    db.session.commit()
    assert client.get("/api/v1/people", headers=bearer(secret4)).status_code == 401


def test_a_token_stays_refused_when_its_creator_is_reactivated_or_made_hr_again(client, make):
    """Deactivating the creator, or taking HR from them, revokes their tokens for good (audited): reactivated or
    given HR again, the old token is still refused."""
    other = make.user("hr", email="other.hr@example.com")
    secret, creator = token_for(make, scopes=["people:read"])
    assert client.get("/api/v1/people", headers=bearer(secret)).status_code == 200
    deactivate_user(creator, actor=other, reason="left the company")
    reactivate_user(creator, actor=other)
    db.session.commit()
    assert client.get("/api/v1/people", headers=bearer(secret)).status_code == 401

    secret2, _creator = token_for(make, hr=creator, scopes=["people:read"])
    change_role(creator, "manager", actor=other)
    db.session.commit()
    grant_hr_by_operator(creator)
    db.session.commit()
    assert creator.role == "hr"
    assert client.get("/api/v1/people", headers=bearer(secret2)).status_code == 401
    revoked = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.kind == "api_token.revoke")
                                 .order_by(AuditEvent.id)).all()
    assert [(e.actor_id, e.after["reason"]) for e in revoked] == [
        (other.id, "its creator was deactivated"), (other.id, "its creator is no longer HR")]


@pytest.mark.parametrize("header", ["", "Bearer", "Bearer ", "Basic abc", "Bearer olk_" + "x" * 500,
                                    "Bearer not-ours", "Bearer olk_\x00"])
def test_malformed_authorization_is_401(client, make, header):
    answer = client.get("/api/v1/people", headers={"Authorization": header} if header else {})
    assert answer.status_code == 401 and answer.mimetype == "application/problem+json"


def test_a_missing_scope_is_403_in_the_creators_language(client, make):
    hr = make.user("hr")
    hr.language = "de"
    db.session.commit()
    secret, _hr = token_for(make, scopes=["people:read"], hr=hr)
    answer = client.post("/api/v1/cycles", json={"name": "X"}, headers=bearer(secret))
    assert answer.status_code == 403 and "cycles:write" in answer.get_json()["detail"]
    assert "lacks" not in answer.get_json()["detail"]  # German, the creator's language
    assert client.get("/api/v1/people", headers=bearer(secret)).status_code == 200


def test_writes_audited_each_reads_once_per_minute(client, make):
    secret, hr = token_for(make, name="Nightly import")
    for _ in range(3):
        assert client.get("/api/v1/people", headers=bearer(secret)).status_code == 200
    client.post("/api/v1/cycles", json={"name": "One"}, headers=bearer(secret))
    client.post("/api/v1/cycles", json={"name": ""}, headers=bearer(secret))  # refused: still audited
    events = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.kind.in_(("api.read", "api.write")))
                                .order_by(AuditEvent.id)).all()
    assert [e.kind for e in events] == ["api.read", "api.write", "api.write"]
    assert all("Nightly import" in e.summary and e.actor_id == hr.id for e in events)
    assert events[2].after["status"] == 422


def test_tokens_never_reach_the_logs_or_the_audit(app, client, make, caplog, monkeypatch):
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production: the error is logged and answered
    secret, _hr = token_for(make)
    caplog.set_level(logging.DEBUG)
    client.get("/api/v1/people", headers=bearer(secret))
    client.get("/api/v1/people", headers=bearer(secret + "x"))
    client.post("/api/v1/people", data="{", content_type="application/json", headers=bearer(secret))
    from assessment.api import people  # the module whose service this request breaks

    def broken(*args, **kwargs):
        raise RuntimeError("boom")
    monkeypatch.setattr(people, "page_of", broken)
    crashed = client.get("/api/v1/people", headers=bearer(secret))
    assert crashed.status_code == 500 and crashed.mimetype == "application/problem+json"
    assert "boom" in caplog.text  # the log has the error ...
    assert secret not in caplog.text and secret[4:20] not in caplog.text  # ... never the token
    stored = db.session.scalars(sa.select(AuditEvent)).all()
    assert all(secret not in f"{e.summary}{e.before}{e.after}" for e in stored)


def test_rate_limit_per_token_in_memory(database_url, make):
    app = create_app(app_config(database_url, API_RATE_LIMIT="3 per minute"))
    with app.app_context():
        first, _hr = token_for(make)
        second, _hr = token_for(make)
        client = app.test_client()
        answers = [client.get("/api/v1/cycles", headers=bearer(first)) for _ in range(4)]
        assert [a.status_code for a in answers] == [200, 200, 200, 429]
        assert answers[-1].mimetype == "application/problem+json" and answers[-1].headers.get("Retry-After")
        assert client.get("/api/v1/cycles", headers=bearer(second)).status_code == 200
        db.session.remove()


def test_requests_without_a_valid_token_are_limited_by_address(database_url, make):
    """A made-up token each time (or none) escapes no limit: they count by the address, and a valid token of a
    client at the same address keeps its own count."""
    app = create_app(app_config(database_url, API_RATE_LIMIT="3 per minute"))
    with app.app_context():
        secret, _hr = token_for(make)
        client = app.test_client()
        codes = [client.get("/api/v1/people", headers=bearer(f"olk_guess{n}")).status_code for n in range(4)]
        assert codes == [401, 401, 401, 429]
        assert client.get("/api/v1/people").status_code == 429
        assert client.get("/api/v1/cycles", headers=bearer(secret)).status_code == 200
        db.session.remove()


@pytest.mark.redis
def test_rate_limit_on_redis_when_configured(database_url, make):
    if _redis_reason():
        pytest.skip(_redis_reason())
    app = create_app(app_config(database_url, REDIS_URL=REDIS_URL, API_RATE_LIMIT="2 per minute",
                                RATELIMIT_KEY_PREFIX=f"opsladder-test-{uuid.uuid4().hex[:10]}"))
    with app.app_context():
        secret, _hr = token_for(make)
        storage = app.extensions["limiter"]
        assert "redis" in type(next(iter(storage))._storage).__name__.lower()
        codes = [app.test_client().get("/api/v1/cycles", headers=bearer(secret)).status_code for _ in range(3)]
        assert codes == [200, 200, 429]
        # A second app (another worker process) shares the count through Redis.
        other = create_app(app_config(database_url, REDIS_URL=REDIS_URL, API_RATE_LIMIT="2 per minute",
                                      RATELIMIT_KEY_PREFIX=app.config["RATELIMIT_KEY_PREFIX"]))
        with other.app_context():
            assert other.test_client().get("/api/v1/cycles", headers=bearer(secret)).status_code == 429
        db.session.remove()
