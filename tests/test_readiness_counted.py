"""Issue 17, sections 1 and 2, on the engine: evidence that counts, shortfalls counted. Each challenge case gives
the indefensible verdict on the 2026.12.2 rules (the pinned snapshot) and a defensible one on the shipped rubric
(2026.12.3); and the best band stays reachable for every target role.

Verdicts are compared by the provisional band (``provisional_band_id``): Panel review is a flag on top, and the
agreement rules may send a contested case there without changing the band the rules give.
"""

import json
from pathlib import Path

import pytest

from rubrics import NOT_OBSERVED, framework_from_snapshot, load_framework
from rubrics.loader import parse_framework
from rubrics.readiness import FAILED, NOT_APPLICABLE, PASSED, RaterSheet, assess_readiness, candidate_view

NO = NOT_OBSERVED
FW = load_framework()
V2026_12_2 = framework_from_snapshot(
    json.loads((Path(__file__).parent / "data" / "rubric_2026_12_2_snapshot.json").read_text(encoding="utf-8")))
HOO, COO = "head_of_operations", "coo"


def sheet(key, levels, evidence=True):
    """A sheet of ``key`` ("manager-1", "peer-2"), with a written example for every answer unless told not to."""
    comments = {i: f"Example seen by {key} on {i}." for i in levels} if evidence else {}
    return RaterSheet(key, key.split("-")[0], dict(levels), comments)


def required(role, framework=FW):
    return {r.competency_id: r.required for r in framework.role(role).requirements}


def critical(role):
    return [r.competency_id for r in FW.role(role).requirements if r.is_critical]


def others(role):
    return [r.competency_id for r in FW.role(role).requirements if not r.is_critical]


def rule(result, rule_id):
    return next(r for r in result.rules if r.id == rule_id)


def panel(levels_by_key):
    return [sheet(key, levels) for key, levels in levels_by_key.items()]


def six_raters(levels):
    """Two managers and four peers, all giving ``levels``."""
    return panel({key: levels for key in ("manager-1", "manager-2", "peer-1", "peer-2", "peer-3", "peer-4")})


def with_rules(**changes):
    """The shipped rubric with readiness keys (or, with ``band0``, best-band keys) changed."""
    data = json.loads(json.dumps(FW.data))
    band0 = changes.pop("band0", {})
    data["readiness"].update(changes)
    data["readiness"]["bands"][0].update(band0)
    return parse_framework(data, origin="changed.yaml")


# --- section 1: evidence that counts ------------------------------------------------------------------------------


def test_a_sheet_with_every_competency_not_observed_does_not_count_as_a_rater():
    """One lenient manager and a second sheet with every competency "not observed" met "at least 2 raters"."""
    levels = {i: 5 for i in required(HOO)}
    sheets = [sheet("manager-1", levels), sheet("peer-1", {i: NO for i in levels})]
    assert assess_readiness(V2026_12_2, HOO, sheets).provisional_band_id == "ready_now"
    result = assess_readiness(FW, HOO, sheets)
    assert result.provisional_band_id != "ready_now"
    assert [(u.rater_key, u.group, u.reason) for u in result.uncounted_sheets] == [
        ("peer-1", "peer", "rated 0 of 15 competencies")]
    assert rule(result, "ready_now.min_raters").status == FAILED
    assert rule(result, "ready_now.min_raters").detail == "1 counted: 1 manager, 0 peers."
    counted = rule(result, "counted_sheets")
    assert counted.status == FAILED and counted.detail == "A peer’s sheet does not count: rated 0 of 15 competencies."
    assert result.evidence_summary == "Rests on one manager’s sheet."
    # Submitted is still said as submitted: the sheet is listed, never silently dropped.
    assert result.sheet_counts["peer"] == 1 and result.group_count("peer").submitted == 1


