"""Seeded random assessments for the 2026.12.3 golden test (tests/test_readiness_old_snapshot_2026_12_3.py): sheets
of self, managers and peers with written evidence on all, some or none of their answers (so some count as raters
and some do not), sometimes asked-for counts and rater flags. ``recorded`` is what the test compares: the whole
result and the candidate's copy as the stored-results codec writes them (as a digest, with the verdict, the rules
and the decision scores readable beside it), and the methodology sentences.

``NEW_FIELDS`` are the fields added to the result types since: they are left out of the digest (each must keep its
default on an old snapshot, which the test checks separately)."""

import hashlib
import json
import random

from assessment.services.result_codec import encode
from rubrics.model import NOT_OBSERVED
from rubrics.readiness import RaterSheet, assess_readiness, candidate_view, challenges_in_words, rules_in_words

VALUES = [1, 2, 3, 4, 5, 2, 3, 4, 4, 5, 3, 4, 4, 5, NOT_OBSERVED, None]


def _value(rng, base):
    """Half the cases scattered over the scale, half close to the case's own level (so every band occurs)."""
    if base is None or rng.random() < 0.08:
        return rng.choice(VALUES)
    return min(5, max(1, base + rng.choice([-1, 0, 0, 1])))
TEXTS = ["Led the quarterly review.", "Needs support with budgets.", "Calm in the outage of March."]
FLAGS = ["lenient", "severe", "straight_lining", "central_tendency"]


def cases(framework, count=160, seed=20261212):
    rng = random.Random(seed)
    ids = [c.id for c in framework.competencies]
    roles = [r.id for r in framework.roles]
    for n in range(count):
        role = rng.choice(roles)
        base = rng.choice([None, 3, 4, 5, 5])
        sheets = []
        for group, most in (("self", 1), ("manager", 3), ("peer", 5)):
            for k in range(rng.randint(0, most)):
                values = {i: v for i in ids if (v := _value(rng, base)) is not None}
                share = rng.choice([0.0, 0.5, 1.0, 1.0])
                comments = {i: rng.choice(TEXTS) for i in values if rng.random() < share}
                sheets.append(RaterSheet("self" if group == "self" else f"{group}-{k + 1}", group, values, comments))
        assigned = ({g: rng.randint(0, 4) for g in ("self", "manager", "peer")} if rng.random() < 0.5 else None)
        keys = [s.rater_key for s in sheets if s.group != "self"]
        flagged = ({k: (rng.choice(FLAGS),) for k in keys if rng.random() < 0.3} if rng.random() < 0.4 else None)
        yield n, role, sheets, assigned, flagged


NEW_FIELDS = frozenset({
    # CompetencyResult
    "direct_report_score", "assessor_score", "agreement", "agreement_level", "situation_text", "suppressed_groups",
    "named_situation_text",
    # GroupScore
    "is_judged",
    # ReadinessResult ("agreement" and "agreement_level" as above)
    "eligibility", "short_acquaintance_raters", "direct_report_anonymity_threshold",
})


def _without_new(data):
    if isinstance(data, dict):
        return {k: _without_new(v) for k, v in data.items() if k not in NEW_FIELDS}
    if isinstance(data, list):
        return [_without_new(v) for v in data]
    return data


def digest(value) -> str:
    text = json.dumps(_without_new(encode(value)), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def recorded(framework, role, sheets, assigned, flagged):
    result = assess_readiness(framework, role, sheets, assigned, flagged)
    return {"band_id": result.band_id, "provisional_band_id": result.provisional_band_id,
            "rules": [[r.id, r.status] for r in result.rules],
            "decision_scores": [c.decision_score for c in result.competencies],
            "shown_groups": list(result.shown_groups),
            "result": digest(result), "candidate": digest(candidate_view(result))}


def words(framework):
    return {"rules": list(rules_in_words(framework.readiness)),
            "challenges": list(challenges_in_words(framework.readiness))}
