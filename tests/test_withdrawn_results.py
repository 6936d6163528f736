"""A withdrawn candidate has no results, anywhere (issue 15, finding 3), on SQLite and PostgreSQL: not on their
own results page or PDF after release (both were 200), not in the overview, the panel summary, the ZIP of
reports, the scores CSV/XLSX or the release mails. HR still opens the withdrawn person's record."""

from __future__ import annotations

import io
import zipfile

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from assessment.extensions import db
from assessment.models import OutboxMessage
from assessment.services import exports as export_service
from assessment.services.readiness import candidate_sees_results, panel_data
from assessment.services.withdrawals import withdraw_candidate
from tests.results_helpers import move_cycle, rated_assessment


@pytest.fixture
def world(make):
    """A released cycle with one candidate kept and one withdrawn while it was open; both were rated."""
    cycle = make.cycle()
    kept = rated_assessment(make, cycle=cycle, manager=4, self_level=4,
                            candidate=make.user("candidate", name="Kept Keller"))
    gone = rated_assessment(make, cycle=cycle, manager=3, self_level=3,
                            candidate=make.user("candidate", name="Gone Gruber"))
    hr = make.user("hr")
    withdraw_candidate(gone, "Left the company", actor=hr)
    db.session.commit()
    move_cycle(cycle, "closed", "released")
    return cycle, kept, gone, hr


def test_the_withdrawn_candidate_gets_404_for_their_results_and_pdf(client, auth, world):
    cycle, kept, gone, _hr = world
    assert not candidate_sees_results(gone) and candidate_sees_results(kept)
    auth.login(gone.candidate)
    assert client.get(f"/assessments/{gone.id}/results").status_code == 404
    assert client.get(f"/assessments/{gone.id}/report.pdf").status_code == 404
    assert client.get(f"/assessments/{gone.id}/report.pdf?lang=de").status_code == 404
    assert f"/assessments/{gone.id}/results" not in client.get("/me").get_data(as_text=True)
    auth.logout()
    auth.login(kept.candidate)
    assert client.get(f"/assessments/{kept.id}/results").status_code == 200
    assert client.get(f"/assessments/{kept.id}/report.pdf").status_code == 200


def test_hr_still_opens_the_withdrawn_persons_record(client, auth, world):
    _cycle, _kept, gone, hr = world
    auth.login(hr)
    assert client.get(f"/hr/assessments/{gone.id}").status_code == 200
    assert client.get(f"/assessments/{gone.id}/results").status_code == 200


def test_the_overview_and_the_scores_leave_the_withdrawn_out(client, auth, world):
    cycle, kept, gone, hr = world
    auth.login(hr)
    overview = client.get(f"/cycles/{cycle.id}/overview").get_data(as_text=True)
    assert "Kept Keller" in overview and "Gone Gruber" not in overview
    csv_text = client.get(f"/cycles/{cycle.id}/scores.csv").get_data(as_text=True)
    assert "Kept Keller" in csv_text and "Gone Gruber" not in csv_text
    workbook = load_workbook(io.BytesIO(client.get(f"/cycles/{cycle.id}/scores.xlsx").data), read_only=True)
    names = {row[1] for row in workbook.active.iter_rows(min_row=2, values_only=True)}
    assert names == {"Kept Keller"}
    assert export_service.candidate_count(cycle) == 1


def test_the_panel_summary_and_the_zip_of_reports_leave_the_withdrawn_out(app, world):
    cycle, kept, gone, _hr = world
    assert "Gone Gruber" not in repr(panel_data(cycle)) and "Kept Keller" in repr(panel_data(cycle))
    buffer = io.BytesIO()
    written = export_service.write_cycle_zip(cycle, buffer)
    names = zipfile.ZipFile(buffer).namelist()
    assert written == 2 and export_service.report_filename(kept) in names
    assert export_service.report_filename(gone) not in names


def test_the_release_mails_leave_the_withdrawn_out(app, world):
    _cycle, kept, gone, _hr = world
    to = set(db.session.scalars(sa.select(OutboxMessage.to_address).where(OutboxMessage.kind == "results_released")))
    assert to == {kept.candidate.email}
