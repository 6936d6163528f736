"""(issue 21) The API from a cycle to its results, as docs/api.md's curl example does it: create a cycle, add a
candidate with raters, open, (the raters submit on their pages), close, read the results, download PDF and scores."""

from __future__ import annotations

import sqlalchemy as sa

from assessment.extensions import db
from assessment.models import Assessment, AuditEvent, RaterAssignment, utcnow
from assessment.services.ratings import save_sheet
from rubrics.sheet import RatingInput
from tests.api_helpers import bearer, token_for
from tests.factories import RELATIONSHIP
from tests.sheets import sheet_of, with_evidence


def _submit_all(make, assessment_id: int) -> None:
    """Every sheet of the candidate submitted, as the raters would on their pages (briefed, relationship given)."""
    sheets = sa.update(RaterAssignment).where(RaterAssignment.assessment_id == assessment_id)
    db.session.execute(sheets.values(briefing_read_at=utcnow()))
    db.session.execute(sheets.where(RaterAssignment.rater_group != "self").values(**RELATIONSHIP))
    db.session.commit()
    assessment = db.session.get(Assessment, assessment_id)
    for sheet in assessment.assignments:
        inputs = with_evidence(sheet, [RatingInput(c.id, 3) for c in make.framework.competencies])
        save_sheet(sheet, inputs, actor=sheet.rater, framework=make.framework, expected_version=sheet.version_id,
                   submit=True)
    db.session.commit()


def test_from_a_new_cycle_to_the_pdf(client, make):
    secret, hr = token_for(make)
    auth = bearer(secret)
    candidate, manager = make.user("candidate"), make.user("manager")
    cycle = client.post("/api/v1/cycles", json={"name": "Spring 2027"}, headers=auth)
    assert cycle.status_code == 201 and cycle.get_json()["state"] == "draft"
    cycle_id = cycle.get_json()["id"]
    added = client.post(f"/api/v1/cycles/{cycle_id}/assessments", headers=auth, json={
        "candidate_id": candidate.id, "current_role": "operations_manager",
        "raters": [{"user_id": manager.id, "group": "manager"}]})
    assert added.status_code == 201, added.get_json()
    assessment = added.get_json()
    assert assessment["target_role"] == "head_of_operations"
    assert sorted(r["group"] for r in assessment["raters"]) == ["manager", "self"]
    opened = client.post(f"/api/v1/cycles/{cycle_id}/state", json={"state": "open"}, headers=auth)
    assert opened.status_code == 200 and opened.get_json()["state"] == "open"
    hidden = client.get(f"/api/v1/assessments/{assessment['id']}/results", headers=auth)
    assert hidden.status_code == 409 and "open" in hidden.get_json()["detail"]
    assert client.get(f"/api/v1/cycles/{cycle_id}/completion", headers=auth).get_json()["owed"] == 2
    _submit_all(make, assessment["id"])
    assert client.get(f"/api/v1/cycles/{cycle_id}/completion", headers=auth).get_json()["owed"] == 0
    assert client.post(f"/api/v1/cycles/{cycle_id}/state", json={"state": "closed"}, headers=auth).status_code == 200
    results = client.get(f"/api/v1/assessments/{assessment['id']}/results", headers=auth)
    assert results.status_code == 200
    body = results.get_json()
    assert body["verdict"] and body["rules"] and len(body["competencies"]) > 3
    assert all("decision_score" in c for c in body["competencies"])
    pdf = client.get(f"/api/v1/assessments/{assessment['id']}/report.pdf?lang=de", headers=auth)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    csv = client.get(f"/api/v1/cycles/{cycle_id}/scores.csv", headers=auth)
    assert csv.status_code == 200 and csv.mimetype == "text/csv" and candidate.name in csv.get_data(as_text=True)
    xlsx = client.get(f"/api/v1/cycles/{cycle_id}/scores.xlsx", headers=auth)
    assert xlsx.status_code == 200 and xlsx.data.startswith(b"PK")
    kinds = db.session.scalars(sa.select(AuditEvent.kind)).all()
    assert {"cycle.create", "assessment.create", "cycle.open", "cycle.closed", "api.write", "api.read"} <= set(kinds)


def test_release_has_the_pages_guards(client, make):
    secret, _hr = token_for(make)
    cycle = make.cycle(state="open")
    refused = client.post(f"/api/v1/cycles/{cycle.id}/state", json={"state": "released"}, headers=bearer(secret))
    assert refused.status_code == 409 and "close it first" in refused.get_json()["detail"]
    backwards = client.post(f"/api/v1/cycles/{cycle.id}/state", json={"state": "open"}, headers=bearer(secret))
    assert backwards.status_code == 409


def test_withdraw_and_raters(client, make):
    secret, _hr = token_for(make)
    assessment = make.assessment(cycle=make.cycle(state="draft"))
    peer = make.user("candidate")
    auth = bearer(secret)
    added = client.post(f"/api/v1/assessments/{assessment.id}/raters", json={"user_id": peer.id, "group": "peer"},
                        headers=auth)
    assert added.status_code == 201
    sheet = next(r for r in added.get_json()["raters"] if r["user_id"] == peer.id)
    removed = client.post(f"/api/v1/assessments/{assessment.id}/raters/{sheet['id']}/remove", json={}, headers=auth)
    assert removed.status_code == 200 and peer.id not in [r["user_id"] for r in removed.get_json()["raters"]]
    no_reason = client.post(f"/api/v1/assessments/{assessment.id}/withdraw", json={}, headers=auth)
    assert no_reason.status_code == 422 and no_reason.get_json()["field"] == "reason"
    done = client.post(f"/api/v1/assessments/{assessment.id}/withdraw", json={"reason": "Left the company"},
                       headers=auth)
    assert done.status_code == 200 and done.get_json()["withdrawn"] is True
    other_cycle = make.assessment(cycle=make.cycle(state="draft"))
    own_sheet = sheet_of(other_cycle, "manager")
    wrong = client.post(f"/api/v1/assessments/{assessment.id}/raters/{own_sheet.id}/remove", json={}, headers=auth)
    assert wrong.status_code == 404
