"""While a cycle is open HR sees completion, not provisional verdicts (issue 17, 4; HIDE_VERDICTS_WHILE_OPEN, on
by default): every page, PDF and export that shows a verdict answers with completion or a clear refusal, and
shows as before once the cycle is closed."""

import pytest
import sqlalchemy as sa

from assessment.config import build_config
from assessment.extensions import db
from assessment.models import ExportJob
from assessment.services import NotAllowed
from assessment.services.exports import start_cycle_export
from tests.results_helpers import move_cycle, rated_assessment

#: Words that only a verdict, band, score or attainment puts on a page.
VERDICT_WORDS = ("Computed verdict", "Weighted attainment", "Decision score", "Ready now", "Not yet ready",
                 "Ready after development", "Insufficient evidence", "Panel review")


@pytest.fixture
def open_cycle(make, auth):
    """An open cycle: a candidate whose manager submitted (4 everywhere), and one with nothing submitted."""
    rated = rated_assessment(make, manager=4, self_level=3)
    make.assessment(cycle=rated.cycle)
    auth.login(make.user("hr"))
    return rated


def _urls(assessment):
    cycle_id = assessment.cycle_id
    return [f"/assessments/{assessment.id}/results", f"/assessments/{assessment.id}/report.pdf",
            f"/cycles/{cycle_id}/overview", f"/cycles/{cycle_id}/scores.csv", f"/cycles/{cycle_id}/scores.xlsx",
            f"/cycles/{cycle_id}/exports", f"/cycles/{cycle_id}/exports/scores"]


def test_the_setting_is_on_by_default_and_off_with_zero(monkeypatch, tmp_path):
    monkeypatch.delenv("OPSLADDER_HIDE_VERDICTS_WHILE_OPEN", raising=False)
    assert build_config(str(tmp_path), {"SECRET_KEY": "x"})["HIDE_VERDICTS_WHILE_OPEN"] is True
    monkeypatch.setenv("OPSLADDER_HIDE_VERDICTS_WHILE_OPEN", "0")
    assert build_config(str(tmp_path), {"SECRET_KEY": "x"})["HIDE_VERDICTS_WHILE_OPEN"] is False


def test_while_open_every_verdict_route_shows_completion_only(client, open_cycle):
    """Each route answers (200 or 409) with the completion page: sheets submitted of asked, no verdict words."""
    for url in _urls(open_cycle):
        for method in ("get", "post"):
            if method == "post" and "/exports" not in url:
                continue
            response = getattr(client, method)(url)
            html = response.get_data(as_text=True)
            assert response.status_code in (200, 409), url
            assert response.mimetype == "text/html" and 'id="verdicts-hidden"' in html, url
            assert not [word for word in VERDICT_WORDS if word in html], (url, method)
    html = client.get(_urls(open_cycle)[0]).get_data(as_text=True)
    assert "2 of 2" in html  # self and manager submitted, of two sheets asked
    assert db.session.scalar(sa.select(sa.func.count(ExportJob.id))) == 0


def test_the_overview_lists_every_candidate_with_their_completion(client, open_cycle):
    html = client.get(f"/cycles/{open_cycle.cycle_id}/overview").get_data(as_text=True)
    assert open_cycle.candidate.name in html and "0 of 2" in html and "2 of 2" in html


def test_the_close_step_shows_completion_but_not_the_candidates_without_a_band(client, open_cycle):
    html = client.get(f"/hr/cycles/{open_cycle.cycle_id}/state?to=closed").get_data(as_text=True)
    assert "Where the cycle stands" in html and 'id="verdicts-hidden"' in html
    assert 'id="flagged-list"' not in html and "Insufficient evidence" not in html


def test_the_export_service_refuses_while_open(make, open_cycle):
    with pytest.raises(NotAllowed, match="not shown yet"):
        start_cycle_export(open_cycle.cycle, actor=make.user("hr"))


def test_an_old_export_of_an_open_cycle_is_not_downloaded(client, make, open_cycle, tmp_path):
    """A file made while the setting was off is not handed out while it is on."""
    path = tmp_path / "old.zip"
    path.write_bytes(b"PK")
    job = ExportJob(cycle_id=open_cycle.cycle_id, requested_by_id=make.user("hr").id, kind="reports_zip",
                    state="done", progress_done=1, progress_total=1, file_path=str(path))
    db.session.add(job)
    db.session.commit()
    response = client.get(f"/exports/{job.id}/download")
    assert response.status_code == 409 and 'id="verdicts-hidden"' in response.get_data(as_text=True)


def test_after_closing_the_verdicts_show_as_before(client, open_cycle):
    move_cycle(open_cycle.cycle, "closed")
    html = client.get(f"/assessments/{open_cycle.id}/results").get_data(as_text=True)
    assert "Computed verdict" in html and 'id="verdicts-hidden"' not in html
    assert client.get(f"/assessments/{open_cycle.id}/report.pdf").mimetype == "application/pdf"
    assert "Decision score" in client.get(f"/cycles/{open_cycle.cycle_id}/scores.csv").get_data(as_text=True) or \
        "decision_score" in client.get(f"/cycles/{open_cycle.cycle_id}/scores.csv").get_data(as_text=True)


def test_with_the_setting_off_hr_sees_provisional_verdicts(app, client, open_cycle):
    app.config["HIDE_VERDICTS_WHILE_OPEN"] = False
    html = client.get(f"/assessments/{open_cycle.id}/results").get_data(as_text=True)
    assert "Computed verdict" in html and 'id="verdicts-hidden"' not in html


@pytest.mark.parametrize("role", ["manager", "candidate"])
def test_other_roles_get_no_completion_page_either(client, auth, make, open_cycle, role):
    """The hidden page is HR's: a manager is refused, the candidate sees "not released"."""
    user = open_cycle.candidate if role == "candidate" else make.user("manager")
    auth.logout()
    auth.login(user)
    response = client.get(f"/assessments/{open_cycle.id}/results")
    assert response.status_code in (200, 403, 404) and 'id="verdicts-hidden"' not in response.get_data(as_text=True)
    assert client.get(f"/cycles/{open_cycle.cycle_id}/overview").status_code == 403


def test_another_cycles_ids_answer_404(client, open_cycle):
    assert client.get("/assessments/999999/results").status_code == 404
    assert client.get("/cycles/999999/overview").status_code == 404
    assert client.get("/cycles/999999/scores.csv").status_code == 404
