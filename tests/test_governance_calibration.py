"""Calibration with governance: a rationale of substance, the two-person rule, HR-only rationale, focus."""

import csv
import shutil
import subprocess
import io
import re

import pytest
import sqlalchemy as sa

from assessment.extensions import db
from assessment.models import AuditEvent, Calibration
from assessment.services import ConflictError, NotAllowed, ServiceError
from assessment.services.calibration_rules import needs_second_approval, rationale_problem, real_words
from assessment.services.calibrations import approve_calibration, calibrate_verdict
from assessment.services.readiness import assess, panel_data, report_data
from tests.results_helpers import calibration_form, move_cycle, panel_ids, sheet, submit_sheet

RATIONALE = "The panel weighed the plant relaunch she led, and two site directors confirmed the results."
NOTE = "The panel took your plant relaunch into account."
#: The panel ``panel_ids`` makes, as the record shows it (by name).
PANEL = "Ingrid Halvorsen, Priya Raghunathan, Rafael Ortega"


# --- the rationale ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "x" * 20,                       # the case: twenty "x"
    " ".join(["x"] * 20),           # twenty "x" words
    "xxxx xxxx xxxx xxxx xxxx xxxx xxxx xxxx",
    "good good good good good good good good good",
    "ok fine yes 123 456 789 !!! ???",
    "Strong candidate.",            # a fragment, not a sentence of reasons
    "",
])
def test_a_rationale_without_substance_is_refused(text):
    """Repeated characters, one word over and over, numbers and fragments are not a rationale."""
    assert rationale_problem(text) is not None


@pytest.mark.parametrize("text", [
    RATIONALE,
    "Die Kandidatin hat die Servicequalität während der Standortzusammenlegung sichtbar gesichert und begründet.",
])
def test_a_real_sentence_is_a_rationale(text):
    """A sentence of real words passes, in any language with letters."""
    assert rationale_problem(text) is None


def test_real_words_leave_out_single_letters_and_repeated_characters():
    """Only runs of two or more letters that are not one letter repeated count."""
    assert real_words("x xx a B2B ab Öl zzz") == ["ab", "öl"]


# --- which moves need a second HR person --------------------------------------------------------------------

#: Bands by position (best first), so the tests follow the rubric's ids and labels wherever they change.
BEST, MIDDLE, LAST = 0, 1, 2


def _band(make, position):
    return make.framework.readiness.bands[position]


@pytest.mark.parametrize("computed, calibrated, needed", [
    ("insufficient_evidence", BEST, True),
    ("insufficient_evidence", LAST, True),
    ("panel_review", MIDDLE, True),                   # the engine's new outcome, not a band
    ("some_future_outcome", BEST, True),              # any verdict id that is not a band
    (BEST, LAST, True),                               # two bands
    (LAST, BEST, True),
    (BEST, MIDDLE, False),                            # one band
    (MIDDLE, BEST, True),                             # into the best band (issue 17, 4)
    (LAST, MIDDLE, False),
    (BEST, BEST, False),                              # confirming the computed band
])
def test_two_person_rule(make, computed, calibrated, needed):
    """Out of a non-band outcome, by two bands or more, or into the best band needs a second approval; one band
    otherwise does not."""
    ids = [_band(make, v).id if isinstance(v, int) else v for v in (computed, calibrated)]
    assert needs_second_approval(make.framework.readiness, *ids) is needed


# --- through the pages --------------------------------------------------------------------------------------

@pytest.fixture
def no_evidence(make):
    """A closed cycle whose candidate's manager never submitted: the computed verdict is insufficient evidence."""
    cycle = make.cycle()
    assessment = make.assessment(cycle=cycle)
    submit_sheet(sheet(assessment, "self"), 4)
    move_cycle(cycle, "closed")
    assert assess(assessment).result.band_id == "insufficient_evidence"
    return assessment


def best_id():
    from assessment.framework import current_framework

    return current_framework().readiness.bands[BEST].id


