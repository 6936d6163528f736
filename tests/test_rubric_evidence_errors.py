"""The loader on rubric 2026.12.4's new keys: every mistake is refused with the file, the key path and the problem,
and a rubric without them (2026.12.3 and older) loads with the old behaviour."""

import pytest

from rubrics import RubricError, default_sources_dir
from rubrics.loader import framework_from_snapshot, parse_framework
from rubrics.model import RaterRelationshipRules, ReadinessRules
from tests.test_rubric import shipped

SOURCES = default_sources_dir()
needs_sources = pytest.mark.skipif(SOURCES is None, reason="source documents (../shared/seeds) not present")


def exercise(data, ident):
    return next(e for e in data["exercises"] if e["id"] == ident)


def role(data, ident):
    return next(r for r in data["roles"] if r["id"] == ident)


def edit(change):
    """The shipped data with ``change(data)`` applied."""
    data = shipped()
    change(data)
    return data


def problems_of(data, sources=None) -> str:
    with pytest.raises(RubricError) as info:
        parse_framework(data, origin="framework.yaml", sources_dir=sources)
    return "\n".join(info.value.problems)


def setter(path, value):
    """A change that sets data[path[0]]...[path[-1]] = value; a path step may be a function of its parent."""
    def change(data):
        node = data
        for step in path[:-1]:
            node = step(node) if callable(step) else node[step]
        node[path[-1]] = value
    return change


R = "readiness"
case = lambda d: exercise(d, "case_analysis")  # noqa: E731
coo = lambda d: role(d, "coo")  # noqa: E731

