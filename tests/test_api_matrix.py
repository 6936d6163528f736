"""(issue 21) Every API operation x every scope x the role of the token's creator.

The operations are read from the URL map (every view declared ``allowed_roles == "api_token"``), so an operation
added later is covered without touching this file. A token with exactly the operation's scope gets an answer
(never 401/403/5xx); a token with any other single scope gets 403 and no data; no token, a token of a creator
who is no longer HR or is deactivated: 401. Each operation declares exactly one scope.
"""

from __future__ import annotations

import pytest

from assessment.extensions import db
from assessment.models import API_SCOPES
from assessment.services.cycles import change_state
from assessment.services.users import change_role, deactivate_user
from tests.api_helpers import bearer, token_for
from tests.sheets import sheet_of

METHODS = ("GET", "POST", "PATCH", "PUT", "DELETE")


def api_operations(app) -> list[tuple[str, object, str]]:
    """(method, rule, scope) of every API operation."""
    out = []
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if getattr(view, "allowed_roles", None) != "api_token":
            continue
        for method in sorted(set(rule.methods) & set(METHODS)):
            out.append((method, rule, view.api_scope))
    return out


def _call(client, method, rule, values, headers):
    path = rule.build(values, append_unknown=False)[1]
    kwargs = {"headers": headers}
    if method != "GET":
        kwargs["json"] = {}
    return path, client.open(path, method=method, **kwargs)


@pytest.fixture
def world(make):
    cycle = make.cycle(state="open")
    assessment = make.assessment(cycle=make.cycle(state="draft"))
    closed_assessment = make.assessment(cycle=cycle)
    change_state(cycle, "closed", actor=None)
    db.session.commit()
    return {"cycle_id": cycle.id, "assessment_id": closed_assessment.id, "user_id": assessment.candidate_id,
            "assignment_id": sheet_of(closed_assessment, "manager").id}


def test_every_operation_declares_one_known_scope(app):
    operations = api_operations(app)
    assert len(operations) >= 20
    assert {scope for _m, _r, scope in operations} == set(API_SCOPES)


def test_operation_by_scope(app, client, make, world):
    hr = make.user("hr")
    tokens = {scope: token_for(make, scopes=[scope], hr=hr)[0] for scope in API_SCOPES}
    failures = []
    for method, rule, needed in api_operations(app):
        for scope, secret in tokens.items():
            path, answer = _call(client, method, rule, world, bearer(secret))
            status = answer.status_code
            if scope == needed:
                ok = status < 500 and status not in (401, 403, 405)
            else:
                ok = status == 403 and answer.mimetype == "application/problem+json"
            if not ok:
                failures.append(f"{method} {path} with {scope} (needs {needed}): {status}")
    assert failures == []


@pytest.mark.parametrize("creator", ["none", "manager", "deactivated"])
def test_operation_by_creator(app, client, make, world, creator):
    """No token, or a token whose creator is no longer HR or deactivated: 401 for every operation."""
    headers = {}
    if creator != "none":
        hr, other_hr = make.user("hr"), make.user("hr")
        secret, _hr = token_for(make, hr=hr)
        if creator == "manager":
            change_role(hr, "manager", actor=other_hr)
        else:
            deactivate_user(hr, actor=other_hr)
        db.session.commit()
        headers = bearer(secret)
    failures = []
    for method, rule, _needed in api_operations(app):
        path, answer = _call(client, method, rule, world, headers)
        if answer.status_code != 401 or answer.mimetype != "application/problem+json":
            failures.append(f"{method} {path}: {answer.status_code}")
    assert failures == []


def test_a_session_never_stands_in_for_a_token(client, auth, make, world):
    """An HR person signed in on the pages gets 401 from the API: cookies are not credentials there (no CSRF)."""
    auth.login(make.user("hr"))
    assert client.get("/api/v1/people").status_code == 401
    assert client.post("/api/v1/cycles", json={"name": "Via cookie"}).status_code == 401
