"""The results page and the cycle overview tell the same truth as the PDF (issue 7): numbers that agree with
the decision, every rater group's story, rules as applied, the engine's outcomes, and the candidate's view."""

import re
from dataclasses import replace

import pytest

from assessment.results import views
from assessment.services.readiness import assess
from tests.results_helpers import move_cycle, rated_assessment


def _patched_decision(monkeypatch, competency_id: str, score: float):
    """Make the page's result carry ``score`` as this competency's decision (a case few rater sets produce)."""
    def fake(assessment):
        outcome = assess(assessment)
        comps = tuple(replace(c, decision_score=score, gap=score - c.required) if c.competency_id == competency_id
                      else c for c in outcome.result.competencies)
        return replace(outcome, result=replace(outcome.result, competencies=comps))

    monkeypatch.setattr(views, "assess", fake)


def test_page_never_rounds_a_shortfall_up_to_the_requirement(client, auth, make, monkeypatch):
    """A decision of 3.997 against 4 shows 3.9 with gap −0.1 on the page, never 4 with gap 0."""
    assessment = rated_assessment(make, manager=4)
    comp = next(r for r in make.framework.role(assessment.target_role).requirements if r.required == 4)
    _patched_decision(monkeypatch, comp.competency_id, 3.997)
    auth.login(make.user("hr"))
    html = client.get(f"/assessments/{assessment.id}/results").get_data(as_text=True)
    name = make.framework.competency(comp.competency_id).name
    row = re.search(r"<th scope=\"row\">" + re.escape(name) + r".*?</tr>", html, re.S).group(0)
    assert "<strong>3.9</strong>" in row and ">−0.1</td>" in row, row
    assert "<strong>4</strong>" not in row


def test_page_lists_strengths_above_the_requirement_only(client, auth, make):
    """The page's Strengths name the competency above its requirement, never one exactly at it."""
    role = make.framework.role("head_of_operations")
    above = role.requirements[0]
    levels = {r.competency_id: r.required for r in role.requirements} | {above.competency_id: above.required + 1}
    assessment = rated_assessment(make, manager=levels)
    auth.login(make.user("hr"))
    html = client.get(f"/assessments/{assessment.id}/results").get_data(as_text=True)
    section = re.search(r'<section aria-labelledby="strengths-heading">.*?</section>', html, re.S).group(0)
    assert make.framework.competency(above.competency_id).name in section
    for req in role.requirements[1:]:
        assert make.framework.competency(req.competency_id).name not in section