def best_label():
    from assessment.framework import current_framework

    return current_framework().readiness.bands[BEST].label


def _calibrate(client, assessment, **data):
    data = calibration_form(band_id=best_id(), rationale=RATIONALE, candidate_note=NOTE) | data
    return client.post(f"/assessments/{assessment.id}/calibration", data=data)


def _approve(client, assessment, calibration_id):
    return client.post(f"/assessments/{assessment.id}/calibration/approval", data={"calibration_id": calibration_id})


def _page(client, assessment):
    return client.get(f"/assessments/{assessment.id}/results").get_data(as_text=True)


def _verdict_box(html):
    return re.search(r'id="calibrated-verdict">(.*?)</article>', html, re.S).group(1)


def test_moving_out_of_insufficient_evidence_is_a_proposal_until_a_second_hr_approves(client, auth, make,
                                                                                       no_evidence):
    """HR 1 proposes; it is not in force (page, PDF data, panel, CSV); HR 1 cannot approve; HR 2 can; audited."""
    first, second = make.user("hr", name="Hanne First"), make.user("hr", name="Henrik Second")
    auth.login(first)
    response = _calibrate(client, no_evidence)
    assert response.status_code == 302
    proposal = db.session.scalar(sa.select(Calibration))
    assert proposal.status == "proposed" and proposal.approved_by_id is None
    assert proposal.panel_text == PANEL and proposal.candidate_note == NOTE and proposal.created_by_id == first.id

    html = _page(client, no_evidence)
    assert "No calibrated verdict is in force" in _verdict_box(html)
    assert "Proposed, not in force" in _verdict_box(html) and "Proposal awaiting a second HR person" in html
    assert "You proposed this calibration" in html and "Approve this calibration" not in html
    outcome = assess(no_evidence)
    assert outcome.calibration is None and outcome.proposal.id == proposal.id
    hr_copy = report_data(no_evidence, audience="hr").calibration
    assert hr_copy.is_proposed and hr_copy.rationale == RATIONALE
    assert report_data(no_evidence, audience="candidate").calibration is None
    (row,) = panel_data(no_evidence.cycle).rows
    assert row.calibrated_label is None and row.proposed_label == best_label()
    (csv_row, *_) = csv.DictReader(io.StringIO(
        client.get(f"/cycles/{no_evidence.cycle_id}/scores.csv").data.decode("utf-8-sig")))
    assert csv_row["calibrated_band"] == "" and csv_row["proposed_band"] == best_label()
    overview = client.get(f"/cycles/{no_evidence.cycle_id}/overview").get_data(as_text=True)
    assert f"Proposed: {best_label()}" in overview and f"Calibrated: {best_label()}" not in overview

    refused = _approve(client, no_evidence, proposal.id)
    assert refused.status_code == 422 and "a second HR person must approve it" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Calibration, proposal.id).status == "proposed"

    auth.logout()
    auth.login(second)
    assert "Approve this calibration" in _page(client, no_evidence)
    assert _approve(client, no_evidence, proposal.id).status_code == 302
    db.session.expire_all()
    approved = db.session.get(Calibration, proposal.id)
    assert approved.status == "approved" and approved.approved_by_id == second.id and approved.approved_at
    html = _page(client, no_evidence)
    box = _verdict_box(html)
    assert best_label() in box and "by Hanne First" in box and "approved" in box and "by Henrik Second" in box
    assert assess(no_evidence).calibration.id == proposal.id and assess(no_evidence).proposal is None
    assert panel_data(no_evidence.cycle).rows[0].calibrated_label == best_label()
    kinds = db.session.scalars(sa.select(AuditEvent.kind).where(AuditEvent.kind.like("verdict.%"))
                               .order_by(AuditEvent.id)).all()
    assert kinds == ["verdict.propose", "verdict.approve"]
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.kind == "verdict.approve"))
    assert event.actor_id == second.id and event.after["proposed_by"] == first.email


