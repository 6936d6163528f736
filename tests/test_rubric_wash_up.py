"""The wash-up rules (rubrics.wash_up): a consensus within the assessors' levels, a reason always, a resolution
from ``resolve_apart`` levels apart."""

from __future__ import annotations

import pytest

from rubrics import NOT_OBSERVED
from rubrics.wash_up import consensus_problems, consensus_stands, level_range, levels_apart, resolution_needed


def test_range_ignores_not_observed_and_unanswered():
    assert level_range([4, NOT_OBSERVED, 2, None]) == (2, 4)
    assert level_range([NOT_OBSERVED, None]) is None
    assert levels_apart([3]) == 0 and levels_apart([]) == 0


@pytest.mark.parametrize(("levels", "needed"), [([3, 4], False), ([3, 5], True), ([2, 5], True), ([4, 4], False),
                                                ([3, NOT_OBSERVED], False), ([1, 2, 3], True)])
def test_resolution_from_exactly_two_levels_apart(levels, needed):
    assert resolution_needed(levels, 2) is needed
    problems = consensus_problems(levels, levels[0], "Both saw the budget round.", "", 2)
    assert ("resolution" in problems) is needed


def test_a_written_resolution_satisfies_the_rule():
    assert consensus_problems([3, 5], 4, "Strong in the case.", "We agreed the role-play showed 4.", 2) == {}


def test_no_rule_no_resolution():
    assert not resolution_needed([1, 5], None)
    assert consensus_problems([1, 5], 3, "reason", "", None) == {}


@pytest.mark.parametrize(("consensus", "ok"), [(2, False), (3, True), (4, True), (5, True), (1, False),
                                               (NOT_OBSERVED, True)])
def test_consensus_within_the_assessors_levels(consensus, ok):
    problems = consensus_problems([3, 5], consensus, "reason", "resolved", 2)
    assert ("level" not in problems) is ok
    if not ok:
        assert "given by no assessor" in problems["level"] and "3 to 5" in problems["level"]


def test_one_level_seen_and_nobody_saw_a_level():
    assert "every assessor gave level 4" in consensus_problems([4, 4], 5, "r", "", 2)["level"]
    assert "only be “not observed”" in consensus_problems([NOT_OBSERVED], 3, "r", "", 2)["level"]
    assert consensus_problems([NOT_OBSERVED], NOT_OBSERVED, "r", "", 2) == {}


def test_reason_is_required_and_bounded():
    assert set(consensus_problems([3], 3, "   ", "", 2)) == {"reason"}
    assert set(consensus_problems([3], None, "x" * 4001, "", 2)) == {"level", "reason"}
    assert set(consensus_problems([1, 5], 3, "ok", "y" * 4001, 2)) == {"resolution"}


@pytest.mark.parametrize(("levels", "consensus", "stands"), [
    ((3, 5), 5, True), ((3, 3), 5, False), ((3, 5), 2, False), ((NOT_OBSERVED, None), 3, False),
    ((NOT_OBSERVED, None), NOT_OBSERVED, True), ((4, 4), NOT_OBSERVED, True), ((4, 4), None, False)])
def test_a_saved_consensus_stands_only_within_the_levels_given_now(levels, consensus, stands):
    """A sheet reopened and changed after the wash-up can leave the saved consensus outside the levels."""
    assert consensus_stands(levels, consensus) is stands
