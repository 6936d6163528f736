"""(issue 21) The JSON API: the OpenAPI 3.1 document and reference page, tokens, problem details, ETags."""

from __future__ import annotations

import pytest

from assessment.extensions import db
from assessment.models import User
from tests.api_helpers import bearer, token_for


def test_the_openapi_document_is_3_1_and_lists_every_operation(client):
    answer = client.get("/api/v1/openapi.json")
    assert answer.status_code == 200 and answer.mimetype == "application/vnd.oai.openapi+json"
    spec = answer.get_json(force=True)
    assert spec["openapi"] == "3.1.0"
    assert "/api/v1/people" in spec["paths"] and "/api/v1/cycles/{cycle_id}/state" in spec["paths"]
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert spec["paths"]["/api/v1/people"]["get"]["x-scope"] == "people:read"


def test_reference_page_lists_operations_without_scripts(client):
    answer = client.get("/api/v1/docs")
    assert answer.status_code == 200
    html = answer.get_data(as_text=True)
    assert "/api/v1/people/{user_id}" in html and "people:write" in html and "<script src=\"http" not in html


def test_no_token_is_a_problem_401(client):
    answer = client.get("/api/v1/people")
    assert answer.status_code == 401 and answer.mimetype == "application/problem+json"
    body = answer.get_json()
    assert body["status"] == 401 and body["title"] and "Bearer" in body["detail"]
    assert answer.headers["WWW-Authenticate"].startswith("Bearer")


def test_unknown_api_path_is_a_problem_404_and_pages_keep_html(client):
    answer = client.get("/api/v1/nothing-here")
    assert answer.status_code == 404 and answer.mimetype == "application/problem+json"
    assert client.get("/nothing-here").mimetype == "text/html"


def test_people_list_create_get_update_with_etags(client, make):
    secret, _hr = token_for(make)
    created = client.post("/api/v1/people", json={"email": "Ada@Example.com", "name": "Ada Lovelace",
                                                  "role": "candidate", "language": "de", "unit": "Berlin"},
                          headers=bearer(secret))
    assert created.status_code == 201, created.get_json()
    person = created.get_json()
    assert person["email"] == "ada@example.com" and person["unit"] == "Berlin" and person["language"] == "de"
    listed = client.get("/api/v1/people?unit=Berlin", headers=bearer(secret)).get_json()
    assert listed["total"] == 1 and listed["items"][0]["id"] == person["id"]
    read = client.get(f"/api/v1/people/{person['id']}", headers=bearer(secret))
    etag = read.headers["ETag"]
    without = client.patch(f"/api/v1/people/{person['id']}", json={"name": "Ada King"}, headers=bearer(secret))
    assert without.status_code == 428
    changed = client.patch(f"/api/v1/people/{person['id']}", json={"name": "Ada King"},
                           headers=bearer(secret, **{"If-Match": etag}))
    assert changed.status_code == 200 and changed.get_json()["name"] == "Ada King"
    stale = client.patch(f"/api/v1/people/{person['id']}", json={"name": "Ada Byron"},
                         headers=bearer(secret, **{"If-Match": etag}))
    assert stale.status_code == 412 and stale.mimetype == "application/problem+json"


def test_other_hr_people_are_never_demoted_or_deactivated_through_the_api(client, make):
    """A people:write token (an HR system's script) cannot take the HR role away nor deactivate an HR person:
    409 with a clear message, nothing changed; their name can still be corrected."""
    secret, _hr = token_for(make, scopes=["people:write", "people:read"])
    other, third = make.user("hr", email="hr.b@example.com"), make.user("hr", email="hr.c@example.com")
    db.session.commit()
    etag = client.get(f"/api/v1/people/{other.id}", headers=bearer(secret)).headers["ETag"]
    demoted = client.patch(f"/api/v1/people/{other.id}", json={"role": "manager", "name": "Renamed"},
                           headers=bearer(secret, **{"If-Match": etag}))
    gone = client.post(f"/api/v1/people/{third.id}/deactivate", json={}, headers=bearer(secret))
    for answer in (demoted, gone):
        assert answer.status_code == 409 and answer.mimetype == "application/problem+json"
        assert "has the HR role" in answer.get_json()["detail"] and "never through the API" in answer.get_json()["detail"]
    db.session.expire_all()
    assert [(u.role, u.name, u.is_active) for u in (db.session.get(User, other.id), db.session.get(User, third.id))] \
        == [("hr", other.name, True), ("hr", third.name, True)]
    renamed = client.patch(f"/api/v1/people/{other.id}", json={"name": "Renamed"},
                           headers=bearer(secret, **{"If-Match": etag}))
    assert renamed.status_code == 200 and renamed.get_json()["name"] == "Renamed"


