"""Issue 17: the sheet asks for written evidence at or above a critical requirement of the target role and far
from the rater's own mean (rubric 2026.12.3); a cycle pinned to an older rubric keeps the old rules."""

import json
import re
from pathlib import Path

import pytest

from assessment.extensions import db
from assessment.framework import pinned_framework
from assessment.models import RubricVersion
from rubrics import framework_from_snapshot, language
from rubrics.sheet import RatingInput, evidence_required, submission_problems
from tests.sheets import form_data, reload, sheet_of

OLD_SNAPSHOT = Path(__file__).parent / "data" / "rubric_2026_12_2_snapshot.json"


@pytest.fixture
def sheet(make, auth):
    """A manager signed in on their sheet of a Head of Operations candidate."""
    assignment = sheet_of(make.assessment(), "manager")
    auth.login(assignment.rater)
    return assignment


def url(assignment, tail=""):
    return f"/ratings/{assignment.id}{tail}"


def _critical(sheet):
    role = pinned_framework(sheet.assessment.cycle).role(sheet.assessment.target_role)
    return role, [r for r in role.requirements if r.is_critical]


def _blank(framework, levels: dict, default=3) -> dict:
    """Every competency answered, without any evidence text."""
    return {c.id: (levels.get(c.id, default), "") for c in framework.competencies}


def test_rules_name_critical_levels_at_the_requirement_and_levels_far_from_the_own_mean(make):
    framework = make.framework
    role = framework.role("head_of_operations")
    critical = {r.competency_id for r in role.requirements if r.is_critical and r.required == 4}
    ratings = {c.id: 3 for c in framework.competencies}
    assert evidence_required(framework, role, ratings) == frozenset()
    ratings["strategic_planning"] = 4  # critical, required 4: at the requirement
    ratings["budget_authority"] = 4    # not critical: no evidence needed
    assert evidence_required(framework, role, ratings) == {"strategic_planning"}
    assert "strategic_planning" in critical
    ratings["service_quality"] = 2     # mean just above 3: less than 2 levels away
    assert "service_quality" not in evidence_required(framework, role, ratings)
    far = {c.id: 4 for c in framework.competencies} | {"service_quality": 2}
    assert "service_quality" not in evidence_required(framework, role, far)  # 1.87 below a mean of 3.87
    far = {c.id: 5 for c in framework.competencies} | {"service_quality": 2}
    assert "service_quality" in evidence_required(framework, role, far)  # 2.8 below a mean of 4.8
    assert evidence_required(framework, None, {"strategic_planning": 4}) == frozenset()


def test_messages_say_what_and_where_in_english_and_german(make):
    framework = make.framework
    role = framework.role("head_of_operations")
    inputs = {c.id: RatingInput(c.id, 4) for c in framework.competencies}
    inputs["service_quality"] = RatingInput("service_quality", 2)
    inputs["budget_authority"] = RatingInput("budget_authority", 5, "Ran the 2026 budget.")
    inputs["decision_making"] = RatingInput("decision_making", 5, "Took the Lyon closure decision.")
    inputs["performance_metrics"] = RatingInput("performance_metrics", 5, "Built the KPI tree.")
    inputs["stakeholder_relations"] = RatingInput("stakeholder_relations", 5, "Won back the key account.")
    problems = submission_problems(framework, inputs, role)
    people = framework.competency("people_leadership").name
    assert problems["people_leadership"] == (
        f"{people}: Written evidence is required for a level at or above the {role.name} requirement (4) "
        "on a critical competency.")
    assert problems["service_quality"].endswith(
        "Written evidence is required for a level 2 or more levels from your own average (4.13).")
    assert "budget_authority" not in problems and "change_and_technology" not in problems
    with language.use("de"):
        german = submission_problems(framework.in_language("de"), inputs, framework.in_language("de").role(role.id))
    assert "braucht bei einer kritischen Kompetenz einen schriftlichen Beleg" in german["people_leadership"]
    assert "von Ihrem eigenen Durchschnitt (4,13) abweicht" in german["service_quality"]


