"""Old cycles keep their results: a cycle pinned to rubric 2026.12.2 (before sheets had to be evidence, shortfalls
were counted, the group floor and thin evidence; none of the 2026.12.3 keys) gives exactly what the engine gave
before 2026.12.3: verdict, provisional band, every rule with its status, detail and failing competencies, the
summaries, numbers and shortfalls.

tests/fixtures/readiness_2026_12_2_expected.json was computed by the engine at commit 9ae2c75 (before 2026.12.3
was applied) on tests/data/rubric_2026_12_2_snapshot.json, with the seeded cases of tests/old_snapshot_cases.py
(seed 20261207), by ``golden`` below.
"""

import json
import re
from pathlib import Path

import pytest

from rubrics import framework_from_snapshot
from rubrics.readiness import assess_readiness
from tests.old_snapshot_cases import cases, outcome

HERE = Path(__file__).parent
SNAPSHOT = HERE / "data" / "rubric_2026_12_2_snapshot.json"


def golden(result):
    """Everything an old cycle's pages and report print from a result."""
    out = outcome(result)
    out.update(
        provisional_band_id=result.provisional_band_id,
        is_panel_review=result.is_panel_review,
        rules=[[r.id, r.status, r.detail, list(r.competencies)] for r in result.rules],
        summary=result.summary,
        evidence_summary=result.evidence_summary,
        attainment_text=result.attainment_text,
        panel_review_reasons=list(result.panel_review_reasons),
        holding_back=[[s.competency_id, s.shortfall] for s in result.holding_back],
    )
    return out


@pytest.fixture(scope="module")
def framework():
    return framework_from_snapshot(json.loads(SNAPSHOT.read_text(encoding="utf-8")))


def test_the_2026_12_2_snapshot_has_none_of_the_new_keys(framework):
    """Pinned without the 2026.12.3 keys, every one is off."""
    rules = framework.readiness
    assert rules.min_rated_share is None and rules.unscored_attainment is None
    assert not rules.evidence_at_critical_requirement and rules.evidence_from_own_mean is None
    for band in rules.bands:
        assert (band.min_critical_raters, band.min_critical_managers, band.max_short_others,
                band.max_group_gap) == (None, None, None, None)


def test_the_2026_12_2_snapshot_gives_exactly_the_results_of_before(framework):
    """300 seeded assessments, sheets without a word of evidence: results identical to the engine before
    2026.12.3, and no sheet is left out."""
    expected = json.loads((HERE / "fixtures" / "readiness_2026_12_2_expected.json").read_text(encoding="utf-8"))
    seen = list(cases(framework, seed=20261207))
    assert len(seen) == len(expected) == 300
    for (n, role, sheets), before in zip(seen, expected):
        result = assess_readiness(framework, role, sheets)
        assert result.uncounted_sheets == () and not any(c.is_thin_evidence for c in result.competencies)
        now = golden(result)
        # One change is meant for every cycle, old ones included: a rule's detail prints each shortfall by the one
        # rounding rule of the pages and the PDF (issue 17, 3: "1.25" became "1.2", "2" became "2.0", as the table
        # always printed them). A detail's words are compared exactly, its numbers as the same number rounded.
        now_rules, old_rules = now.pop("rules"), before.pop("rules")
        assert [r[:2] + r[3:] for r in now_rules] == [r[:2] + r[3:] for r in old_rules], n
        for (_, _, detail, _), (_, _, old_detail, _) in zip(now_rules, old_rules):
            assert NUMBER.sub("#", detail) == NUMBER.sub("#", old_detail), (n, detail, old_detail)
            pairs = zip(NUMBER.findall(detail), NUMBER.findall(old_detail), strict=True)
            assert all(abs(float(a) - float(b)) < 0.1 for a, b in pairs), (n, detail, old_detail)
        assert now == before, n


NUMBER = re.compile(r"\d+(?:\.\d+)?")
