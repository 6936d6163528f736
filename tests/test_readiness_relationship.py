"""Issue 18, part 3 on the engine: raters who have known the candidate only briefly (flagged or left out) and the
role's eligibility rule beside the verdict (docs/readiness.md, "Rater relationship" and "Eligibility")."""

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessment.extensions import db
from assessment.framework import pinned_framework
from assessment.models import StoredResult
from assessment.services import readiness, result_codec, results_store
from rubrics import language, load_framework
from rubrics.eligibility import Tenure, eligibility_checks
from rubrics.model import AgreementRules, Eligibility, RaterRelationshipRules
from rubrics.readiness import (
    FAILED,
    NOT_APPLICABLE,
    PASSED,
    RaterSheet,
    ReadinessResult,
    assess_readiness,
    candidate_view,
)
from rubrics.readiness_model import Situation
from tests.results_helpers import rated_assessment
from tests.evidence_rules import without_evidence_keys
from tests.test_readiness_properties import assessments

SHIPPED = load_framework()
BASE = without_evidence_keys(SHIPPED)
HOO = "head_of_operations"


def framework(mode="flag", min_months=3, lang="en"):
    base = without_evidence_keys(SHIPPED.in_language(lang))
    rules = replace(base.readiness, rater_relationship=RaterRelationshipRules(min_months, mode))
    return replace(base, readiness=rules)


def sheet(key, group, known=None, shift=0):
    """Every competency at the requirement (plus ``shift``, within 1..5), each with written evidence."""
    ratings = {r.competency_id: min(5, max(1, r.required + shift)) for r in BASE.role(HOO).requirements}
    return RaterSheet(key, group, ratings, {i: "Seen in the Q3 review." for i in ratings}, known_months=known)


def panel():
    return [sheet("manager-0", "manager", 36), sheet("manager-1", "manager", 0, shift=1),
            sheet("peer-0", "peer", 12), sheet("peer-1", "peer", 3), sheet("peer-2", "peer", None, shift=-1),
            sheet("self", "self", 0)]


# --- flag -------------------------------------------------------------------------------------------------------

def test_a_rater_of_short_acquaintance_counts_and_is_marked():
    flagged, plain = assess_readiness(framework(), HOO, panel()), assess_readiness(BASE, HOO, panel())
    assert flagged.short_acquaintance_raters == 1  # manager-1; peer-1 has exactly 3 months; self never counts
    assert [c.decision_score for c in flagged.competencies] == [c.decision_score for c in plain.competencies]
    assert flagged.uncounted_sheets == () and flagged.band_id == plain.band_id
    assert candidate_view(flagged).short_acquaintance_raters == 0


@pytest.mark.parametrize("min_months, marked", [(3, 1), (4, 2), (1, 1), (0, 0)])
def test_the_months_are_the_rubrics_and_exactly_at_them_is_enough(min_months, marked):
    assert assess_readiness(framework(min_months=min_months), HOO, panel()).short_acquaintance_raters == marked


def test_without_the_rule_the_months_change_nothing():
    assert assess_readiness(BASE, HOO, panel()) == assess_readiness(
        BASE, HOO, [replace(s, known_months=None) for s in panel()])


def test_a_verdict_resting_on_them_goes_to_the_panel():
    """One manager (weight 2 of 3) of short acquaintance and one peer: two thirds of the decision weight on a
    flagged rater, at least the rubric's half."""
    sheets = [sheet("manager-0", "manager", 0), sheet("peer-0", "peer", 12, shift=1)]
    result = assess_readiness(framework(), HOO, sheets)
    assert result.is_panel_review
    assert result.panel_review_reasons[-1] == (
        "The verdict rests for 66.7% of its decision weight on raters flagged as lenient, severe or "
        "straight-lining, or who have known the candidate only briefly (1 of the managers, 0 of the other raters).")
    assert not assess_readiness(BASE, HOO, sheets).is_panel_review


def test_the_cycles_flags_and_short_acquaintance_add_up():
    """A lenient peer alone carries a third; with the manager of short acquaintance, everything."""
    sheets = [sheet("manager-0", "manager", 0), sheet("peer-0", "peer", 12, shift=1)]
    lenient = {"peer-0": ("lenient",)}
    assert not assess_readiness(BASE, HOO, sheets, flagged=lenient).is_panel_review
    result = assess_readiness(framework(), HOO, sheets, flagged=lenient)
    assert "100%" in result.panel_review_reasons[-1] and "(1 of the managers, 1 of the other raters)" in \
        result.panel_review_reasons[-1]


# --- leave out --------------------------------------------------------------------------------------------------

def test_left_out_the_sheet_does_not_count_and_says_why():
    result = assess_readiness(framework("leave_out"), HOO, panel())
    without = assess_readiness(BASE, HOO, [s for s in panel() if s.rater_key != "manager-1"])
    assert [(u.rater_key, u.reason) for u in result.uncounted_sheets] == [
        ("manager-1", "known the candidate less than 3 months")]
    assert [c.decision_score for c in result.competencies] == [c.decision_score for c in without.competencies]
    assert result.short_acquaintance_raters == 0
    assert "A manager’s sheet does not count: known the candidate less than 3 months." in result.rules[0].detail
    with language.use("de"):
        german = assess_readiness(framework("leave_out", lang="de"), HOO, panel())
    assert german.uncounted_sheets[0].reason == "kennt die Kandidat:in seit weniger als 3 Monaten"


def test_a_sheet_left_out_for_another_reason_names_this_one_too():
    thin = RaterSheet("peer-9", "peer", {"strategic_planning": 4}, {"strategic_planning": "Seen."}, known_months=0)
    result = assess_readiness(framework("leave_out"), HOO, [*panel(), thin])
    assert dict((u.rater_key, u.reason) for u in result.uncounted_sheets)["peer-9"] == (
        "rated 1 of 15 competencies; known the candidate less than 3 months")


