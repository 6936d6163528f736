"""The readiness engine: hand-computed examples written from the rules, and the plain-Python boundary."""

import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest
import yaml

from rubrics import DEFAULT_RUBRIC, NOT_OBSERVED, load_framework
from rubrics.loader import parse_framework
from rubrics.readiness import (
    INSUFFICIENT_EVIDENCE,
    PEERS_NONE,
    PEERS_SHOWN,
    PEERS_SUPPRESSED,
    RaterSheet,
    assess_readiness,
    rules_in_words,
)
from tests.rubric_graft import graft_readiness

NO = NOT_OBSERVED
# The small framework of these examples: three competencies of the shipped rubric, with requirements
# chosen so that the arithmetic is easy by hand.
A, B, C = "strategic_planning", "cross_functional_collaboration", "crisis_management"
REQUIREMENTS = {
    A: {"required": 4, "weight": 2, "critical": True},
    B: {"required": 3, "weight": 1, "critical": False},
    C: {"required": 5, "weight": 1, "critical": False},
}
TARGET = "head_of_operations"


OLD_RUBRIC = Path(__file__).parent / "fixtures" / "framework_2026_11.yaml"


def small_framework(readiness_from=OLD_RUBRIC, requirements=REQUIREMENTS):
    """Three competencies of rubric 2026.11 (its content, so the rubric's own edits never break these
    examples) with the readiness rules of ``readiness_from``."""
    data = yaml.safe_load(OLD_RUBRIC.read_text(encoding="utf-8"))
    data["competencies"] = [c for c in data["competencies"] if c["id"] in requirements]
    graft_readiness(data, readiness_from)
    for role in data["roles"]:
        role["requirements"] = requirements
    return parse_framework(data, origin="small.yaml")


@pytest.fixture(scope="module")
def small():
    """The examples below were written for the 2026.11 rules; they still hold for cycles pinned with them.
    The 2026.12 rules have their own examples in tests/test_readiness_evidence.py."""
    return small_framework()


def sheet(group, a=None, b=None, c=None, key=None, comments=None):
    ratings = {k: v for k, v in ((A, a), (B, b), (C, c)) if v is not None}
    return RaterSheet(key or f"{group}-{id(ratings)}", group, ratings, comments or {})


def evidenced(key, group, ratings):
    """A sheet with a written example for every answer, so it counts as evidence (rubric 2026.12.3)."""
    return RaterSheet(key, group, ratings, {i: f"Example seen by {key}." for i in ratings})


def manager(a=None, b=None, c=None, **kw):
    return sheet("manager", a, b, c, **kw)


def peer(a=None, b=None, c=None, **kw):
    return sheet("peer", a, b, c, **kw)


def self_(a=None, b=None, c=None, **kw):
    return sheet("self", a, b, c, **kw)


