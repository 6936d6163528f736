"""(issue 21, part 3) The people sync through the API: POST /api/v1/people/sync, JSON rows with the file's columns,
a dry run by default, all or nothing, every problem with its index and field (the messages of the CLI and page)."""

from __future__ import annotations

import time

import sqlalchemy as sa

from assessment.extensions import db
from assessment.models import AuditEvent, User
from assessment.services.people_file import read_people
from assessment.services.people_sync import plan_sync
from rubrics import language
from tests.api_helpers import bearer, token_for

URL = "/api/v1/people/sync"
BASE = [
    {"employee_id": "E1", "email": "boss@example.com", "name": "Berta Boss", "role": "manager", "language": "de",
     "unit": "Hamburg", "manager_employee_id": None, "active": True},
    {"employee_id": "E2", "email": "ann@example.com", "name": "Ann Lee", "role": "candidate", "unit": "Hamburg",
     "manager_employee_id": "E1"},
    {"employee_id": "E3", "email": "bo@example.com", "name": "Bo Chen", "unit": "Berlin", "manager_employee_id": "E1"},
]


def user(eid: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.employee_id == eid))


def people_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(User))


def post(client, secret, body, **headers):
    return client.post(URL, json=body, headers=bearer(secret, **headers))


def test_the_dry_run_is_the_default_and_changes_nothing(client, make):
    secret, _hr = token_for(make)
    before, events = people_count(), db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    answer = post(client, secret, {"people": BASE})
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert body["applied"] is False
    assert body["counts"] == {"created": 3, "updated": 0, "deactivated": 0, "reactivated": 0, "unchanged": 0}
    assert [c["index"] for c in body["changes"]] == [0, 1, 2]
    assert {"field": "unit", "from": None, "to": "Hamburg"} in body["changes"][0]["fields"]
    db.session.expire_all()
    assert people_count() == before and user("E1") is None
    # the API's own audit row for the call, nothing else
    assert db.session.scalars(sa.select(AuditEvent.kind).order_by(AuditEvent.id.desc())).all()[:2] == [
        "api.write", "api_token.create"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == events + 1


def test_apply_creates_then_updates_field_by_field_audited_like_the_cli(client, make):
    secret, hr = token_for(make, name="Personio nightly")
    created = post(client, secret, {"people": BASE, "dry_run": False})
    assert created.status_code == 200 and created.get_json()["applied"] is True
    db.session.expire_all()
    boss, ann = user("E1"), user("E2")
    assert (boss.role, boss.language, boss.unit) == ("manager", "de", "Hamburg") and ann.manager == boss
    changed = [dict(BASE[0]), {**BASE[1], "email": "ann.lee@example.com", "unit": "Munich",
                               "manager_employee_id": "E3"}, BASE[2]]
    dry = post(client, secret, {"people": changed}).get_json()
    assert dry["counts"]["updated"] == 1 and dry["counts"]["unchanged"] == 2
    [change] = dry["changes"]
    assert change["index"] == 1 and change["user_id"] == ann.id and change["action"] == "update"
    assert {(f["field"], f["from"], f["to"]) for f in change["fields"]} == {
        ("email", "ann@example.com", "ann.lee@example.com"), ("unit", "Hamburg", "Munich"),
        ("manager", "Berta Boss (E1)", "Bo Chen (E3)")}
    applied = post(client, secret, {"people": changed, "dry_run": False, "expect_plan": dry["plan"]})
    assert applied.status_code == 200 and applied.get_json()["changes"] == dry["changes"]
    db.session.expire_all()
    assert (user("E2").email, user("E2").unit, user("E2").manager.employee_id) == ("ann.lee@example.com",
                                                                                  "Munich", "E3")
    sync_events = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.kind == "people.sync")).all()
    assert len(sync_events) == 2 and all(e.actor_id == hr.id for e in sync_events)
    assert "Personio nightly" in sync_events[0].after["file"]
    assert db.session.scalars(sa.select(AuditEvent).where(AuditEvent.kind == "user.sync")).one().after["unit"] \
        == "Munich"
    api_rows = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.kind == "api.write")).all()
    assert len(api_rows) == 3 and all("Personio nightly" in e.summary for e in api_rows)


