"""Rubric 2026.12.4's sources of evidence, on the shipped file: the exercise x competency matrix covers every
anchor that names a simulation, eligibility rests on verbatim quotes, the readiness keys are those of the plan, and
the sheet helpers (sheet_competencies, situation_required, exercise_levels) give what a sheet needs."""

import re

import pytest
import yaml
from click.testing import CliRunner

from assessment.app import main as opsladder
from rubrics import NOT_OBSERVED, default_sources_dir, load_framework
from rubrics.loader import parse_framework
from rubrics.model import SCALE, AgreementRules, RaterRelationshipRules
from rubrics.sheet import exercise_levels, sheet_competencies, situation_required
from tests.test_rubric import shipped
from tests.test_rubric_evidence_errors import without_new_keys

SOURCES = default_sources_dir()
needs_sources = pytest.mark.skipif(SOURCES is None, reason="source documents (../shared/seeds) not present")
EXERCISES = ["case_analysis", "in_tray", "role_play", "board_presentation", "structured_interview"]
#: Where a level 4 or 5 anchor says it can be shown in an exercise of the assessment centre.
SIMULATED = re.compile(r"\bsimulation\b|\bexercise\b")


@pytest.fixture(scope="module")
def fw():
    return load_framework(sources_dir=SOURCES)


def simulated_anchors(fw) -> set[tuple[str, int]]:
    return {(c.id, level) for c in fw.competencies for level in (4, 5) if SIMULATED.search(c.anchor(level))}


def exercises_showing(fw, cid: str, level: int | None = None) -> list[str]:
    return [e.id for e in fw.exercises if cid in e.shows and (level is None or level in e.shows[cid])]


# -- the exercises and their matrix ---------------------------------------------------------------------------------

def test_the_five_exercises_with_their_duration(fw):
    assert fw.version == "2026.12.4"
    assert [e.id for e in fw.exercises] == EXERCISES
    assert all(30 <= e.duration_minutes <= 120 for e in fw.exercises)
    assert fw.exercise("in_tray").name == "In-tray exercise"
    with pytest.raises(KeyError):
        fw.exercise("group_discussion")


def test_every_anchor_that_names_a_simulation_is_shown_by_an_exercise_at_its_level(fw):
    """The issue's twelve level-5 anchors that name "a simulation" (and crisis management's "crisis exercise" at
    level 4): each level can be seen in at least one exercise."""
    anchors = simulated_anchors(fw)
    assert len([a for a in anchors if a[1] == 5]) == 12 and ("crisis_management", 4) in anchors
    uncovered = [(cid, level) for cid, level in sorted(anchors) if not exercises_showing(fw, cid, level)]
    assert uncovered == []


def test_matrix_cells_are_levels_of_the_scale_from_2_up_to_the_scope_the_exercise_gives(fw):
    for ex in fw.exercises:
        assert 3 <= len(ex.shows) <= 7, ex.id
        assert list(ex.shows) == [c.id for c in fw.competencies if c.id in ex.shows], ex.id  # rubric order
        for cid, levels in ex.shows.items():
            assert set(levels) <= set(SCALE) and levels == tuple(range(2, levels[-1] + 1)), (ex.id, cid)
            assert levels[-1] >= 4, (ex.id, cid)
    # The interview asks for real past situations: every level up to 5.
    assert all(levels == (2, 3, 4, 5) for levels in fw.exercise("structured_interview").shows.values())


def test_live_exercises_ask_at_most_six_competencies_of_the_assessors(fw):
    """What assessors watch live (role-play, presentation, interview) stays at six or fewer; only the written case
    analysis, whose product can be re-read, shows seven."""
    assert {e.id: len(e.shows) for e in fw.exercises if len(e.shows) > 6} == {"case_analysis": 7}


def test_each_critical_competency_is_seen_in_two_exercises(fw):
    """Multi-trait, multi-method: no critical level of a target role rests on one exercise's method; of all
    competencies only risk and compliance (the lightest) has one exercise."""
    critical = {r.competency_id for role in fw.ladder[1:] for r in role.requirements if r.is_critical}
    assert {cid for cid in critical if len(exercises_showing(fw, cid)) < 2} == set()
    single = {c.id for c in fw.competencies if len(exercises_showing(fw, c.id)) == 1}
    assert single == {"risk_and_compliance"}


def test_exercise_texts_are_given_in_german_and_state_the_best_fit_rule(fw):
    de = fw.in_language("de")
    for en_ex, de_ex in zip(fw.exercises, de.exercises):
        assert de_ex.name != en_ex.name and de_ex.instructions != en_ex.instructions, en_ex.id
        for text, best_fit in ((en_ex.instructions, "best fit"), (de_ex.instructions, "bester Passung")):
            sentences = [s for s in re.split(r"(?<=[.!?])\s+", text) if s]
            assert 2 <= len(sentences) <= 4 and best_fit in text, (en_ex.id, text)
    assert de.exercise("in_tray").name == "Postkorbübung" and de.exercise("in_tray").shows == fw.exercise("in_tray").shows


# -- eligibility ----------------------------------------------------------------------------------------------------

def test_eligibility_for_the_target_roles_only_and_more_for_the_coo(fw):
    om, hoo, coo = fw.ladder
    assert om.eligibility is None
    assert (hoo.eligibility.min_leadership_months, hoo.eligibility.min_current_role_months) == (60, 12)
    assert coo.eligibility.min_leadership_months > hoo.eligibility.min_leadership_months
    assert coo.eligibility.min_current_role_months > hoo.eligibility.min_current_role_months
    assert [c.source for c in hoo.eligibility.citations] == ["001_518a61860484d925.txt"]
    assert "longer track record in leadership positions" in hoo.eligibility.citations[0].quote
    assert {c.source for c in coo.eligibility.citations} == {"000_beec6685ed34dcfb.txt", "002_ae4026f02ee5b338.txt"}