MISTAKES = [
    pytest.param(setter([case, "shows", "team_spirit"], [3, 4]),
                 "framework.yaml: exercises[case_analysis].shows.team_spirit: unknown competency id",
                 id="matrix-unknown-competency"),
    pytest.param(setter([case, "shows", "strategic_planning"], [3, 6]),
                 "exercises[case_analysis].shows.strategic_planning[1]: level 6 is outside the scale 1..5",
                 id="matrix-level-outside-scale"),
    pytest.param(setter([case, "shows", "strategic_planning"], [4, 3, 3]),
                 "exercises[case_analysis].shows.strategic_planning: must list each level once, in ascending order",
                 id="matrix-levels-out-of-order"),
    pytest.param(setter([case, "shows", "strategic_planning"], []),
                 "exercises[case_analysis].shows.strategic_planning: must be a non-empty list, not a list",
                 id="matrix-empty-levels"),
    pytest.param(setter([case, "shows"], {}),
                 "exercises[case_analysis].shows: must be a non-empty mapping", id="matrix-empty-row"),
    pytest.param(setter(["exercises"], []), "framework.yaml: exercises: must be a non-empty list", id="no-exercises"),
    pytest.param(setter([lambda d: d["exercises"][1], "id"], "case_analysis"),
                 "exercises[case_analysis].id: duplicate exercise id 'case_analysis'", id="duplicate-exercise"),
    pytest.param(setter([case, "instructions"], {"en": "Read the dossier and write an analysis."}),
                 'exercises[case_analysis].instructions: no "de" text', id="exercise-missing-german"),
    pytest.param(setter([case, "name"], {"en": "Case", "de": "Fall", "fr": "Cas"}),
                 "exercises[case_analysis].name.fr: unknown language", id="exercise-unknown-language"),
    pytest.param(setter([case, "duration_minutes"], 0),
                 "exercises[case_analysis].duration_minutes: 0 is outside 5..480", id="exercise-no-duration"),
    pytest.param(setter([case, "durations"], 90),
                 "exercises[case_analysis].durations: unknown key", id="exercise-misspelt-key"),
    pytest.param(setter([R, "group_competencies", "auditor"], ["communication"]),
                 "readiness.group_competencies.auditor: unknown key", id="unknown-group"),
    pytest.param(setter([R, "group_competencies", "assessor"], ["communication"]),
                 "readiness.group_competencies.assessor: assessors judge what the exercises show",
                 id="assessor-listed"),
    pytest.param(setter([R, "group_competencies", "direct_report"], ["people_leadership", "charisma"]),
                 "readiness.group_competencies.direct_report[1]: 'charisma' is not a competency id",
                 id="group-unknown-competency"),
    pytest.param(setter([R, "group_competencies", "direct_report"], ["communication", "communication"]),
                 "readiness.group_competencies.direct_report[1]: 'communication' is listed twice",
                 id="group-competency-twice"),
    pytest.param(setter([R, "group_competencies", "direct_report"], []),
                 "readiness.group_competencies.direct_report: must be a non-empty list", id="group-empty-list"),
    pytest.param(setter([R, "rater_group_weights", "direct_report"], -1),
                 "readiness.rater_group_weights.direct_report: must be greater than 0, not -1",
                 id="negative-group-weight"),
    pytest.param(setter([R, "rater_group_weights", "self"], 1),
                 "readiness.rater_group_weights.self: unknown key", id="self-weighted"),
    pytest.param(setter([R, "competency_group_weights", "people_leadership", "direct_report"], -2),
                 "readiness.competency_group_weights.people_leadership.direct_report: must be greater than 0",
                 id="negative-competency-weight"),
    pytest.param(setter([R, "competency_group_weights", "people_leadership"], {"manager": 2, "direct_report": 2}),
                 "readiness.competency_group_weights.people_leadership.peer: missing",
                 id="competency-weights-missing-group"),
    pytest.param(setter([R, "competency_group_weights", "leadership"], {"manager": 2}),
                 "readiness.competency_group_weights.leadership: unknown competency id",
                 id="competency-weights-unknown-competency"),
    pytest.param(setter([R, "competency_group_weights", "budget_authority"],
                        {"manager": 2, "peer": 1, "direct_report": 2, "assessor": 2}),
                 "readiness.competency_group_weights.budget_authority.direct_report: direct_report does not judge "
                 "budget_authority", id="weight-for-a-group-that-does-not-judge"),
    pytest.param(setter([R, "anonymity_thresholds", "direct_report"], 1),
                 "readiness.anonymity_thresholds.direct_report: 1 is outside 2..100", id="anonymity-below-two"),
    pytest.param(setter([R, "anonymity_thresholds", "peer"], 3),
                 "readiness.anonymity_thresholds.peer: peers keep readiness.peer_anonymity_threshold",
                 id="anonymity-for-peers"),
    pytest.param(setter([R, "agreement", "agree"], 1.5), "readiness.agreement.agree: 1.5 is outside 0..1",
                 id="agreement-out-of-range"),
    pytest.param(setter([R, "agreement", "moderate"], 0.8), "readiness.agreement.moderate: 0.8 is above agree (0.7)",
                 id="agreement-moderate-above-agree"),
    pytest.param(setter([R, "agreement"], {"min_raters": 3, "agree": 0.7}), "readiness.agreement.moderate: missing",
                 id="agreement-missing-key"),
    pytest.param(setter([R, "agreement", "min_raters"], 1), "readiness.agreement.min_raters: 1 is outside 2..100",
                 id="agreement-one-rater"),
    pytest.param(setter([R, "panel_review", "min_critical_agreement"], 2),
                 "readiness.panel_review.min_critical_agreement: 2 is outside 0..1", id="critical-agreement-range"),
    pytest.param(setter([R, "situations", "required_at_requirement"], "yes"),
                 "readiness.situations.required_at_requirement: must be true or false", id="situations-not-a-flag"),
    pytest.param(setter([R, "rater_relationship", "min_months"], -3),
                 "readiness.rater_relationship.min_months: -3 is outside 0..720", id="negative-relationship-months"),
    pytest.param(setter([R, "rater_relationship", "short_acquaintance"], "ignore"),
                 "readiness.rater_relationship.short_acquaintance: must be flag or leave_out, not 'ignore'",
                 id="short-acquaintance-unknown"),
    pytest.param(setter([R, "wash_up", "resolve_apart"], 0), "readiness.wash_up.resolve_apart: 0 is outside 1..4",
                 id="wash-up-out-of-range"),
    pytest.param(setter([coo, "eligibility", "min_leadership_months"], -12),
                 "roles[coo].eligibility.min_leadership_months: -12 is outside 0..720", id="negative-track-record"),
    pytest.param(setter([coo, "eligibility", "min_current_role_months"], 1.5),
                 "roles[coo].eligibility.min_current_role_months: must be a whole number", id="months-not-whole"),
    pytest.param(setter([coo, "eligibility"], {"citations": [{"source": "002_ae4026f02ee5b338.txt", "quote": "Q."}]}),
                 "roles[coo].eligibility: needs min_leadership_months or min_current_role_months",
                 id="eligibility-without-months"),
    pytest.param(setter([coo, "eligibility", "citations"], [{"source": "003_missing.txt", "quote": "Q."}]),
                 "roles[coo].eligibility.citations[0].source: '003_missing.txt' is not one of the declared sources",
                 id="eligibility-undeclared-source"),
    pytest.param(setter([coo, "eligibility", "citations"], []),
                 "roles[coo].eligibility.citations: must be a non-empty list", id="eligibility-no-citation"),
]


