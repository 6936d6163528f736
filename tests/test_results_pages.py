"""The results page and PDF: who may see them and when, what they show, and HR's calibrated verdict."""

import re
import shutil
import subprocess

import pytest
import sqlalchemy as sa

from assessment.extensions import db
from assessment.models import AuditEvent, Calibration
from assessment.services.calibrations import approve_calibration, calibrate_verdict
from assessment.services.readiness import assess
from tests.results_helpers import NOT_OBSERVED, calibration_form, move_cycle, rated_assessment, sheet, submit_sheet


@pytest.fixture
def released(make):
    """A released assessment: manager rated 4 everywhere, self 5, one peer (too few to be shown)."""
    cycle = make.cycle()
    assessment = rated_assessment(make, cycle=cycle, manager=4, self_level=5, peers=(3,))
    move_cycle(cycle, "closed", "released")
    return assessment


def _url(assessment, what="results"):
    return f"/assessments/{assessment.id}/{'results' if what == 'results' else 'report.pdf'}"


def test_hr_sees_any_results_before_release(app, client, auth, make):
    """HR sees a candidate's results while the cycle is still open, with HIDE_VERDICTS_WHILE_OPEN off
    (tests/test_governance_hidden_verdicts.py: on, the default, only completion)."""
    app.config["HIDE_VERDICTS_WHILE_OPEN"] = False
    assessment = rated_assessment(make, manager=4, self_level=3)
    auth.login(make.user("hr"))
    page = client.get(_url(assessment))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert assessment.candidate.name in html and "Computed verdict" in html


def test_candidate_sees_own_results_only_after_release(client, auth, make):
    """Before release the candidate gets a "not released" page without any data; after release, the results."""
    cycle = make.cycle()
    assessment = rated_assessment(make, cycle=cycle, manager=4, self_level=3)
    auth.login(assessment.candidate)
    before = client.get(_url(assessment))
    html = before.get_data(as_text=True)
    assert before.status_code == 200 and "not released yet" in html
    assert "Computed verdict" not in html and "Strategic planning" not in html and "<svg" not in html
    assert client.get(_url(assessment, "pdf")).status_code == 404
    move_cycle(cycle, "closed")
    assert "not released yet" in client.get(_url(assessment)).get_data(as_text=True)
    move_cycle(cycle, "released")
    after = client.get(_url(assessment))
    assert after.status_code == 200 and "Your readiness results" in after.get_data(as_text=True)


@pytest.mark.parametrize("who, expected", [("other_candidate", 404), ("peer", 404), ("manager", 403),
                                            ("assigned_manager", 403)])
def test_others_never_see_a_candidates_results(client, auth, make, released, who, expected):
    """Another candidate, a peer and managers (even the candidate's own) get 403/404 for page and PDF."""
    users = {"other_candidate": lambda: make.user("candidate"), "manager": lambda: make.user("manager"),
             "peer": lambda: next(a.rater for a in released.assignments if a.rater_group == "peer"),
             "assigned_manager": lambda: next(a.rater for a in released.assignments if a.rater_group == "manager")}
    auth.login(users[who]())
    for what in ("results", "pdf"):
        response = client.get(_url(released, what))
        assert response.status_code == expected
        assert released.candidate.name not in response.get_data(as_text=True)


def test_signed_out_visitors_are_sent_to_sign_in(client, released):
    """Without a session the results page redirects to the sign-in page."""
    response = client.get(_url(released))
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_results_page_shows_verdict_reasons_chart_table_and_priorities(client, auth, released, make):
    """The page has the verdict, every rule passed or not, an inline SVG radar, every competency, priorities."""
    auth.login(released.candidate)
    html = client.get(_url(released)).get_data(as_text=True)
    framework = make.framework
    for comp in framework.competencies:
        assert comp.name in html
    assert re.search(r"<svg[^>]*>", html), "the radar chart is inline SVG"
    assert "Why this verdict" in html and ("✓ Passed" in html or "✗ Not met" in html)
    assert "1 peer has submitted, fewer than the 3 needed" in html, "a single peer is left out, and it says so"
    assert "Blind spots" in html and "Hidden strengths" in html and "Development priorities" in html
    assert 'href="/assessments/%d/report.pdf"' % released.id in html
    assert "Calibrate the verdict" not in html, "only HR sees the calibration form"