def test_a_peer_who_rated_one_competency_does_not_count():
    """A peer who rated a single competency is no second rater."""
    levels = {i: 5 for i in required(HOO)}
    sheets = [sheet("manager-1", levels), sheet("peer-1", {"people_leadership": 5})]
    assert assess_readiness(V2026_12_2, HOO, sheets).provisional_band_id == "ready_now"
    result = assess_readiness(FW, HOO, sheets)
    assert result.provisional_band_id == "ready_1_2_years"
    assert [u.reason for u in result.uncounted_sheets] == ["rated 1 of 15 competencies"]
    # Left out of every score: the peer's 5 is in no decision score, count or comment.
    comp = result.competency("people_leadership")
    assert comp.decision_score == 5 and comp.rated == 1 and comp.raters == 1
    assert all(block.group != "peer" for block in result.comments)


def test_the_share_of_competencies_rated_is_inclusive():
    """A sheet with a level on exactly ``min_rated_share`` of the competencies counts; one fewer does not."""
    fw = with_rules(min_rated_share=0.6)  # 9 of 15
    ids = list(required(HOO))
    nine = {i: (4 if k < 9 else NO) for k, i in enumerate(ids)}
    eight = {i: (4 if k < 8 else NO) for k, i in enumerate(ids)}
    manager = sheet("manager-1", {i: 4 for i in ids})
    assert assess_readiness(fw, HOO, [manager, sheet("peer-1", nine)]).uncounted_sheets == ()
    left = assess_readiness(fw, HOO, [manager, sheet("peer-1", eight)]).uncounted_sheets
    assert [u.reason for u in left] == ["rated 8 of 15 competencies"]


def test_duplicate_rater_keys_are_refused():
    """The same rater key given twice is refused, not counted twice, whatever the rubric."""
    levels = {i: 4 for i in required(HOO)}
    twice = [sheet("manager-1", levels), sheet("manager-1", levels)]
    for framework in (FW, V2026_12_2):
        with pytest.raises(ValueError, match="manager-1"):
            assess_readiness(framework, HOO, twice)
    with pytest.raises(ValueError, match="peer-1"):
        assess_readiness(FW, HOO, [sheet("manager-1", levels), sheet("peer-1", levels), sheet("peer-1", levels)])


def test_straight_lined_sheets_without_a_word_of_evidence_do_not_count():
    """A manager and a peer, 4 on every competency and not one word of evidence: Ready now on 2026.12.2; from
    2026.12.3 a critical competency at its requirement needs written evidence, so neither sheet counts."""
    fours = {i: 4 for i in required(HOO)}
    sheets = [sheet("manager-1", fours, evidence=False), sheet("peer-1", fours, evidence=False)]
    assert assess_readiness(V2026_12_2, HOO, sheets).provisional_band_id == "ready_now"
    result = assess_readiness(FW, HOO, sheets)
    assert result.band_id == "insufficient_evidence" and not result.is_sufficient
    assert [u.rater_key for u in result.uncounted_sheets] == ["manager-1", "peer-1"]
    reason = result.uncounted_sheets[0].reason
    assert reason.startswith("no written evidence for Strategic planning at level 4; ")
    assert "no written evidence for People leadership at level 4" in reason
    # Only what the rules ask for is named: a non-critical 4 needs no words.
    assert "Budget authority" not in reason
    # With the examples written, the same sheets count.
    written = [sheet("manager-1", fours), sheet("peer-1", fours)]
    assert assess_readiness(FW, HOO, written).uncounted_sheets == ()


def test_not_observed_without_evidence_is_named_as_such():
    """A "not observed" without its written reason is named with the scale's label."""
    levels = {i: 4 for i in required(HOO)} | {"budget_authority": NO}
    comments = {i: "Example." for i in levels if i != "budget_authority"}
    result = assess_readiness(FW, HOO, [RaterSheet("manager-1", "manager", levels, comments)])
    assert result.uncounted_sheets[0].reason == "no written evidence for Budget authority marked “Not observed”"


def test_self_sheets_are_never_left_out_nor_counted_as_raters():
    """A self-assessment without a word of evidence is left as it is: shown beside, never a rater."""
    levels = {i: 4 for i in required(HOO)}
    result = assess_readiness(FW, HOO, six_raters(levels) + [sheet("self", levels, evidence=False)])
    assert result.uncounted_sheets == () and result.competency("people_leadership").self_score == 4


