"""Every results endpoint x every role: who gets in, who gets 403/404, and that each view declares its access."""

import pytest

from assessment.models import ExportJob
from assessment.extensions import db
from tests.results_helpers import move_cycle, rated_assessment

ENDPOINTS = {
    "results.view_results": "/assessments/{assessment}/results",
    "results.download_report": "/assessments/{assessment}/report.pdf",
    "results.cycle_overview": "/cycles/{cycle}/overview",
    "results.export_scores": "/cycles/{cycle}/scores.csv",
    "results.start_export": "/cycles/{cycle}/exports",
    "results.view_export": "/exports/{job}",
    "results.export_status": "/exports/{job}/status",
}
# Expected status per role, for a released cycle; "owner" is the assessed candidate.
EXPECTED = {
    "hr": {name: 200 for name in ENDPOINTS},
    "owner": {**{name: 403 for name in ENDPOINTS}, "results.view_results": 200, "results.download_report": 200},
    "candidate": {**{name: 403 for name in ENDPOINTS}, "results.view_results": 404, "results.download_report": 404},
    "manager": {name: 403 for name in ENDPOINTS},
}


def test_every_results_view_declares_its_access(app):
    """Each view of the blueprint carries the access mark the route x role test reads."""
    views = {name: view for name, view in app.view_functions.items() if name.startswith("results.")}
    assert set(ENDPOINTS) | {"results.calibrate_verdict", "results.download_export"} <= set(views)
    for name, view in views.items():
        assert getattr(view, "allowed_roles", None), f"{name} declares no access"


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_results_endpoints_by_role(client, auth, make, role):
    """HR gets every page; the owner only their results and PDF; other candidates 404; managers 403."""
    cycle = make.cycle()
    assessment = rated_assessment(make, cycle=cycle, manager=4, self_level=4)
    move_cycle(cycle, "closed", "released")
    hr = make.user("hr")
    job = ExportJob(cycle_id=cycle.id, requested_by_id=hr.id, kind="cycle_reports", state="running",
                    progress_total=2)
    db.session.add(job)
    db.session.commit()
    user = {"hr": hr, "owner": assessment.candidate, "candidate": make.user("candidate"),
            "manager": next(a.rater for a in assessment.assignments if a.rater_group == "manager")}[role]
    auth.login(user)
    for name, pattern in ENDPOINTS.items():
        url = pattern.format(assessment=assessment.id, cycle=cycle.id, job=job.id)
        assert client.get(url).status_code == EXPECTED[role][name], (role, name)
