"""The scores export (CSV and XLSX): one row per candidate x competency x rater group, parsed back."""

import csv
import io

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from assessment.extensions import db
from assessment.services.calibrations import calibrate_verdict
from assessment.services.exports import SCORE_COLUMNS
from tests.results_helpers import move_cycle, rated_assessment


@pytest.fixture
def cycle_with_scores(make):
    """Two candidates: one with three peers (shown as a group), one with a single peer (never shown alone)."""
    cycle = make.cycle()
    shown = rated_assessment(make, cycle=cycle, manager=4, self_level=5, peers=(3, 4, 5),
                             candidate=make.user("candidate", name="=HYPERLINK(\"http://evil\")"))
    # Levels varied (one flat level everywhere is straight-lining since rubric 2026.12.3: Panel review, and
    # calibrating out of Panel review would be a proposal awaiting a second HR person, not calibrated_band).
    ids = [c.id for c in make.framework.competencies]
    folded = rated_assessment(make, cycle=cycle, manager={i: 3 if k % 3 else 4 for k, i in enumerate(ids)},
                              self_level=2, peers=({i: 2 if k % 3 else 3 for k, i in enumerate(ids)},),
                              candidate=make.user("candidate", name="Zoë Müller-Šimić"))
    move_cycle(cycle, "closed")
    calibrate_verdict(folded, "ready_1_2_years", "The panel weighed the new plant launch strongly.",
                      actor=make.user("hr"), reason_code="additional_evidence")
    db.session.commit()
    return cycle, shown, folded


def _csv_rows(client, cycle):
    response = client.get(f"/cycles/{cycle.id}/scores.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    return list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))


def test_csv_has_one_row_per_candidate_competency_and_group(client, auth, make, cycle_with_scores):
    """Three-peer candidate: self/manager/peer rows; a single peer never gets a row of their own."""
    cycle, shown, folded = cycle_with_scores
    auth.login(make.user("hr"))
    rows = _csv_rows(client, cycle)
    n = len(make.framework.competencies)
    assert list(rows[0]) == list(SCORE_COLUMNS)
    by_candidate = {}
    for row in rows:
        by_candidate.setdefault(row["candidate"], []).append(row)
    assert len(by_candidate["Zoë Müller-Šimić"]) == 2 * n
    assert {r["rater_group"] for r in by_candidate["Zoë Müller-Šimić"]} in ({"self", "others"}, {"self", "manager"})
    evil = by_candidate["'=HYPERLINK(\"http://evil\")"]
    assert len(evil) == 3 * n and {r["rater_group"] for r in evil} == {"self", "manager", "peer"}
    peer_row = next(r for r in evil if r["rater_group"] == "peer")
    assert float(peer_row["score"]) == 4.0 and peer_row["coverage"] == "rated by 3 of 3"
    assert float(peer_row["required"]) == make.framework.role(shown.target_role).requirement(
        peer_row["competency_id"]).required
    zoe = by_candidate["Zoë Müller-Šimić"][0]
    assert zoe["calibrated_band"] == "Ready after development" and zoe["computed_band"]
    assert float(zoe["gap"]) == pytest.approx(float(zoe["decision_score"]) - float(zoe["required"]))


def test_csv_cells_cannot_run_as_formulas(client, auth, make, cycle_with_scores):
    """Text starting with = + - @ is prefixed with an apostrophe; numbers (even negative gaps) stay numbers."""
    cycle, *_ = cycle_with_scores
    auth.login(make.user("hr"))
    rows = _csv_rows(client, cycle)
    for row in rows:
        for column in ("candidate", "cycle", "competency", "computed_band", "calibrated_band"):
            assert not row[column].startswith(("=", "+", "-", "@"))
    assert any(row["gap"].startswith("-") for row in rows), "negative gaps are numbers, not escaped text"


def test_xlsx_has_the_same_rows_with_text_kept_as_text(client, auth, make, cycle_with_scores):
    """The workbook parses back to the same rows; a name starting with = is a text cell, not a formula."""
    cycle, shown, folded = cycle_with_scores
    auth.login(make.user("hr"))
    response = client.get(f"/cycles/{cycle.id}/scores.xlsx")
    assert response.status_code == 200 and "spreadsheetml" in response.mimetype
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == SCORE_COLUMNS
    assert len(rows) - 1 == 5 * len(make.framework.competencies)
    names = {row[1] for row in rows[1:]}
    assert names == {"=HYPERLINK(\"http://evil\")", "Zoë Müller-Šimić"}
    evil_cell = next(cell for cell in sheet["B"][1:] if str(cell.value).startswith("="))
    assert evil_cell.data_type == "s"
    scores = [row[7] for row in rows[1:] if row[6] == "manager"]
    assert scores and all(isinstance(value, (int, float)) for value in scores)


@pytest.mark.parametrize("role", ["manager", "candidate"])
def test_only_hr_exports_scores(client, auth, make, cycle_with_scores, role):
    """Managers and candidates are refused both formats."""
    cycle, *_ = cycle_with_scores
    auth.login(make.user(role))
    for fmt in ("csv", "xlsx"):
        assert client.get(f"/cycles/{cycle.id}/scores.{fmt}").status_code == 403


def test_csv_is_streamed_with_the_same_rows_as_the_table(client, auth, make, cycle_with_scores):
    """The CSV response is streamed in chunks (never built whole) and parses back to the scores table."""
    from assessment.services.exports import scores_table

    cycle, *_ = cycle_with_scores
    auth.login(make.user("hr"))
    response = client.get(f"/cycles/{cycle.id}/scores.csv")
    assert response.is_streamed
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff") and text.count("\ufeff") == 1
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) - 1 == len(scores_table(cycle))


