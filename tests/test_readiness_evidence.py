"""Issue 7 on the engine: evidence rules for the best band, Panel review, rule statuses, report-truth helpers.

Each case of the issue's list runs twice on the same small framework: with the 2026.11 rules (the engine as
it was, which old cycles keep: tests/test_readiness_old_snapshot.py shows the engine reproduces it exactly)
it shows the defect, with the shipped 2026.12 rules it is fixed. The small framework takes the competencies
of rubric 2026.11 (tests/fixtures) with requirements of its own, so the rubric's own edits never move it.
"""

from pathlib import Path

import pytest
import yaml

from rubrics import DEFAULT_RUBRIC, NOT_OBSERVED
from rubrics.loader import parse_framework
from rubrics.readiness import (
    FAILED,
    INSUFFICIENT_EVIDENCE,
    NOT_APPLICABLE,
    PANEL_REVIEW,
    PASSED,
    RaterSheet,
    assess_readiness,
    candidate_view,
    display_gap,
    display_percent,
    display_score,
)
from tests.rubric_graft import graft_readiness

NO = NOT_OBSERVED
OLD_RUBRIC = Path(__file__).parent / "fixtures" / "framework_2026_11.yaml"
TARGET = "coo"
# Twelve competencies, the first four critical, every one required at 4 with weight 1: easy arithmetic.
IDS = [c["id"] for c in yaml.safe_load(OLD_RUBRIC.read_text(encoding="utf-8"))["competencies"]]
CRITICAL = IDS[:4]
OTHERS = IDS[4:]
X = OTHERS[0]  # a non-critical competency


def framework(readiness_from, requirements=None, **readiness_changes):
    data = yaml.safe_load(OLD_RUBRIC.read_text(encoding="utf-8"))
    graft_readiness(data, readiness_from)
    data["readiness"].update(readiness_changes)
    requirements = requirements or {i: {"required": 4, "weight": 1, "critical": i in CRITICAL} for i in IDS}
    for role in data["roles"]:
        role["requirements"] = requirements
    return parse_framework(data, origin="small.yaml")


OLD = framework(OLD_RUBRIC)
NEW = framework(DEFAULT_RUBRIC)
#: The 2026.12.2 readiness rules (before sheets had to be evidence and shortfalls were counted).
V2026_12_2 = framework(Path(__file__).parent / "data" / "rubric_2026_12_2_snapshot.json")


def sheet(group, n=1, default=4, **levels):
    """A sheet with ``default`` everywhere and the given competencies changed (keys: competency ids)."""
    ratings = {i: v for i in IDS if (v := levels.get(i, default)) is not None}
    # Each answer with a written example, so the sheet counts as evidence (rubric 2026.12.3).
    return RaterSheet(f"{group}-{n}", group, ratings, {i: f"Example seen by {group} {n}." for i in ratings})


def rule(result, rule_id):
    return next(r for r in result.rules if r.id == rule_id)


# --- the cases -------------------------------------------------------------------------------------------


def test_one_lenient_manager_is_never_the_best_band():
    """One manager rating everything 5 made a COO candidate "Ready now"; now it rests on one sheet, said so."""
    sheets = [sheet("manager", default=5)]
    assert assess_readiness(OLD, TARGET, sheets).band_id == "ready_now"
    result = assess_readiness(NEW, TARGET, sheets)
    assert result.band_id == "ready_1_2_years" and result.band_label == "Ready after development"
    assert rule(result, "ready_now.min_raters").status == FAILED
    assert rule(result, "ready_now.min_managers").status == PASSED
    assert result.evidence_summary == "Rests on one manager’s sheet."


def test_three_peers_without_a_manager_are_never_the_best_band():
    """Three peers with no manager made "Ready now"; the best band needs a manager's sheet."""
    sheets = [sheet("peer", n, default=5) for n in (1, 2, 3)]
    assert assess_readiness(OLD, TARGET, sheets).band_id == "ready_now"
    result = assess_readiness(NEW, TARGET, sheets)
    assert result.band_id == "ready_1_2_years"
    assert rule(result, "ready_now.min_raters").status == PASSED
    check = rule(result, "ready_now.min_managers")
    assert check.status == FAILED and check.detail == "0 managers counted."
    assert result.evidence_summary == "Rests on three peers’ sheets and no manager’s."


