"""A candidate's track record (issue 18): HR enters months in leadership roles and in the current role on the
candidate's page or in the import file; the eligibility rule is checked against them."""

from __future__ import annotations

import sqlalchemy as sa

from assessment.extensions import db
from assessment.models import Assessment, AuditEvent
from assessment.services.imports import ImportRejected, import_candidates
from assessment.services.users import find_user
from tests.results_helpers import move_cycle, rated_assessment, results_page_text
from tests.test_sessions import browser


def _months(assessment_id):
    db.session.expire_all()
    found = db.session.get(Assessment, assessment_id)
    return found.leadership_months, found.current_role_months


def test_hr_records_the_track_record_on_the_candidates_page(app, auth, make):
    """The candidate's page has the form; saving stores both numbers, audits them, and shows them again."""
    assessment = make.assessment()
    auth.login(make.user("hr"))
    page = auth.client.get(f"/hr/assessments/{assessment.id}").get_data(as_text=True)
    assert 'id="track-record"' in page and 'name="leadership_months"' in page
    answer = auth.client.post(f"/hr/assessments/{assessment.id}/track-record",
                              data={"leadership_months": "48", "current_role_months": " 14 "})
    assert answer.status_code == 302 and answer.headers["Location"].endswith("#track-record")
    assert _months(assessment.id) == (48, 14)
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.kind == "assessment.track_record"))
    assert event.before == {"leadership_months": None, "current_role_months": None}
    assert event.after == {"leadership_months": 48, "current_role_months": 14}
    page = auth.client.get(f"/hr/assessments/{assessment.id}").get_data(as_text=True)
    assert 'value="48"' in page and 'value="14"' in page
    # Emptied again: not known.
    auth.client.post(f"/hr/assessments/{assessment.id}/track-record",
                     data={"leadership_months": "", "current_role_months": "14"})
    assert _months(assessment.id) == (None, 14)


def test_bad_months_are_refused_with_the_field_named(app, auth, make):
    """Negative, fractional, huge, foreign digits or NUL: 400 with the field's error, nothing stored, never a 500."""
    assessment = make.assessment()
    auth.login(make.user("hr"))
    for bad in ("-1", "721", "4.5", "99999999999999999999999", "١٢", "12\x00", "twelve"):
        answer = auth.client.post(f"/hr/assessments/{assessment.id}/track-record",
                                  data={"leadership_months": bad, "current_role_months": "3"})
        assert answer.status_code == 400, bad
        assert 'id="leadership_months-error"' in answer.get_data(as_text=True), bad
    assert _months(assessment.id) == (None, None)
    ok = auth.client.post(f"/hr/assessments/{assessment.id}/track-record",
                          data={"leadership_months": "720", "current_role_months": "0"})
    assert ok.status_code == 302 and _months(assessment.id) == (720, 0)


def test_only_hr_may_record_it_and_csrf_is_checked(app, auth, make):
    """Managers and candidates are refused; a post without a CSRF token changes nothing."""
    assessment = make.assessment()
    for role in ("manager", "candidate"):
        auth.login(make.user(role))
        answer = auth.client.post(f"/hr/assessments/{assessment.id}/track-record",
                                  data={"leadership_months": "12", "current_role_months": "3"})
        assert answer.status_code in (403, 404)
        auth.logout()
    assert _months(assessment.id) == (None, None)
    auth.login(make.user("hr"))
    assert auth.client.get("/hr/assessments/999999/track-record").status_code == 404
    app.config["WTF_CSRF_ENABLED"] = True
    client = browser(app)
    hr = make.user("hr")
    client.post("/login", data={"email": hr.email, "password": make.PASSWORD})
    answer = client.post(f"/hr/assessments/{assessment.id}/track-record",
                         data={"leadership_months": "12", "current_role_months": "3"})
    assert answer.status_code == 400 and _months(assessment.id) == (None, None)


