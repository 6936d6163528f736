"""Direct reports and the assessors' consensus in the readiness engine (rubric 2026.12.4): which group judges
which competency, per-competency weights, the direct reports' anonymity, the consensus as one group, and how they
count as raters. Old rubrics: tests/test_readiness_old_snapshot_2026_12_3.py."""

import json
from dataclasses import replace
from fractions import Fraction
from pathlib import Path

import pytest

from assessment.services import result_codec
from rubrics import framework_from_snapshot, language
from rubrics.readiness import (
    ASSESSOR,
    DIRECT_REPORT,
    MANAGER,
    PANEL_REVIEW,
    PEER,
    PEERS_SHOWN,
    PEERS_SUPPRESSED,
    SELF,
    ReadinessResult,
    assess_readiness,
    candidate_view,
    judged_by,
    rubric_groups,
)
from tests.groups_framework import (
    ASSESSOR_JUDGES,
    DIRECT_REPORT_JUDGES,
    FW,
    IDS,
    REQUIRED,
    ROLE,
    consensus,
    direct_reports,
    levels,
    sheet,
)

SNAPSHOT_2026_12_3 = Path(__file__).parent / "data" / "rubric_2026_12_3_snapshot.json"
MANAGERS = [sheet("manager-1", "manager", levels()), sheet("manager-2", "manager", levels(0, people_leadership=4))]


def assess(*sheets, fw=FW, **kw):
    return assess_readiness(fw, ROLE, [s for group in sheets for s in (group if isinstance(group, list) else [group])],
                            **kw)


def rule(result, rid):
    return next(r for r in result.rules if r.id == rid or r.id.endswith("." + rid))


def test_the_rubric_names_its_groups_and_what_each_judges():
    old = framework_from_snapshot(json.loads(SNAPSHOT_2026_12_3.read_text(encoding="utf-8")))
    assert rubric_groups(old) == (SELF, MANAGER, PEER) and judged_by(old, PEER) == frozenset(IDS)
    assert rubric_groups(FW) == (SELF, MANAGER, PEER, DIRECT_REPORT, ASSESSOR)
    assert judged_by(FW, DIRECT_REPORT) == frozenset(DIRECT_REPORT_JUDGES)
    assert judged_by(FW, ASSESSOR) == frozenset(ASSESSOR_JUDGES)
    assert judged_by(FW, MANAGER) == frozenset(IDS)


def test_a_direct_report_who_rated_all_of_their_competencies_has_rated_everything():
    """Six of fifteen is 100% of what a direct report can judge: the sheet counts."""
    result = assess(MANAGERS, direct_reports(3))
    assert result.uncounted_sheets == ()
    assert result.competency("people_leadership").rated == 2 + 3
    three = assess(MANAGERS, direct_reports(2), sheet("direct_report-3", "direct_report",
                                                      levels(0, DIRECT_REPORT_JUDGES[:3])))
    assert [(u.rater_key, u.reason) for u in three.uncounted_sheets] == [
        ("direct_report-3", "rated 3 of 6 competencies")]
    assert rule(three, "counted_sheets").detail == "A direct report’s sheet does not count: rated 3 of 6 competencies."


def test_a_level_on_a_competency_the_group_cannot_judge_changes_nothing():
    plain = assess(MANAGERS, direct_reports(3))
    extra = [replace(s, ratings={**s.ratings, "budget_authority": 1, "strategic_planning": 5},
                     comments={**s.comments, "budget_authority": "I saw the budget.", "strategic_planning": "Yes."})
             for s in direct_reports(3)]
    assert assess(MANAGERS, extra) == plain
    budget = plain.competency("budget_authority")
    assert [g.group for g in budget.groups] == [SELF, MANAGER, DIRECT_REPORT]
    column = budget.groups[-1]
    assert not column.is_judged and column.score is None and column.coverage == "not rated by this group"
    assert budget.rated == budget.raters == 2 and DIRECT_REPORT not in budget.suppressed_groups
    assert not budget.is_withheld_from_candidate


def test_per_competency_weights_decide_people_leadership():
    """People leadership: managers 2, direct reports 2; communication: managers 2, direct reports 1."""
    managers = [sheet("manager-1", "manager", levels(0, people_leadership=4, communication=4))]
    result = assess(managers, direct_reports(3, people_leadership=5, communication=5))
    assert result.competency("people_leadership").decision_score == pytest.approx((2 * 4 + 2 * 5) / 4)
    assert result.competency("communication").decision_score == pytest.approx((2 * 4 + 1 * 5) / 3)
    assert result.competency("people_leadership").direct_report_score == 5


def test_direct_reports_below_their_threshold_count_and_are_withheld_from_the_candidate():
    two = direct_reports(2, people_leadership=5)
    two = [replace(s, comments={**s.comments, "people_leadership": "Listens to us."}) for s in two]
    result = assess(MANAGERS, two)
    comp = result.competency("people_leadership")
    assert result.group_mode(DIRECT_REPORT) == PEERS_SUPPRESSED and DIRECT_REPORT not in result.shown_groups
    assert comp.direct_report_score is None and comp.suppressed_groups == (DIRECT_REPORT,)
    assert comp.is_withheld_from_candidate and not comp.peers_suppressed
    # Counted in the decision (managers 4 and 4: 2 x 4; two direct reports at 5: 2 x 5).
    assert comp.decision_score == pytest.approx((2 * 4 + 2 * 5) / 4)
    assert comp.rated == 2 and comp.raters == 2
    assert not any(b.group == DIRECT_REPORT for b in result.comments)
    assert result.withheld_groups == (DIRECT_REPORT,)
    mine = candidate_view(result)
    assert mine.competency("people_leadership").decision_score is None and mine.weighted_attainment is None
    assert "not shown, to keep your raters anonymous" in mine.summary
    assert "Fewer of your direct reports took part than are needed to show them" in mine.evidence_summary
    assert all(u.group in (MANAGER, ASSESSOR) for u in mine.uncounted_sheets)


