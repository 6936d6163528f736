"""Issue 17, section 3 on the engine: agreement, measurement error, one way to print a number, rater quality
that gates the verdict.

Each challenge case runs on the 2026.12.2 snapshot (what old cycles keep: the defect) and on the shipped
rubric (2026.12.3: fixed). Every sheet carries written evidence on every level, so the cases test agreement,
not the evidence rules.
"""

import json
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reports.verdict import _figures
from rubrics import RubricError, framework_from_snapshot, load_framework
from rubrics.readiness import PANEL_REVIEW, RaterSheet, assess_readiness, candidate_view
from rubrics.readiness_quality import CycleRating, rater_quality
from rubrics.readiness_uncertainty import variance
from tests.old_snapshot_cases import cases, outcome

DATA = Path(__file__).parent / "data"
NEW = load_framework()
OLD = framework_from_snapshot(json.loads((DATA / "rubric_2026_12_2_snapshot.json").read_text(encoding="utf-8")))
HOO = "head_of_operations"


def sheet(key, group, ratings):
    return RaterSheet(key, group, dict(ratings), {i: "Seen in the Q3 review." for i in ratings})


def at_requirement(role, **changes):
    return {r.competency_id: changes.get(r.competency_id, r.required) for r in NEW.role(role).requirements}


def critical_ids(role):
    return [r.competency_id for r in NEW.role(role).requirements if r.is_critical]


# --- golden: old cycles keep their results ---------------------------------------------------------------------

def test_the_2026_12_2_snapshot_gives_exactly_the_results_it_gave():
    """300 seeded assessments on the 2026.12.2 snapshot: verdict, numbers, failed rules, panel reasons and
    summary as the engine gave before 2026.12.3 (fixture computed at commit 9ae2c75); no new field is set."""
    expected = json.loads((Path(__file__).parent / "fixtures" / "readiness_2026_12_2_agreement_expected.json")
                          .read_text())
    for (n, role, sheets), before in zip(cases(OLD, count=300, seed=20261207), expected, strict=True):
        result = assess_readiness(OLD, role, sheets)
        now = outcome(result)
        for key in ("band_id", "is_sufficient", "weighted_attainment", "largest_critical_shortfall",
                    "decision_scores", "peer_scores", "rule_ids", "failed_rules"):
            assert now[key] == before[key], (n, key)
        assert list(result.panel_review_reasons) == before["panel_review_reasons"], n
        assert result.summary == before["summary"], n
        assert all(c.standard_error is None and not c.is_borderline for c in result.competencies)


def test_the_new_keys_are_optional_and_validated():
    rules = NEW.readiness
    assert rules.panel_review.any_disagreement == 1.5 and rules.panel_review.group_below_critical is True
    assert rules.panel_review.borderline_standard_errors == 1 and rules.panel_review.flagged_weight_share == 0.5
    assert rules.rater_quality.straight_line_share == 0.9 and rules.rater_quality.same_group is True
    old = OLD.readiness
    assert old.panel_review.any_disagreement is None and old.panel_review.flagged_weight_share is None
    assert old.rater_quality.straight_line_share is None and old.rater_quality.same_group is False
    data = json.loads((DATA / "rubric_2026_12_2_snapshot.json").read_text(encoding="utf-8"))
    data["readiness"]["panel_review"].update(any_disagreement=-1, group_below_critical="yes",
                                             flagged_weight_share=2)
    data["readiness"]["rater_quality"] = {"straight_line_share": 0.2, "same_group": 1}
    with pytest.raises(RubricError) as caught:
        framework_from_snapshot(data)
    for key in ("any_disagreement", "group_below_critical", "flagged_weight_share", "straight_line_share",
                "same_group"):
        assert key in str(caught.value)


# --- the cases -------------------------------------------------------------------------------------------