def test_a_competency_one_peer_rated_shows_no_peer_score_or_comment(app, client, auth, make):
    """Three peers submitted but one gave a level on a competency: the page shows neither it nor its comment."""
    app.config["HIDE_VERDICTS_WHILE_OPEN"] = False  # read while open
    thin = "performance_metrics"
    assessment = make.assessment(managers=1, peers=3)
    submit_sheet(sheet(assessment, "manager"), 4)
    submit_sheet(sheet(assessment, "peer", 0), {c.id: 4 for c in make.framework.competencies} | {thin: 1},
                 notes={thin: "Lone peer evidence"})
    for index in (1, 2):
        submit_sheet(sheet(assessment, "peer", index), {c.id: 4 for c in make.framework.competencies}
                     | {thin: NOT_OBSERVED})
    auth.login(make.user("hr"))
    html = client.get(_url(assessment)).get_data(as_text=True)
    row = re.search(r'<th scope="row">Performance metrics and KPIs.*?</tr>', html, re.S).group(0)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    # Decision, Required, Gap come first (phones), then Self, Managers, Peers. From rubric 2026.12 the lone
    # peer's 1 counts in HR's decision: (2*4 + 1)/3 = 3.
    # HR also reads the standard error beside it (rubric 2026.12.3; the candidate's copy never has it).
    assert re.fullmatch(r'<strong>3</strong> <small class="std-error"[^>]*>± [\d.]+</small>', cells[0]), cells
    assert cells[4:6] == ["4", '<span class="muted">not shown</span>'], cells
    assert "rated by 1 of 1" in row, "the coverage counts the manager only, never the suppressed peer"
    assert "Lone peer evidence" not in html
    assert "fewer than 3 peers gave a level on that competency" in html
    assert "Seen in the quarterly review." in html, "peer comments on competencies all three rated are shown"


def test_report_pdf_downloads_for_the_candidate_after_release(client, auth, released):
    """The PDF link returns a PDF attachment."""
    auth.login(released.candidate)
    response = client.get(_url(released, "pdf"))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF") and "attachment" in response.headers["Content-Disposition"]


def _pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True)
    return " ".join(text.stdout.split())


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) not installed")
def test_spread_and_calibrator_are_for_hr_only(client, auth, make, tmp_path):
    """Two managers far apart: HR's page and PDF show the spread and who calibrated; the candidate's show neither."""
    cycle = make.cycle()
    assessment = make.assessment(cycle=cycle, managers=2)
    submit_sheet(sheet(assessment, "manager", 0), 1)
    submit_sheet(sheet(assessment, "manager", 1), 5)
    move_cycle(cycle, "closed")
    hr, second = make.user("hr", name="Ingrid Halvorsen"), make.user("hr", name="Second Approver")
    proposal = calibrate_verdict(assessment, make.framework.readiness.bands[1].id,
                                 "Panel weighed the site merger and the record of the last two quarters.",
                                 actor=hr, candidate_note="Panel weighed the site merger.", reason_code="additional_evidence")
    # Managers 1 and 5 contradict each other: Panel review, so the move needs a second HR person.
    # The approver must have been HR before the proposal (issue 15, finding 2).
    approve_calibration(assessment, proposal.id, actor=second)
    db.session.commit()
    move_cycle(cycle, "released")
    auth.login(hr)
    page = client.get(_url(assessment)).get_data(as_text=True)
    assert "raters disagree (spread 4)" in page and "by Ingrid Halvorsen" in page
    pdf = _pdf_text(client.get(_url(assessment, "pdf")).data, tmp_path)
    assert "Raters differ" in pdf and "apart across 2 raters" in pdf and "Recorded by Ingrid Halvorsen" in pdf
    auth.logout()
    auth.login(assessment.candidate)
    page = client.get(_url(assessment)).get_data(as_text=True)
    assert "raters disagree" not in page and "spread" not in page and "Ingrid Halvorsen" not in page
    pdf = _pdf_text(client.get(_url(assessment, "pdf")).data, tmp_path)
    assert "Raters differ" not in pdf and "apart across" not in pdf and "Ingrid Halvorsen" not in pdf
    assert "Panel weighed the site merger." in pdf  # the note to the candidate is the candidate's
    assert "last two quarters" not in pdf and "last two quarters" not in page, "the rationale is HR's only"