def test_a_two_band_move_is_a_proposal_and_a_one_band_move_is_in_force_at_once(make):
    """Best band computed: to the last band is proposed; to the middle band is in force with no approver."""
    cycle = make.cycle()
    assessment = make.assessment(cycle=cycle, managers=2, peers=3)  # ample, agreeing evidence at level 5
    for group, count in (("manager", 2), ("peer", 3)):
        for index in range(count):
            submit_sheet(sheet(assessment, group, index), 5)
    move_cycle(cycle, "closed")
    assert assess(assessment).result.band_id == _band(make, BEST).id
    hr = make.user("hr")
    far = calibrate_verdict(assessment, _band(make, LAST).id, RATIONALE, actor=hr, reason_code="additional_evidence")
    assert far.status == "proposed" and assess(assessment).calibration is None
    near = calibrate_verdict(assessment, _band(make, MIDDLE).id, RATIONALE, actor=hr, reason_code="additional_evidence")
    assert near.status == "approved" and near.approved_by_id is None
    outcome = assess(assessment)
    assert outcome.calibration.id == near.id and outcome.proposal is None, "the later calibration replaced it"


def test_approving_checks_the_proposal_the_approver_read(make, no_evidence):
    """A stale proposal id is a conflict; nothing pending is refused; the proposer never approves their own."""
    first, second = make.user("hr"), make.user("hr")
    with pytest.raises(NotAllowed, match="no proposed calibration"):
        approve_calibration(no_evidence, 1, actor=second)
    older = calibrate_verdict(no_evidence, best_id(), RATIONALE, actor=first, reason_code="additional_evidence")
    newer = calibrate_verdict(no_evidence, _band(make, LAST).id, RATIONALE, actor=first, reason_code="additional_evidence")
    with pytest.raises(ConflictError):
        approve_calibration(no_evidence, older.id, actor=second)
    with pytest.raises(NotAllowed, match="second HR person"):
        approve_calibration(no_evidence, newer.id, actor=first)
    assert approve_calibration(no_evidence, newer.id, actor=second).status == "approved"


def test_a_stale_approval_through_the_page_says_so_and_changes_nothing(client, auth, make, no_evidence):
    """Approving a proposal that a newer one replaced answers 422 with the reason; the newer stays proposed."""
    older = calibrate_verdict(no_evidence, best_id(), RATIONALE, actor=make.user("hr"), reason_code="additional_evidence")
    calibrate_verdict(no_evidence, _band(make, LAST).id, RATIONALE, actor=make.user("hr"), reason_code="additional_evidence")
    db.session.commit()
    auth.login(make.user("hr"))
    response = _approve(client, no_evidence, older.id)
    assert response.status_code == 422 and "The proposal changed after you opened the page" in response.get_data(
        as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).where(Calibration.status == "approved")) == 0


def test_the_candidate_reads_the_note_never_the_rationale_or_a_proposal(client, auth, make, no_evidence):
    """After release the candidate sees the calibration in force with the note; HR's rationale and panel never."""
    first, second = make.user("hr"), make.user("hr")
    proposal = calibrate_verdict(no_evidence, best_id(), RATIONALE, actor=first, candidate_note=NOTE,
                                 panel_ids=[int(i) for i in panel_ids()], reason_code="additional_evidence")
    db.session.commit()
    move_cycle(no_evidence.cycle, "released")
    auth.login(no_evidence.candidate)
    html = _page(client, no_evidence)
    assert best_label() not in _verdict_box(html) and NOTE not in html, "a proposal is not shown to the candidate"
    approve_calibration(no_evidence, proposal.id, actor=second)
    db.session.commit()
    html = _page(client, no_evidence)
    assert best_label() in _verdict_box(html) and NOTE in html
    assert RATIONALE not in html and "Ingrid Halvorsen" not in html
    assert report_data(no_evidence, audience="candidate").calibration.rationale == NOTE


