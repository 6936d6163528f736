"""What the results page and the PDF say about the evidence behind a verdict (issue 18): columns for direct
reports and assessors (page; the PDF's columns follow the result's shown groups: tests/test_demo*.py), how far
raters agree (HR only), what each decisive level rests on, the eligibility rule
beside the verdict (it informs, never changes the band) and raters known only briefly (HR only).

The result is the engine's for real sheets, enriched here with the 2026.12.4 fields, so these tests pin down the
rendering; tests/test_demo*.py check the same pages on the demo's real results."""

from __future__ import annotations

from dataclasses import replace

import pytest

import assessment.results.views as views
import assessment.services.readiness as readiness_service
from rubrics.readiness import (ASSESSOR, DIRECT_REPORT, FAILED, GROUP_LABELS, NOT_APPLICABLE, PASSED,
                               EligibilityCheck, GroupScore)

from tests.results_helpers import move_cycle, rated_assessment, report_pdf_text, results_page_text

SITUATION = "level 4 seen in the board presentation exercise"


def enriched(result):
    """The result with 2026.12.4 evidence: a direct reports' and an assessors' column, agreement, a situation, an
    eligibility rule not met and one not known, and a rater known only briefly."""
    levels = ("agree", "moderate", "disagree", "disagree_strongly")
    comps = []
    for i, comp in enumerate(result.competencies):
        extra = (GroupScore(DIRECT_REPORT, GROUP_LABELS[DIRECT_REPORT], 3.5 if i else None, 3 if i else None, 3,
                            i == 0, 3),
                 GroupScore(ASSESSOR, GROUP_LABELS[ASSESSOR], 4.0, 1, 1))
        comps.append(replace(comp, groups=comp.groups + extra, direct_report_score=3.5, assessor_score=4.0,
                             agreement=(0.82, 0.64, 0.31, -0.4)[i % 4], agreement_level=levels[i % 4],
                             situation_text=SITUATION if i == 0 else "",
                             named_situation_text=SITUATION if i == 0 else ""))  # the consensus: a named group
    checks = (EligibilityCheck("min_leadership_months", "At least 60 months in leadership roles: 48, not met.", 60,
                               48, FAILED),
              EligibilityCheck("min_current_role_months", "At least 12 months in the current role: not known.", 12,
                               None, NOT_APPLICABLE))
    return replace(result, competencies=tuple(comps), agreement=0.64, agreement_level="moderate",
                   eligibility=checks, short_acquaintance_raters=1, direct_report_anonymity_threshold=3)


def released_with_evidence(make, monkeypatch, **options):
    """A released candidate (varied manager levels, self 3, peers 4, 3, 4) whose results page and PDF show the
    result ``enriched``."""
    assessment = rated_assessment(make, manager={c.id: 4 if k % 3 else 5
                                                 for k, c in enumerate(make.framework.competencies)},
                                  self_level=3, peers=(4, 3, 4), **options)
    move_cycle(assessment.cycle, "closed", "released")
    real = readiness_service.assess

    def assess(item, **options):
        outcome = real(item, **options)
        return replace(outcome, result=enriched(outcome.result))

    monkeypatch.setattr(views, "assess", assess)
    monkeypatch.setattr(readiness_service, "assess", assess)
    return assessment


@pytest.fixture
def evidence(make, monkeypatch):
    return released_with_evidence(make, monkeypatch)


def test_hr_reads_agreement_eligibility_situations_and_short_acquaintance(app, auth, make, evidence):
    auth.login(make.user("hr"))
    text = results_page_text(auth.client, evidence)
    assert "Eligibility (track record):" in text
    assert "✗ At least 60 months in leadership roles: 48, not met." in text
    assert "? At least 12 months in the current role: not known." in text
    assert "it never changes the band" in text
    assert "Agreement: Raters partly agree: mean rwg 0.64 over" in text
    assert "raters agree (rwg 0.82)" in text and "raters disagree strongly (rwg −0.40)" in text
    assert "Short acquaintance: 1 counted rater has worked with the candidate for less than 3 months." in text
    assert f"Evidence behind the levels" in text and SITUATION in text
    assert "Direct reports" in text and "Assessors" in text
    assert "Where direct reports are “not shown”, fewer than 3 of them gave a level" in text


def test_the_candidate_never_reads_agreement_or_short_acquaintance(app, auth, make, evidence):
    auth.login(evidence.candidate)
    text = results_page_text(auth.client, evidence)
    assert "Your readiness results" in text
    assert "rwg" not in text and "Agreement" not in text and "Short acquaintance" not in text
    assert "it never changes the band" in text  # the eligibility rule is the candidate's too


def test_hr_pdf_has_the_group_columns_agreement_situations_and_eligibility(app, auth, make, evidence, tmp_path):
    auth.login(make.user("hr"))
    text = report_pdf_text(auth.client, evidence, tmp_path)
    assert "Eligibility (track record)" in text and "✗ At least 60 months in leadership roles: 48, not met." in text
    assert "never changes the band" in text
    assert "Agreement: Raters partly agree: mean rwg 0.64" in text
    assert "Short acquaintance:" in text
    assert "Evidence behind the levels" in text and SITUATION in text
    assert "raters agree (rwg 0.82)" in text


def test_candidate_pdf_leaves_out_agreement(app, auth, make, evidence, tmp_path):
    auth.login(evidence.candidate)
    text = report_pdf_text(auth.client, evidence, tmp_path)
    assert "Candidate copy" in text.upper().title() or "CANDIDATE COPY" in text
    assert "rwg 0.82" not in text and "Short acquaintance" not in text and "Agreement:" not in text
    assert "Eligibility (track record)" in text and SITUATION in text


def test_the_overview_marks_agreement_and_eligibility(app, auth, make, monkeypatch):
    """Each row of the overview says how far the raters agree and whether the eligibility rule is met (HR)."""
    assessment = rated_assessment(make, manager={c.id: 4 if k % 3 else 5
                                                 for k, c in enumerate(make.framework.competencies)},
                                  self_level=3, peers=(4, 3, 4))
    move_cycle(assessment.cycle, "closed")
    real = readiness_service.compute_results

    def compute(assessments, **options):
        return {key: enriched(result) for key, result in real(assessments, **options).items()}

    monkeypatch.setattr(readiness_service, "compute_results", compute)
    auth.login(make.user("hr"))
    page = auth.client.get(f"/cycles/{assessment.cycle_id}/overview").get_data(as_text=True)
    assert "Agreement: raters partly agree (rwg 0.64)" in page
    assert "Eligibility rule not met" in page


def test_eligibility_status_of_the_whole_rule():
    """Not met when a part is not met, else not known when a part is not known, else met; "" without a rule."""
    from assessment.results.overview import eligibility_status

    def check(status):
        return EligibilityCheck("x", "x", 1, None, status)

    assert eligibility_status(()) == ""
    assert eligibility_status((check(PASSED), check(PASSED))) == PASSED
    assert eligibility_status((check(PASSED), check(NOT_APPLICABLE))) == NOT_APPLICABLE
    assert eligibility_status((check(NOT_APPLICABLE), check(FAILED))) == FAILED
