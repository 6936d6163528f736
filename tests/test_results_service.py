"""Loading submitted sheets into the readiness core, and the cycle's results in a fixed number of queries."""

from assessment.extensions import db
from assessment.services.ratings import reopen_sheet
from assessment.services.readiness import assess, assess_cycle, load_sheets
from tests.querycount import counted_queries
from tests.results_helpers import move_cycle, rated_assessment, save_draft, sheet, submit_sheet


def test_each_sheet_counts_with_its_last_submitted_revision(make):
    """A never-submitted draft is left out; a reopened sheet counts with its submitted revision until resubmitted."""
    assessment = make.assessment(managers=2, peers=1)
    submit_sheet(sheet(assessment, "manager", 0), 2)
    submit_sheet(sheet(assessment, "manager", 1), 4)
    submit_sheet(sheet(assessment, "self"), 5)
    save_draft(sheet(assessment, "peer"), 1)
    hr = make.user("hr")
    reopen_sheet(sheet(assessment, "manager", 0), "Rated the wrong candidate by mistake.", actor=hr)
    db.session.commit()
    save_draft(sheet(assessment, "manager", 0), 5)  # edits of the reopened draft do not count until submitted
    sheets = {s.rater_key: s for s in load_sheets([assessment.id])[assessment.id]}
    assert set(sheets) == {"manager-1", "manager-2", "self"}  # the peer's draft is left out
    assert set(sheets["manager-1"].ratings.values()) == {2}, "the reopened sheet keeps its submitted levels"
    assert set(sheets["manager-2"].ratings.values()) == {4}
    submit_sheet(sheet(assessment, "manager", 0), 3)
    sheets = {s.rater_key: s for s in load_sheets([assessment.id])[assessment.id]}
    assert set(sheets) == {"manager-1", "manager-2", "self"}
    assert set(sheets["manager-1"].ratings.values()) == {3}, "revision 1's level 2 must not come back"
    assert set(sheets["self"].ratings.values()) == {5}


def test_a_reopened_sheet_not_resubmitted_still_counts_after_closing(make):
    """Closing a cycle with a reopened sheet keeps that sheet's submission in the result (nothing is lost)."""
    assessment = make.assessment(managers=1)
    submit_sheet(sheet(assessment, "manager"), 4)
    reopen_sheet(sheet(assessment, "manager"), "Check the budget evidence.", actor=make.user("hr"))
    db.session.commit()
    move_cycle(assessment.cycle, "closed")
    result = assess(assessment).result
    assert all(c.decision_score == 4 for c in result.competencies)


def test_rater_keys_and_comments_never_name_the_rater(make):
    """Sheets reach the core under neutral keys; evidence texts become comments, names and ids nowhere."""
    assessment = rated_assessment(make, manager=4, self_level=3, peers=(3, 4, 5))
    sheets = load_sheets([assessment.id])[assessment.id]
    assert sorted(s.rater_key for s in sheets) == ["manager-1", "peer-1", "peer-2", "peer-3", "self"]
    people = [a.rater for a in assessment.assignments]
    for s in sheets:
        text = repr(s)
        assert not any(p.name in text or p.email in text for p in people)
        assert set(s.comments.values()) == {"Seen in the quarterly review."}


def test_not_observed_reaches_the_core_as_not_observed(make):
    """A "not observed" rating is passed on as such, never as a level."""
    from rubrics import NOT_OBSERVED

    assessment = make.assessment()
    first = make.framework.competencies[0].id
    submit_sheet(sheet(assessment, "manager"), {first: NOT_OBSERVED})
    (manager,) = load_sheets([assessment.id])[assessment.id]
    assert manager.ratings[first] == NOT_OBSERVED
    result = assess(assessment).result
    assert result.competency(first).decision_score is None and result.competency(first).rated == 0


def _count_queries(fn):
    with counted_queries() as statements:
        fn()
    return len(statements)


def test_a_whole_cycle_loads_in_a_fixed_number_of_queries(make):
    """Results for 2 or 6 candidates take the same number of queries (no query per candidate or sheet)."""
    small, large = make.cycle(), make.cycle()
    for _ in range(2):
        rated_assessment(make, cycle=small, self_level=3, peers=(3,))
    for _ in range(6):
        rated_assessment(make, cycle=large, self_level=3, peers=(3,))
    db.session.expire_all()
    small_count = _count_queries(lambda: [o.assessment.candidate.name for o in assess_cycle(small)])
    db.session.expire_all()
    large_count = _count_queries(lambda: [o.assessment.candidate.name for o in assess_cycle(large)])
    assert small_count == large_count
    assert len(assess_cycle(large)) == 6


def test_the_result_says_how_many_were_asked_and_how_many_submitted(make):
    """Assigned counts reach the core: "2 peers were asked; none submitted", never "No peers were asked"."""
    assessment = make.assessment(managers=1, peers=2)
    submit_sheet(sheet(assessment, "manager"), 4)
    save_draft(sheet(assessment, "peer", 0), 3)
    result = assess(assessment).result
    assert result.group_count("peer").text == "2 peers were asked; none submitted."
    assert result.group_count("manager").text == "1 manager was asked; 1 submitted."
    assert "2 peers were asked; none submitted." in result.evidence_summary
    (outcome,) = assess_cycle(assessment.cycle)
    assert outcome.result.group_counts == result.group_counts


def test_the_candidate_report_withholds_numbers_that_depend_on_hidden_peers(make):
    """With two peers (below the threshold of 3) HR's report counts them; the candidate's carries no decision
    score, gap or attainment that could give a peer's level away."""
    from assessment.services.readiness import report_data

    assessment = rated_assessment(make, manager=4, self_level=3, peers=(1, 2))
    hr, candidate = report_data(assessment, audience="hr"), report_data(assessment, audience="candidate")
    assert not hr.result.is_candidate_view and hr.result.weighted_attainment is not None
    assert all(c.decision_score is not None for c in hr.result.competencies)
    assert candidate.result.is_candidate_view and candidate.result.weighted_attainment is None
    assert all(c.decision_score is None and c.gap is None for c in candidate.result.competencies)
    assert candidate.result.band_id == hr.result.band_id
