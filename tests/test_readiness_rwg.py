"""Issue 18, part 4 on the engine: the agreement index rwg per competency and overall, its words, the Panel
review reason on a critical competency, and the candidate's copy (docs/readiness.md, "Agreement").

Rubric keys are set with ``dataclasses.replace`` on the shipped rubric, so these tests do not depend on the data of
one rubric version; a rubric without ``agreement`` gives no index at all.
"""

from dataclasses import replace
from fractions import Fraction
from statistics import variance

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rubrics import language, load_framework
from rubrics.model import AgreementRules, RaterRelationshipRules
from rubrics.sheet import sheet_competencies
from rubrics.readiness import RaterSheet, assess_readiness, candidate_view, rules_in_words
from rubrics.readiness_agreement import agreement_level, below_without_any_one, display_agreement, rwg
from rubrics.readiness_model import AGREE, DISAGREE, DISAGREE_STRONGLY, MODERATE
from tests.evidence_rules import without_evidence_keys

SHIPPED = load_framework()
BASE = without_evidence_keys(SHIPPED)
HOO = "head_of_operations"
CRITICAL = "strategic_planning"  # critical for a Head of Operations, required 4
OTHER = "budget_authority"  # not critical, required 4
PEOPLE = "people_leadership"  # critical, required 4; direct reports judge it


def framework(min_critical_agreement=0.5, lang="en", **agreement):
    base = without_evidence_keys(SHIPPED.in_language(lang))
    rules = replace(base.readiness, agreement=AgreementRules(**agreement),
                    panel_review=replace(base.readiness.panel_review, min_critical_agreement=min_critical_agreement))
    return replace(base, readiness=rules)


FW = framework()


def sheet(key, group, **levels):
    """Every competency of the role at its requirement unless given, each with written evidence."""
    ratings = {r.competency_id: levels.get(r.competency_id, r.required) for r in BASE.role(HOO).requirements}
    return RaterSheet(key, group, ratings, {i: "Seen in the Q3 operations review." for i in ratings})


def shipped_sheet(key, group, level):
    """A shipped-rubric sheet: the competencies its group can judge at 3 or 4 (varied), ``PEOPLE`` at ``level``."""
    ids = sheet_competencies(SHIPPED, SHIPPED.role(HOO), group)
    ratings = {i: 4 if k % 3 else 3 for k, i in enumerate(ids)} | {PEOPLE: level}
    return RaterSheet(key, group, ratings, {i: "Seen in the Q3 operations review." for i in ratings})


def raters(levels, other=None, groups=("manager", "manager", "peer", "peer", "peer")):
    """One sheet per level on the critical competency (and on the other one, when given)."""
    other = other or [None] * len(levels)
    return [sheet(f"{g}-{k}", g, **{CRITICAL: v}, **({OTHER: o} if o is not None else {}))
            for k, (g, v, o) in enumerate(zip(groups, levels, other))]


# --- the index, worked ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("levels, expected", [
    ([3, 4, 5], Fraction(1, 2)),          # s² = 1: half the random variance 2
    ([4, 4, 4], Fraction(1)),             # no spread at all
    ([1, 5, 5], Fraction(-5, 3)),         # s² = 16/3: further apart than random answers
    ([1, 5], Fraction(-3)),               # s² = 8, the widest two raters can be
    ([3, 3, 4, 5, 5], Fraction(1, 2)),    # s² = 4/4
    ([2, 4, 4, 4, 5], Fraction(2, 5)),    # mean 3.8, Σ(x − x̄)² = 4.8, s² = 1.2
])
def test_rwg_worked_examples(levels, expected):
    assert rwg(levels) == expected


def test_no_index_under_two_levels():
    assert rwg([]) is None and rwg([4]) is None


@given(st.lists(st.integers(1, 5), min_size=2, max_size=12), st.randoms())
def test_rwg_is_at_most_one_order_free_and_the_formula(levels, random):
    shuffled = list(levels)
    random.shuffle(shuffled)
    value = rwg(levels)
    assert value <= 1
    assert rwg(shuffled) == value
    assert value == 1 - Fraction(variance([Fraction(x) for x in levels])) / 2
    assert (value == 1) == (len(set(levels)) == 1)


@pytest.mark.parametrize("value, level", [
    (Fraction(1), AGREE), (Fraction(7, 10), AGREE), (Fraction(69, 100), MODERATE), (Fraction(1, 2), MODERATE),
    (Fraction(49, 100), DISAGREE), (Fraction(0), DISAGREE), (Fraction(-1, 100), DISAGREE_STRONGLY),
    (Fraction(-3), DISAGREE_STRONGLY), (None, ""),
])
def test_levels_at_the_thresholds(value, level):
    assert agreement_level(value, AgreementRules()) == level


