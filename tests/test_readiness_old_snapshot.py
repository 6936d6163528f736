"""Old cycles keep their verdicts: a snapshot pinned with rubric 2026.11 (no 2026.12 rule keys) gives the
same verdict, numbers and failed rules as the engine gave before 2026.12."""

import json
from pathlib import Path

import pytest
import yaml

from rubrics import framework_from_snapshot, load_framework
from rubrics.readiness import NOT_APPLICABLE, PANEL_REVIEW, assess_readiness, rules_in_words
from tests.old_snapshot_cases import cases, outcome

FIXTURES = Path(__file__).parent / "fixtures"
OLD = FIXTURES / "framework_2026_11.yaml"


@pytest.fixture(scope="module")
def old_framework():
    # As a cycle has it: the pinned snapshot (plain JSON data), rebuilt by the loader.
    return framework_from_snapshot(load_framework(OLD).data)


def test_old_snapshot_loads_with_the_old_rules(old_framework):
    """The 2026.11 snapshot has none of the new keys: peers below the threshold are left out, no panel review."""
    rules = old_framework.readiness
    assert rules.peers_below_threshold == "leave_out" and rules.panel_review is None
    assert all(b.min_raters is None and b.max_any_gap is None and b.max_unscored_others is None for b in rules.bands)
    assert [b.label for b in rules.bands] == ["Ready now", "Ready in 1-2 years", "Not yet ready"]
    assert "left out of the scores, the verdict and the report altogether" in "\n".join(rules_in_words(rules))


def test_old_snapshot_gives_the_old_results(old_framework):
    """300 seeded assessments: verdict, attainment, decision and peer scores are as before; every rule that
    failed before still fails unless it no longer applies, and nothing new fails."""
    expected = json.loads((FIXTURES / "readiness_2026_11_expected.json").read_text())
    for (n, role, sheets), before in zip(cases(old_framework), expected):
        result = assess_readiness(old_framework, role, sheets)
        now = outcome(result)
        assert result.band_id != PANEL_REVIEW
        for key in ("band_id", "is_sufficient", "weighted_attainment", "largest_critical_shortfall",
                    "decision_scores", "peer_scores", "rule_ids"):
            assert now[key] == before[key], (n, key)
        not_applicable = {r.id for r in result.rules if r.status == NOT_APPLICABLE}
        assert set(now["failed_rules"]) == set(before["failed_rules"]) - not_applicable, n


def test_the_shipped_rubric_has_the_new_rules():
    """The current rubric carries the 2026.12 rules, so new cycles get them."""
    data = yaml.safe_load((Path(__file__).parents[1] / "rubrics" / "data" / "framework.yaml").read_text())
    rules = load_framework().readiness
    assert "peers_below_threshold" in data["readiness"] and rules.panel_review is not None
    assert rules.bands[0].min_raters == 2 and rules.bands[0].min_managers == 1
    assert rules.bands[0].max_any_gap == 1 and rules.bands[0].max_unscored_others == 0
    assert rules.bands[1].max_unscored_others == 2 and rules.unscored_attainment == 0
    assert (rules.bands[0].min_critical_raters, rules.bands[0].min_critical_managers) == (2, 1)
    assert rules.bands[0].max_short_others == 2 and rules.bands[0].max_group_gap == 1
    assert rules.min_rated_share == 0.66
    assert rules.bands[1].label == "Ready after development"


def test_new_readiness_keys_are_validated_with_clear_messages():
    """Bad values of the 2026.12 keys are reported with their place, all at once."""
    from rubrics import RubricError
    from rubrics.loader import parse_framework

    data = load_framework().data
    readiness = dict(data["readiness"], peers_below_threshold="sometimes",
                     panel_review={"label": "Panel review", "critical_disagreement": 0, "overall_disagreement": 1.5,
                                   "colour": "red"},
                     rater_quality={"leniency": -1})
    bands = [dict(b) for b in readiness["bands"]]
    bands[0]["min_raters"] = 0
    bands[-1]["min_managers"] = 1
    readiness["bands"] = bands
    with pytest.raises(RubricError) as error:
        parse_framework(dict(data, readiness=readiness), origin="r.yaml")
    problems = "\n".join(error.value.problems)
    assert "r.yaml: readiness.peers_below_threshold: must be leave_out or count, not 'sometimes'" in problems
    assert "r.yaml: readiness.panel_review.critical_disagreement: must be greater than 0, not 0" in problems
    assert "r.yaml: readiness.panel_review.colour: unknown key" in problems
    assert "r.yaml: readiness.rater_quality.leniency: must be greater than 0, not -1" in problems
    assert "r.yaml: readiness.bands[0].min_raters: 0 is outside 1..100" in problems
    assert "r.yaml: readiness.bands[2]: the last band catches everything else and must have no conditions" in problems