def test_one_managers_fives_over_three_peers_below_the_bar_go_to_the_panel():
    """The manager's 5s against peers at 3, 3 and 4 on every critical competency (1.67 apart: under the
    critical trigger of 2): Ready now on 2026.12.2; Panel review now, naming the peers' mean below the bar."""
    crit = critical_ids(HOO)
    sheets = [sheet("manager-1", "manager", {i: 5 for i in at_requirement(HOO)})]
    sheets += [sheet(f"peer-{n}", "peer", at_requirement(HOO, **{i: level for i in crit}))
               for n, level in ((1, 3), (2, 3), (3, 4))]
    assert assess_readiness(OLD, HOO, sheets).band_id == "ready_now"
    result = assess_readiness(NEW, HOO, sheets)
    assert result.band_id == PANEL_REVIEW and result.provisional_band_id == "ready_now"
    name = NEW.competency(crit[0]).name
    assert (f"{name} (critical): the peers’ mean 3.3 is below the required 4, though the decision score 4.4 "
            f"meets it.") in result.panel_review_reasons
    assert f"{name}: managers and peers are 1.67 levels apart." in result.panel_review_reasons


def test_a_group_below_a_requirement_the_decision_meets_exactly():
    result, comp = people_leadership(5, 2, 2, 2)
    assert comp.gap == 0
    assert ("People leadership (critical): the peers’ mean 2.0 is below the required 4, though the decision score "
            "4.0 meets it.") in result.panel_review_reasons


def test_borderline_and_group_below_are_for_critical_competencies_only():
    """The same patterns on budget authority (not critical): neither borderline nor a group below."""
    sheets = [sheet("manager-1", "manager", at_requirement(HOO))]
    sheets += [sheet(f"peer-{n}", "peer", at_requirement(HOO, budget_authority=4 if n < 11 else 3))
               for n in range(1, 12)]
    comp = assess_readiness(NEW, HOO, sheets).competency("budget_authority")
    assert comp.gap < 0 and comp.standard_error > abs(comp.gap) and not comp.is_borderline
    below = [sheet("manager-1", "manager", at_requirement(HOO, budget_authority=5))]
    below += [sheet(f"peer-{n}", "peer", at_requirement(HOO, budget_authority=level))
              for n, level in ((1, 3), (2, 4), (3, 3))]
    assert not any("mean" in r for r in assess_readiness(NEW, HOO, below).panel_review_reasons)


def test_three_peers_unanimous_at_1_against_the_manager_on_non_critical_competencies():
    """Three peers at 1, the manager at 5, on decision-making and external relations (non-critical): no panel
    on 2026.12.2 (the trigger looked at critical competencies only); Panel review now."""
    low = ("decision_making", "stakeholder_relations")
    sheets = [sheet("manager-1", "manager", at_requirement(HOO, **{i: 5 for i in low}))]
    sheets += [sheet(f"peer-{n}", "peer", at_requirement(HOO, **{i: 1 for i in low})) for n in (1, 2, 3)]
    old = assess_readiness(OLD, HOO, sheets)
    assert old.band_id != PANEL_REVIEW and old.is_sufficient
    result = assess_readiness(NEW, HOO, sheets)
    assert result.band_id == PANEL_REVIEW
    assert [r for r in result.panel_review_reasons if "managers and peers" in r] == [
        f"{NEW.competency(i).name}: managers and peers are 4 levels apart." for i in low]


def straight_lined_flags(sheets, role):
    """The cycle's rater quality over these sheets (one candidate), as the service passes it to the engine."""
    ratings = [CycleRating(s.rater_key, "candidate-1", i, v, s.group) for s in sheets for i, v in s.ratings.items()]
    report = rater_quality(ratings, NEW.readiness.rater_quality, NEW.readiness.rater_group_weights)
    return {r.rater_key: tuple(f.id for f in r.flags) for r in report.raters}