def test_printed_never_across_a_threshold():
    assert display_agreement(Fraction(699, 1000)) == "0.69"
    assert display_agreement(0.7) == "0.70"
    assert display_agreement(Fraction(-5, 3)) == "-1.67"
    assert display_agreement(Fraction(1, 2)) == "0.50"
    assert display_agreement(None) == "–"
    with language.use("de"):
        assert display_agreement(Fraction(1, 2)) == "0,50"


# --- on the engine ----------------------------------------------------------------------------------------------

def test_a_rubric_without_the_key_gives_no_index():
    result = assess_readiness(BASE, HOO, raters([3, 3, 4, 5, 5]))
    assert result.agreement is None and result.agreement_level == "" and result.agreement_text == ""
    assert all(c.agreement is None and c.agreement_level == "" and c.agreement_text == "" for c in result.competencies)


def test_index_and_words_per_competency_and_overall():
    result = assess_readiness(FW, HOO, raters([3, 3, 4, 5, 5], other=[2, 4, 4, 4, 5]))
    critical, other = result.competency(CRITICAL), result.competency(OTHER)
    assert (critical.agreement, critical.agreement_level, critical.agreement_text) == (0.5, MODERATE,
                                                                                      "raters partly agree")
    assert (other.agreement, other.agreement_level, other.agreement_text) == (0.4, DISAGREE, "raters disagree")
    rest = [c for c in result.competencies if c.competency_id not in (CRITICAL, OTHER)]
    assert all(c.agreement == 1.0 and c.agreement_text == "raters agree" for c in rest)
    # The mean over the 15 competencies with an index: (13 + 1/2 + 2/5) / 15.
    assert result.agreement == float((13 + Fraction(1, 2) + Fraction(2, 5)) / 15)
    assert result.agreement_level == AGREE and result.agreement_text == "raters agree"
    with language.use("de"):
        assert critical.agreement_text == "Bewertende sind sich teilweise einig"
        assert result.agreement_text == "Bewertende sind sich einig"


def test_too_few_levels_give_no_index_and_leave_the_mean():
    sheets = raters([2, 5, 4], groups=("manager", "peer", "peer"))
    sheets = [replace(s, ratings={**s.ratings, OTHER: "not_observed"}) if k else s for k, s in enumerate(sheets)]
    result = assess_readiness(framework(min_raters=3), HOO, sheets)
    assert result.competency(OTHER).agreement is None and result.competency(OTHER).agreement_text == ""
    assert result.competency(CRITICAL).agreement == float(rwg([2, 5, 4]))
    assert result.agreement == float((13 + rwg([2, 5, 4])) / 14)
    assert assess_readiness(framework(min_raters=4), HOO, sheets).competency(CRITICAL).agreement is None


def test_hidden_peers_count_as_in_the_decision():
    """Two peers (below the anonymity threshold of 3) count in the decision from 2026.12, so in the index too."""
    sheets = raters([4, 1, 5], groups=("manager", "peer", "peer"))
    assert assess_readiness(FW, HOO, sheets).competency(CRITICAL).agreement == float(rwg([4, 1, 5]))


# --- Panel review -----------------------------------------------------------------------------------------------

def _reasons(fw, sheets):
    return assess_readiness(fw, HOO, sheets).panel_review_reasons


def test_exactly_at_the_limit_passes():
    sheets = raters([3, 3, 4, 5, 5])  # rwg exactly 0.5 on a critical competency
    assert _reasons(FW, sheets) == _reasons(framework(min_critical_agreement=None), sheets)
    assert not any("rwg" in r for r in _reasons(FW, sheets))


def test_below_the_limit_on_a_critical_competency_is_a_reason():
    sheets = raters([2, 2, 2, 4, 4, 4], groups=("manager", "manager", "peer", "peer", "peer", "peer"))  # rwg 0.4
    without = _reasons(framework(min_critical_agreement=None), sheets)
    reasons = _reasons(FW, sheets)
    assert reasons == without + ("Strategic planning (critical): raters disagree (agreement index rwg 0.40, below "
                                 "0.5).",)
    result = assess_readiness(FW, HOO, sheets)
    assert result.is_panel_review and result.band_id == "panel_review"
    with language.use("de"):
        german = assess_readiness(framework(lang="de"), HOO, sheets).panel_review_reasons[-1]
    assert german == ("Strategische Planung (kritisch): Bewertende sind sich uneinig (Übereinstimmungsindex rwg "
                      "0,40, unter 0,5).")


def test_a_non_critical_competency_is_no_reason():
    sheets = raters([4, 4, 4, 4, 4], other=[1, 5, 5, 1, 5])
    assert assess_readiness(FW, HOO, sheets).competency(OTHER).agreement_level == DISAGREE_STRONGLY
    assert _reasons(FW, sheets) == _reasons(framework(min_critical_agreement=None), sheets)