# (name, sheets, band id, weighted attainment, largest critical shortfall)
EXAMPLES = [
    ("all met", [manager(4, 3, 5)], "ready_now", Fraction(1), 0),
    # (2*1 + 1*1 + 1*3/5) / 4 = 3.6/4: exactly at the 90% threshold passes.
    ("attainment exactly 0.9", [manager(4, 3, 3)], "ready_now", Fraction(9, 10), 0),
    # critical A one short: (2*3/4 + 1 + 1) / 4 = 0.875.
    ("critical one short", [manager(3, 3, 5)], "ready_1_2_years", Fraction(7, 8), 1),
    # critical A two short: (2*2/4 + 1 + 1) / 4 = 0.75, but the shortfall 2 exceeds 1.
    ("critical two short", [manager(2, 3, 5)], "not_yet_ready", Fraction(3, 4), 2),
    # (2*3/4 + 1/3 + 1/5) / 4 = 61/120 < 0.75 although the critical shortfall is only 1.
    ("attainment too low", [manager(3, 1, 1)], "not_yet_ready", Fraction(61, 120), 1),
    # Non-critical C at 1 is far short, but (2 + 1 + 1/5)/4 = 0.8 only drops to Ready in 1-2 years.
    ("non-critical far short", [manager(4, 3, 1)], "ready_1_2_years", Fraction(4, 5), 0),
    # Two of three competencies unobserved: 2/3 > 34%.
    ("too much not observed", [manager(4, NO, NO)], INSUFFICIENT_EVIDENCE, Fraction(1), 0),
    # One of three unobserved: 1/3 <= 34%; C is left out of attainment: (2 + 1) / 3.
    ("one not observed", [manager(4, 3, NO)], "ready_now", Fraction(1), 0),
    # Unanswered is the same as not observed.
    ("one unanswered", [manager(4, 3)], "ready_now", Fraction(1), 0),
    ("self only", [self_(5, 5, 5)], INSUFFICIENT_EVIDENCE, None, None),
    # Two managers average: A (4+2)/2 = 3.
    ("two managers", [manager(4, 3, 5), manager(2, 3, 5)], "ready_1_2_years", Fraction(7, 8), 1),
    # Three peers count, weight 1 against the manager's 2: A (2*4 + 3)/3 = 11/3, shortfall 1/3;
    # attainment (2*11/12 + 1 + 1) / 4 = 23/24.
    (
        "peers shown",
        [manager(4, 3, 5), peer(4, 3, 5), peer(4, 3, 5), peer(1, 3, 5)],
        "ready_1_2_years",
        Fraction(23, 24),
        Fraction(1, 3),
    ),
    # Two peers are below the threshold of 3: they count for nothing, so the verdict is the manager's.
    ("two peers suppressed", [manager(4, 3, 5), peer(1, 1, 1), peer(1, 1, 1)], "ready_now", Fraction(1), 0),
    # A peer-only assessment with two peers has no counted rater at all.
    ("peers only, too few", [peer(4, 3, 5), peer(4, 3, 5)], INSUFFICIENT_EVIDENCE, None, None),
    # Critical A not observed by anyone: 1/3 unscored is within the coverage rule, but a critical competency
    # without a score can be neither met nor short, so there is no verdict (attainment over B and C only).
    ("critical unobserved", [manager(NO, 3, 5)], INSUFFICIENT_EVIDENCE, Fraction(1), None),
    # Critical A rated only by two of three peers: below the anonymity threshold on A, so A has no score.
    (
        "critical rated by too few peers",
        [manager(NO, 3, 5), peer(4, 3, 5), peer(4, 3, 5), peer(NO, 3, 5)],
        INSUFFICIENT_EVIDENCE,
        Fraction(1),
        None,
    ),
    # Critical A rated by three peers and no manager: the peers' mean alone is A's score.
    ("critical rated by peers only", [manager(NO, 3, 5), peer(4, 3, 5), peer(4, 3, 5), peer(4, 3, 5)],
     "ready_now", Fraction(1), 0),
    # Three peer sheets, but only one peer gave a level on A: that one peer's 1 counts nowhere, so A is the
    # manager's 4 (counted with the peer it would be (2*4 + 1)/3 = 3, one level short).
    ("one of three peers rated A", [manager(4, 3, 5), peer(1, 3, 5), peer(NO, 3, 5), peer(NO, 3, 5)],
     "ready_now", Fraction(1), 0),
]