def test_two_straight_lined_sheets_send_the_verdict_to_the_panel():
    """A manager and a peer, 4 on every competency: both flagged straight-lining; on 2026.12.2 a flag changed
    nothing (Ready now), now the verdict rests wholly on flagged raters: Panel review."""
    sheets = [sheet("manager-1", "manager", {i: 4 for i in at_requirement(HOO)}),
              sheet("peer-1", "peer", {i: 4 for i in at_requirement(HOO)})]
    flagged = straight_lined_flags(sheets, HOO)
    assert flagged == {"manager-1": ("straight_lining",), "peer-1": ("straight_lining",)}
    assert assess_readiness(OLD, HOO, sheets, flagged=flagged).band_id == "ready_now"
    result = assess_readiness(NEW, HOO, sheets, flagged=flagged)
    assert result.band_id == PANEL_REVIEW and result.provisional_band_id == "ready_now"
    assert result.panel_review_reasons[-1] == (
        "The verdict rests for 100% of its decision weight on raters flagged as lenient, severe or "
        "straight-lining (1 of the managers, 1 of the peers).")
    # Without the flags (or with central tendency only, which says nothing of the candidate) it is Ready now.
    assert assess_readiness(NEW, HOO, sheets).band_id == "ready_now"
    assert assess_readiness(NEW, HOO, sheets, flagged={"manager-1": ("central_tendency",)}).band_id == "ready_now"
    # A flagged peer carrying a third of the weight is under the half: no panel.
    assert assess_readiness(NEW, HOO, sheets, flagged={"peer-1": ("lenient",)}).band_id == "ready_now"
    assert assess_readiness(NEW, HOO, sheets, flagged={"manager-1": ("lenient",)}).band_id == PANEL_REVIEW


def eleven_peers(lower):
    sheets = [sheet("manager-1", "manager", at_requirement(HOO))]
    sheets += [sheet(f"peer-{n}", "peer", at_requirement(HOO)) for n in range(1, 11)]
    sheets.append(sheet("peer-11", "peer", at_requirement(HOO, people_leadership=lower)))
    return sheets


def test_one_peer_of_eleven_one_level_lower_is_borderline_not_a_silent_band_drop():
    """A manager and eleven peers at every requirement, one peer one level lower on people leadership: 0.03
    short. On 2026.12.2 the band silently drops; now it is Panel review with the provisional band and a
    borderline reason; the summary, the rule detail and the table print the same shortfall."""
    sheets = eleven_peers(3)
    assert assess_readiness(OLD, HOO, sheets).band_id == "ready_1_2_years"
    result = assess_readiness(NEW, HOO, sheets)
    assert result.band_id == PANEL_REVIEW and result.provisional_band_id == "ready_1_2_years"
    comp = result.competency("people_leadership")
    assert comp.is_borderline and comp.decision_score == pytest.approx(3.9697, abs=1e-4)
    # Var = s² (2²/1 + 1²/11) / 3², s² = 1/12: SE = 0.1946.
    assert comp.standard_error == pytest.approx(0.1946, abs=1e-4)
    assert ("People leadership is borderline: 3.9 against 4 (± 0.2); a single rater may decide which side of the "
            "requirement it falls.") in result.panel_review_reasons
    shortfall = comp.shortfall_text
    assert shortfall == "0.1" and comp.gap_text == "-0.1" and comp.decision_text == "3.9"
    assert f"People leadership ({shortfall})" in result.summary
    rule = next(r for r in result.rules if r.id == "ready_now.max_critical_gap")
    assert rule.detail == f"Over the limit: People leadership ({shortfall})."
    assert result.holding_back[0].shortfall_text == shortfall
    assert result.development_priorities[0].shortfall_text == shortfall
    assert result.largest_critical_shortfall_text == shortfall
    # The PDF's key figures print the same text.
    assert (("Largest critical shortfall", shortfall) in _figures(result))
    # Every other competency is unanimous: never borderline, whatever the numbers.
    assert [c.competency_id for c in result.competencies if c.is_borderline] == ["people_leadership"]


def people_leadership(manager, *peers, manager_two=None):
    sheets = [sheet("manager-1", "manager", at_requirement(HOO, people_leadership=manager))]
    if manager_two is not None:
        sheets.append(sheet("manager-2", "manager", at_requirement(HOO, people_leadership=manager_two)))
    sheets += [sheet(f"peer-{n}", "peer", at_requirement(HOO, people_leadership=level))
               for n, level in enumerate(peers, 1)]
    result = assess_readiness(NEW, HOO, sheets)
    return result, result.competency("people_leadership")


