"""Issue 18, part 3 on the engine: what each decisive level rests on (``CompetencyResult.situation_text``), in
English and German, and that it never changes a score or the verdict (docs/readiness.md, "Where a level was seen").
"""

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rubrics import language, load_framework
from rubrics.model import Exercise
from rubrics.readiness import RaterSheet, assess_readiness, candidate_view
from rubrics.readiness_model import Situation
from rubrics.readiness_agreement import rwg
from rubrics.readiness_situations import period, periods_text, situation_text
from rubrics.sheet import sheet_competencies
from tests.test_readiness_properties import assessments

BASE = load_framework()
HOO = "head_of_operations"
COMP = "strategic_planning"  # critical, required 4
EXERCISES = {"en": (Exercise("board_presentation", "Board presentation", "", 45, {COMP: [3, 4, 5]}),
                    Exercise("case_analysis", "Case analysis", "", 90, {COMP: [3, 4]})),
             "de": (Exercise("board_presentation", "Vorstandspräsentation", "", 45, {COMP: [3, 4, 5]}),
                    Exercise("case_analysis", "Fallstudie", "", 90, {COMP: [3, 4]}))}


def framework(lang="en"):
    return replace(BASE.in_language(lang), exercises=EXERCISES[lang])


FW = framework()


def sheet(key, group, level, situation=None):
    ratings = {r.competency_id: r.required for r in BASE.role(HOO).requirements} | {COMP: level}
    return RaterSheet(key, group, ratings, {i: "Seen in the Q3 review." for i in ratings},
                      situations={COMP: situation} if situation else {})


def the_issues_case():
    return [
        sheet("manager-0", "manager", 4, Situation("role", 104)),
        sheet("manager-1", "manager", 5, Situation("role", 104)),
        sheet("peer-0", "peer", 4, Situation("acting_up", 13)),
        sheet("peer-1", "peer", 5, Situation("acting_up", 26)),
        sheet("peer-2", "peer", 4, Situation("exercise", None, ("board_presentation",))),
        sheet("peer-3", "peer", 3, Situation("project", 40)),  # below the requirement: not decisive
        sheet("self", "self", 5, Situation("project", 8)),  # self never decides
    ]


@pytest.mark.parametrize("weeks, expected", [
    (1, ("weeks", 1)), (7, ("weeks", 7)), (8, ("months", 2)), (13, ("months", 3)), (26, ("months", 6)),
    (52, ("months", 12)), (103, ("months", 24)), (104, ("years", 2)), (130, ("years", 3)), (1040, ("years", 20)),
])
def test_periods_in_weeks_months_years(weeks, expected):
    assert period(weeks) == expected


def test_periods_named_once_per_unit():
    assert periods_text([26, 13]) == "3 and 6 months"
    assert periods_text([13, 13]) == "3 months"
    assert periods_text([1]) == "1 week"
    assert periods_text([6, 13, 104]) == "6 weeks, 3 months and 2 years"
    with language.use("de"):
        assert periods_text([26, 13]) == "3 und 6 Monate"
        assert periods_text([1]) == "1 Woche"


def test_the_issues_sentence():
    result = assess_readiness(FW, HOO, the_issues_case())
    assert result.competency(COMP).situation_text == (
        "seen in the role (2 raters: 2 years), while acting up (2 raters: 3 and 6 months) and in the board "
        "presentation exercise")


def test_the_issues_sentence_in_german():
    with language.use("de"):
        result = assess_readiness(framework("de"), HOO, the_issues_case())
    assert result.competency(COMP).situation_text == (
        "beobachtet in der Rolle (2 Bewertende: 2 Jahre), in Vertretung einer höheren Rolle (2 Bewertende: 3 und "
        "6 Monate) und in der Übung Vorstandspräsentation")


@pytest.mark.parametrize("entries, expected", [
    ([Situation("role", 52)], "seen in the role (1 rater: 12 months)"),
    ([Situation("role", None), Situation("role", None)], "seen in the role (2 raters)"),
    ([Situation("role", 104), Situation("role", 52)], "seen in the role (2 raters: 12 months and 2 years)"),
    ([Situation("acting_up", 13)], "seen while acting up (1 rater: 3 months)"),
    ([Situation("acting_up", 13), Situation("acting_up", 13)], "seen while acting up (2 raters: 3 months)"),
    # The expert's case: one stint described as 22 and 26 weeks is not "two acting-up periods".
    ([Situation("acting_up", 22), Situation("acting_up", 26)], "seen while acting up (2 raters: 5 and 6 months)"),
    ([Situation("acting_up", None)], "seen while acting up (1 rater)"),
    ([Situation("acting_up", None), Situation("acting_up", 26)], "seen while acting up (2 raters: 6 months)"),
    ([Situation("project", 4)], "seen on project work (1 rater: 4 weeks)"),
    ([Situation("project", 4), Situation("project", 30)], "seen on project work (2 raters: 4 weeks and 7 months)"),
    ([Situation("exercise")], "seen in an exercise"),
    ([Situation("exercise", None, ("case_analysis", "board_presentation"))],
     "seen in the case analysis and board presentation exercises"),
    ([Situation("exercise", None, ("board_presentation",)), Situation("exercise", None, ("board_presentation",))],
     "seen in the board presentation exercise (2 raters)"),
    ([Situation("exercise", None, ("unknown_id",))], "seen in the unknown_id exercise"),
    ([Situation("project", 4), Situation("role", 200)],
     "seen in the role (1 rater: 4 years) and on project work (1 rater: 4 weeks)"),
    ([], ""),
])
def test_situation_sentences(entries, expected):
    assert situation_text(FW, entries) == expected