def test_service_messages_come_back_as_problems_with_the_field(client, make):
    secret, _hr = token_for(make)
    make.user("manager", email="taken@example.com")
    answer = client.post("/api/v1/people", json={"email": "taken@example.com", "name": "X", "role": "manager"},
                         headers=bearer(secret))
    assert answer.status_code == 422
    body = answer.get_json()
    assert body["field"] == "email" and "already exists" in body["detail"]
    german = client.post("/api/v1/people", json={"email": "taken@example.com", "name": "X", "role": "manager"},
                         headers=bearer(secret, **{"Accept-Language": "de"}))
    assert "already exists" not in german.get_json()["detail"]


@pytest.mark.parametrize("body", [
    {"email": "a\x00b@example.com", "name": "N", "role": "manager"},
    {"email": "n@example.com", "name": "N\x00", "role": "manager"},
    {"email": "n@example.com", "name": "N" * 5000, "role": "manager"},
    {"email": 12, "name": ["x"], "role": "manager"},
    {"email": "n@example.com", "name": "N", "role": "hr"},
    {"email": "n@example.com", "name": "N", "role": "manager", "extra": 1},
])
def test_hostile_bodies_are_problems_never_500(client, make, body):
    secret, _hr = token_for(make)
    answer = client.post("/api/v1/people", json=body, headers=bearer(secret))
    assert 400 <= answer.status_code < 500 and answer.mimetype == "application/problem+json", answer.data


def test_bad_json_huge_ids_and_wrong_methods(client, make):
    secret, _hr = token_for(make)
    bad = client.post("/api/v1/people", data="{nope", content_type="application/json", headers=bearer(secret))
    assert bad.status_code == 400 and bad.get_json()["field"] == "json"
    assert client.get("/api/v1/people/99999999999999999999", headers=bearer(secret)).status_code == 404
    assert client.get("/api/v1/people?page=99999999999999999999", headers=bearer(secret)).status_code == 422
    wrong = client.delete("/api/v1/people", headers=bearer(secret))
    assert wrong.status_code == 405 and wrong.mimetype == "application/problem+json" and "GET" in wrong.headers["Allow"]


@pytest.mark.parametrize("body", ["[" * 200_000 + "]" * 200_000,
                                  '{"email": "a@example.com", "name": "A", "role": "candidate", "unit": '
                                  + '{"a": ' * 30_000 + "1" + "}" * 30_000 + "}"])
def test_deeply_nested_json_is_a_problem_400_never_500(app, client, make, body):
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production
    secret, _hr = token_for(make)
    answer = client.post("/api/v1/people", data=body, content_type="application/json", headers=bearer(secret))
    assert answer.status_code == 400 and answer.mimetype == "application/problem+json"
    assert answer.get_json()["field"] == "json" and "nested too deeply" in answer.get_json()["detail"]


def test_more_hostile_input_is_a_problem(client, make):
    """NUL in a query, huge numbers in a body, a non-number page (a bad cursor), an overlong body, the wrong type."""
    secret, _hr = token_for(make)
    auth = bearer(secret)
    cycle = make.cycle(state="draft")
    answers = [
        client.get("/api/v1/people?q=a%00b", headers=auth),
        client.get("/api/v1/people?page=abc", headers=auth),
        client.get("/api/v1/people?size=0", headers=auth),
        client.post(f"/api/v1/cycles/{cycle.id}/assessments", json={"candidate_id": 10**30, "current_role": "x"},
                    headers=auth),
        client.post(f"/api/v1/cycles/{cycle.id}/assessments", json={"candidate_id": "12", "current_role": "x"},
                    headers=auth),
        client.post(f"/api/v1/cycles/{cycle.id}/state", json={"state": "open", "acknowledged": 1}, headers=auth),
        client.post("/api/v1/cycles", data="x" * (6 * 1024 * 1024), content_type="application/json", headers=auth),
        client.post("/api/v1/cycles", data="name=x", content_type="application/x-www-form-urlencoded", headers=auth),
        client.post("/api/v1/cycles", json=["a list"], headers=auth),
        client.post("/api/v1/cycles", json={"name": "x", "starts_on": "2027-02-30"}, headers=auth),
    ]
    codes = [a.status_code for a in answers]
    assert codes == [400, 422, 422, 422, 422, 422, 413, 415, 422, 422], codes
    assert all(a.mimetype == "application/problem+json" and a.get_json()["detail"] for a in answers)
    assert answers[3].get_json()["field"] == "candidate_id"


def test_if_none_match_gives_304(client, make):
    secret, _hr = token_for(make)
    cycle = make.cycle(state="draft")
    first = client.get(f"/api/v1/cycles/{cycle.id}", headers=bearer(secret))
    again = client.get(f"/api/v1/cycles/{cycle.id}", headers=bearer(secret, **{"If-None-Match": first.headers["ETag"]}))
    assert again.status_code == 304 and again.headers["ETag"] == first.headers["ETag"]