def test_borderline_only_where_one_dissenting_rater_decides_the_side():
    """Unanimous raters, a shortfall two raters carry, a lone manager (two thirds of the weight) below, a met
    requirement: none is borderline. One peer of four below: borderline."""
    result, comp = people_leadership(3, 3)
    assert not comp.is_borderline and comp.standard_error == 0 and result.band_id != PANEL_REVIEW
    result, comp = people_leadership(4, 3, 3, 4)
    assert comp.gap < 0 and not comp.is_borderline and result.band_id != PANEL_REVIEW
    result, comp = people_leadership(3, 4, 4, 4, 4)
    assert comp.gap < 0 and not comp.is_borderline
    result, comp = people_leadership(5, 3, 4, 4)
    assert comp.gap > 0 and not comp.is_borderline
    # One peer at 1 among peers at 4: the outlier alone decides, and the spread it makes is large: borderline.
    result, comp = people_leadership(4, 4, 4, 4, 1)
    assert comp.gap == pytest.approx(-0.25) and comp.standard_error > 0.25 and comp.is_borderline
    result, comp = people_leadership(4, 4, 4, 4, 3)
    assert comp.is_borderline and result.band_id == PANEL_REVIEW and result.provisional_band_id == "ready_1_2_years"
    # Two managers at 4 and 3 with four peers at 4: the manager at 3 alone decides the side, but 0.33 short is
    # beyond one standard error (0.20): a shortfall the evidence supports, not measurement error.
    result, comp = people_leadership(4, 4, 4, 4, 4, manager_two=3)
    assert comp.gap == pytest.approx(-1 / 3) and comp.standard_error == pytest.approx(0.2041, abs=1e-4)
    assert not comp.is_borderline


def test_borderline_at_each_boundary():
    """Exactly at the requirement: met, not borderline. Exactly half the weight below: no minority. A rater at
    the requirement left out never counts as the one who decides. Exactly one standard error short: borderline."""
    result, comp = people_leadership(4, 3, 4, 5)
    assert comp.gap == 0 and not comp.is_borderline
    result, comp = people_leadership(4, manager_two=2)
    assert comp.gap == -1 and comp.standard_error == pytest.approx(1) and not comp.is_borderline
    result, comp = people_leadership(4, 2, 2, manager_two=5)
    assert comp.gap == pytest.approx(-1 / 3) and not comp.is_borderline
    result, comp = people_leadership(4, 4, manager_two=3)
    assert comp.gap == pytest.approx(-1 / 3) and comp.standard_error == pytest.approx(1 / 3) and comp.is_borderline


def with_panel(**changes):
    """The shipped rubric with these Panel review keys; without the 2026.12.4 low-agreement rule unless given (the
    borderline cases here have few raters, so rwg would send them to the panel too: tests/test_readiness_rwg.py)."""
    rules = NEW.readiness
    changes = {"min_critical_agreement": None, **changes}
    return replace(NEW, readiness=replace(rules, panel_review=replace(rules.panel_review, **changes)))


def test_the_minimum_tolerance_is_inclusive():
    """0.2 short with one peer of five at 1: with a tiny k only the tolerance can make it borderline."""
    sheets = [sheet("manager-1", "manager", at_requirement(HOO))]
    sheets += [sheet(f"peer-{n}", "peer", at_requirement(HOO, people_leadership=4 if n < 5 else 1))
               for n in range(1, 6)]
    at = assess_readiness(with_panel(borderline_standard_errors=0.01, borderline_min_tolerance=0.2), HOO, sheets)
    assert at.competency("people_leadership").gap == pytest.approx(-0.2)
    assert at.competency("people_leadership").is_borderline and at.band_id == PANEL_REVIEW
    under = assess_readiness(with_panel(borderline_standard_errors=0.01, borderline_min_tolerance=0.19), HOO, sheets)
    assert not under.competency("people_leadership").is_borderline and under.band_id != PANEL_REVIEW