def test_the_limit_is_the_rubrics():
    sheets = raters([3, 3, 4, 5, 5])  # 0.5
    assert any("rwg 0.50, below 0.6" in r for r in _reasons(framework(min_critical_agreement=0.6), sheets))


def test_low_agreement_never_changes_the_band_the_rules_give():
    sheets = raters([2, 2, 2, 4, 4, 4], groups=("manager", "manager", "peer", "peer", "peer", "peer"))
    with_rule, without = assess_readiness(FW, HOO, sheets), assess_readiness(BASE, HOO, sheets)
    assert with_rule.provisional_band_id == without.provisional_band_id
    assert with_rule.verdict_rank == without.verdict_rank


def test_one_dissenting_rater_is_not_low_agreement():
    """The expert's case: one manager, three peers and three direct reports at 5, one peer at 2 on a critical
    competency: rwg 0.357, but 1 without the dissenter. One rater apart from the rest is not a split (as the panel
    rules say of a group): no reason; the index shown stays the plain rwg."""
    groups = {"manager": ["manager"], "peer": ["peer"] * 3, "direct_report": ["direct_report"] * 3}
    sheets = [shipped_sheet(f"{g}-{k}", g, 2 if (g, k) == ("peer", 0) else 5)
              for g, keys in groups.items() for k, _ in enumerate(keys)]
    fw = replace(SHIPPED, readiness=replace(SHIPPED.readiness, panel_review=replace(
        SHIPPED.readiness.panel_review, min_critical_agreement=0.5)))
    result = assess_readiness(fw, HOO, sheets)
    people = result.competency(PEOPLE)
    assert people.is_critical and people.agreement == float(rwg([5] * 6 + [2])) and people.agreement_level == DISAGREE
    assert display_agreement(people.agreement) == "0.35"
    assert not any("rwg" in r for r in result.panel_review_reasons)
    two = replace(sheets[2], ratings={**sheets[2].ratings, PEOPLE: 2})  # a second peer at 2: two dissent
    assert any("rwg" in r for r in assess_readiness(fw, HOO, [*sheets[:2], two, *sheets[3:]]).panel_review_reasons)


@pytest.mark.parametrize("limit, reason", [(0.5, False), (0.51, True)])
def test_leave_one_out_at_the_limit(limit, reason):
    """2, 2, 4, 4, 4: rwg 0.4; without one 2 it is exactly 0.5 (no reason at the limit 0.5), else below it."""
    sheets = raters([2, 2, 4, 4, 4])
    assert below_without_any_one([2, 2, 4, 4, 4], Fraction(limit)) is reason
    assert any("rwg 0.40" in r for r in _reasons(framework(min_critical_agreement=limit), sheets)) is reason


@pytest.mark.parametrize("levels, limit, expected", [
    ([5, 5, 5, 5, 5, 5, 2], Fraction(1, 2), False),  # one dissenter
    ([2, 2, 2, 4, 4, 4], Fraction(1, 2), True),      # two camps: 0.4 with any one left out
    ([3, 3, 4, 5, 5], Fraction(1, 2), False),        # at the limit with everyone
    ([1, 5], Fraction(1, 2), True),                  # one left: no index without one, the plain index decides
])
def test_below_without_any_one(levels, limit, expected):
    assert below_without_any_one(levels, limit) is expected


# --- the candidate's copy ---------------------------------------------------------------------------------------

def test_the_candidate_sees_no_agreement():
    result = assess_readiness(FW, HOO, raters([4, 1, 5], groups=("manager", "peer", "peer")))
    assert result.agreement is not None
    mine = candidate_view(result)
    assert mine.agreement is None and mine.agreement_level == "" and mine.agreement_text == ""
    assert all(c.agreement is None and c.agreement_text == "" for c in mine.competencies)
    assert not any("rwg" in r for r in mine.panel_review_reasons)
    assert candidate_view(mine) == mine


# --- the methodology --------------------------------------------------------------------------------------------

def test_the_methodology_says_the_rules_only_when_the_rubric_has_them():
    assert not any("rwg" in line or "worked with the candidate" in line for line in rules_in_words(BASE.readiness))
    rules = replace(FW.readiness, rater_relationship=RaterRelationshipRules(3, "leave_out"))
    lines = rules_in_words(rules)
    assert any(line.startswith("Agreement per competency: rwg = 1 − s² ÷ 2") and "from 3 levels on. 0.7 or more: "
               "raters agree; 0.5 or more: raters partly agree" in line for line in lines)
    assert "Panel review also when the agreement index of a critical competency is below 0.5." in lines
    assert ("The sheet of a rater who has worked with the candidate for less than 3 months does not count."
            in lines)
    with language.use("de"):
        german = rules_in_words(framework(lang="de").readiness)
    assert any(line.startswith("Übereinstimmung je Kompetenz: rwg") for line in german)
