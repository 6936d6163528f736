"""Contested evidence: when raters contradict each other, the verdict goes to the panel (Panel review).

Peers below the anonymity threshold count here too (they are never shown: the reasons are for HR and the
panel; ``candidate_view`` replaces them by one neutral sentence).
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from itertools import combinations

from .i18n import N_, _, ngettext
from .model import NOT_OBSERVED, PanelReviewRules
from .readiness_model import MANAGER, CompetencyResult, RaterSheet
from .readiness_numbers import exact, fmt
from .readiness_scores import ExactScores

#: What the candidate reads instead of the reasons (they may rest on peers kept anonymous): the English source;
#: ``candidate_panel_reason()`` gives it in the current language.
CANDIDATE_PANEL_REASON = N_("The ratings contradict each other; the panel reviews the evidence before a band is "
                            "given.")


def candidate_panel_reason() -> str:
    """``CANDIDATE_PANEL_REASON`` in the current language."""
    return _(CANDIDATE_PANEL_REASON)


def _levels(sheet: RaterSheet, ids: Sequence[str]) -> dict[str, int]:
    return {i: v for i in ids if (v := sheet.ratings.get(i)) is not None and v != NOT_OBSERVED}


def _apart(a: Fraction, b: Fraction) -> Fraction:
    return abs(a - b)


def _n(value: Fraction) -> int:
    """The number gettext picks the plural by: 1 level, 1.5 levels."""
    return 1 if value == 1 else 2


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
                reasons.append(ngettext("%(name)s (critical): managers and peers are %(levels)s level apart.",
                                        "%(name)s (critical): managers and peers are %(levels)s levels apart.",
                                        _n(apart), name=comp.name, levels=fmt(apart)))
        if len(score.manager_levels) >= 2:
            apart = Fraction(max(score.manager_levels) - min(score.manager_levels))
            if apart >= critical_limit:
                reasons.append(ngettext("%(name)s (critical): two managers are %(levels)s level apart.",
                                        "%(name)s (critical): two managers are %(levels)s levels apart.",
                                        _n(apart), name=comp.name, levels=fmt(apart)))
    both = [(s.manager_mean, s.peer_mean) for s in scores if s.manager_mean is not None and s.peer_mean is not None]
    if both:
        apart = _apart(sum(m for m, _ in both) / len(both), sum(p for _, p in both) / len(both))
        if apart >= overall_limit:
            reasons.append(ngettext(
                "Overall: managers and peers are %(levels)s level apart on average over the %(count)s "
                "competencies both rated.",
                "Overall: managers and peers are %(levels)s levels apart on average over the %(count)s "
                "competencies both rated.", _n(apart), levels=fmt(apart), count=len(both)))
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
        reasons.append(ngettext(
            "Overall: two managers are %(levels)s level apart on average over the %(count)s competencies both "
            "rated.",
            "Overall: two managers are %(levels)s levels apart on average over the %(count)s competencies both "
            "rated.", _n(widest[0]), levels=fmt(widest[0]), count=widest[1]))
    return tuple(reasons)