def test_situation_sentences_in_german():
    with language.use("de"):
        fw = framework("de")
        assert situation_text(fw, [Situation("exercise", None, ("case_analysis", "board_presentation"))]) == (
            "beobachtet in den Übungen Fallstudie und Vorstandspräsentation")
        assert situation_text(fw, [Situation("project", 4), Situation("project", 30)]) == (
            "beobachtet in Projektarbeit (2 Bewertende: 4 Wochen und 7 Monate)")
        assert situation_text(fw, [Situation("acting_up", None)]) == (
            "beobachtet in Vertretung einer höheren Rolle (1 bewertende Person)")
        assert situation_text(fw, [Situation("acting_up", 22), Situation("acting_up", 26)]) == (
            "beobachtet in Vertretung einer höheren Rolle (2 Bewertende: 5 und 6 Monate)")


def test_nothing_recorded_nothing_said():
    sheets = [replace(s, situations={}) for s in the_issues_case()]
    assert all(c.situation_text == "" for c in assess_readiness(FW, HOO, sheets).competencies)


def test_only_levels_at_or_above_the_requirement_are_decisive():
    sheets = [sheet("manager-0", "manager", 3, Situation("role", 104)),
              sheet("peer-0", "peer", 4, Situation("project", 13))]
    assert assess_readiness(FW, HOO, sheets).competency(COMP).situation_text == (
        "seen on project work (1 rater: 3 months)")


def test_a_sheet_that_does_not_count_is_not_decisive():
    """A sheet that rates too few competencies is no evidence (2026.12.3): nor is where it saw a level."""
    short = RaterSheet("peer-9", "peer", {COMP: 5}, {COMP: "Seen once."}, situations={COMP: Situation("role", 520)})
    result = assess_readiness(FW, HOO, [sheet("manager-0", "manager", 4, Situation("acting_up", 13)), short])
    assert [u.rater_key for u in result.uncounted_sheets] == ["peer-9"]
    assert result.competency(COMP).situation_text == "seen while acting up (1 rater: 3 months)"


def test_hidden_peers_show_in_hrs_copy_only():
    """Two peers are below the anonymity threshold: they count (and HR reads where they saw it), but the
    candidate's copy withholds the competency's numbers, and the text with them."""
    sheets = [sheet("manager-0", "manager", 3), sheet("peer-0", "peer", 5, Situation("acting_up", 26)),
              sheet("peer-1", "peer", 4)]
    result = assess_readiness(FW, HOO, sheets)
    assert result.competency(COMP).is_withheld_from_candidate
    assert result.competency(COMP).situation_text == "seen while acting up (1 rater: 6 months)"
    assert candidate_view(result).competency(COMP).situation_text == ""


def test_a_shown_competency_tells_the_candidate_the_named_groups_situations_only():
    """Peers are shown as a group here, yet how many of them saw a level at or above the requirement would tell
    their levels: the candidate reads the managers' situations only."""
    result = assess_readiness(FW, HOO, the_issues_case())
    assert not result.competency(COMP).is_withheld_from_candidate
    assert candidate_view(result).competency(COMP).situation_text == "seen in the role (2 raters: 2 years)"
    assert candidate_view(candidate_view(result)) == candidate_view(result)


SITUATIONS = st.one_of(st.none(), st.builds(Situation, st.sampled_from(["role", "acting_up", "project", "exercise"]),
                                            st.one_of(st.none(), st.integers(1, 1040)),
                                            st.sampled_from([(), ("board_presentation",)])))


@settings(max_examples=60, deadline=None)
@given(assessments(), st.data())
def test_situations_never_change_the_verdict(case, data):
    """Where levels were seen is shown; the result is otherwise the same to the field."""
    role, sheets = case
    ids = [c.id for c in BASE.competencies]
    recorded = [replace(s, situations={i: v for i in ids if (v := data.draw(SITUATIONS)) is not None})
                for s in sheets]
    plain, seen = assess_readiness(FW, role, sheets), assess_readiness(FW, role, recorded)
    blank = tuple(replace(c, situation_text="", named_situation_text="") for c in seen.competencies)
    assert replace(seen, competencies=blank, strengths=(), blind_spots=(), hidden_strengths=(),
                   disagreements=()) == replace(plain, strengths=(), blind_spots=(), hidden_strengths=(),
                                                disagreements=())
    assert (seen.band_id, seen.verdict_rank, seen.rules) == (plain.band_id, plain.verdict_rank, plain.rules)