def test_the_form_says_who_reads_each_field(client, auth, make, no_evidence):
    """Beside the rationale: HR and panel only; beside the note: what the candidate reads; panel members asked."""
    auth.login(make.user("hr"))
    html = _page(client, no_evidence)
    assert re.search(r'id="rationale-hint">For HR and the panel only; the candidate never sees it', html)
    assert re.search(r'id="candidate_note-hint">What the candidate reads', html)
    assert 'aria-describedby="rationale-hint"' in html and 'aria-describedby="candidate_note-hint"' in html
    assert re.search(r'<fieldset id="panel"[^>]*>\s*<legend>Panel members present', html)


@pytest.mark.parametrize("data, field, message", [
    ({"rationale": "x" * 20}, "rationale", "this has 0 real words"),
    ({"rationale": " ".join(["x"] * 20)}, "rationale", "this has 0 real words"),
    ({"panel": []}, "panel", "choose the panel members"),
])
def test_calibration_errors_move_focus_to_the_message(client, auth, make, no_evidence, data, field, message):
    """An error answers 422 with the summary (focus target) linking to the field; the typed input is kept."""
    auth.login(make.user("hr"))
    response = _calibrate(client, no_evidence, **data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and message in html and f'href="#{field}"' in html
    section = html[html.index('id="calibration"'):]
    assert 'class="error-summary" role="alert" tabindex="-1"' in section
    assert NOTE in section, "what was typed is kept"
    assert re.search(r'<script src="/static/js/focus-message.js"', html)
    assert db.session.scalar(sa.select(sa.func.count(Calibration.id))) == 0


def test_after_recording_the_message_is_in_the_calibration_section_and_takes_focus(client, auth, make,
                                                                                 no_evidence):
    """Success: the message sits in the calibration section, focusable and marked for focus; not at the top."""
    auth.login(make.user("hr"))
    response = _calibrate(client, no_evidence)
    assert response.headers["Location"].endswith("#calibration-message")
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    section = html[html.index('id="calibration"'):]
    message = re.search(r'<div class="flash success" id="calibration-message"([^>]*)>([^<]*)', section)
    assert message and "recorded as a proposal" in message.group(2)
    assert 'tabindex="-1"' in message.group(1) and "autofocus" in message.group(1)
    assert "data-focus-on-load" in message.group(1)
    assert html.count("The calibration was recorded as a proposal") == 1, "shown once, beside the form, not also at the top"
    assert "<script>" not in html and "onclick" not in html


def test_calibrate_service_refuses_a_rationale_of_twenty_x(make, no_evidence):
    """The service itself (not only the form) refuses twenty "x", on the rationale field."""
    with pytest.raises(ServiceError) as caught:
        calibrate_verdict(no_evidence, best_id(), "x" * 20, actor=make.user("hr"), reason_code="additional_evidence")
    assert caught.value.field == "rationale"


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) not installed")
def test_the_pdfs_mark_a_proposal_as_not_in_force(client, auth, make, no_evidence, tmp_path):
    """HR's report and the panel summary say "proposed, not in force"; the candidate's report shows nothing."""
    from reports.pdf import render_panel_summary, render_report

    calibrate_verdict(no_evidence, best_id(), RATIONALE, actor=make.user("hr"), candidate_note=NOTE, reason_code="additional_evidence")
    db.session.commit()
    hr_pdf = _pdf_text(render_report(report_data(no_evidence, audience="hr")), tmp_path)
    assert "Proposed calibration: not in force until a second HR person approves it" in hr_pdf
    assert "Calibrated verdict (recorded by HR)" not in hr_pdf
    candidate_pdf = _pdf_text(render_report(report_data(no_evidence, audience="candidate")), tmp_path)
    assert "Proposed calibration" not in candidate_pdf and NOTE not in candidate_pdf
    panel_pdf = _pdf_text(render_panel_summary(panel_data(no_evidence.cycle)), tmp_path)
    assert f"(proposed: {best_label()}," in panel_pdf and "not in force)" in panel_pdf


def _pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    (tmp_path / "last.pdf").write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True)
    return " ".join(text.stdout.split())
