"""Rater quality across a cycle: the pure core (rubrics.readiness_quality) and HR's service over the database."""

import random

import pytest

from rubrics.model import RaterQualityRules
from rubrics.readiness_quality import (
    CENTRAL_TENDENCY,
    LENIENT,
    SEVERE,
    STRAIGHT_LINING,
    CycleRating,
    influence,
    rater_quality,
)

RULES = RaterQualityRules()  # min_ratings 6, leniency 0.75, min_spread 0.5, straight lines from 5 levels
WEIGHTS = {"manager": 2, "peer": 1}
COMPS = [f"c{i}" for i in range(6)]


def sheet(rater, candidate, levels, group="peer"):
    """Ratings of one rater on one candidate: one level per competency (a list) or the same level everywhere."""
    levels = levels if isinstance(levels, list) else [levels] * len(COMPS)
    return [CycleRating(rater, candidate, c, lv, group) for c, lv in zip(COMPS, levels)]


def flags(report, rater):
    return [f.id for f in report.rater(rater).flags]


def panel(candidate, extra, others=(3, 3, 3)):
    """A candidate rated by three ordinary raters with varied levels around ``others`` and by ``extra``."""
    out = []
    for n, base in enumerate(others):
        out += sheet(f"o{n}-{candidate}", candidate, [base, base + 1, base - 1, base, base + 1, base - 1])
    return out + extra


def test_a_lenient_rater_is_flagged_and_explained():
    """Two levels above the others of the same candidates: lenient, with the numbers in plain words."""
    ratings = panel("a", sheet("L", "a", [5, 5, 4, 5, 5, 4])) + panel("b", sheet("L", "b", [5, 4, 5, 5, 4, 5]))
    report = rater_quality(ratings, RULES, WEIGHTS)
    lenient = report.rater("L")
    assert flags(report, "L") == [LENIENT]
    assert lenient.leniency == pytest.approx(4.667 - 3, abs=1e-3)
    assert lenient.flags[0].explanation.startswith("Rates 1.67 levels above the other raters of the same candidates")
    # The ordinary raters are pulled only a little by L: none of them is flagged severe.
    assert all(not r.is_flagged for r in report.raters if r.rater_key != "L")


def test_a_severe_rater_and_the_threshold_is_inclusive():
    """Exactly 0.75 below the others is severe; just under it is not; fewer than 6 shared levels: not judged."""
    others = [sheet(f"o{n}", "a", 4) for n in range(3)]
    # Exactly -0.75 over 8 shared levels: six 4s against 4s, two 1s against 4s: -6/8.
    at = sheet("S", "a", [4, 4, 4, 4, 1, 1]) + [CycleRating("S", "b", "c0", 4), CycleRating("S", "b", "c1", 4)]
    more = [CycleRating(f"o{n}", "b", c, 4) for n in range(3) for c in ("c0", "c1")]
    report = rater_quality(sum(others, []) + at + more, RULES, WEIGHTS)
    assert report.rater("S").leniency == pytest.approx(-0.75)
    assert SEVERE in flags(report, "S")
    under = sheet("S", "a", [4, 4, 4, 4, 2, 1]) + [CycleRating("S", "b", "c0", 4), CycleRating("S", "b", "c1", 4)]
    assert SEVERE not in flags(rater_quality(sum(others, []) + under + more, RULES, WEIGHTS), "S")
    few = rater_quality(sum(others, []) + sheet("S", "a", [1, 2, 1, 1, 1, 4])[:5], RULES, WEIGHTS)
    assert few.rater("S").leniency is None and not few.rater("S").is_flagged


def test_straight_lining_and_central_tendency():
    """The same level on a whole sheet is straight-lining; levels that hardly vary, never at either end of the
    scale, are central tendency (a lenient 4-and-5 rater is not)."""
    ratings = panel("a", sheet("F", "a", 4)) + panel("b", sheet("F", "b", [2, 3, 2, 3, 2, 3]))
    ratings += panel("c", sheet("C", "c", [3, 3, 3, 3, 4, 3])) + panel("d", sheet("C", "d", [3, 3, 3, 3, 3, 4]))
    report = rater_quality(ratings, RULES, WEIGHTS)
    assert STRAIGHT_LINING in flags(report, "F")
    assert report.rater("F").flags[0].explanation.startswith("Gave one and the same level on every competency of 1 of 2 sheets")
    assert flags(report, "C") == [CENTRAL_TENDENCY]
    assert "standard deviation 0.37" in report.rater("C").flags[0].explanation
    # A short sheet (4 levels, under the 5 needed) of one level is not straight-lining.
    short = rater_quality(panel("e", sheet("F", "e", 4)[:4]), RULES, WEIGHTS)
    assert STRAIGHT_LINING not in flags(short, "F")
    five = rater_quality(panel("e", sheet("F", "e", 4)[:5]), RULES, WEIGHTS)
    assert STRAIGHT_LINING in flags(five, "F")
    # A spread of exactly 0.5 is not "almost none".
    assert CENTRAL_TENDENCY not in flags(rater_quality(panel("f", sheet("H", "f", [3, 4, 3, 4, 3, 4])), RULES, WEIGHTS), "H")