@needs_sources
def test_eligibility_citations_are_whole_sentences_found_word_for_word(fw):
    for role in fw.ladder[1:]:
        for cite in role.eligibility.citations:
            text = " ".join((SOURCES / cite.source).read_text(encoding="utf-8").split())
            assert cite.quote in text, (role.id, cite.quote)
            before = text[:text.index(cite.quote)].rstrip()
            assert cite.quote[-1] == "." and (not before or before[-1] in ".?!:"), (role.id, cite.quote)


# -- the readiness keys ---------------------------------------------------------------------------------------------

def test_readiness_keys_are_those_of_the_plan(fw):
    rules = fw.readiness
    assert rules.rater_group_weights == {"manager": 2, "peer": 1, "direct_report": 1, "assessor": 2}
    assert rules.competency_group_weights == {"people_leadership": {"manager": 2, "peer": 1, "direct_report": 2,
                                                                    "assessor": 2}}
    assert rules.anonymity_thresholds == {"direct_report": 3}
    assert rules.agreement == AgreementRules(min_raters=3, agree=0.7, moderate=0.5)
    assert rules.situations_required_at_requirement is True
    assert rules.rater_relationship == RaterRelationshipRules(min_months=3, short_acquaintance="flag")
    assert rules.wash_up_resolve_apart == 2
    assert rules.panel_review.min_critical_agreement == 0.5


def test_direct_reports_judge_how_they_are_led_not_budgets_strategy_or_the_board(fw):
    judged = fw.readiness.group_competencies["direct_report"]
    assert set(judged) == {"people_leadership", "communication", "planning_and_organising", "change_and_technology",
                           "crisis_management", "performance_metrics"}
    assert not {"budget_authority", "strategic_planning", "stakeholder_relations", "decision_making"} & set(judged)
    assert set(fw.readiness.group_competencies) == {"direct_report"}  # managers and peers judge everything


def test_the_new_keys_are_in_the_pinned_data_and_its_hash(fw):
    assert {"exercises"} <= set(fw.data) and "eligibility" in fw.data["roles"][2]
    assert {"group_competencies", "agreement", "wash_up"} <= set(fw.data["readiness"])
    data = shipped()
    data["exercises"][2]["duration_minutes"] = 50
    assert parse_framework(data).content_hash != fw.content_hash


# -- the sheet helpers on the real rubric -----------------------------------------------------------------------------

def test_sheet_competencies_per_group_and_exercise(fw):
    every = tuple(c.id for c in fw.competencies)
    hoo = fw.role("head_of_operations")
    for group in ("self", "manager", "peer"):
        assert sheet_competencies(fw, hoo, group) == every
    assert sheet_competencies(fw, hoo, "direct_report") == (
        "crisis_management", "performance_metrics", "change_and_technology", "people_leadership", "communication",
        "planning_and_organising")
    assert sheet_competencies(fw, hoo, "assessor", "role_play") == (
        "performance_metrics", "change_and_technology", "people_leadership", "communication")
    assert sheet_competencies(fw, None, "assessor", "case_analysis")[0] == "strategic_planning"


def test_situation_required_at_or_above_the_target_requirement(fw):
    hoo = fw.role("head_of_operations")
    ratings = {"people_leadership": 4, "communication": 3, "budget_authority": 5, "strategic_planning": NOT_OBSERVED,
               "risk_and_compliance": 3, "service_quality": None}
    assert situation_required(fw, hoo, ratings) == {"people_leadership", "budget_authority", "risk_and_compliance"}
    assert situation_required(fw, fw.role("coo"), ratings) == {"budget_authority"}
    assert situation_required(fw, None, ratings) == frozenset()


def test_situation_is_not_asked_by_a_rubric_without_the_rule(fw):
    data = shipped()
    del data["readiness"]["situations"]
    old = parse_framework(data)
    assert situation_required(old, old.role("head_of_operations"), {"people_leadership": 5}) == frozenset()


def test_exercise_levels_are_the_matrix_cell(fw):
    assert exercise_levels(fw, "board_presentation", "communication") == (2, 3, 4, 5)
    assert exercise_levels(fw, "role_play", "communication") == (2, 3, 4)
    assert exercise_levels(fw, "role_play", "budget_authority") == ()
    with pytest.raises(KeyError):
        exercise_levels(fw, "no_such_exercise", "communication")


def test_rubric_check_lists_the_exercises_and_the_eligibility(tmp_path):
    """`opsladder rubric check` names each exercise with its duration and how much it shows, and each target role's
    track record; a rubric without them (2026.12.3) prints neither."""
    out = CliRunner().invoke(opsladder, ["rubric", "check"]).output
    assert "  role_play                        Role-play (45 min, 4 competencies)" in out
    assert "eligibility for Head of Operations: 60 months in leadership roles, 12 in the current role" in out
    old = tmp_path / "old.yaml"
    old.write_text(yaml.safe_dump(without_new_keys(shipped()), allow_unicode=True), encoding="utf-8")
    out = CliRunner().invoke(opsladder, ["rubric", "check", "--file", str(old)]).output
    assert "bands:" in out and "exercises" not in out and "eligibility" not in out