def test_a_critical_competency_resting_on_one_peer_is_thin_evidence():
    """The line manager and two peers marked people leadership "not observed", one peer's 4 satisfied it."""
    levels = required(HOO)
    unseen = levels | {"people_leadership": NO}
    sheets = panel({"manager-1": unseen, "peer-1": unseen, "peer-2": unseen, "peer-3": levels})
    assert assess_readiness(V2026_12_2, HOO, sheets).provisional_band_id == "ready_now"
    result = assess_readiness(FW, HOO, sheets)
    assert result.provisional_band_id == "ready_1_2_years"
    thin = rule(result, "ready_now.critical_evidence")
    assert thin.status == FAILED and thin.competencies == ("people_leadership",)
    assert thin.detail == "Thin evidence: People leadership (raters 1, managers 0)."
    assert [c.competency_id for c in result.competencies if c.is_thin_evidence] == ["people_leadership"]
    # The candidate's copy withholds it with the competency (its count includes a hidden peer).
    view = candidate_view(result)
    assert view.competency("people_leadership").is_thin_evidence is None
    assert "People leadership" not in rule(view, "ready_now.critical_evidence").detail


def test_thin_evidence_needs_both_numbers_and_is_marked_whatever_the_verdict():
    """Two raters with one manager is enough; two peers and no manager is not; one manager alone is not. The mark
    stands even where the verdict is far from the best band."""
    levels = required(HOO)
    pl = "people_leadership"
    two = assess_readiness(FW, HOO, panel({"manager-1": levels, "peer-1": levels}))
    assert rule(two, "ready_now.critical_evidence").status == PASSED and two.provisional_band_id == "ready_now"
    no_manager = panel({"manager-1": levels | {pl: NO}, "peer-1": levels, "peer-2": levels})
    result = assess_readiness(FW, HOO, no_manager)
    assert rule(result, "ready_now.critical_evidence").competencies == (pl,)
    alone = panel({"manager-1": levels, "peer-1": levels | {pl: NO}})
    result = assess_readiness(FW, HOO, alone)
    assert rule(result, "ready_now.critical_evidence").detail == "Thin evidence: People leadership (raters 1, managers 1)."
    low = {i: 2 for i in levels}
    result = assess_readiness(FW, HOO, panel({"manager-1": low, "peer-1": low | {pl: NO}}))
    assert result.provisional_band_id == "not_yet_ready" and result.competency(pl).is_thin_evidence


# --- section 2: shortfalls counted, the group floor, "not observed" --------------------------------------------------


def test_seven_of_fifteen_one_level_short_is_not_ready_now():
    """Head of Operations, the seven non-critical competencies one level short: weighted attainment above 90%
    passed on 2026.12.2; at most two non-critical shortfalls are allowed now."""
    short = {i: v - 1 for i, v in required(HOO).items() if i in others(HOO)}
    assert len(short) == 7
    sheets = six_raters(required(HOO) | short)
    before = assess_readiness(V2026_12_2, HOO, sheets)
    assert before.provisional_band_id == "ready_now" and before.weighted_attainment > 0.9
    result = assess_readiness(FW, HOO, sheets)
    assert result.provisional_band_id == "ready_1_2_years"
    counted = rule(result, "ready_now.max_short_others")
    assert counted.status == FAILED and counted.competencies == tuple(others(HOO))
    assert counted.detail.startswith("7 non-critical competencies below their required level: Budget authority (1)")
    # Weighted attainment stays, as information and as a band condition.
    assert rule(result, "ready_now.min_weighted_attainment").status == PASSED


def test_two_non_critical_shortfalls_are_allowed_three_are_not():
    """At most two: exactly two passes, three fails."""
    base = required(HOO)
    two = {i: base[i] - 1 for i in others(HOO)[:2]}
    three = {i: base[i] - 1 for i in others(HOO)[:3]}
    assert rule(assess_readiness(FW, HOO, six_raters(base | two)), "ready_now.max_short_others").status == PASSED
    assert assess_readiness(FW, HOO, six_raters(base | two)).provisional_band_id == "ready_now"
    assert rule(assess_readiness(FW, HOO, six_raters(base | three)), "ready_now.max_short_others").status == FAILED