@pytest.mark.parametrize("change, expected", MISTAKES)
def test_each_mistake_is_refused_with_its_key_path(change, expected):
    assert expected in problems_of(edit(change))


@needs_sources
def test_eligibility_quote_not_in_its_source_is_refused():
    def change(data):
        role(data, "head_of_operations")["eligibility"]["citations"][0]["quote"] = (
            "Heads of Operations need ten years of leadership.")
    problems = problems_of(edit(change), sources=SOURCES)
    assert ("roles[head_of_operations].eligibility.citations[0].quote: not found word for word in "
            "001_518a61860484d925.txt") in problems


def test_every_mistake_is_reported_at_once():
    """Mistakes in different places of the file come back together, so one edit fixes them all."""
    chosen = [m for m in MISTAKES if m.id in {"matrix-unknown-competency", "exercise-missing-german", "unknown-group",
                                               "negative-group-weight", "agreement-out-of-range",
                                               "short-acquaintance-unknown", "negative-track-record"}]
    data = shipped()
    for mistake in chosen:
        mistake.values[0](data)
    problems = problems_of(data)
    assert len(chosen) == 7 and [m.id for m in chosen if m.values[1] not in problems] == []


def without_new_keys(data: dict) -> dict:
    """The shipped data as a 2026.12.3 rubric: no exercises, eligibility or 2026.12.4 readiness keys."""
    data.pop("exercises")
    for item in data["roles"]:
        item.pop("eligibility", None)
    for key in ("group_competencies", "competency_group_weights", "anonymity_thresholds", "agreement", "situations",
                "rater_relationship", "wash_up"):
        data["readiness"].pop(key)
    data["readiness"]["panel_review"].pop("min_critical_agreement")
    data["readiness"]["rater_group_weights"] = {"manager": 2, "peer": 1}
    return data


def test_a_rubric_without_the_new_keys_keeps_the_old_behaviour():
    old = parse_framework(without_new_keys(shipped()))
    defaults = ReadinessRules(evidence_required_for=frozenset(), rater_group_weights={})
    assert old.exercises == () and all(r.eligibility is None for r in old.roles)
    for name in ("group_competencies", "competency_group_weights", "anonymity_thresholds", "agreement",
                 "situations_required_at_requirement", "rater_relationship", "wash_up_resolve_apart"):
        assert getattr(old.readiness, name) == getattr(defaults, name), name
    assert old.readiness.panel_review.min_critical_agreement is None
    assert old.readiness.rater_group_weights == {"manager": 2, "peer": 1}
    assert "exercises" not in old.data


def test_a_pinned_snapshot_keeps_the_new_keys_and_its_hash():
    fw = parse_framework(shipped())
    pinned = framework_from_snapshot(fw.data)
    assert pinned.content_hash == fw.content_hash and pinned.exercises == fw.exercises
    assert pinned.role("coo").eligibility == fw.role("coo").eligibility and pinned.readiness == fw.readiness
    assert parse_framework(without_new_keys(shipped())).content_hash != fw.content_hash


def test_optional_parts_may_be_left_out_one_by_one():
    """A relationship rule without its keys is refused; one with them may say leave_out; weights may leave out the
    optional groups."""
    data = shipped()
    data["readiness"]["rater_relationship"] = {"min_months": 6, "short_acquaintance": "leave_out"}
    data["readiness"]["rater_group_weights"] = {"manager": 2, "peer": 1}
    data["readiness"]["competency_group_weights"] = {"people_leadership": {"manager": 2, "peer": 1}}
    fw = parse_framework(data)
    assert fw.readiness.rater_relationship == RaterRelationshipRules(6, "leave_out")
    assert "readiness.rater_relationship.short_acquaintance: missing" in problems_of(
        edit(setter([R, "rater_relationship"], {"min_months": 3})))