def test_the_same_plan_as_the_file(client, make):
    """JSON rows and the CSV with the same people plan the same changes (one service)."""
    secret, _hr = token_for(make)
    csv = ("employee_id,email,name,role,language,unit,manager_employee_id,active\n"
           "E1,boss@example.com,Berta Boss,manager,de,Hamburg,,yes\n"
           "E2,ann@example.com,Ann Lee,candidate,,Hamburg,E1,\n"
           "E3,bo@example.com,Bo Chen,,,Berlin,E1,\n")
    from_file = plan_sync(read_people("people.csv", csv.encode()))
    db.session.rollback()
    body = post(client, secret, {"people": [{**p, "language": p.get("language")} for p in BASE]}).get_json()
    assert [(c["action"], c["employee_id"], [(f["field"], f["from"], f["to"]) for f in c["fields"]])
            for c in body["changes"]] == [(c.action, c.employee_id, [(f.field, f.before, f.after) for f in c.changes])
                                          for c in from_file.changes]


def test_a_stale_plan_is_refused_and_changes_nothing(client, make):
    secret, _hr = token_for(make)
    dry = post(client, secret, {"people": BASE}).get_json()
    post(client, secret, {"people": BASE[:1], "dry_run": False})
    stale = post(client, secret, {"people": BASE, "dry_run": False, "expect_plan": dry["plan"]})
    assert stale.status_code == 409 and stale.mimetype == "application/problem+json"
    db.session.expire_all()
    assert user("E2") is None


def test_deactivate_missing_and_reactivate(client, make):
    secret, hr = token_for(make)
    hr.employee_id = "HR1"
    db.session.commit()
    post(client, secret, {"people": BASE, "dry_run": False})
    kept = post(client, secret, {"people": BASE[:2], "dry_run": False}).get_json()
    assert kept["counts"]["deactivated"] == 0
    gone = post(client, secret, {"people": BASE[:2], "dry_run": False, "deactivate_missing": True}).get_json()
    assert gone["counts"]["deactivated"] == 1 and gone["changes"][0]["index"] is None
    assert gone["kept_hr"] == [hr.email]
    db.session.expire_all()
    assert not user("E3").is_active and user("HR1").is_active
    back = post(client, secret, {"people": [*BASE[:2], {**BASE[2], "active": True}], "dry_run": False}).get_json()
    assert back["counts"]["reactivated"] == 1
    off = post(client, secret, {"people": [{**BASE[0], "active": False}, *BASE[1:]], "dry_run": False}).get_json()
    assert off["counts"]["deactivated"] == 1
    db.session.expire_all()
    assert user("E3").is_active and not user("E1").is_active


def test_every_problem_with_its_index_and_field_and_nothing_changes(client, make):
    secret, _hr = token_for(make)
    make.user("manager", email="taken@example.com").employee_id = "X9"
    db.session.commit()
    rows = [BASE[0], {**BASE[1], "email": "taken@example.com", "role": "boss"},
            {**BASE[2], "employee_id": "E1", "language": "fr", "manager_employee_id": "NOPE"}]
    answer = post(client, secret, {"people": rows, "dry_run": False})
    assert answer.status_code == 422 and answer.mimetype == "application/problem+json"
    body = answer.get_json()
    assert body["detail"].startswith("Nothing was changed: ")
    found = {(e["index"], e["field"]) for e in body["errors"]}
    assert {(1, "email"), (1, "role"), (2, "employee_id"), (2, "language"), (2, "manager_employee_id")} <= found
    role = next(e for e in body["errors"] if e["field"] == "role")
    assert role["detail"] == "unknown role “boss”; use candidate or manager" and role["pointer"] == "/people/1/role"
    db.session.expire_all()
    assert user("E1") is None


def test_problems_in_german_name_the_field_by_its_id(client, make):
    hr = make.user("hr")
    hr.language = "de"
    db.session.commit()
    secret, _hr = token_for(make, hr=hr)
    answer = post(client, secret, {"people": [{**BASE[0], "language": "fr"}]})
    body = answer.get_json()
    assert answer.status_code == 422 and body["detail"].startswith("Nichts wurde geändert")
    [entry] = body["errors"]
    assert entry["field"] == "language" and entry["index"] == 0 and "fr" in entry["detail"]


def test_a_manager_circle_is_refused_and_named(client, make):
    secret, _hr = token_for(make)
    rows = [{**BASE[0], "manager_employee_id": "E2"}, BASE[1]]
    body = post(client, secret, {"people": rows}).get_json()
    assert body["status"] == 422
    [circle] = [e for e in body["errors"] if e["field"] == "manager_employee_id"]
    assert "circle" in circle["detail"]
    assert "E1 → E2 → E1" in circle["detail"] or "E2 → E1 → E2" in circle["detail"]