def test_a_large_cycles_xlsx_is_made_by_a_job_with_progress(client, auth, make, cycle_with_scores, app, tmp_path):
    """Above SCORES_XLSX_INLINE_MAX candidates the XLSX link leads to a job; its file has the same rows."""
    from assessment import jobs
    from assessment.models import ExportJob

    cycle, *_ = cycle_with_scores
    app.config.update(SCORES_XLSX_INLINE_MAX=1, EXPORTS_DIR=str(tmp_path))
    auth.login(make.user("hr"))
    response = client.get(f"/cycles/{cycle.id}/scores.xlsx")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/cycles/{cycle.id}/exports/scores")
    assert "2 candidates" in client.get(response.headers["Location"]).get_data(as_text=True)
    started = client.post(f"/cycles/{cycle.id}/exports/scores")
    jobs.wait_for_threads()
    job = db.session.scalar(sa.select(ExportJob))
    db.session.refresh(job)
    assert started.headers["Location"].endswith(f"/exports/{job.id}")
    assert job.kind == "scores_xlsx" and job.state == "done" and job.progress_done == job.progress_total == 3
    assert "Download the XLSX" in client.get(f"/exports/{job.id}").get_data(as_text=True)
    download = client.get(f"/exports/{job.id}/download")
    assert download.status_code == 200 and "spreadsheetml" in download.mimetype
    sheet = load_workbook(io.BytesIO(download.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == SCORE_COLUMNS and len(rows) - 1 == 5 * len(make.framework.competencies)
    assert next(c for c in sheet["B"][1:] if str(c.value).startswith("=")).data_type == "s"


def test_csv_carries_the_agreement_index_and_its_level_per_competency(client, auth, make, cycle_with_scores):
    """rwg on each competency's row (two decimals rounded down, as the pages print it) and its level id; none under
    three counted levels (rubric 2026.12.4 ``agreement.min_raters``)."""
    cycle, shown, folded = cycle_with_scores
    auth.login(make.user("hr"))
    rows = _csv_rows(client, cycle)
    # A manager's 4 and peers' 3, 4, 5: variance 2/3 against the null's 2, rwg = 2/3, printed 0.66: partly agree.
    evil = [r for r in rows if r["candidate"].startswith("'=HYPERLINK")]
    assert {(r["agreement"], r["agreement_level"]) for r in evil} == {("0.66", "moderate")}
    # One manager and one peer: two levels, no index.
    zoe = [r for r in rows if r["candidate"] == "Zoë Müller-Šimić"]
    assert {(r["agreement"], r["agreement_level"]) for r in zoe} == {("", "")}