def test_a_verdict_resting_mainly_on_a_flagged_rater_is_marked():
    """A lenient manager beside one peer carries 2/3 of the decision weight: the verdict rests on them."""
    ratings = sheet("M", "a", [5, 5, 5, 5, 5, 4], "manager") + sheet("p1", "a", [3, 2, 3, 4, 3, 2])
    ratings += sheet("M", "b", [5, 5, 4, 5, 5, 5], "manager") + sheet("p2", "b", [3, 3, 2, 3, 4, 3])
    report = rater_quality(ratings, RULES, WEIGHTS)
    assert LENIENT in flags(report, "M")
    assert report.influence["a"] == {"M": pytest.approx(2 / 3), "p1": pytest.approx(1 / 3)}
    assert report.rests_on_flagged("a").rater_key == "M"
    # With three other managers beside them, M carries a quarter of the weight at most: not "mainly".
    crowd = ratings + sum((sheet(f"m{n}", "a", 3, "manager") for n in range(3)), [])
    shares = influence(crowd, WEIGHTS)["a"]
    assert shares["M"] < 0.5 and sum(shares.values()) == pytest.approx(1)
    assert rater_quality(crowd, RULES, WEIGHTS).rests_on_flagged("a") is None


def test_rater_order_does_not_matter():
    """Shuffled ratings give the same report."""
    ratings = panel("a", sheet("L", "a", 5)) + panel("b", sheet("C", "b", [3, 3, 3, 3, 4, 3]))
    shuffled = list(ratings)
    random.Random(7).shuffle(shuffled)
    assert rater_quality(shuffled, RULES, WEIGHTS) == rater_quality(ratings, RULES, WEIGHTS)


def test_the_cycle_service_flags_a_lenient_manager_in_fixed_queries(make):
    """HR's service: counted levels under real rater ids; the same number of queries for 1 or 3 candidates."""
    from assessment.extensions import db
    from assessment.services.assessments import assign_rater
    from assessment.services.rater_quality import cycle_rater_quality
    from tests.querycount import counted_queries
    from tests.results_helpers import sheet as assignment, submit_sheet

    def build(n):
        cycle = make.cycle()
        lenient = make.user("manager", name="Lenny Lenient")
        ids = []
        for _ in range(n):
            # From rubric 2026.12.3 leniency is against the other raters of the same group: a second manager.
            a = make.assessment(cycle=cycle, managers=1, peers=3)
            assign_rater(a, lenient, "manager", actor=None, reason="set up by the test")
            db.session.commit()
            submit_sheet(assignment(a, "manager", 0), 3)
            submit_sheet(assignment(a, "manager", 1), 5)
            for k, level in enumerate((2, 3, 2)):
                submit_sheet(assignment(a, "peer", k), level)
            ids.append(a.id)
        return cycle, lenient, ids

    cycle, lenient, ids = build(1)
    quality = cycle_rater_quality(cycle)
    key = str(lenient.id)
    assert quality.rater_names[key] == "Lenny Lenient"
    assert LENIENT in [f.id for f in quality.report.rater(key).flags]
    # Beside a second manager and three peers the lenient manager carries a third of the weight: not "mainly".
    assert quality.report.influence[str(ids[0])][key] == pytest.approx(1 / 3)
    assert quality.rests_on_flagged(ids[0]) is None
    big, _, _ = build(3)
    db.session.expire_all()
    with counted_queries() as small_count:
        cycle_rater_quality(cycle)
    db.session.expire_all()
    with counted_queries() as big_count:
        cycle_rater_quality(big)
    assert len(small_count) == len(big_count)