def test_three_peers_unanimous_at_1_are_not_averaged_away_by_a_manager_at_5():
    """Peers all at 1 on decision-making and stakeholder relations, the manager at 5: the mean is 3.67 against 4,
    within the floor; the peers' group is three levels below the requirement."""
    low = ["decision_making", "stakeholder_relations"]
    base = required(HOO)
    peers = base | {i: 1 for i in low}
    sheets = panel({"manager-1": base | {i: 5 for i in low}, "peer-1": peers, "peer-2": peers, "peer-3": peers})
    assert assess_readiness(V2026_12_2, HOO, sheets).provisional_band_id == "ready_now"
    result = assess_readiness(FW, HOO, sheets)
    assert result.provisional_band_id == "ready_1_2_years"
    floor = rule(result, "ready_now.max_group_gap")
    assert floor.status == FAILED and floor.competencies == tuple(low)
    assert floor.detail == ("Below the floor: Decision-making authority (peers 1 against 4), External and "
                            "stakeholder relations (peers 1 against 4).")
    assert rule(result, "ready_now.max_short_others").status == PASSED


def test_the_group_floor_is_inclusive_and_holds_for_managers_too():
    """A group mean exactly one level below passes; further below fails, managers as well as peers."""
    base = required(HOO)
    x = "decision_making"
    at = panel({"manager-1": base, "peer-1": base | {x: 3}, "peer-2": base | {x: 3}, "peer-3": base | {x: 3}})
    assert rule(assess_readiness(FW, HOO, at), "ready_now.max_group_gap").status == PASSED
    under = panel({"manager-1": base | {x: 5}, "peer-1": base | {x: 3}, "peer-2": base | {x: 3},
                   "peer-3": base | {x: 2}})
    assert rule(assess_readiness(FW, HOO, under), "ready_now.max_group_gap").competencies == (x,)
    managers = panel({"manager-1": base | {x: 2}, "manager-2": base | {x: 3}, "peer-1": base | {x: 5},
                      "peer-2": base | {x: 5}, "peer-3": base | {x: 5}})
    result = assess_readiness(FW, HOO, managers)
    assert rule(result, "ready_now.max_group_gap").detail == (
        "Below the floor: Decision-making authority (managers 2.5 against 4).")
    managers_at = panel({"manager-1": base | {x: 3}, "peer-1": base | {x: 5}, "peer-2": base | {x: 5}})
    assert rule(assess_readiness(FW, HOO, managers_at), "ready_now.max_group_gap").status == PASSED


def test_hidden_peers_count_for_the_floor_without_their_number():
    """Two peers (kept anonymous) at 1 where the manager gave 5: the floor counts them, as the decision does, but
    its detail gives no number for them, and the candidate's copy names no competency."""
    base = required(HOO)
    x = "decision_making"
    sheets = panel({"manager-1": base | {x: 5}, "peer-1": base | {x: 1}, "peer-2": base | {x: 1}})
    result = assess_readiness(FW, HOO, sheets)
    floor = rule(result, "ready_now.max_group_gap")
    assert floor.status == FAILED and floor.detail == "Below the floor: Decision-making authority (peers kept anonymous)."
    view = candidate_view(result)
    assert "Decision-making" not in rule(view, "ready_now.max_group_gap").detail
    assert view.competency(x).is_withheld_from_candidate