def test_the_evidence_summary_names_each_counted_group_in_words():
    """Managers only, and managers with peers: one way of counting, no "0 peers", no "1 levels"."""
    managers = [sheet("manager", n) for n in (1, 2)]
    assert assess_readiness(NEW, TARGET, managers).evidence_summary == "Rests on two managers’ sheets and no peer’s."
    mixed = managers[:1] + [sheet("peer", n) for n in (1, 2, 3)]
    assert assess_readiness(NEW, TARGET, mixed).evidence_summary == \
        "Rests on four sheets: one from a manager and three from peers."


def test_a_collapse_on_a_non_critical_competency_caps_below_the_best_band():
    """A level 1 on a non-critical competency left "Ready now" at 93.75%; the floor rule now fails, naming it."""
    sheets = [sheet("manager", **{X: 1}), sheet("peer", **{X: 1})]
    old = assess_readiness(OLD, TARGET, sheets)
    assert old.band_id == "ready_now" and old.weighted_attainment == pytest.approx(0.9375)
    result = assess_readiness(NEW, TARGET, sheets)
    assert result.band_id == "ready_1_2_years"
    floor = rule(result, "ready_now.max_any_gap")
    assert floor.status == FAILED and floor.competencies == (X,)
    assert floor.detail == "Over the limit: Performance metrics and KPIs (3.0)."
    # One level short everywhere it is allowed: the floor holds at exactly one level.
    near = assess_readiness(NEW, TARGET, [sheet("manager", **{X: 3}), sheet("peer", **{X: 3})])
    assert rule(near, "ready_now.max_any_gap").status == PASSED


def test_weak_competencies_hidden_as_not_observed_are_no_hiding_place():
    """Four weak competencies marked "not observed" turned "Ready in 1-2 years" into "Ready now, 100%"."""
    weak = {i: 2 for i in OTHERS[:4]}
    hidden = {i: NO for i in OTHERS[:4]}
    honest = [sheet("manager", **weak), sheet("peer", default=4, **{i: NO for i in OTHERS[:4]})]
    gamed = [sheet("manager", **hidden), sheet("peer", default=4, **hidden)]
    assert assess_readiness(OLD, TARGET, honest).band_id == "ready_1_2_years"
    old = assess_readiness(OLD, TARGET, gamed)
    assert old.band_id == "ready_now" and old.weighted_attainment == 1.0
    before = assess_readiness(V2026_12_2, TARGET, gamed)
    assert before.band_id == "ready_1_2_years"
    unscored = rule(before, "ready_now.max_unscored_others")
    assert unscored.status == FAILED and unscored.competencies == tuple(OTHERS[:4])
    # Never a bare 100% when competencies were left unscored.
    assert before.attainment_text == "100% of the 8 of 12 scored"
    assert "weighted attainment 100% of the 8 of 12 scored" in before.summary
    assert "of the 8 of 12 scored" in rule(before, "ready_1_2_years.min_weighted_attainment").detail
    # 2026.12.3: the four unscored count with zero attainment and the middle band allows two at most, so hiding
    # them does worse than rating them honestly (Ready after development).
    result = assess_readiness(NEW, TARGET, gamed)
    assert assess_readiness(NEW, TARGET, honest).band_id == "ready_1_2_years"
    assert result.band_id == "not_yet_ready"
    assert result.attainment_text == "66.7% over all 12, 4 unscored counted as zero"
    # The summary and the rules say so too: "of the 8 of 12 scored" would misstate a share over all 12.
    assert "weighted attainment 66.7% over all 12, 4 unscored counted as zero" in result.summary
    detail = rule(result, "ready_1_2_years.min_weighted_attainment").detail
    assert "66.7% over all 12, 4 unscored counted as zero" in detail and "of the 8 of 12 scored" not in detail
    middle = rule(result, "ready_1_2_years.max_unscored_others")
    assert middle.status == FAILED and middle.competencies == tuple(OTHERS[:4])
    # 2026.12.2 allowed one other unscored in the best band; 2026.12.3 asks a score on every competency.
    one = [sheet("manager", **{X: NO}), sheet("peer", **{X: NO})]
    assert assess_readiness(V2026_12_2, TARGET, one).band_id == "ready_now"
    assert assess_readiness(NEW, TARGET, one).band_id == "ready_1_2_years"


