"""Contested evidence: when raters contradict each other, the verdict goes to the panel (Panel review).

Peers below the anonymity threshold count here too (they are never shown: the reasons are for HR and the
panel; ``candidate_view`` replaces them by one neutral sentence).
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from itertools import combinations

from .model import NOT_OBSERVED, PanelReviewRules
from .readiness_model import MANAGER, CompetencyResult, RaterSheet
from .readiness_numbers import exact, fmt
from .readiness_scores import ExactScores

#: What the candidate reads instead of the reasons (they may rest on peers kept anonymous).
CANDIDATE_PANEL_REASON = "The ratings contradict each other; the panel reviews the evidence before a band is given."


def _levels(sheet: RaterSheet, ids: Sequence[str]) -> dict[str, int]:
    return {i: v for i in ids if (v := sheet.ratings.get(i)) is not None and v != NOT_OBSERVED}


def _apart(a: Fraction, b: Fraction) -> Fraction:
    return abs(a - b)


def _levels_text(value: Fraction) -> str:
    return f"{fmt(value)} level{'' if value == 1 else 's'} apart"


def panel_review_reasons(panel: PanelReviewRules | None, comps: Sequence[CompetencyResult],
                         scores: Sequence[ExactScores], managers: Sequence[RaterSheet]) -> tuple[str, ...]:
    """The plain-word reasons the evidence is contested; empty when it is not (or the rubric has no such rule)."""
    if panel is None:
        return ()
    critical_limit, overall_limit = exact(panel.critical_disagreement), exact(panel.overall_disagreement)
    reasons = []
    for comp, score in zip(comps, scores):
        if not comp.is_critical:
            continue
        if score.manager_mean is not None and score.peer_mean is not None:
            apart = _apart(score.manager_mean, score.peer_mean)
            if apart >= critical_limit:
                reasons.append(f"{comp.name} (critical): managers and peers are {_levels_text(apart)}.")
        if len(score.manager_levels) >= 2:
            apart = Fraction(max(score.manager_levels) - min(score.manager_levels))
            if apart >= critical_limit:
                reasons.append(f"{comp.name} (critical): two managers are {_levels_text(apart)}.")
    both = [(s.manager_mean, s.peer_mean) for s in scores if s.manager_mean is not None and s.peer_mean is not None]
    if both:
        apart = _apart(sum(m for m, _ in both) / len(both), sum(p for _, p in both) / len(both))
        if apart >= overall_limit:
            reasons.append(f"Overall: managers and peers are {_levels_text(apart)} on average over the "
                           f"{len(both)} competencies both rated.")
    ids = [c.competency_id for c in comps]
    widest = None
    for first, second in combinations([_levels(s, ids) for s in managers if s.group == MANAGER], 2):
        shared = [i for i in ids if i in first and i in second]
        if shared:
            apart = _apart(Fraction(sum(first[i] for i in shared), len(shared)),
                           Fraction(sum(second[i] for i in shared), len(shared)))
            if widest is None or (apart, len(shared)) > widest:
                widest = (apart, len(shared))
    if widest is not None and widest[0] >= overall_limit:
        reasons.append(f"Overall: two managers are {_levels_text(widest[0])} on average over the "
                       f"{widest[1]} competencies both rated.")
    return tuple(reasons)