# --- rubric 2026.12.3: flags that hit the right raters ------------------------------------------------------------

NEW_RULES = RaterQualityRules(straight_line_share=0.9, same_group=True, cycle_spread_share=0.5)


def test_leniency_is_against_the_same_group_only():
    """A manager at 5 over peers at 3 is no lenient manager when the other manager agrees; a manager at 5 over
    another manager at 3 is."""
    agree = sheet("M1", "a", 5, "manager") + sheet("M2", "a", 5, "manager") + sum(
        (sheet(f"p{n}", "a", 3) for n in range(3)), [])
    report = rater_quality(agree, NEW_RULES, WEIGHTS)
    assert not report.rater("M1").flags and not report.rater("M2").flags
    assert LENIENT in [f.id for f in rater_quality(agree, RULES, WEIGHTS).rater("M1").flags]  # before: flagged
    apart = sheet("M1", "a", [5, 5, 5, 5, 4, 5], "manager") + sheet("M2", "a", [3, 3, 3, 3, 4, 3], "manager")
    flags = {r.rater_key: [f.id for f in r.flags] for r in rater_quality(apart, NEW_RULES, WEIGHTS).raters}
    assert LENIENT in flags["M1"] and SEVERE in flags["M2"]


def test_no_flag_under_the_minimum_number_of_levels():
    short = long_sheet("P", "a", [1, 1, 1, 1, 1]) + long_sheet("Q", "a", [5, 5, 5, 5, 5])
    assert all(not r.flags for r in rater_quality(short, NEW_RULES, WEIGHTS).raters)
    assert any(r.flags for r in rater_quality(short, RULES, WEIGHTS).raters)  # before: straight-lining


def long_sheet(rater, candidate, levels):
    return [CycleRating(rater, candidate, f"k{i}", lv, "peer") for i, lv in enumerate(levels)]


def test_near_straight_lining_and_the_top_of_the_scale():
    """Nine of ten levels alike is straight-lining at 90%; a sheet of 5s (a profile that requires 5s) is not."""
    near = long_sheet("P", "a", [3] * 9 + [4])
    assert STRAIGHT_LINING in [f.id for f in rater_quality(near, NEW_RULES, WEIGHTS).rater("P").flags]
    assert STRAIGHT_LINING not in [f.id for f in rater_quality(near, RULES, WEIGHTS).rater("P").flags]
    eight = long_sheet("P", "a", [3] * 8 + [4, 2])
    assert STRAIGHT_LINING not in [f.id for f in rater_quality(eight, NEW_RULES, WEIGHTS).rater("P").flags]
    top = long_sheet("P", "a", [5] * 10)
    assert STRAIGHT_LINING not in [f.id for f in rater_quality(top, NEW_RULES, WEIGHTS).rater("P").flags]


def test_central_tendency_only_when_unusual_for_the_cycle():
    """Levels 3 and 4 only: central tendency when the cycle's raters spread widely, not when all spread alike."""
    narrow = sheet("C", "a", [3, 3, 4, 3, 4, 3])
    wide = sum((sheet(f"w{n}", "b", [1, 5, 2, 4, 1, 5]) for n in range(3)), [])
    alike = sum((sheet(f"n{n}", "b", [3, 4, 3, 4, 3, 3]) for n in range(3)), [])
    assert CENTRAL_TENDENCY in [f.id for f in rater_quality(narrow + wide, NEW_RULES, WEIGHTS).rater("C").flags]
    assert CENTRAL_TENDENCY not in [f.id for f in rater_quality(narrow + alike, NEW_RULES, WEIGHTS).rater("C").flags]
    assert CENTRAL_TENDENCY in [f.id for f in rater_quality(narrow + alike, RULES, WEIGHTS).rater("C").flags]


def test_central_tendency_at_exactly_half_the_cycle_median_is_ordinary():
    """A spread exactly half the cycle's median rater spread is not below it: no flag (the rule is strict)."""
    narrow = sheet("C", "a", [3, 3, 4, 3, 4, 3])
    double = sum((sheet(f"d{n}", "b", [2, 2, 4, 2, 4, 2]) for n in range(3)), [])
    report = rater_quality(narrow + double, NEW_RULES, WEIGHTS)
    assert report.rater("C").spread == pytest.approx(report.rater("d0").spread / 2)
    assert CENTRAL_TENDENCY not in [f.id for f in report.rater("C").flags]