# --- the new groups on the shipped rubric (2026.12.4) -----------------------------------------------------------

SHIPPED = load_framework()
PEOPLE = "people_leadership"  # critical for a Head of Operations, required 4; direct reports judge it


def shipped_sheet(key, group, level, situation=None, comp=PEOPLE):
    """A sheet with the competencies its group can judge at the requirement, ``comp`` at ``level``."""
    ids = sheet_competencies(SHIPPED, SHIPPED.role(HOO), group)
    ratings = {r.competency_id: r.required for r in SHIPPED.role(HOO).requirements if r.competency_id in ids}
    ratings[comp] = level
    return RaterSheet(key, group, ratings, {i: "Seen in the Q3 review." for i in ratings},
                      situations={comp: situation} if situation else {})


def test_the_consensus_names_its_exercises():
    consensus = RaterSheet("assessor-consensus", "assessor", {PEOPLE: 5, "communication": 4},
                           {PEOPLE: "Held the room.", "communication": "Clear."},
                           situations={PEOPLE: Situation("exercise", None, ("role_play", "in_tray"))})
    sheets = [shipped_sheet("manager-0", "manager", 3), consensus]
    result = assess_readiness(SHIPPED, HOO, sheets)
    assert result.competency(PEOPLE).situation_text == "seen in the role-play and in-tray exercises"
    with language.use("de"):
        german = assess_readiness(SHIPPED.in_language("de"), HOO, sheets)
    assert german.competency(PEOPLE).situation_text == "beobachtet in den Übungen Rollenspiel und Postkorbübung"


def test_direct_reports_below_their_threshold_count_for_hr_and_stay_hidden_from_the_candidate():
    sheets = [shipped_sheet("manager-0", "manager", 4, Situation("role", 104)),
              shipped_sheet("direct_report-0", "direct_report", 5, Situation("acting_up", 26)),
              shipped_sheet("direct_report-1", "direct_report", 2)]
    result = assess_readiness(SHIPPED, HOO, sheets)
    people = result.competency(PEOPLE)
    assert people.situation_text == "seen in the role (1 rater: 2 years) and while acting up (1 rater: 6 months)"
    assert people.agreement == float(rwg([4, 5, 2]))  # the two hidden direct reports count, as in the decision
    assert people.is_withheld_from_candidate
    mine = candidate_view(result).competency(PEOPLE)
    assert mine.situation_text == "" and mine.agreement is None


def the_experts_case(manager_level):
    """Communication (required 4): one manager, direct reports 5, 5 and 3 (shown as a group, mean 4.33)."""
    return [shipped_sheet("manager-0", "manager", manager_level, Situation("role", 104), COMM),
            shipped_sheet("direct_report-0", "direct_report", 5, Situation("role", 104), COMM),
            shipped_sheet("direct_report-1", "direct_report", 5, Situation("acting_up", 26), COMM),
            shipped_sheet("direct_report-2", "direct_report", 3, None, COMM)]


COMM = "communication"


def test_the_candidates_copy_does_not_count_anonymous_levels():
    """The expert's case: beside the shown mean 4.33 of three direct reports, "in the role for 2 years and in an
    acting-up period of 6 months" told two of them at 4 or more, so 5, 5 and 3 (and who acted up). HR keeps that
    text; the candidate reads only what the manager saw, and nothing when the manager is below the requirement."""
    result = assess_readiness(SHIPPED, HOO, the_experts_case(3))
    comm = result.competency(COMM)
    assert comm.direct_report_score == pytest.approx(13 / 3) and not comm.is_withheld_from_candidate
    assert comm.situation_text == "seen in the role (1 rater: 2 years) and while acting up (1 rater: 6 months)"
    assert candidate_view(result).competency(COMM).situation_text == ""
    shown = candidate_view(assess_readiness(SHIPPED, HOO, the_experts_case(4))).competency(COMM)
    assert shown.situation_text == "seen in the role (1 rater: 2 years)"


def test_the_candidates_copy_reads_the_same_whatever_the_anonymous_levels():
    """Any levels and situations of the direct reports: the candidate's situation texts do not change."""
    base = the_experts_case(4)
    texts = set()
    for levels in [(5, 5, 3), (4, 3, 3), (5, 5, 5), (3, 3, 3)]:
        sheets = base[:1] + [replace(s, ratings={**s.ratings, COMM: v}) for s, v in zip(base[1:], levels)]
        mine = candidate_view(assess_readiness(SHIPPED, HOO, sheets))
        texts.add(tuple(c.situation_text for c in mine.competencies))
    assert len(texts) == 1
