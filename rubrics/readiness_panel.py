"""Contested evidence: when raters contradict each other, the verdict goes to the panel (Panel review).

Peers below the anonymity threshold count here too (they are never shown: the reasons are for HR and the
panel; ``candidate_view`` replaces them by one neutral sentence).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from itertools import combinations

from .i18n import N_, _, ngettext
from .model import NOT_OBSERVED, PanelReviewRules, ReadinessRules
from .readiness_model import MANAGER, NONSELF_GROUPS, PEER, CompetencyResult, RaterSheet
from .readiness_numbers import display_score, exact, fmt, pct
from .readiness_scores import ExactScores
from .readiness_rules import Evidence
from .readiness_uncertainty import borderline_decides, borderline_reason, flagged_reason

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


def _camps(levels: Sequence[int]) -> Fraction:
    """How far two shown peers stand from two others: the second-highest level minus the second-lowest (0 under
    four levels). One peer apart from the rest is not a split of the group."""
    ordered = sorted(levels)
    return Fraction(ordered[-2] - ordered[1]) if len(ordered) >= 4 else Fraction(0)


def agreement_reasons(panel: PanelReviewRules | None, comps: Sequence[CompetencyResult],
                      scores: Sequence[ExactScores], peers: Sequence[RaterSheet], threshold: int) -> tuple[str, ...]:
    """The 2026.12.3 reasons: raters at least ``any_disagreement`` apart on any competency, and a shown group
    below the requirement on a critical competency the decision score passes (rubric without the keys: none)."""
    if panel is None:
        return ()
    reasons = []
    any_limit = exact(panel.any_disagreement) if panel.any_disagreement is not None else None
    critical_limit = exact(panel.critical_disagreement)
    for comp, score in zip(comps, scores):
        peer_levels = [v for s in peers if (v := s.ratings.get(comp.competency_id)) is not None and v != NOT_OBSERVED]
        shown_peers = len(peer_levels) >= threshold
        if any_limit is not None:
            reasons += _any_disagreement(comp, score, any_limit, critical_limit, peer_levels if shown_peers else ())
        if panel.group_below_critical and comp.is_critical and score.decision is not None:
            required = score.requirement.required
            if score.decision >= required:
                reasons += _group_below(comp, score.manager_mean,
                                        Fraction(sum(peer_levels), len(peer_levels)) if shown_peers else None)
    return tuple(reasons)


def _group_below(comp: CompetencyResult, managers: Fraction | None, peers: Fraction | None) -> list[str]:
    """A shown group's mean below the requirement the decision score meets, one whole sentence per group."""
    out = []
    if managers is not None and managers < comp.required:
        out.append(_("%(name)s (critical): the managers’ mean %(mean)s is below the required %(required)s, though the "
                     "decision score %(score)s meets it.", name=comp.name,
                     mean=display_score(float(managers), comp.required), required=comp.required,
                     score=comp.decision_text))
    if peers is not None and peers < comp.required:
        out.append(_("%(name)s (critical): the peers’ mean %(mean)s is below the required %(required)s, though the "
                     "decision score %(score)s meets it.", name=comp.name,
                     mean=display_score(float(peers), comp.required), required=comp.required,
                     score=comp.decision_text))
    return out


def _any_disagreement(comp, score: ExactScores, limit: Fraction, critical_limit: Fraction, shown_peers):
    """Managers vs peers, two managers, two shown peers against two others, on one competency; a pair the
    critical rule already reports is not repeated."""
    out = []
    if score.manager_mean is not None and score.peer_mean is not None:
        apart = _apart(score.manager_mean, score.peer_mean)
        if apart >= limit and not (comp.is_critical and apart >= critical_limit):
            out.append(ngettext("%(name)s: managers and peers are %(levels)s level apart.",
                                "%(name)s: managers and peers are %(levels)s levels apart.",
                                _n(apart), name=comp.name, levels=fmt(apart)))
    if len(score.manager_levels) >= 2:
        apart = Fraction(max(score.manager_levels) - min(score.manager_levels))
        if apart >= limit and not (comp.is_critical and apart >= critical_limit):
            out.append(ngettext("%(name)s: two managers are %(levels)s level apart.",
                                "%(name)s: two managers are %(levels)s levels apart.",
                                _n(apart), name=comp.name, levels=fmt(apart)))
    apart = _camps(shown_peers)
    if apart >= limit:
        out.append(ngettext("%(name)s: peers are split, two or more %(levels)s level apart from two or more others.",
                            "%(name)s: peers are split, two or more %(levels)s levels apart from two or more others.",
                            _n(apart), name=comp.name, levels=fmt(apart)))
    return out


def further_reasons(rules: ReadinessRules, ev: Evidence, chosen: int | None,
                    by_group: Mapping[str, Sequence[RaterSheet]],
                    flagged: Mapping[str, Sequence[str]] | None) -> tuple[str, ...]:
    """The 2026.12.3 reasons after the 2026.12 ones: disagreement on any competency, a shown group below a
    critical requirement, borderline critical competencies that decide the band (``chosen``: the provisional
    band's index), a verdict resting on flagged raters."""
    comps = ev.comps
    reasons = agreement_reasons(rules.panel_review, comps, ev.scores, by_group[PEER], rules.peer_anonymity_threshold)
    if borderline_decides(rules, ev, chosen):
        reasons += tuple(borderline_reason(c) for c in comps if c.is_borderline)
    ids = [c.competency_id for c in comps]
    on_flagged = flagged_reason({g: by_group[g] for g in NONSELF_GROUPS}, ids, rules, flagged)
    return reasons + ((on_flagged,) if on_flagged else ())


def agreement_in_words(rules: ReadinessRules) -> tuple[str, ...]:
    """The methodology sentences of the 2026.12.3 panel rules (none for a rubric without them)."""
    panel = rules.panel_review
    if panel is None:
        return ()
    lines = []
    if panel.any_disagreement is not None:
        lines.append(_("%(label)s also when, on any competency, managers and peers or two managers are %(limit)s or "
                       "more levels apart, or two shown peers stand that far from two others.", label=panel.label,
                       limit=fmt(exact(panel.any_disagreement))))
    if panel.group_below_critical:
        lines.append(_("%(label)s also when the managers’ or the shown peers’ mean is below the requirement of a "
                       "critical competency whose decision score meets it.", label=panel.label))
    if panel.borderline_standard_errors is not None:
        lines.append(_("Borderline (%(label)s): a critical competency short of its requirement by no more than "
                       "%(k)s standard error(s) of its decision score (at least %(tolerance)s), with raters on both "
                       "sides of the requirement.", label=panel.label, k=fmt(exact(panel.borderline_standard_errors)),
                       tolerance=fmt(exact(panel.borderline_min_tolerance))))
    if panel.flagged_weight_share is not None:
        lines.append(_("%(label)s also when raters flagged lenient, severe or straight-lining across the cycle carry "
                       "%(share)s or more of the decision weight.", label=panel.label,
                       share=pct(exact(panel.flagged_weight_share))))
    return tuple(lines)