LONG_ENOUGH = "A long enough rationale for the panel, with the evidence it weighed."


def _calibrate(client, assessment, **data):
    return client.post(f"/assessments/{assessment.id}/calibration", data=calibration_form(**data))


@pytest.fixture
def released_varied(make):
    """Like ``released`` with the raters' levels varied: one flat level everywhere is straight-lining since
    rubric 2026.12.3, a Panel review verdict, and calibrating out of it is only a proposal awaiting a second HR
    person (tests/test_governance_calibration.py), not a calibration in force."""
    ids = [c.id for c in make.framework.competencies]
    cycle = make.cycle()
    assessment = rated_assessment(make, cycle=cycle, manager={i: 4 if k % 3 else 5 for k, i in enumerate(ids)},
                                  self_level=5, peers=({i: 3 if k % 3 else 4 for k, i in enumerate(ids)},))
    move_cycle(cycle, "closed", "released")
    return assessment


def test_hr_calibrates_a_verdict_and_both_are_kept_and_audited(client, auth, make, released_varied):
    """A calibration with a rationale is stored beside the computed band, shown on the page and audited."""
    released = released_varied
    hr = make.user("hr")
    auth.login(hr)
    rationale = "Panel saw strong crisis leadership during the Q3 outage; board feedback agrees."
    response = _calibrate(client, released, band_id="ready_1_2_years", rationale=rationale)
    assert response.status_code == 302
    calibration = db.session.scalar(sa.select(Calibration))
    assert calibration.band_id == "ready_1_2_years" and calibration.rationale == rationale
    assert calibration.computed_band_id == assess(released).result.band_id and calibration.created_by_id == hr.id
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.kind == "verdict.calibrate"))
    assert event.actor_id == hr.id and event.after["calibrated_band"] == "ready_1_2_years"
    assert event.before["computed_band"] == calibration.computed_band_id
    html = client.get(_url(released)).get_data(as_text=True)
    assert "Calibrated verdict (HR panel)" in html and rationale in html and "Ready after development" in html


@pytest.mark.parametrize("data, field, message", [
    ({"band_id": "ready_now", "rationale": ""}, "rationale", "a rationale is required"),
    ({"band_id": "ready_now", "rationale": "too short"}, "rationale", "at least a sentence of real words"),
    ({"band_id": "ready_now", "rationale": "x" * 20}, "rationale", "this has 0 real words"),
    ({"rationale": LONG_ENOUGH}, "band_id", "choose a band"),
    ({"band_id": "promoted_yesterday", "rationale": LONG_ENOUGH}, "band_id", "Not a valid choice"),
])
def test_calibration_errors_are_shown_and_keep_the_input(client, auth, make, released, data, field, message):
    """A bad calibration is refused next to its field, keeps what was typed, and records nothing."""
    auth.login(make.user("hr"))
    response = _calibrate(client, released, **data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html and f'href="#{field}"' in html
    if data.get("rationale"):
        assert data["rationale"] in html
    if data.get("band_id") == "ready_now":
        assert re.search(r'<input[^>]*checked[^>]*value="ready_now"|<input[^>]*value="ready_now"[^>]*checked', html)
    assert db.session.scalar(sa.select(sa.func.count(Calibration.id))) == 0


def test_calibration_is_refused_while_the_cycle_is_open(client, auth, make):
    """While ratings may still change, calibrating is refused with a clear message."""
    assessment = rated_assessment(make, manager=4)
    auth.login(make.user("hr"))
    response = _calibrate(client, assessment, band_id="ready_now", rationale=LONG_ENOUGH)
    assert response.status_code == 422 and "once the cycle is closed" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Calibration.id))) == 0


@pytest.mark.parametrize("role", ["candidate", "manager"])
def test_only_hr_may_calibrate(client, auth, make, released, role):
    """The candidate (even the assessed one) and managers are refused."""
    user = released.candidate if role == "candidate" else make.user("manager")
    auth.login(user)
    response = _calibrate(client, released, band_id="ready_now", rationale=LONG_ENOUGH)
    assert response.status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(Calibration.id))) == 0