def test_managers_against_peers_go_to_panel_review():
    """Managers all 5 against three peers all 1 gave an ordinary band; now it is Panel review, with reasons."""
    sheets = [sheet("manager", default=5)] + [sheet("peer", n, default=1) for n in (1, 2, 3)]
    assert assess_readiness(OLD, TARGET, sheets).band_id == "ready_1_2_years"
    result = assess_readiness(NEW, TARGET, sheets)
    assert result.band_id == PANEL_REVIEW and result.band_label == "Panel review" and result.band_rank is None
    assert result.is_panel_review and result.is_sufficient
    assert (result.provisional_band_id, result.provisional_band_label) == ("ready_1_2_years", "Ready after development")
    assert result.verdict_rank == 1
    assert result.panel_review_reasons[0] == "Strategic planning (critical): managers and peers are 4 levels apart."
    # The 2026.12 reasons come first; 2026.12.3 adds disagreement on any competency after them.
    assert result.panel_review_reasons[4] == (
        "Overall: managers and peers are 4 levels apart on average over the 12 competencies both rated.")
    assert result.summary.startswith("Panel review (the rules give Ready after development) for Chief Operating")


def test_a_better_rating_from_a_third_peer_never_lowers_the_verdict():
    """Raising a third peer's "not observed" to 5 lowered the verdict (it made the other peers' 1s count);
    now every counted peer level is in the decision, so a 5 can only raise it."""
    c = CRITICAL[0]
    base = [sheet("manager"), sheet("peer", 1, **{c: 1}), sheet("peer", 2, **{c: 1})]
    before_sheets = base + [sheet("peer", 3, **{c: NO})]
    after_sheets = base + [sheet("peer", 3, **{c: 5})]
    assert assess_readiness(OLD, TARGET, before_sheets).verdict_rank < assess_readiness(OLD, TARGET, after_sheets).verdict_rank
    before, after = assess_readiness(NEW, TARGET, before_sheets), assess_readiness(NEW, TARGET, after_sheets)
    assert after.verdict_rank <= before.verdict_rank
    assert after.competency(c).decision_score > before.competency(c).decision_score
    assert before.competency(c).decision_score == 3.0  # (2*4 + 1) / 3: the two hidden 1s count
    assert before.competency(c).peers_suppressed and before.competency(c).is_withheld_from_candidate
    # The two peers (hidden, 3 levels under the manager on a critical competency) still send it to the panel.
    assert before.band_id == PANEL_REVIEW and after.provisional_band_id == "ready_1_2_years"
    # 2026.12.3: the manager's 4 against the peers' 1, 1 and 5 (mean 2.33) is 1.67 apart: the panel looks.
    assert after.band_id == PANEL_REVIEW


# --- panel review ------------------------------------------------------------------------------------------------


def test_two_managers_apart_on_a_critical_competency_go_to_the_panel():
    """Two managers two levels apart on a critical competency: Panel review; one level apart: not."""
    c = CRITICAL[1]
    result = assess_readiness(NEW, TARGET, [sheet("manager", 1, **{c: 5}), sheet("manager", 2, **{c: 3})])
    assert result.band_id == PANEL_REVIEW
    assert result.panel_review_reasons == ("Cross-functional collaboration (critical): two managers are 2 levels apart.",)
    calm = assess_readiness(NEW, TARGET, [sheet("manager", 1, **{c: 5}), sheet("manager", 2, **{c: 4})])
    assert calm.band_id == "ready_now" and not calm.is_panel_review
    # On a non-critical competency the same spread goes to the panel too (2026.12.3, any competency).
    flagged = assess_readiness(NEW, TARGET, [sheet("manager", 1, **{X: 5}), sheet("manager", 2, **{X: 3})])
    assert flagged.band_id == PANEL_REVIEW and flagged.competency(X).is_disagreement
    assert flagged.panel_review_reasons == ("Performance metrics and KPIs: two managers are 2 levels apart.",)


def test_one_hidden_peer_still_counts_for_panel_review():
    """A single peer (never shown) two levels under the managers on a critical competency: Panel review; the
    candidate's copy gives no reason that could point at them."""
    c = CRITICAL[2]
    result = assess_readiness(NEW, TARGET, [sheet("manager", 1, **{c: 5}), sheet("peer", 1, **{c: 3})])
    assert result.peer_mode == "suppressed" and result.band_id == PANEL_REVIEW
    view = candidate_view(result)
    assert view.panel_review_reasons == (
        "The ratings contradict each other; the panel reviews the evidence before a band is given.",)
    assert view.competency(c).decision_score is None and view.competency(c).spread is None


def test_overall_disagreement_between_two_managers():
    """Two managers 1.5 levels apart on average (none of it on a critical competency) go to the panel."""
    low = {i: 3 for i in OTHERS[:6]}
    high = {i: 5 for i in OTHERS[:6]}
    sheets = [sheet("manager", 1, **high), sheet("manager", 2, **{**low, OTHERS[6]: 1, OTHERS[7]: 1})]
    result = assess_readiness(NEW, TARGET, sheets)
    assert result.panel_review_reasons[0] == (
        "Overall: two managers are 1.5 levels apart on average over the 12 competencies both rated.")


