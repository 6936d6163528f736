"""Calibration governance (issue 17, 4): the panel is chosen from accounts, and every calibration gives a reason
code from the pinned rubric besides its rationale."""

import copy
import re

import pytest
import sqlalchemy as sa

from assessment.extensions import db
from assessment.models import AuditEvent, Calibration
from assessment.services import ServiceError
from assessment.services.calibrations import approve_calibration, calibrate_verdict, panel_choices
from assessment.services.readiness import panel_data, report_data
from assessment.services.scores_export import SCORE_COLUMNS, scores_table
from rubrics.loader import RubricError, framework_from_snapshot
from tests.results_helpers import REASON, calibration_form, move_cycle, panel_ids
from tests.test_governance_calibration import NOTE, RATIONALE, best_id, no_evidence  # noqa: F401 (a fixture)

LAST = -1


def _post(client, assessment, **data):
    return client.post(f"/assessments/{assessment.id}/calibration", data=calibration_form(**data))


def _count():
    return db.session.scalar(sa.select(sa.func.count(Calibration.id)))


def _last_band(make):
    return make.framework.readiness.bands[LAST].id


# --- the rubric's reason codes --------------------------------------------------------------------------------

def test_the_rubric_lists_reason_codes_in_both_languages(make):
    """Five codes, each with an English and a German label."""
    reasons = make.framework.readiness.calibration_reasons
    assert REASON in {r.id for r in reasons} and len(reasons) >= 5
    german = make.framework.in_language("de").readiness.calibration_reasons
    assert [r.id for r in german] == [r.id for r in reasons]
    assert all(de.label != en.label for de, en in zip(german, reasons))


def test_a_snapshot_without_reason_codes_asks_for_none(make):
    """An old snapshot (no ``calibration_reasons``) loads with none; a duplicate id is refused by the loader."""
    data = copy.deepcopy(make.framework.data)
    data["readiness"].pop("calibration_reasons")
    assert framework_from_snapshot(data).readiness.calibration_reasons == ()
    doubled = copy.deepcopy(make.framework.data)
    doubled["readiness"]["calibration_reasons"].append(doubled["readiness"]["calibration_reasons"][0])
    with pytest.raises(RubricError, match="calibration_reasons"):
        framework_from_snapshot(doubled)


# --- the service ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("code", [None, "", "friendly_rater", "ADDITIONAL_EVIDENCE"])
def test_a_calibration_without_a_known_reason_code_is_refused(make, no_evidence, code):
    with pytest.raises(ServiceError) as caught:
        calibrate_verdict(no_evidence, _last_band(make), RATIONALE, actor=make.user("hr"), reason_code=code)
    assert caught.value.field == "reason_code"


def test_the_record_keeps_the_panel_accounts_and_the_reason(make, no_evidence):
    """Stored by account and code, audited with e-mails and names, shown by name in HR's PDF data and the panel
    summary; the candidate's copy has neither."""
    ids = [int(i) for i in panel_ids()]
    approver = make.user("hr")  # HR since before the proposal
    calibration = calibrate_verdict(no_evidence, _last_band(make), RATIONALE, actor=make.user("hr"),
                                    candidate_note=NOTE, panel_ids=ids, reason_code=REASON)
    db.session.commit()
    assert sorted(member.id for member in calibration.panel) == sorted(ids) and calibration.reason_code == REASON
    assert calibration.panel_text == "Ingrid Halvorsen, Priya Raghunathan, Rafael Ortega"
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.subject_type == "Calibration"))
    assert event.after["reason_code"] == REASON and "ingrid.halvorsen@panel.example.com" in event.after["panel"]
    hr_copy = report_data(no_evidence, audience="hr").calibration
    assert hr_copy.reason == "Additional evidence presented to the panel" and "Rafael Ortega" in hr_copy.panel
    approve_calibration(no_evidence, calibration.id, actor=approver)  # a proposal: the candidate sees none
    candidate_copy = report_data(no_evidence, audience="candidate").calibration
    assert candidate_copy.reason == "" and candidate_copy.panel == ""
    [row] = panel_data(no_evidence.cycle).rows
    assert row.calibration_reason == hr_copy.reason and "Priya Raghunathan" in row.calibration_panel


def test_the_scores_export_carries_the_reason(make, no_evidence):
    calibrate_verdict(no_evidence, _last_band(make), RATIONALE, actor=make.user("hr"), reason_code=REASON)
    db.session.commit()
    rows = scores_table(no_evidence.cycle)
    column = SCORE_COLUMNS.index("calibration_reason")
    assert {row[column] for row in rows} == {"Additional evidence presented to the panel"}


