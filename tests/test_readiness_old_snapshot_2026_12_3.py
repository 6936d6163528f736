"""Old cycles keep their results: a cycle pinned to rubric 2026.12.3 (before direct reports, assessors, per-group
competencies and weights; none of the 2026.12.4 keys) gives exactly what the engine gave before 2026.12.4: the
whole result and the candidate's copy, field by field as the stored-results codec writes them, and the
methodology sentences.

tests/data/rubric_2026_12_3_snapshot.json is ``load_framework(...).data`` of ``git show
5b3f52c:rubrics/data/framework.yaml``; tests/fixtures/readiness_2026_12_3_expected.json was computed by the engine
at commit f995c73 (before issue 18's groundwork) with the seeded cases of tests/golden_2026_12_3_cases.py: to see a
difference, check that commit out in a scratch worktree and compare ``recorded`` there and here.
Issue 19 rewrote the candidate's copy for the candidate: the 141 "candidate" digests were recomputed after checking,
case by case against the engine of 5a4a69e, that only the wording of rule details, the summary and the evidence
summary changed (every band, status, score and group the same).
"""

import json
from pathlib import Path

import pytest

from rubrics import framework_from_snapshot
from rubrics.readiness import assess_readiness
from tests.golden_2026_12_3_cases import cases, recorded, words

HERE = Path(__file__).parent
SNAPSHOT = HERE / "data" / "rubric_2026_12_3_snapshot.json"


@pytest.fixture(scope="module")
def framework():
    return framework_from_snapshot(json.loads(SNAPSHOT.read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def expected():
    return json.loads((HERE / "fixtures" / "readiness_2026_12_3_expected.json").read_text(encoding="utf-8"))


def test_the_2026_12_3_snapshot_has_none_of_the_new_keys(framework):
    rules = framework.readiness
    assert framework.version == "2026.12.3" and framework.exercises == ()
    assert rules.group_competencies == {} and rules.competency_group_weights == {}
    assert rules.anonymity_thresholds == {} and set(rules.rater_group_weights) == {"manager", "peer"}


def test_the_2026_12_3_snapshot_gives_exactly_the_results_of_before(framework, expected):
    """160 seeded assessments with sheets that count and sheets that do not, asked-for counts and rater flags:
    every field of the result and of the candidate's copy as before."""
    seen = list(cases(framework))
    assert len(seen) == len(expected["cases"]) == 160
    assert {c["band_id"] for c in expected["cases"]} >= {"ready_now", "ready_1_2_years", "not_yet_ready",
                                                         "insufficient_evidence", "panel_review"}
    for (n, role, sheets, assigned, flagged), before in zip(seen, expected["cases"]):
        now = recorded(framework, role, sheets, assigned, flagged)
        assert now == before, n


def test_the_2026_12_3_methodology_reads_as_before(framework, expected):
    assert words(framework) == expected["words"]


def test_no_new_field_is_filled_on_a_2026_12_3_snapshot(framework):
    """What 2026.12.4 adds keeps its default for an old cycle (the digest leaves those fields out)."""
    for n, role, sheets, assigned, flagged in list(cases(framework))[:40]:
        result = assess_readiness(framework, role, sheets, assigned, flagged)
        assert result.direct_report_anonymity_threshold in (0, framework.readiness.peer_anonymity_threshold), n
        for comp in result.competencies:
            assert (comp.direct_report_score, comp.assessor_score) == (None, None), n
