"""The readiness engine: hand-computed examples written from the rules, and the plain-Python boundary."""

import subprocess
import sys
from fractions import Fraction

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


@pytest.fixture(scope="module")
def small():
    data = yaml.safe_load(DEFAULT_RUBRIC.read_text(encoding="utf-8"))
    data["competencies"] = [c for c in data["competencies"] if c["id"] in REQUIREMENTS]
    for role in data["roles"]:
        role["requirements"] = REQUIREMENTS
    return parse_framework(data, origin="small.yaml")


def sheet(group, a=None, b=None, c=None, key=None, comments=None):
    ratings = {k: v for k, v in ((A, a), (B, b), (C, c)) if v is not None}
    return RaterSheet(key or f"{group}-{id(ratings)}", group, ratings, comments or {})


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
    # Critical A not observed by anyone: left out (1/3 unscored is allowed), not counted as a shortfall.
    ("critical unobserved", [manager(NO, 3, 5)], "ready_now", Fraction(1), None),
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


def test_group_scores_gap_and_coverage(small):
    """Group means leave "not observed" out; the decision weighs managers 2 and peers 1; gap and coverage."""
    sheets = [
        manager(4, 3, NO),
        manager(2, NO, NO),
        peer(5, 3, 4),
        peer(5, NO, 2),
        peer(5, 3, NO),
        self_(5, 1, 3),
    ]
    result = assess_readiness(small, TARGET, sheets)
    assert result.peer_mode == PEERS_SHOWN
    a, b, c = (result.competency(x) for x in (A, B, C))
    assert (a.manager_score, a.peer_score, a.self_score) == (3.0, 5.0, 5.0)
    assert a.decision_score == pytest.approx((2 * 3 + 5) / 3)
    assert a.gap == pytest.approx(11 / 3 - 4)
    assert a.coverage == "rated by 5 of 5"
    assert [(g.group, g.coverage) for g in a.groups] == [
        ("self", "rated by 1 of 1"),
        ("manager", "rated by 2 of 2"),
        ("peer", "rated by 3 of 3"),
    ]
    assert (b.manager_score, b.peer_score, b.decision_score, b.coverage) == (3.0, 3.0, 3.0, "rated by 3 of 5")
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
    assert result.rules[2].detail == "Over the limit: Strategic planning (1)."
    assert result.rules[4].detail == "Largest critical shortfall 1."
    assert "74.2%" in result.rules[5].detail
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
    # Strengths by surplus over the required level: B +2, A +1, C +0.
    assert [s.competency_id for s in result.strengths] == [B, A, C]


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
    assert "managers 2, peers 1" in text and "at least 3 have submitted" in text and "34%" in text
    bands = [line for line in lines if line[:2] in ("1.", "2.", "3.")]
    assert [b.split(":")[0] for b in bands] == ["1. Ready now", "2. Ready in 1-2 years", "3. Not yet ready"]
    assert "weighted attainment at least 90%" in bands[0]


def test_shipped_rubric_full_example():
    """On the shipped rubric, a strong Head-of-Operations candidate is ready now."""
    fw = load_framework()
    ids = [c.id for c in fw.competencies]
    result = assess_readiness(fw, "head_of_operations", [RaterSheet("m", "manager", {i: 4 for i in ids})])
    assert result.band_label == "Ready now" and result.weighted_attainment == 1.0
    assert len(result.competencies) == len(fw.role("head_of_operations").requirements)


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
