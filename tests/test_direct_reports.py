"""Issue 18, 1: direct reports as a rater group HR assigns (the assessment page, the import), listed on the rater's
"My sheets"; a cycle does not open while a candidate has 1 or 2 of them (below the anonymity threshold), exactly as
for peers; the rater list is frozen once open; a direct report is never named to the candidate."""

import pytest
import sqlalchemy as sa

from assessment.extensions import db
from assessment.models import Cycle, RaterAssignment
from assessment.services import NotAllowed
from assessment.services.cycles import change_state
from assessment.services.imports import COLUMNS, ImportRejected, import_candidates
from tests.sheets import sheet_of

REASON = "Her second team lead joined in November"


@pytest.fixture
def hr(make, auth):
    user = make.user("hr", name="Hanna HR")
    auth.login(user)
    return user


def _groups(assessment) -> list[str]:
    db.session.expire_all()
    return sorted(a.rater_group for a in db.session.scalars(
        sa.select(RaterAssignment).where(RaterAssignment.assessment_id == assessment.id)))


def test_hr_assigns_a_direct_report_on_the_assessment_page(client, hr, make):
    assessment = make.assessment(cycle=make.cycle(state="draft"))
    url = f"/hr/assessments/{assessment.id}"
    page = client.get(url).get_data(as_text=True)
    assert '<option value="direct_report">Direct report</option>' in page
    report = make.user("candidate", name="Dana Report")
    response = client.post(url, data={"email": report.email, "rater_group": "direct_report"}, follow_redirects=True)
    assert "Dana Report will rate" in response.get_data(as_text=True) and "as a direct report" in response.get_data(
        as_text=True)
    assert _groups(assessment) == ["direct_report", "manager", "self"]


def test_after_opening_a_direct_report_is_added_only_with_a_reason(client, hr, make):
    assessment = make.assessment(direct_reports=3)
    url = f"/hr/assessments/{assessment.id}"
    report = make.user("candidate")
    refused = client.post(url, data={"email": report.email, "rater_group": "direct_report"})
    assert refused.status_code == 400 and "its rater list is frozen" in refused.get_data(as_text=True)
    assert client.post(url, data={"email": report.email, "rater_group": "direct_report",
                                  "reason": REASON}).status_code == 302
    assert _groups(assessment).count("direct_report") == 4


@pytest.mark.parametrize("group", ["assessor", "self", "boss", "direct_report\x00"])
def test_other_groups_cannot_be_assigned_here(client, hr, make, group):
    assessment = make.assessment(cycle=make.cycle(state="draft"))
    response = client.post(f"/hr/assessments/{assessment.id}", data={"email": make.user("candidate").email,
                                                                     "rater_group": group})
    assert response.status_code == 400 and _groups(assessment) == ["manager", "self"]


@pytest.mark.parametrize("reports", [1, 2])
def test_a_cycle_does_not_open_with_one_or_two_direct_reports(make, reports):
    cycle = make.cycle(state="draft")
    short = make.assessment(cycle=cycle, direct_reports=reports)
    make.assessment(cycle=cycle, direct_reports=3)
    with pytest.raises(NotAllowed) as caught:
        change_state(cycle, "open", actor=None, framework=make.framework)
    assert f"{short.candidate.name}: {reports} of the 3 direct reports needed" in caught.value.message
    db.session.rollback()
    assert db.session.get(Cycle, cycle.id).state == "draft"


def test_the_open_step_lists_short_direct_report_groups_and_opens_once_fixed(client, hr, make):
    cycle = make.cycle(state="draft")
    short = make.assessment(cycle=cycle, direct_reports=2)
    url = f"/hr/cycles/{cycle.id}/state?to=open"
    html = client.get(url).get_data(as_text=True)
    assert f"{short.candidate.name}: 2 of the 3 direct reports needed" in html
    assert client.post(url).status_code == 400 and db.session.get(Cycle, cycle.id).state == "draft"
    assert client.post(f"/hr/assessments/{short.id}", data={"email": make.user("candidate").email,
                                                            "rater_group": "direct_report"}).status_code == 302
    assert client.post(url).status_code == 302 and db.session.get(Cycle, cycle.id).state == "open"


def test_the_import_assigns_direct_reports(make):
    cycle = make.cycle(state="draft")
    manager = make.user("manager", email="boss@example.com")
    reports = [make.user("candidate", email=f"r{n}@example.com") for n in range(3)]
    assert "direct_report_emails" in COLUMNS
    data = (",".join(COLUMNS) + "\nAnn Lee,ann@example.com,operations_manager,head_of_operations,"
            f"{manager.email},,{';'.join(r.email for r in reports)}\n").encode()
    (assessment,) = import_candidates(cycle, "c.csv", data, framework=make.framework, actor=make.user("hr"))
    assert _groups(assessment) == ["direct_report"] * 3 + ["manager", "self"]


@pytest.mark.parametrize("cell, words", [("nobody@example.com", "no account for nobody@example.com"),
                                         ("ann@example.com", "nobody rates themselves as a direct report"),
                                         ("boss@example.com", "more than once")])
def test_the_import_refuses_a_wrong_direct_report(make, cell, words):
    cycle = make.cycle(state="draft")
    make.user("manager", email="boss@example.com")
    data = (",".join(COLUMNS) + "\nAnn Lee,ann@example.com,operations_manager,head_of_operations,"
            f"boss@example.com,,{cell}\n").encode()
    with pytest.raises(ImportRejected) as caught:
        import_candidates(cycle, "c.csv", data, framework=make.framework, actor=make.user("hr"))
    assert [(p.column, words in p.message) for p in caught.value.problems] == [("direct_report_emails", True)]


def test_a_direct_report_finds_the_sheet_and_is_not_named_to_the_candidate(client, auth, make):
    assessment = make.assessment(direct_reports=3)
    sheet = sheet_of(assessment, "direct_report")
    auth.login(sheet.rater)
    listing = client.get("/ratings/").get_data(as_text=True)
    assert assessment.candidate.name in listing and "Direct report" in listing
    auth.logout()
    auth.login(assessment.candidate)
    home = client.get("/").get_data(as_text=True) + client.get("/me").get_data(as_text=True)
    assert sheet.rater.name not in home