def test_five_competencies_nobody_observed_never_beat_the_same_five_rated_1():
    """Head of Operations, the critical competencies one level short: five non-critical competencies nobody
    observed gave Ready after development on 2026.12.2, the same five honestly rated 1 Not yet ready."""
    base = {i: v - 1 if i in critical(HOO) else v for i, v in required(HOO).items()}
    five = others(HOO)[:5]
    hidden = panel({k: base | {i: NO for i in five} for k in ("manager-1", "peer-1", "peer-2", "peer-3")})
    honest = panel({k: base | {i: 1 for i in five} for k in ("manager-1", "peer-1", "peer-2", "peer-3")})
    assert assess_readiness(V2026_12_2, HOO, hidden).provisional_band_id == "ready_1_2_years"
    assert assess_readiness(V2026_12_2, HOO, honest).provisional_band_id == "not_yet_ready"
    result = assess_readiness(FW, HOO, hidden)
    assert result.uncounted_sheets == ()  # 10 of 15 rated: each sheet counts
    assert result.provisional_band_id == "not_yet_ready"
    assert rule(result, "ready_1_2_years.max_unscored_others").status == FAILED
    assert result.weighted_attainment < assess_readiness(FW, HOO, honest).weighted_attainment
    assert result.attainment_text == "57.2% over all 15, 5 unscored counted as zero"


def test_the_best_band_asks_a_score_on_every_competency():
    """One non-critical competency nobody observed keeps the verdict out of Ready now (2026.12.2 allowed one)."""
    levels = required(HOO) | {"budget_authority": NO}
    sheets = six_raters(levels)
    assert assess_readiness(V2026_12_2, HOO, sheets).provisional_band_id == "ready_now"
    result = assess_readiness(FW, HOO, sheets)
    assert result.provisional_band_id == "ready_1_2_years"
    assert rule(result, "ready_now.max_unscored_others").text == (
        "Ready now: every competency scored (“not observed” is no hiding place).")


# --- the best band stays reachable ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [HOO, COO])
def test_the_best_band_stays_reachable(role):
    """Two managers and four peers who all place the candidate at or above every requirement, within a level of
    each other, with written evidence: Ready now, every rule passed, nothing thin, no sheet left out."""
    base = required(role)
    managers = {i: min(v + 1, 5) for i, v in base.items()}
    sheets = panel({"manager-1": managers, "manager-2": base, "peer-1": base, "peer-2": managers, "peer-3": base,
                    "peer-4": base})
    result = assess_readiness(FW, role, sheets)
    assert result.band_id == "ready_now" and not result.is_panel_review
    assert result.uncounted_sheets == () and not any(c.is_thin_evidence for c in result.competencies)
    assert all(r.status == PASSED for r in result.rules if r.id.startswith(("ready_now.", "counted_sheets")))
    assert {r.status for r in result.rules} <= {PASSED, NOT_APPLICABLE}
    # The same sheets without their examples do not count: the evidence is what makes the band.
    bare = [RaterSheet(s.rater_key, s.group, s.ratings) for s in sheets]
    assert assess_readiness(FW, role, bare).band_id == "insufficient_evidence"


# --- the candidate's copy ------------------------------------------------------------------------------------------


def test_the_candidates_copy_keeps_only_managers_sheets_that_do_not_count():
    """HR sees every sheet that does not count, with its key; the candidate only the managers', without the key,
    and the counted-sheets rule reads the same whether a peer's sheet counted or not."""
    levels = required(HOO)
    peers = {"peer-1": levels, "peer-2": levels, "peer-3": levels}
    with_peer = panel({"manager-1": levels, "manager-2": {"budget_authority": 4}, **peers,
                       "peer-4": {"budget_authority": 4}})
    without = panel({"manager-1": levels, "manager-2": {"budget_authority": 4}, **peers})
    result = assess_readiness(FW, HOO, with_peer)
    assert [u.rater_key for u in result.uncounted_sheets] == ["manager-2", "peer-4"]
    view = candidate_view(result)
    assert [(u.rater_key, u.group, u.reason) for u in view.uncounted_sheets] == [
        ("", "manager", "rated 1 of 15 competencies")]
    assert rule(view, "counted_sheets") == rule(candidate_view(assess_readiness(FW, HOO, without)), "counted_sheets")
    assert rule(view, "counted_sheets").detail == ("A manager’s sheet does not count: rated 1 of 15 competencies. "
                                                   "Your peers’ sheets are not listed one by one, to keep "
                                                   "them anonymous.")
    assert candidate_view(view) == view