@pytest.mark.parametrize(("name", "sheets", "band", "attainment", "shortfall"), EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_verdict_examples(small, name, sheets, band, attainment, shortfall):
    """Each hand-computed example gets the band, attainment and critical shortfall the rules give."""
    result = assess_readiness(small, TARGET, sheets)
    assert result.band_id == band
    assert result.is_sufficient == (band != INSUFFICIENT_EVIDENCE)
    if attainment is None:
        assert result.weighted_attainment is None
    else:
        assert result.weighted_attainment == pytest.approx(float(attainment), abs=1e-12)
    if shortfall is None:
        assert result.largest_critical_shortfall is None
    else:
        assert result.largest_critical_shortfall == pytest.approx(float(shortfall), abs=1e-12)


# The reviewer's case on the shipped rubric: one manager at every required level, with the four competencies
# the brief names "not observed" (4 of 15 is within the 34% coverage rule).
UNOBSERVED = ["strategic_planning", "cross_functional_collaboration", "crisis_management", "budget_authority"]


@pytest.mark.parametrize("role", ["head_of_operations", "coo"])
def test_unobserved_critical_competencies_give_insufficient_evidence(role):
    """Critical competencies nobody observed are never "Ready now": the critical-observed rule fails, named."""
    fw = load_framework()
    names = ", ".join(c.name for c in fw.competencies
                      if c.id in UNOBSERVED and fw.role(role).requirement(c.id).is_critical)
    if not names:
        pytest.skip("no critical competency among the four in this role profile")
    ratings = {r.competency_id: r.required for r in fw.role(role).requirements} | {i: NO for i in UNOBSERVED}
    result = assess_readiness(fw, role, [evidenced("manager-1", "manager", ratings)])
    assert result.band_id == INSUFFICIENT_EVIDENCE and not result.is_sufficient
    assert all(c.gap == 0 for c in result.competencies if c.decision_score is not None), "observed: at the level"
    # 2026.12.3: the unscored count with zero attainment, so the attainment is the observed share of the weight.
    requirements = fw.role(role).requirements
    observed_weight = sum(r.weight for r in requirements if r.competency_id not in UNOBSERVED)
    assert result.weighted_attainment == pytest.approx(observed_weight / sum(r.weight for r in requirements))
    rules = {r.id: r for r in result.rules}
    assert rules["min_nonself_raters"].passed and rules["max_not_observed_share"].passed
    rule = rules["critical_observed"]
    assert not rule.passed
    # 2026.12: peers below the anonymity threshold count, so one peer's level is enough to score it.
    assert rule.text == "Every critical competency was rated by a manager or a peer."
    assert rule.detail == f"{names} not observed."
    assert result.summary == f"Insufficient evidence: {names} not observed."
    # Observed at the required level instead, by a manager and a peer (2026.12: two raters, one a manager),
    # the same sheets are ready now.
    full = ratings | {i: 5 for i in UNOBSERVED}
    observed = assess_readiness(fw, role, [evidenced("manager-1", "manager", full), evidenced("peer-1", "peer", full)])
    assert observed.band_id == "ready_now"
    n_critical = sum(r.is_critical for r in fw.role(role).requirements)
    rule = next(r for r in observed.rules if r.id == "critical_observed")
    assert rule.passed and rule.detail == f"{n_critical} of {n_critical} observed."


def test_group_scores_gap_and_coverage(small):
    """Group means leave "not observed" out; the decision weighs managers 2 and peers 1; gap and coverage."""
    sheets = [
        manager(4, 3, NO),
        manager(2, NO, NO),
        peer(5, 3, 4),
        peer(5, NO, 2),
        peer(5, 3, NO),
        peer(NO, 3, 3),
        self_(5, 1, 3),
    ]
    result = assess_readiness(small, TARGET, sheets)
    assert result.peer_mode == PEERS_SHOWN
    a, b, c = (result.competency(x) for x in (A, B, C))
    assert (a.manager_score, a.peer_score, a.self_score) == (3.0, 5.0, 5.0)
    assert a.decision_score == pytest.approx((2 * 3 + 5) / 3)
    assert a.gap == pytest.approx(11 / 3 - 4)
    assert a.coverage == "rated by 5 of 6"
    assert [(g.group, g.coverage) for g in a.groups] == [
        ("self", "rated by 1 of 1"),
        ("manager", "rated by 2 of 2"),
        ("peer", "rated by 3 of 4"),
    ]
    assert (b.manager_score, b.peer_score, b.decision_score, b.coverage) == (3.0, 3.0, 3.0, "rated by 4 of 6")
    # C: no manager level, so the peers' mean alone is the decision score.
    assert (c.manager_score, c.peer_score, c.decision_score) == (None, 3.0, 3.0)
    assert c.gap == -2.0 and c.shortfall == 2.0
    # Spread over individual counted non-self levels; disagreement at 2 or more.
    assert (a.spread, a.is_disagreement) == (3.0, True)
    assert (b.spread, b.is_disagreement) == (0.0, False)
    # Blind spot: self 5 vs 3.67 (1.33 above); hidden strength: self 1 vs 3 (2 below); C: self 3 = others 3.
    assert a.is_blind_spot and not a.is_hidden_strength
    assert b.is_hidden_strength and not b.is_blind_spot
    assert not (c.is_blind_spot or c.is_hidden_strength)
    assert [x.competency_id for x in result.blind_spots] == [A]
    assert [x.competency_id for x in result.hidden_strengths] == [B]


def test_blind_spot_threshold_is_inclusive(small):
    """Self exactly one level above the decision score is a blind spot; just under it is not."""
    at = assess_readiness(small, TARGET, [manager(3, 3, 3), self_(4, 3, 3)]).competency(A)
    assert at.self_minus_others == 1.0 and at.is_blind_spot
    under = assess_readiness(small, TARGET, [manager(3, 3, 3), manager(4, 3, 3), self_(4, 3, 3)]).competency(A)
    assert under.self_minus_others == 0.5 and not under.is_blind_spot


def test_explanation_lists_every_rule_and_what_holds_back(small):
    """Every rule appears with passed/failed; the shortfalls hold the verdict back, critical first."""
    result = assess_readiness(small, TARGET, [manager(3, 2, 4)])
    ids = [r.id for r in result.rules]
    assert ids == [
        "min_nonself_raters",
        "max_not_observed_share",
        "critical_observed",
        "ready_now.max_critical_gap",
        "ready_now.min_weighted_attainment",
        "ready_1_2_years.max_critical_gap",
        "ready_1_2_years.min_weighted_attainment",
        "not_yet_ready.fallback",
    ]
    passed = {r.id: r.passed for r in result.rules}
    assert passed["ready_now.max_critical_gap"] is False
    assert passed["ready_1_2_years.max_critical_gap"] is True
    # (2*3/4 + 2/3 + 4/5) / 4 = 0.7417 < 0.75
    assert passed["ready_1_2_years.min_weighted_attainment"] is False
    assert result.band_id == "not_yet_ready"
    assert result.rules[2].detail == "1 of 1 observed."
    assert result.rules[3].detail == "Over the limit: Strategic planning (1.0)."
    assert result.rules[5].detail == "Largest critical shortfall 1.0."
    assert "74.2%" in result.rules[6].detail
    assert [(s.competency_id, s.shortfall, s.is_critical) for s in result.holding_back] == [
        (A, 1.0, True),
        (B, 1.0, False),
        (C, 1.0, False),
    ]
    priorities = result.development_priorities
    assert [p.competency_id for p in priorities] == [A, B, C]
    # The next level up from 3 is 4: its anchor is the action.
    assert priorities[0].next_level == 4 and priorities[0].action == small.competency(A).anchor(4)
    assert priorities[0].next_level_label == "Advanced"


def test_insufficient_evidence_explains_why(small):
    """Insufficient evidence carries the rubric's label and says which evidence rule failed."""
    result = assess_readiness(small, TARGET, [manager(4, NO, NO)])
    assert result.band_label == "Insufficient evidence" and result.band_rank is None
    coverage = next(r for r in result.rules if r.id == "max_not_observed_share")
    assert not coverage.passed and "2 of 3" in coverage.detail and "Crisis management" in coverage.detail
    assert "Insufficient evidence" in result.summary


def test_suppressed_peers_are_left_out_and_said_so(small):
    """Below the threshold, peer scores, spread and comments are absent and the rule says why."""
    sheets = [
        manager(3, 3, 3, comments={A: "Manager view"}),
        peer(5, 5, 5, comments={A: "Peer view"}),
        peer(1, 1, 1, comments={A: "Other peer view"}),
    ]
    result = assess_readiness(small, TARGET, sheets)
    assert result.peer_mode == PEERS_SUPPRESSED
    assert result.shown_groups == ("self", "manager")
    a = result.competency(A)
    assert (a.peer_score, a.decision_score, a.spread, a.coverage) == (None, 3.0, None, "rated by 1 of 1")
    assert [(c.group, c.texts) for c in result.comments] == [("manager", ("Manager view",))]
    assert "2 peer sheet(s) not counted" in result.rules[0].detail
    assert dict(result.sheet_counts) == {"self": 0, "manager": 1, "peer": 2}


def test_peers_are_suppressed_per_competency(small):
    """Three peer sheets, one level on A: A's peer score, spread, count and comments are left out; B's are shown."""
    sheets = [
        manager(4, 3, 3, comments={A: "Manager view"}),
        peer(1, 5, 3, comments={A: "Only peer on A", B: "Peer on B"}),
        peer(NO, 5, 3, comments={A: "Did not see it"}),
        peer(None, 5, 3),
        self_(4, 4, 4),
    ]
    result = assess_readiness(small, TARGET, sheets)
    assert result.peer_mode == PEERS_SHOWN and result.shown_groups == ("self", "manager", "peer")
    a, b = result.competency(A), result.competency(B)
    # The reviewer's case: without per-competency suppression A's Peers column would be that one peer's 1.
    assert (a.peer_score, a.decision_score, a.spread, a.is_disagreement) == (None, 4.0, None, False)
    assert a.peers_suppressed and not b.peers_suppressed
    # Coverage counts only what is shown: the manager on A (peers in neither number), all four on B.
    assert (a.coverage, b.coverage) == ("rated by 1 of 1", "rated by 4 of 4")
    assert [(g.group, g.score, g.coverage) for g in a.groups] == [
        ("self", 4.0, "rated by 1 of 1"),
        ("manager", 4.0, "rated by 1 of 1"),
        ("peer", None, "rated by fewer than 3 of 3"),
    ]
    peer_a = a.groups[2]
    assert peer_a.is_suppressed and peer_a.rated is None
    assert (b.peer_score, b.decision_score, b.spread) == (5.0, pytest.approx(11 / 3), 2.0)
    # A peer comment shows only where that competency's peer group is shown.
    assert [(c.competency_id, c.group, c.texts) for c in result.comments] == [
        (A, "manager", ("Manager view",)),
        (B, "peer", ("Peer on B",)),
    ]


def test_comments_grouped_by_group_never_by_rater(small):
    """Comments are grouped per competency and group, sorted by text, blank ones dropped."""
    sheets = [
        manager(3, 3, 3, key="manager-1", comments={A: "  Zeta  ", B: "   "}),
        peer(3, 3, 3, key="peer-1", comments={A: "beta"}),
        peer(3, 3, 3, key="peer-2", comments={A: "alpha"}),
        peer(3, 3, 3, key="peer-3"),
        self_(3, 3, 3, comments={C: "mine"}),
    ]
    result = assess_readiness(small, TARGET, sheets)
    assert [(c.competency_id, c.group, c.texts) for c in result.comments] == [
        (A, "manager", ("Zeta",)),
        (A, "peer", ("alpha", "beta")),
        (C, "self", ("mine",)),
    ]
    assert all("peer-" not in repr(c) and "manager-1" not in repr(c) for c in result.comments)


def test_no_peers_mode_and_top_of_scale(small):
    """Without peers the mode is "none"; a score of 5 has no next level and no development action."""
    result = assess_readiness(small, TARGET, [manager(5, 5, 5)])
    assert result.peer_mode == PEERS_NONE
    a = result.competency(A)
    assert a.next_level is None and a.development_action == ""
    assert result.development_priorities == ()
    # Strengths by surplus over the required level: B +2, A +1; C at exactly its requirement is no strength
    # (issue 7: "strengths are competencies above the requirement, not at it").
    assert [s.competency_id for s in result.strengths] == [B, A]


def test_sheet_validation():
    """A sheet with an unknown group or an out-of-scale level is refused."""
    with pytest.raises(ValueError, match="rater group"):
        RaterSheet("x", "boss", {})
    with pytest.raises(ValueError, match="neither a level"):
        RaterSheet("x", "manager", {A: 6})
    with pytest.raises(ValueError, match="neither a level"):
        RaterSheet("x", "manager", {A: True})


def test_rules_in_words_follow_the_rubric():
    """The methodology sentences carry the rubric's numbers and every band in order."""
    fw = load_framework()
    lines = rules_in_words(fw.readiness)
    text = "\n".join(lines)
    assert "managers 2, peers 1" in text and "34%" in text
    assert "only when at least 3 of them gave a level on it" in text
    assert "when any critical competency of the target role has none" in text
    bands = [line for line in lines if line[:2] in ("1.", "2.", "3.")]
    # 2026.12: the middle band makes no time promise.
    assert [b.split(":")[0] for b in bands] == ["1. Ready now", "2. Ready after development", "3. Not yet ready"]
    assert "weighted attainment at least 90%" in bands[0]
    # 2026.12.4 (direct reports and assessors): group-neutral words (tests/test_readiness_groups.py).
    assert "at least 2 rater sheets counted, at least 1 manager among them" in bands[0]
    assert "every competency within 1 level of its required level" in bands[0]
    # 2026.12.3: a score on every competency, and the evidence and shortfall rules, in words.
    assert "every competency scored" in bands[0]
    assert "every critical competency scored and at most 2 others unscored" in bands[1]
    assert ("every critical competency rated by at least 2 raters other than self, at least 1 of them a manager "
            "(fewer is thin evidence)") in bands[0]
    assert "at most 2 non-critical competencies below their required level" in bands[0]
    assert "no shown group’s mean more than 1 level below the required level" in bands[0]
    assert "A rater sheet other than self counts only when it gives a level on at least 66% of the" in text
    assert "unscored competency counts in weighted attainment with its weight and 0% attainment" in text
    assert "Panel review: when any two rater groups, or two managers, are 2 or more levels apart" in text
    assert "Fewer still count in the decision score" in text


def test_shipped_rubric_full_example():
    """On the shipped rubric, a strong Head-of-Operations candidate is ready now."""
    fw = load_framework()
    ids = [c.id for c in fw.competencies]
    sheets = [evidenced("m", "manager", {i: 4 for i in ids}), evidenced("p", "peer", {i: 4 for i in ids})]
    result = assess_readiness(fw, "head_of_operations", sheets)
    assert result.band_label == "Ready now" and result.weighted_attainment == 1.0
    assert len(result.competencies) == len(fw.role("head_of_operations").requirements)
    # 2026.12: the manager alone is not enough for the best band, and the verdict says so in words.
    alone = assess_readiness(fw, "head_of_operations", sheets[:1])
    assert alone.band_id == "ready_1_2_years" and alone.evidence_summary == "Rests on one manager’s sheet."


def test_core_imports_stay_free_of_flask_and_sqlalchemy():
    """Importing rubrics and reports leaves flask and sqlalchemy out of sys.modules."""
    code = (
        "import sys, rubrics, rubrics.readiness, reports\n"
        "import importlib.util\n"
        "for name in ('reports.data', 'reports.pdf', 'reports.charts', 'reports.bundle', 'reports.sample'):\n"
        "    if importlib.util.find_spec(name): __import__(name)\n"
        "bad = [m for m in ('flask', 'sqlalchemy') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=str(DEFAULT_RUBRIC.parents[2]))


def test_verdicts_list_every_band_then_insufficient_evidence():
    """The verdict ids and labels come from the rubric, in band order, insufficient evidence last."""
    from rubrics import load_framework
    from rubrics.readiness import INSUFFICIENT_EVIDENCE, verdict_label, verdicts

    rules = load_framework().readiness
    assert verdicts(rules) == tuple((b.id, b.label) for b in rules.bands) + (
        (INSUFFICIENT_EVIDENCE, rules.insufficient_evidence_label), ("panel_review", "Panel review"))
    assert verdict_label(rules, rules.bands[0].id) == rules.bands[0].label
    assert verdict_label(rules, INSUFFICIENT_EVIDENCE) == rules.insufficient_evidence_label
    assert verdict_label(rules, None) == "" and verdict_label(rules, "retired_band") == "retired_band"
