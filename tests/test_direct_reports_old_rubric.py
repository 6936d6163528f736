"""A cycle pinned to rubric 2026.12.3 (before direct reports and exercises) refuses direct reports and assessor
exercises (review of issue 18): their sheets would count nowhere, so they are refused in the service, on the HR
page and in the import (with the row), instead of vanishing silently."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from assessment.extensions import db
from assessment.models import RaterAssignment, RubricVersion
from assessment.services import ServiceError
from assessment.services.assessments import assign_rater
from assessment.services.exercises import schedule_exercise
from assessment.framework import pinned_framework
from assessment.services.imports import COLUMNS, ImportRejected, import_candidates
from tests.exercise_helpers import assessor

SNAPSHOT = Path(__file__).parent / "data" / "rubric_2026_12_3_snapshot.json"
REFUSED = "This cycle uses rubric 2026.12.3, which has no direct reports"


def pin_2026_12_3(cycle) -> None:
    text = SNAPSHOT.read_text(encoding="utf-8")
    data = json.loads(text)
    cycle.rubric_version = RubricVersion(content_hash=hashlib.sha256(text.encode()).hexdigest(),
                                         name=data["name"]["en"], version="2026.12.3", snapshot=data)
    db.session.commit()


@pytest.fixture
def old_cycle(make):
    cycle = make.cycle(state="draft")
    pin_2026_12_3(cycle)
    return cycle


def _groups(assessment) -> list[str]:
    db.session.expire_all()
    return sorted(a.rater_group for a in db.session.scalars(
        sa.select(RaterAssignment).where(RaterAssignment.assessment_id == assessment.id)))


def test_the_service_refuses_a_direct_report_but_not_a_peer(make, old_cycle):
    assessment = make.assessment(cycle=old_cycle)
    hr = make.user("hr")
    with pytest.raises(ServiceError, match=REFUSED) as caught:
        assign_rater(assessment, make.user("candidate"), "direct_report", actor=hr)
    assert caught.value.field == "rater_group"
    assign_rater(assessment, make.user("candidate"), "peer", actor=hr)
    db.session.commit()
    assert "direct_report" not in _groups(assessment) and "peer" in _groups(assessment)


def test_the_current_rubric_still_takes_direct_reports(make):
    assessment = make.assessment(cycle=make.cycle(state="draft"))
    assign_rater(assessment, make.user("candidate"), "direct_report", actor=make.user("hr"))
    assert "direct_report" in _groups(assessment)


def test_the_hr_page_says_so_beside_the_group(make, old_cycle, client, auth):
    assessment = make.assessment(cycle=old_cycle)
    auth.login(make.user("hr"))
    report = make.user("candidate", name="Dana Report")
    response = client.post(f"/hr/assessments/{assessment.id}", data={"email": report.email,
                                                                      "rater_group": "direct_report"})
    assert response.status_code != 302 and REFUSED in response.get_data(as_text=True)
    assert "direct_report" not in _groups(assessment)


def test_the_import_names_the_row(make, old_cycle):
    manager = make.user("manager", email="boss@example.com")
    report = make.user("candidate", email="r1@example.com")
    data = (",".join(COLUMNS) + f"\nAnn Lee,ann@example.com,operations_manager,head_of_operations,{manager.email},,\n"
            f"Bo Berg,bo@example.com,operations_manager,head_of_operations,{manager.email},,{report.email}\n").encode()
    with pytest.raises(ImportRejected) as caught:
        import_candidates(old_cycle, "c.csv", data, framework=pinned_framework(old_cycle), actor=make.user("hr"))
    assert [(p.row, p.column) for p in caught.value.problems] == [(3, "direct_report_emails")]
    assert REFUSED in caught.value.problems[0].message


def test_exercises_are_refused_on_a_rubric_without_them(make, old_cycle):
    assessment = make.assessment(cycle=old_cycle)
    with pytest.raises(ServiceError, match="which has no assessor exercises") as caught:
        schedule_exercise(assessment, "case_analysis", [assessor(make, "Ada Assessor")],
                          framework=pinned_framework(old_cycle), actor=make.user("hr"))
    assert caught.value.field == "exercise_id"