def test_released_results_keep_their_track_record(app, auth, make):
    """Once released the form is gone and a post is refused: the candidate's report would change under them."""
    assessment = make.assessment()
    move_cycle(assessment.cycle, "closed", "released")
    auth.login(make.user("hr"))
    page = auth.client.get(f"/hr/assessments/{assessment.id}").get_data(as_text=True)
    assert 'id="track-record"' in page and 'name="leadership_months"' not in page
    answer = auth.client.post(f"/hr/assessments/{assessment.id}/track-record",
                              data={"leadership_months": "12", "current_role_months": "3"})
    assert answer.status_code == 400 and "can no longer change" in answer.get_data(as_text=True)
    assert _months(assessment.id) == (None, None)


# --- the import file ----------------------------------------------------------------------------------------


def _import(make, cycle, *lines, header="name,email,current_role,target_role,manager_emails,leadership_months,"
            "current_role_months"):
    if find_user("m1@example.com") is None:
        make.user("manager", email="m1@example.com")
    data = ("\n".join((header,) + lines) + "\n").encode("utf-8")
    return import_candidates(cycle, "c.csv", data, framework=make.framework, actor=make.user("hr"))


def test_the_import_reads_the_track_record_columns(app, make):
    """Optional columns: whole months stored per candidate, an empty cell is not known; German headers work."""
    cycle = make.cycle(state="draft")
    made = _import(make, cycle, "Ann,ann@example.com,operations_manager,head_of_operations,m1@example.com,48,12",
                   "Bo,bo@example.com,operations_manager,head_of_operations,m1@example.com,,")
    db.session.commit()
    assert [(a.leadership_months, a.current_role_months) for a in made] == [(48, 12), (None, None)]
    made = _import(make, cycle, "Cy,cy@example.com,operations_manager,head_of_operations,m1@example.com,61,0",
                   header="Name,E-Mail,Aktuelle Rolle,Zielrolle,E-Mails Führungskräfte,Monate in Führungsrollen,"
                          "Monate in aktueller Rolle")
    assert (made[0].leadership_months, made[0].current_role_months) == (61, 0)


def test_bad_months_in_the_import_are_listed_by_row_and_column(app, make):
    """Every bad value is a problem with its row and column; nothing is imported."""
    cycle = make.cycle(state="draft")
    try:
        _import(make, cycle, "Ann,ann@example.com,operations_manager,head_of_operations,m1@example.com,-3,12",
                "Bo,bo@example.com,operations_manager,head_of_operations,m1@example.com,12,721",
                "Cy,cy@example.com,operations_manager,head_of_operations,m1@example.com,1e3,4.5")
    except ImportRejected as exc:
        where = sorted((p.row, p.column) for p in exc.problems)
        assert where == [(2, "leadership_months"), (3, "current_role_months"), (4, "current_role_months"),
                         (4, "leadership_months")]
        assert "0 to 720" in exc.problems[0].message
    else:
        raise AssertionError("bad months were imported")
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Assessment)) == 0


def test_the_track_record_shows_as_the_eligibility_rule_beside_the_verdict(app, auth, make):
    """48 months of leadership against the 60 a Head of Operations needs: "not met" beside the verdict, the band
    unchanged; the recorded months change the stored result at once."""
    assessment = rated_assessment(make, manager={c.id: 4 if k % 3 else 5
                                                 for k, c in enumerate(make.framework.competencies)},
                                  self_level=3, peers=(4, 3, 4))
    move_cycle(assessment.cycle, "closed")
    auth.login(make.user("hr"))
    before = results_page_text(auth.client, assessment)
    assert "? At least 60 months in leadership roles: not known." in before
    auth.client.post(f"/hr/assessments/{assessment.id}/track-record",
                     data={"leadership_months": "48", "current_role_months": "14"})
    after = results_page_text(auth.client, assessment)
    assert "✗ At least 60 months in leadership roles: 48, not met." in after
    assert "✓ At least 12 months in the current role: 14, met." in after
    assert "it never changes the band" in after
    band = before.split("Computed verdict")[1].split()[0]
    assert after.split("Computed verdict")[1].split()[0] == band