def test_an_old_calibration_keeps_its_typed_panel(make, no_evidence):
    """A calibration from before the accounts shows the names HR typed."""
    calibration = calibrate_verdict(no_evidence, _last_band(make), RATIONALE, actor=make.user("hr"),
                                    reason_code=REASON)
    calibration.panel_members, calibration.reason_code = "Typed Name, Other Name", None
    db.session.commit()
    assert calibration.panel_text == "Typed Name, Other Name"
    assert report_data(no_evidence, audience="hr").calibration.panel == "Typed Name, Other Name"


# --- who may sit on the panel -----------------------------------------------------------------------------------

def test_the_form_offers_active_hr_and_managers_but_never_the_candidate_a_rater_or_a_rival(make):
    cycle = make.cycle()
    no_evidence, rival = make.assessment(cycle=cycle), make.assessment(cycle=cycle).candidate
    move_cycle(cycle, "closed")
    manager_rater = no_evidence.assignments[1].rater
    gone = make.user("manager")
    gone.is_active = False
    free_hr, free_manager = make.user("hr"), make.user("manager")
    offered = {person.id for person in panel_choices(no_evidence)}
    assert {free_hr.id, free_manager.id} <= offered
    assert not offered & {no_evidence.candidate_id, manager_rater.id, rival.id, gone.id}


def test_panel_ids_that_may_not_sit_are_refused_with_a_clear_message(client, auth, make, no_evidence):
    """Unknown, huge, inactive, candidate, rater: 422 beside the panel field, nothing stored, never a 500."""
    auth.login(make.user("hr"))
    gone = make.user("manager")
    gone.is_active = False
    db.session.commit()
    rater = no_evidence.assignments[1].rater
    cases = [(["999999"], "not an active HR or manager account"), ([str(2 ** 40)], "panel-error"),
             (["abc"], "panel-error"), ([str(gone.id)], "not an active HR"),
             ([str(no_evidence.candidate_id)], "not an active HR"),
             ([str(rater.id)], f"{rater.name} rates {no_evidence.candidate.name}"), ([], "choose the panel members")]
    for ids, message in cases:
        response = _post(client, no_evidence, band_id=_last_band(make), rationale=RATIONALE, panel=ids)
        html = response.get_data(as_text=True)
        assert response.status_code == 422 and message in html and 'href="#panel"' in html, (ids, re.findall(r'field-error[^<]*', html))
    assert _count() == 0


def test_the_page_asks_for_a_reason_and_shows_it_with_the_panel(client, auth, make, no_evidence):
    auth.login(make.user("hr"))
    url = f"/assessments/{no_evidence.id}/results"
    html = client.get(url).get_data(as_text=True)
    assert '<fieldset id="reason_code"' in html and "Rater error corrected (leniency, severity or halo)" in html
    response = _post(client, no_evidence, band_id=_last_band(make), rationale=RATIONALE, reason_code="")
    assert response.status_code == 422 and "choose the reason for the calibration" in response.get_data(as_text=True)
    assert _post(client, no_evidence, band_id=_last_band(make), rationale=RATIONALE).status_code == 302
    html = client.get(url).get_data(as_text=True)
    assert "Reason: Additional evidence presented to the panel" in html
    assert "Panel: Ingrid Halvorsen, Priya Raghunathan, Rafael Ortega" in html


def test_the_page_in_german_names_the_reason_in_german(client, auth, make, no_evidence):
    hr = make.user("hr")
    hr.language = "de"
    db.session.commit()
    auth.login(hr)
    assert _post(client, no_evidence, band_id=_last_band(make), rationale=RATIONALE).status_code == 302
    html = client.get(f"/assessments/{no_evidence.id}/results").get_data(as_text=True)
    assert "Dem Gremium vorgelegte zusätzliche Nachweise" in html


def test_without_a_csrf_token_nothing_is_recorded(app, make, no_evidence):
    """With CSRF protection on (as in production), a post without the token is refused."""
    from tests.test_sessions import browser

    app.config["WTF_CSRF_ENABLED"] = True
    client = browser(app)
    hr = make.user("hr")
    client.post("/login", data={"email": hr.email, "password": make.PASSWORD})
    response = client.post(f"/assessments/{no_evidence.id}/calibration",
                           data=calibration_form(band_id=_last_band(make), rationale=RATIONALE))
    assert response.status_code in (400, 422) and _count() == 0