def test_the_candidate_reads_nothing_of_a_peers_acquaintance():
    result = assess_readiness(framework("leave_out"), HOO, [*panel(), sheet("peer-3", "peer", 0)])
    assert {u.rater_key for u in result.uncounted_sheets} == {"manager-1", "peer-3"}
    mine = candidate_view(result)
    assert [(u.group, u.rater_key) for u in mine.uncounted_sheets] == [("manager", "")]
    assert mine.short_acquaintance_raters == 0


# --- eligibility ------------------------------------------------------------------------------------------------

ROLE = replace(BASE.role(HOO), eligibility=Eligibility(min_leadership_months=60, min_current_role_months=12))
ELIGIBLE_FW = replace(BASE, roles=tuple(ROLE if r.id == HOO else r for r in BASE.roles))


def test_eligibility_met_not_met_and_not_known():
    checks = eligibility_checks(ROLE, Tenure(leadership_months=48, current_role_months=12))
    assert [(c.id, c.text, c.required_months, c.months, c.status) for c in checks] == [
        ("min_leadership_months", "At least 60 months in leadership roles: 48, not met.", 60, 48, FAILED),
        ("min_current_role_months", "At least 12 months in the current role: 12, met.", 12, 12, PASSED)]
    unknown = eligibility_checks(ROLE, Tenure(leadership_months=60))
    assert [(c.text, c.status) for c in unknown] == [
        ("At least 60 months in leadership roles: 60, met.", PASSED),
        ("At least 12 months in the current role: not known.", NOT_APPLICABLE)]
    assert eligibility_checks(ROLE, None) == eligibility_checks(ROLE, Tenure())
    assert all(c.status == NOT_APPLICABLE for c in eligibility_checks(ROLE, None))
    with language.use("de"):
        assert eligibility_checks(ROLE, Tenure(48, 0))[0].text == (
            "Mindestens 60 Monate in Führungsrollen: 48, nicht erfüllt.")
        assert eligibility_checks(ROLE, Tenure(48, 0))[1].text == (
            "Mindestens 12 Monate in der derzeitigen Rolle: 0, nicht erfüllt.")


def test_a_role_without_the_rule_or_with_one_part_of_it():
    assert eligibility_checks(BASE.role(HOO), Tenure(1, 1)) == ()
    only = replace(ROLE, eligibility=Eligibility(min_current_role_months=24))
    assert [c.id for c in eligibility_checks(only, Tenure(100, 30))] == ["min_current_role_months"]


def test_the_result_carries_it():
    result = assess_readiness(ELIGIBLE_FW, HOO, panel(), tenure=Tenure(48, 30))
    assert result.eligibility == eligibility_checks(ROLE, Tenure(48, 30))
    assert candidate_view(result).eligibility == result.eligibility  # the candidate's own record


@settings(max_examples=60, deadline=None)
@given(assessments(), st.builds(Tenure, st.one_of(st.none(), st.integers(0, 720)),
                                st.one_of(st.none(), st.integers(0, 720))))
def test_eligibility_never_changes_the_verdict(case, tenure):
    """Met or not, known or not: the result is the same but for the checks."""
    role, sheets = case
    fw = replace(ELIGIBLE_FW, roles=tuple(replace(r, eligibility=ROLE.eligibility) for r in ELIGIBLE_FW.roles))
    checked, plain = assess_readiness(fw, role, sheets, tenure=tenure), assess_readiness(fw, role, sheets)
    assert len(checked.eligibility) == 2
    assert replace(checked, eligibility=plain.eligibility) == plain


# --- stored results ---------------------------------------------------------------------------------------------

def test_every_new_field_round_trips_through_the_store():
    rules = replace(ELIGIBLE_FW.readiness, agreement=AgreementRules(),
                    rater_relationship=RaterRelationshipRules(3, "flag"))
    fw = replace(ELIGIBLE_FW, readiness=rules)
    sheets = [replace(s, situations={"strategic_planning": Situation("acting_up", 13)}) for s in panel()]
    result = assess_readiness(fw, HOO, sheets, tenure=Tenure(48, None))
    assert result.agreement is not None and result.agreement_level and result.short_acquaintance_raters == 1
    assert result.eligibility and result.competency("strategic_planning").situation_text
    assert result_codec.loads(ReadinessResult, result_codec.dumps(result)) == result
    mine = candidate_view(result)
    assert result_codec.loads(ReadinessResult, result_codec.dumps(mine)) == mine


def test_the_service_passes_the_candidates_months_and_an_edit_recomputes(make):
    """compute_results checks the assessment's months against the pinned rubric's rule; editing them changes the
    stored result's fingerprint and forgets the stored row."""
    assessment = rated_assessment(make, manager=4, peers=(4, 4))
    role = pinned_framework(assessment.cycle).role(assessment.target_role)
    assert readiness.assess(assessment).result.eligibility == eligibility_checks(role, Tenure())
    before = results_store.input_fingerprints(assessment.cycle, [assessment])[assessment.id]
    assessment.leadership_months, assessment.current_role_months = 48, 7
    db.session.commit()
    assert db.session.get(StoredResult, (assessment.id, "en")) is None
    assert results_store.input_fingerprints(assessment.cycle, [assessment])[assessment.id] != before
    assert readiness.tenure(assessment) == Tenure(48, 7)
    assert readiness.assess(assessment).result.eligibility == eligibility_checks(role, Tenure(48, 7))
    assert assessment.target_role == HOO
    assert readiness.compute_results([assessment], framework=ELIGIBLE_FW)[assessment.id].eligibility == (
        eligibility_checks(ROLE, Tenure(48, 7)))
