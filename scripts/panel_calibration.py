"""Calibration: how often each 2026.12.3 Panel review rule fires on simulated assessments (docs/readiness.md,
"Borderline, and the calibration").

    python scripts/panel_calibration.py        each rater off the true level by one 40% of the time
    python scripts/panel_calibration.py 8      ... 20% of the time
"""

from __future__ import annotations

import json
import random
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rubrics import framework_from_snapshot, load_framework  # noqa: E402
from rubrics.readiness import RaterSheet, assess_readiness  # noqa: E402

NEW = load_framework()
OLD = framework_from_snapshot(json.loads((ROOT / "tests" / "data" / "rubric_2026_12_2_snapshot.json").read_text()))
ROLES = ("head_of_operations", "coo", "operations_manager")
KINDS = ("borderline", "peers are split", "mean", "two managers are", "managers and peers", "rests for", "Overall")


def simulated(rng: random.Random, role: str, noise: list[int]) -> list[RaterSheet]:
    """A candidate with a true level per competency near the requirement, rated by 1-2 managers, 0-5 peers."""
    offset = rng.choice([-1, 0, 0, 1])
    truth = {r.competency_id: max(1, min(5, r.required + offset + rng.choice([-1, 0, 0, 0, 1])))
             for r in NEW.role(role).requirements}
    sheets = []
    for group, count in (("manager", rng.choice([1, 1, 2])), ("peer", rng.choice([0, 3, 3, 4, 5]))):
        for k in range(count):
            levels = {i: max(1, min(5, t + rng.choice(noise))) for i, t in truth.items()}
            sheets.append(RaterSheet(f"{group}-{k + 1}", group, levels, {i: "seen" for i in truth}))
    return sheets


def main(agree: int = 3, count: int = 2000) -> None:
    rng = random.Random(17)
    noise = [-1] + [0] * agree + [1]
    kinds, new_only, old_panel, new_panel = Counter(), Counter(), 0, 0
    for _ in range(count):
        role = rng.choice(ROLES)
        sheets = simulated(rng, role, noise)
        old, new = assess_readiness(OLD, role, sheets), assess_readiness(NEW, role, sheets)
        old_panel += old.is_panel_review
        new_panel += new.is_panel_review
        borderline = [("borderline" in r) for r in new.panel_review_reasons]
        if new.is_panel_review and not old.is_panel_review:
            new_only["borderline only" if all(borderline) else "both" if any(borderline) else "disagreement only"] += 1
        for reason in new.panel_review_reasons:
            kinds[next((k for k in KINDS if k in reason), "other")] += 1
    print(f"Panel review: 2026.12.2 {old_panel / count:.1%}, 2026.12.3 {new_panel / count:.1%}")
    print("reasons:", kinds.most_common())
    print("new panel cases:", dict(new_only))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