def test_submit_without_the_evidence_is_refused_with_the_reason_and_nothing_typed_is_lost(client, sheet, make):
    framework = make.framework
    role, critical = _critical(sheet)
    first = critical[0]
    answers = _blank(framework, {first.competency_id: first.required})
    answers[framework.competencies[-1].id] = (3, "Typed before the refusal.")
    response = client.post(url(sheet), data=form_data(sheet, answers, action="submit", confirm=True))
    page = response.get_data(as_text=True).replace("&#39;", "'")
    assert response.status_code == 400 and "There is a problem" in page
    name = framework.competency(first.competency_id).name
    assert (f'<a href="#evidence_{first.competency_id}">Evidence for {name}: Written evidence is required for a '
            f"level at or above the {role.name} requirement ({first.required}) on a critical competency.</a>") in page
    assert "Typed before the refusal." in page
    assert re.search(rf'checked id="level_{first.competency_id}-{first.required - 1}"', page)
    assert reload(sheet).status == "not_started"
    # Without confirming (no script): refused before the confirmation page, with the same reason.
    response = client.post(url(sheet), data=form_data(sheet, answers, action="submit"))
    assert response.status_code == 400 and "on a critical competency." in response.get_data(as_text=True)


def test_a_draft_is_saved_without_the_evidence_and_the_confirmation_page_names_it(client, sheet, make):
    framework = make.framework
    role, critical = _critical(sheet)
    first = critical[0]
    answers = _blank(framework, {first.competency_id: 5 if first.required == 5 else first.required})
    assert client.post(url(sheet), data=form_data(sheet, answers)).status_code == 302
    stored = reload(sheet)
    assert stored.status == "draft" and len(stored.current_ratings()) == len(framework.competencies)
    page = client.get(url(sheet, "/submit")).get_data(as_text=True)
    assert f"requirement ({first.required}) on a critical competency." in page
    response = client.post(url(sheet, "/submit"), data={"version": str(stored.version_id)})
    assert response.status_code == 200 and reload(sheet).status == "draft"


def test_a_level_far_from_the_own_average_needs_evidence(client, sheet, make):
    framework = make.framework
    _, critical = _critical(sheet)
    critical_ids = {r.competency_id for r in critical}
    low = next(c.id for c in framework.competencies if c.id not in critical_ids)
    answers = {c.id: (5, "Seen in the Q3 planning round.") for c in framework.competencies}
    answers[low] = (2, "")
    response = client.post(url(sheet), data=form_data(sheet, answers, action="submit", confirm=True))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Written evidence is required for a level 2 or more levels from your own average (4.8)." in page
    answers[low] = (2, "Missed two budget deadlines.")
    response = client.post(url(sheet), data=form_data(sheet, answers, action="submit", confirm=True))
    assert response.status_code == 302 and reload(sheet).status == "submitted"


def test_the_sheet_shows_the_rule_on_each_critical_competency(client, sheet, make):
    role, critical = _critical(sheet)
    page = client.get(url(sheet)).get_data(as_text=True)
    for r in critical:
        hint = (f'<p class="evidence-rule" id="rule-{r.competency_id}">Written evidence needed at level '
                f"{r.required} and above (critical for {role.name}).</p>")
        assert hint in page
        assert re.search(rf'<fieldset [^>]*data-competency="{r.competency_id}" data-evidence-from="{r.required}" '
                         rf'aria-describedby="def-{r.competency_id} rule-{r.competency_id}"', page)
    assert page.count('class="evidence-rule"') == len(critical)
    assert 'data-evidence-from-mean="2"' in page
    assert f"at or above the {role.name} requirement ({{required}})" in page.replace("&#39;", "'")


def test_a_cycle_pinned_to_2026_12_2_keeps_the_old_sheet_rules(client, auth, make):
    """No evidence at or above a critical requirement or far from the own mean: the old rubric has no such keys."""
    data = json.loads(OLD_SNAPSHOT.read_text(encoding="utf-8"))
    old = framework_from_snapshot(data)
    assert not old.readiness.evidence_at_critical_requirement and old.readiness.evidence_from_own_mean is None
    cycle = make.cycle()
    cycle.rubric_version = RubricVersion(content_hash=old.content_hash, name=old.name, version=old.version,
                                         snapshot=data)
    db.session.commit()
    assignment = sheet_of(make.assessment(cycle=cycle), "manager")
    auth.login(assignment.rater)
    page = client.get(url(assignment)).get_data(as_text=True)
    assert 'class="evidence-rule"' not in page and "data-evidence-from-mean" not in page
    assert "Required for 1 Emerging, 5 Expert and Not observed; optional otherwise." in page
    answers = {c.id: (4, "") for c in old.competencies}
    answers[old.competencies[-1].id] = (2, "")
    response = client.post(url(assignment), data=form_data(assignment, answers, action="submit", confirm=True))
    assert response.status_code == 302 and reload(assignment).status == "submitted"