def test_flagged_raters_at_exactly_half_the_weight_go_to_the_panel():
    """Two managers and two peers, one of each flagged: a third plus a sixth, exactly half."""
    sheets = [sheet(f"{g}-{n}", g, at_requirement(HOO)) for g in ("manager", "peer") for n in (1, 2)]
    half = assess_readiness(NEW, HOO, sheets, flagged={"manager-1": ("severe",), "peer-2": ("lenient",)})
    assert half.band_id == PANEL_REVIEW and "rests for 50% of its decision weight" in half.panel_review_reasons[-1]
    third = assess_readiness(NEW, HOO, sheets, flagged={"manager-1": ("severe",)})
    assert third.band_id == "ready_now"


def test_a_borderline_competency_that_does_not_decide_the_band_is_no_panel_case():
    """Another critical competency a full level short holds the verdict where it is: the borderline one is
    shown as such, but nothing is left for the panel to decide."""
    sheets = eleven_peers(3)
    sheets[0] = sheet("manager-1", "manager", at_requirement(HOO, people_leadership=4, communication=3))
    sheets[1:11] = [sheet(s.rater_key, "peer", at_requirement(HOO, communication=3)) for s in sheets[1:11]]
    sheets[11] = sheet("peer-11", "peer", at_requirement(HOO, people_leadership=3, communication=3))
    result = assess_readiness(NEW, HOO, sheets)
    assert result.competency("people_leadership").is_borderline
    assert result.band_id == "ready_1_2_years" and not result.is_panel_review


@pytest.mark.parametrize("role", ["head_of_operations", "coo"])
def test_the_best_band_stays_reachable(role):
    """Two managers and four peers, all at or above every requirement and within one level of each other, with
    written evidence: Ready now, no panel, no borderline competency."""
    reqs = NEW.role(role).requirements
    rows = []
    for k in range(6):
        rows.append({r.competency_id: min(5, r.required + (k + j) % 2) for j, r in enumerate(reqs)})
    sheets = [sheet(f"manager-{k + 1}", "manager", rows[k]) for k in range(2)]
    sheets += [sheet(f"peer-{k - 1}", "peer", rows[k]) for k in range(2, 6)]
    result = assess_readiness(NEW, role, sheets, flagged=straight_lined_flags(sheets, role))
    assert result.band_id == "ready_now", result.panel_review_reasons
    assert not any(c.is_borderline for c in result.competencies)


def test_standard_error_is_that_of_a_weighted_mean_of_group_means():
    """Var(D) = s² Σ w²/n / (Σ w)²: two managers 3 and 5, peers 4, 4, 4 (weights 2 and 1)."""
    var = variance({"manager": [3, 5], "peer": [4, 4, 4]}, {"manager": 2, "peer": 1})
    s2 = ((3 - 4) ** 2 + (5 - 4) ** 2) / 4
    assert float(var) == pytest.approx(s2 * (4 / 2 + 1 / 3) / 9)
    assert variance({"manager": [4], "peer": []}, {"manager": 2, "peer": 1}) is None


def test_peers_split_in_two_camps_go_to_the_panel_one_outlier_does_not():
    base = [sheet("manager-1", "manager", at_requirement(HOO))]
    split = base + [sheet(f"peer-{n}", "peer", at_requirement(HOO, budget_authority=level))
                    for n, level in ((1, 3), (2, 3), (3, 5), (4, 5))]
    result = assess_readiness(NEW, HOO, split)
    assert ("Budget authority: peers are split, two or more 2 levels apart from two or more others."
            in result.panel_review_reasons)
    outlier = base + [sheet(f"peer-{n}", "peer", at_requirement(HOO, budget_authority=level))
                      for n, level in ((1, 4), (2, 4), (3, 4), (4, 2))]
    assert not any("peers are split" in r for r in assess_readiness(NEW, HOO, outlier).panel_review_reasons)


