"""Seeded random assessments for the old-snapshot test (tests/test_readiness_old_snapshot.py).

The expected results in tests/fixtures/readiness_2026_11_expected.json were computed by the engine as it was
before rubric 2026.12 (commit f91cc5c), on tests/fixtures/framework_2026_11.yaml, with these very cases.
"""

import random

from rubrics.model import NOT_OBSERVED
from rubrics.readiness import RaterSheet

VALUES = [1, 2, 3, 4, 5, 1, 2, 3, 4, 5, 3, 4, 4, 5, NOT_OBSERVED, None]


def cases(framework, count=300, seed=20261201):
    rng = random.Random(seed)
    ids = [c.id for c in framework.competencies]
    roles = [r.id for r in framework.roles]
    for n in range(count):
        role = rng.choice(roles)
        sheets = []
        for group, most in (("self", 1), ("manager", 3), ("peer", 5)):
            for k in range(rng.randint(0, most)):
                values = {i: v for i in ids if (v := rng.choice(VALUES)) is not None}
                sheets.append(RaterSheet("self" if group == "self" else f"{group}-{k + 1}", group, values))
        yield n, role, sheets


def outcome(result):
    """What an old cycle must keep: verdict, numbers, and which rules failed."""
    return {
        "band_id": result.band_id,
        "is_sufficient": result.is_sufficient,
        "weighted_attainment": result.weighted_attainment,
        "largest_critical_shortfall": result.largest_critical_shortfall,
        "decision_scores": [c.decision_score for c in result.competencies],
        "peer_scores": [c.peer_score for c in result.competencies],
        "failed_rules": [r.id for r in result.rules if r.status == "failed"] if hasattr(result.rules[0], "status")
        else [r.id for r in result.rules if not r.passed],
        "rule_ids": [r.id for r in result.rules],
    }
