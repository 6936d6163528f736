"""Properties of direct reports and the assessors' consensus in the readiness engine (hypothesis), on the
2026.12.4-style framework of tests/groups_framework.py: a direct report added at or above what their group (or
the decision) already says, or a direct report's level raised, never worsens the verdict; the order of direct
reports never matters; a level on a competency the group cannot judge changes nothing; below the threshold no
single direct report's answers can be read from the candidate's copy."""

from dataclasses import replace
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from rubrics import NOT_OBSERVED
from rubrics.readiness import DIRECT_REPORT, PEERS_SUPPRESSED, RaterSheet, assess_readiness, candidate_view
from tests.groups_framework import ASSESSOR_JUDGES, DIRECT_REPORT_JUDGES, FW, IDS
from tests.test_readiness_properties import no_lower, same_for_candidate

ROLES = [r.id for r in FW.roles]
THRESHOLD = FW.readiness.anonymity_thresholds["direct_report"]
NOT_JUDGED = [i for i in IDS if i not in DIRECT_REPORT_JUDGES]
LEVELS = st.sampled_from([1, 2, 3, 4, 5, 2, 3, 4, 4, 5, NOT_OBSERVED, None])
EVIDENCE = st.sampled_from(["Led our weekly review.", "Explains the why.", "Calm in the outage & after"])


@st.composite
def sheet_of(draw, group, key, ids):
    values = draw(st.lists(LEVELS, min_size=len(ids), max_size=len(ids)))
    texts = draw(st.lists(EVIDENCE, min_size=len(ids), max_size=len(ids)))
    ratings = {i: v for i, v in zip(ids, values) if v is not None}
    return RaterSheet(key, group, ratings, {i: t for i, t in zip(ids, texts) if i in ratings})


@st.composite
def assessments(draw, reports=st.integers(0, 5)):
    sheets = []
    for group, count, ids in (("self", draw(st.integers(0, 1)), IDS), ("manager", draw(st.integers(0, 2)), IDS),
                              ("peer", draw(st.integers(0, 4)), IDS),
                              ("direct_report", draw(reports), DIRECT_REPORT_JUDGES),
                              ("assessor", draw(st.integers(0, 1)), ASSESSOR_JUDGES)):
        keys = ["assessor-consensus"] if group == "assessor" else [f"{group}-{k}" for k in range(count)]
        sheets += [draw(sheet_of(group, key, ids)) for key in keys[:count]]
    return draw(st.sampled_from(ROLES)), sheets


def assess(role, sheets):
    return assess_readiness(FW, role, sheets)


def report_mean(result, sheets, comp_id):
    """The direct reports' mean over every counted level on a competency (what the decision uses)."""
    left_out = {u.rater_key for u in result.uncounted_sheets}
    levels = [s.ratings[comp_id] for s in sheets if s.group == DIRECT_REPORT and s.rater_key not in left_out
              and s.ratings.get(comp_id, NOT_OBSERVED) != NOT_OBSERVED]
    return Fraction(sum(levels), len(levels)) if levels else None


@settings(max_examples=150, deadline=None)
@given(assessments(), st.data())
def test_an_added_direct_report_never_worsens_the_verdict(case, data):
    """A new direct report who rates every competency they can judge, each at or above the direct reports'
    current mean there (the decision score where they had none, the requirement where nobody had a score)."""
    role, sheets = case
    before = assess(role, sheets)
    ratings = {}
    for comp_id in DIRECT_REPORT_JUDGES:
        floor = report_mean(before, sheets, comp_id)
        if floor is None:
            floor = before.competency(comp_id).decision_score
        if floor is None:
            floor = FW.role(role).requirement(comp_id).required
        ratings[comp_id] = data.draw(st.integers(max(1, -int(-floor // 1)), 5))
    added = RaterSheet("direct_report-new", DIRECT_REPORT, ratings, {i: "Seen every week." for i in ratings})
    after = assess(role, sheets + [added])
    no_lower(after, before)
    assert after.is_sufficient or not before.is_sufficient


@settings(max_examples=150, deadline=None)
@given(assessments(reports=st.integers(1, 5)), st.data())
def test_a_better_direct_report_level_never_worsens_the_verdict(case, data):
    role, sheets = case
    raisable = [(k, i) for k, s in enumerate(sheets) if s.group == DIRECT_REPORT
                for i, v in s.ratings.items() if v != NOT_OBSERVED and v < 5]
    if not raisable:
        return
    k, comp_id = data.draw(st.sampled_from(raisable))
    higher = data.draw(st.integers(sheets[k].ratings[comp_id] + 1, 5))
    raised = replace(sheets[k], ratings={**sheets[k].ratings, comp_id: higher})
    before, after = assess(role, sheets), assess(role, sheets[:k] + [raised] + sheets[k + 1:])
    assert after.is_sufficient == before.is_sufficient
    no_lower(after, before)


@settings(max_examples=100, deadline=None)
@given(assessments(reports=st.integers(2, 5)), st.randoms(use_true_random=False))
def test_the_order_of_direct_reports_never_matters(case, rng):
    role, sheets = case
    reports = [s for s in sheets if s.group == DIRECT_REPORT]
    rng.shuffle(reports)
    others = [s for s in sheets if s.group != DIRECT_REPORT]
    assert assess(role, others + reports) == assess(role, sheets)


@settings(max_examples=100, deadline=None)
@given(assessments(reports=st.integers(1, 5)), st.data())
def test_a_level_the_group_cannot_judge_changes_nothing(case, data):
    role, sheets = case
    k = data.draw(st.sampled_from([j for j, s in enumerate(sheets) if s.group == DIRECT_REPORT]))
    comp_id = data.draw(st.sampled_from(NOT_JUDGED))
    value = data.draw(st.sampled_from([1, 3, 5, NOT_OBSERVED]))
    changed = replace(sheets[k], ratings={**sheets[k].ratings, comp_id: value},
                      comments={**sheets[k].comments, comp_id: data.draw(EVIDENCE)})
    assert assess(role, sheets[:k] + [changed] + sheets[k + 1:]) == assess(role, sheets)


@settings(max_examples=150, deadline=None)
@given(assessments(reports=st.integers(1, THRESHOLD - 1)), st.data())
def test_too_few_direct_reports_cannot_be_recovered_by_the_candidate(case, data):
    """Below the threshold of direct report sheets, any change to one direct report's whole sheet changes nothing
    in the candidate's view but the coarse outcomes (verdict, Panel review, whether each rule held)."""
    role, sheets = case
    k = data.draw(st.sampled_from([j for j, s in enumerate(sheets) if s.group == DIRECT_REPORT]))
    other = data.draw(sheet_of(DIRECT_REPORT, sheets[k].rater_key, DIRECT_REPORT_JUDGES))
    before, after = assess(role, sheets), assess(role, sheets[:k] + [other] + sheets[k + 1:])
    assert before.group_mode(DIRECT_REPORT) == PEERS_SUPPRESSED
    same_for_candidate(before, after)
    view = candidate_view(before)
    for comp in view.competencies:
        assert comp.direct_report_score is None
        assert DIRECT_REPORT not in {g.group for g in comp.groups}
        if comp.competency_id in DIRECT_REPORT_JUDGES:
            assert comp.decision_score is None
    assert all(block.group != DIRECT_REPORT for block in view.comments)