def test_insufficient_evidence_is_never_panel_review():
    """With too little evidence there is no band to carry: insufficient evidence, whatever the contradiction."""
    c = CRITICAL[0]
    sheets = [sheet("manager", 1, **{c: 5, CRITICAL[3]: NO}), sheet("manager", 2, **{c: 1, CRITICAL[3]: NO})]
    result = assess_readiness(NEW, TARGET, sheets)
    assert result.band_id == INSUFFICIENT_EVIDENCE and not result.is_panel_review
    assert result.provisional_band_id is None and result.verdict_rank == 3


# --- rule statuses -----------------------------------------------------------------------------------------------


def test_rules_that_do_not_apply_are_not_applicable():
    """No critical competency: its rules do not apply; the fallback band applies only when it is the verdict;
    with insufficient evidence no band condition applies."""
    plain = framework(DEFAULT_RUBRIC, {i: {"required": 4, "weight": 1, "critical": False} for i in IDS})
    result = assess_readiness(plain, TARGET, [sheet("manager"), sheet("peer")])
    assert result.band_id == "ready_now"
    assert rule(result, "critical_observed").status == NOT_APPLICABLE
    assert rule(result, "ready_now.max_critical_gap").status == NOT_APPLICABLE
    assert rule(result, "not_yet_ready.fallback").status == NOT_APPLICABLE
    assert not rule(result, "not_yet_ready.fallback").passed
    low = assess_readiness(NEW, TARGET, [sheet("manager", default=1), sheet("peer", default=1)])
    assert low.band_id == "not_yet_ready" and rule(low, "not_yet_ready.fallback").status == PASSED
    none = assess_readiness(NEW, TARGET, [sheet("self")])
    band_rules = [r for r in none.rules if "." in r.id]
    assert band_rules and all(r.status == NOT_APPLICABLE for r in band_rules)


def test_every_rule_has_a_status_and_failing_competencies_in_rubric_order():
    """Rule ids of the 2026.12 rubric in order; the critical-gap rule names what fails it."""
    result = assess_readiness(NEW, TARGET, [sheet("manager", **{CRITICAL[3]: 3, CRITICAL[0]: 3}), sheet("peer")])
    assert [r.id for r in result.rules] == [
        "counted_sheets", "min_nonself_raters", "max_not_observed_share", "critical_observed",
        "ready_now.min_raters", "ready_now.min_managers", "ready_now.max_unscored_others",
        "ready_now.critical_evidence", "ready_now.max_any_gap", "ready_now.max_critical_gap",
        "ready_now.max_short_others", "ready_now.max_group_gap", "ready_now.min_weighted_attainment",
        "ready_1_2_years.max_unscored_others", "ready_1_2_years.max_critical_gap",
        "ready_1_2_years.min_weighted_attainment", "not_yet_ready.fallback",
    ]
    assert [r.id for r in assess_readiness(V2026_12_2, TARGET, [sheet("manager"), sheet("peer")]).rules] == [
        "min_nonself_raters", "max_not_observed_share", "critical_observed",
        "ready_now.min_raters", "ready_now.min_managers", "ready_now.max_unscored_others", "ready_now.max_any_gap",
        "ready_now.max_critical_gap", "ready_now.min_weighted_attainment",
        "ready_1_2_years.max_critical_gap", "ready_1_2_years.min_weighted_attainment", "not_yet_ready.fallback",
    ]
    assert all(r.status in (PASSED, FAILED, NOT_APPLICABLE) for r in result.rules)
    gap = rule(result, "ready_now.max_critical_gap")
    assert gap.status == FAILED and gap.competencies == (CRITICAL[0], CRITICAL[3])


# --- report truth ------------------------------------------------------------------------------------------------


def test_a_near_miss_is_never_printed_as_met():
    """3.967 against 4 decides a shortfall: it prints as 3.9 with gap -0.1, never 4.0 with gap 0.0."""
    c = CRITICAL[0]
    sheets = [sheet("manager")] + [sheet("peer", n, **{c: 3 if n == 10 else 4}) for n in range(1, 11)]
    comp = assess_readiness(NEW, TARGET, sheets).competency(c)
    assert comp.decision_score == pytest.approx(3.9667, abs=1e-4)
    assert (comp.decision_text, comp.gap_text) == ("3.9", "-0.1")
    short = assess_readiness(NEW, TARGET, sheets).holding_back[0]
    assert (short.score_text, short.shortfall_text) == ("3.9", "0.1")
    assert (display_score(4.01, 4), display_gap(4.01, 4)) == ("4.1", "+0.1")
    assert (display_score(4.0, 4), display_gap(4.0, 4)) == ("4.0", "0.0")
    assert (display_score(3.94, 4), display_score(3.86, 4), display_score(None)) == ("3.9", "3.9", "–")
    assert display_percent(0.8996, [0.9]) == "89.9%" and display_percent(0.9, [0.9]) == "90%"
    assert display_percent(0.74999, [0.9, 0.75]) == "74.9%" and display_percent(0.9375) == "93.8%"