def test_disagreement_on_any_competency_at_its_boundary():
    """Managers and peers exactly 1.5 apart go to the panel; with the limit at 2, two managers or two peer camps
    exactly 2 apart do too. A pair the critical rule reports already is not repeated."""
    base = lambda **levels: at_requirement(HOO, **levels)  # noqa: E731
    sheets = [sheet("manager-1", "manager", base(budget_authority=5))]
    sheets += [sheet(f"peer-{n}", "peer", base(budget_authority=level)) for n, level in enumerate((3, 4, 3, 4), 1)]
    assert "Budget authority: managers and peers are 1.5 levels apart." in \
        assess_readiness(NEW, HOO, sheets).panel_review_reasons
    two = with_panel(any_disagreement=2)
    managers = [sheet("manager-1", "manager", base(budget_authority=5)),
                sheet("manager-2", "manager", base(budget_authority=3))]
    assert assess_readiness(two, HOO, managers).panel_review_reasons == (
        "Budget authority: two managers are 2 levels apart.",)
    camps = [sheet("manager-1", "manager", base())]
    camps += [sheet(f"peer-{n}", "peer", base(budget_authority=level)) for n, level in enumerate((3, 3, 5, 5), 1)]
    assert assess_readiness(two, HOO, camps).panel_review_reasons == (
        "Budget authority: peers are split, two or more 2 levels apart from two or more others.",)
    critical = [sheet("manager-1", "manager", base(people_leadership=5))]
    critical += [sheet(f"peer-{n}", "peer", base(people_leadership=3)) for n in (1, 2, 3)]
    reasons = assess_readiness(NEW, HOO, critical).panel_review_reasons
    assert "People leadership (critical): managers and peers are 2 levels apart." in reasons
    assert not any(r.startswith("People leadership: ") for r in reasons)


# --- properties --------------------------------------------------------------------------------------------------

LEVELS = st.sampled_from([2, 3, 4, 5])


@st.composite
def contested(draw):
    reqs = NEW.role(HOO).requirements
    sheets = []
    for group, count in (("manager", draw(st.integers(1, 2))), ("peer", draw(st.integers(0, 5)))):
        for n in range(count):
            sheets.append(sheet(f"{group}-{n + 1}", group,
                                {r.competency_id: draw(LEVELS) for r in reqs}))
    return sheets


@settings(max_examples=40, deadline=None)
@given(contested(), st.randoms())
def test_rater_order_never_changes_the_reasons(sheets, rng):
    shuffled = list(sheets)
    rng.shuffle(shuffled)
    first, second = assess_readiness(NEW, HOO, sheets), assess_readiness(NEW, HOO, shuffled)
    assert first.panel_review_reasons == second.panel_review_reasons
    assert [c.standard_error for c in first.competencies] == [c.standard_error for c in second.competencies]


@settings(max_examples=40, deadline=None)
@given(contested(), st.lists(LEVELS, min_size=15, max_size=15))
def test_self_ratings_never_change_the_panel_reasons(sheets, levels):
    own = sheet("self", "self", dict(zip(at_requirement(HOO), levels)))
    assert (assess_readiness(NEW, HOO, sheets).panel_review_reasons
            == assess_readiness(NEW, HOO, sheets + [own]).panel_review_reasons)


@settings(max_examples=40, deadline=None)
@given(contested(), st.integers(1, 5), st.sampled_from([i for i in at_requirement(HOO)]))
def test_the_candidate_view_never_shows_hidden_peers_through_the_new_fields(sheets, level, comp_id):
    """With fewer than three peers their levels are hidden: changing one changes nothing of the candidate's
    copy's numbers, standard errors and borderline flags; the reasons are one neutral sentence."""
    peers = [s for s in sheets if s.group == "peer"]
    if not peers or len(peers) >= 3:
        return
    changed = [RaterSheet(s.rater_key, s.group, {**s.ratings, comp_id: level}, s.comments)
               if s.rater_key == peers[0].rater_key else s for s in sheets]
    one, two = (candidate_view(assess_readiness(NEW, HOO, s)) for s in (sheets, changed))
    assert [(c.standard_error, c.is_borderline, c.decision_score) for c in one.competencies] == \
        [(c.standard_error, c.is_borderline, c.decision_score) for c in two.competencies]
    for view in (one, two):
        assert len(view.panel_review_reasons) <= 1