def test_duplicate_employee_ids_and_emails_are_listed_for_each_row(client, make):
    secret, _hr = token_for(make)
    rows = [BASE[0], {**BASE[1], "employee_id": "E1"}, {**BASE[2], "email": "BOSS@example.com"}]
    body = post(client, secret, {"people": rows}).get_json()
    found = {(e["index"], e["field"]) for e in body["errors"]}
    assert {(0, "employee_id"), (1, "employee_id"), (0, "email"), (2, "email")} <= found


def test_hostile_input_is_a_clear_problem_never_a_500(client, make):
    secret, _hr = token_for(make)
    cases = {
        "nul": {"people": [{**BASE[0], "name": "Berta\x00Boss"}]},
        "huge": {"people": [{**BASE[0], "name": "x" * 1_000_000, "unit": "y" * 100_000}]},
        "line break": {"people": [{**BASE[0], "employee_id": "E1\nE2"}]},
        "empty": {"people": []},
    }
    for case, body in cases.items():
        answer = post(client, secret, body)
        assert answer.status_code == 422 and answer.mimetype == "application/problem+json", case
        assert answer.get_json()["errors"], case
    nul = post(client, secret, cases["nul"]).get_json()["errors"][0]
    assert (nul["index"], nul["field"]) == (0, "name") and "NUL" in nul["detail"]
    huge = {(e["field"], e["detail"]) for e in post(client, secret, cases["huge"]).get_json()["errors"]}
    assert ("name", "the cell is 1,000,000 characters long; at most 200 are allowed") in huge
    # wrong types: the validation problem points at the person and field
    typed = post(client, secret, {"people": [{**BASE[0], "employee_id": 17, "active": "yes"}], "dry_run": "no"})
    assert typed.status_code == 422
    pointers = {e.get("pointer") for e in typed.get_json()["errors"]}
    assert {"/people/0/employee_id", "/people/0/active"} <= pointers
    assert post(client, secret, {"people": [{**BASE[0], "salary": 1}]}).status_code == 422
    assert post(client, secret, {"people": "E1"}).status_code == 422
    assert client.post(URL, data=b"\x00{", headers=bearer(secret, **{"Content-Type": "application/json"})
                       ).status_code == 400
    db.session.expire_all()
    assert user("E1") is None


def test_ten_thousand_people_are_refused_quickly_with_the_limit(client, make):
    secret, _hr = token_for(make)
    rows = [{"employee_id": f"E{n}", "email": f"p{n}@example.com", "name": f"P {n}"} for n in range(10_000)]
    started = time.monotonic()
    answer = post(client, secret, {"people": rows})
    assert answer.status_code == 422 and time.monotonic() - started < 20
    assert answer.get_json()["errors"] == [{"index": None, "field": None, "pointer": "/people",
                                            "detail": f"The list has more than {language.number(5000, 0)} people; "
                                                      "split it."}]


def test_a_body_over_the_size_limit_is_413(client, make):
    secret, _hr = token_for(make)
    answer = post(client, secret, {"people": [{**BASE[0], "name": "x" * (6 * 2**20)}]})
    assert answer.status_code == 413 and answer.mimetype == "application/problem+json"


def test_scopes_and_tokens(client, make):
    reader, _hr = token_for(make, scopes=["people:read"])
    refused = post(client, reader, {"people": BASE, "dry_run": False})
    assert refused.status_code == 403 and "people:write" in refused.get_json()["detail"]
    assert client.post(URL, json={"people": BASE}).status_code == 401
    assert post(client, "olk_nonsense", {"people": BASE}).status_code == 401
    db.session.expire_all()
    assert user("E1") is None


def test_the_operation_is_documented(client):
    spec = client.get("/api/v1/openapi.json").get_json(force=True)
    operation = spec["paths"]["/api/v1/people/sync"]["post"]
    assert operation["x-scope"] == "people:write"
    assert {"200", "401", "403", "409", "413", "422"} <= set(operation["responses"])
    body = spec["components"]["schemas"]["SyncRequest"]
    assert body["properties"]["people"]["maxItems"] == 5000 and body["required"] == ["people"]
    person = spec["components"]["schemas"]["SyncPerson"]
    assert set(person["required"]) == {"employee_id", "email", "name"}
    assert person["properties"]["unit"]["maxLength"] == 120