def test_strengths_priorities_and_notes():
    """Strengths are strictly above; priorities: top three and the rest; a ready candidate still gets notes."""
    sheets = [sheet("manager", **{IDS[0]: 5, IDS[5]: 3, IDS[6]: 3, IDS[7]: 3, IDS[8]: 3}), sheet("peer"),
              sheet("self", default=5)]
    result = assess_readiness(NEW, TARGET, sheets)
    assert [c.competency_id for c in result.strengths] == [IDS[0]]
    assert len(result.development_priorities) == 4
    assert [p.competency_id for p in result.top_development_priorities] == IDS[5:8]
    assert [p.competency_id for p in result.further_development_priorities] == [IDS[8]]
    ready = assess_readiness(NEW, TARGET, [sheet("manager"), sheet("peer"), sheet("self", **{X: 5})])
    assert ready.band_id == "ready_now" and ready.development_priorities == ()
    kinds = [(n.kind, n.competency_id) for n in ready.development_notes]
    assert kinds[0] == ("blind_spot", X) and ("at_requirement", IDS[0]) in kinds
    assert len(kinds) == 1 + 12


def test_assigned_and_submitted_per_group():
    """The result says what happened per rater group: "2 peers were asked; none submitted"."""
    result = assess_readiness(NEW, TARGET, [sheet("manager")], assigned={"self": 1, "manager": 1, "peer": 2})
    assert [g.text for g in result.group_counts] == [
        "1 self-assessment was asked; none submitted.", "1 manager was asked; 1 submitted.",
        "2 peers were asked; none submitted."]
    assert result.evidence_summary == "Rests on one manager’s sheet. 2 peers were asked; none submitted."
    assert result.group_count("peer").assigned == 2
    nobody = assess_readiness(NEW, TARGET, [sheet("manager")], assigned={"manager": 1})
    assert nobody.group_count("peer").text == "No peers were asked."
    unknown = assess_readiness(NEW, TARGET, [sheet("manager")])
    assert unknown.group_count("peer").text == "0 peers submitted." and unknown.group_count("peer").assigned is None
    many = assess_readiness(NEW, TARGET, [sheet("peer", n) for n in (1, 2, 3)], assigned={"peer": 3})
    assert many.group_count("peer").text == "3 peers were asked; all submitted."


def test_candidate_view_withholds_numbers_that_depend_on_hidden_peers():
    """Two peers (below the threshold): HR's decision counts them; the candidate's copy shows the manager's and
    the self score, never the decision, gap, attainment or the itemised rules."""
    sheets = [sheet("manager", **{X: 3}), sheet("peer", 1, **{X: 1}), sheet("peer", 2), sheet("self", default=5)]
    result = assess_readiness(NEW, TARGET, sheets)
    assert result.competency(X).decision_score == pytest.approx((2 * 3 + 2.5) / 3)
    view = candidate_view(result)
    comp = view.competency(X)
    assert (comp.manager_score, comp.self_score, comp.peer_score) == (3.0, 5.0, None)
    assert (comp.decision_score, comp.gap, comp.self_minus_others, comp.development_action) == (None, None, None, "")
    assert view.weighted_attainment is None and view.attainment_text == "" and view.scored_count is None
    assert view.holding_back == () and view.development_priorities == () and view.blind_spots == ()
    assert view.band_id == result.band_id and view.is_candidate_view
    assert "Some figures are not shown, to keep your raters anonymous." in view.summary and "%" not in view.summary
    assert all("%" not in r.detail for r in view.rules)
    assert candidate_view(view) == view
    # Without hidden peers nothing is withheld, only what is for HR anyway (spread, disagreement).
    open_result = assess_readiness(NEW, TARGET, [sheet("manager", **{X: 2}), *[sheet("peer", n, **{X: 5}) for n in (1, 2, 3)]])
    open_view = candidate_view(open_result)
    assert open_view.competency(X).decision_score == open_result.competency(X).decision_score
    assert open_view.weighted_attainment == open_result.weighted_attainment
    assert open_result.disagreements and not open_view.disagreements and open_view.competency(X).spread is None