def test_three_direct_reports_are_shown_as_a_group():
    result = assess(MANAGERS, direct_reports(3))
    assert result.group_mode(DIRECT_REPORT) == PEERS_SHOWN and result.direct_report_anonymity_threshold == 3
    assert result.shown_groups == (SELF, MANAGER, DIRECT_REPORT)
    assert result.competency("people_leadership").direct_report_score == pytest.approx(
        REQUIRED["people_leadership"] + 0)
    assert [g.group for g in result.competency("people_leadership").groups] == list(result.shown_groups)
    assert result.group_count(DIRECT_REPORT).text == "3 direct reports submitted."


def test_the_direct_reports_threshold_comes_from_the_rules():
    fw = replace(FW, readiness=replace(FW.readiness, anonymity_thresholds={"direct_report": 2}))
    result = assess(MANAGERS, direct_reports(2, fw=fw), fw=fw)
    assert result.group_mode(DIRECT_REPORT) == PEERS_SHOWN and result.direct_report_anonymity_threshold == 2
    default = replace(FW, readiness=replace(FW.readiness, anonymity_thresholds={}))
    assert assess(MANAGERS, direct_reports(3), fw=default).direct_report_anonymity_threshold == 3


def test_the_assessors_consensus_is_one_group_shown_by_name():
    one = consensus({"people_leadership": 5, "communication": 4, "strategic_planning": 4})
    result = assess(MANAGERS[:1], one)
    comp = result.competency("people_leadership")
    assert comp.assessor_score == 5 and ASSESSOR in result.shown_groups
    assert comp.decision_score == pytest.approx(Fraction(2 * levels()["people_leadership"] + 2 * 5, 4))
    assert any(b.group == ASSESSOR and b.texts == ("Seen in the board presentation.",) for b in result.comments)
    assert result.competency("budget_authority").groups[-1].is_judged is False
    assert result.group_count(ASSESSOR).text == "The assessors’ consensus is agreed."


def test_a_consensus_with_one_level_counts_one_with_none_does_not():
    """The consensus covers what the exercises held showed: it counts from one level (min_rated_share is for one
    rater's acquaintance with the candidate), never with none."""
    result = assess(MANAGERS[:1], consensus({"communication": 4}))
    assert result.uncounted_sheets == () and "2 counted" in rule(result, "min_nonself_raters").detail
    empty = assess(MANAGERS[:1], consensus({"communication": "not_observed"}))
    assert [u.group for u in empty.uncounted_sheets] == [ASSESSOR]
    assert "The assessors’ consensus does not count" in rule(empty, "counted_sheets").detail


def test_direct_reports_and_the_consensus_count_as_raters_but_not_as_managers():
    with_manager = assess(MANAGERS[:1], consensus(levels(0, ASSESSOR_JUDGES)))
    assert rule(with_manager, "min_raters").passed and rule(with_manager, "min_managers").passed
    assert with_manager.evidence_summary == "Rests on 2 sheets: 1 manager, the assessors’ consensus."
    peers = [sheet(f"peer-{k}", "peer", levels()) for k in range(3)]
    without = assess(peers, direct_reports(3), consensus(levels(0, ASSESSOR_JUDGES)))
    assert rule(without, "min_raters").passed and not rule(without, "min_managers").passed
    assert without.is_sufficient and without.provisional_band_id != "ready_now"
    assert without.evidence_summary == "Rests on 7 sheets: 3 peers, 3 direct reports, the assessors’ consensus."
    with language.use("de"):
        german = assess(peers, direct_reports(3), consensus(levels(0, ASSESSOR_JUDGES)))
    assert german.evidence_summary == ("Stützt sich auf 7 Bögen: 3 Peers, 3 direkt unterstellte Mitarbeitende, der "
                                       "Konsens der Assessoren.")


def test_thin_evidence_counts_the_consensus_and_direct_reports():
    """People leadership (critical) rated by one manager and the consensus: two raters, a manager among them."""
    result = assess(MANAGERS[:1], consensus(levels(0, ASSESSOR_JUDGES)))
    assert not result.competency("people_leadership").is_thin_evidence
    assert result.competency("strategic_planning").is_thin_evidence is False
    # Crisis management (critical) is seen by the manager only: thin.
    assert result.competency("crisis_management").is_thin_evidence


def test_the_group_floor_and_panel_review_see_direct_reports():
    low = assess(MANAGERS, direct_reports(3, people_leadership=2))
    floor = rule(low, "max_group_gap")
    assert not floor.passed and "People leadership (direct reports 2 against 4)" in floor.detail
    assert low.band_id == PANEL_REVIEW
    assert "People leadership (critical): managers and direct reports are 2 levels apart." in \
        low.panel_review_reasons


def test_a_result_with_the_new_groups_round_trips_through_the_store():
    result = assess(MANAGERS, direct_reports(2), consensus(levels(0, ASSESSOR_JUDGES)))
    assert result.competency("communication").assessor_score is not None
    text = result_codec.dumps(result)
    assert result_codec.loads(ReadinessResult, text) == result
    view = candidate_view(result)
    assert result_codec.loads(ReadinessResult, result_codec.dumps(view)) == view
