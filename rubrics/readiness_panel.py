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
from .readiness_groups import GROUP_PLURALS, speaks_of_rater_groups
from .readiness_model import ANONYMOUS_GROUPS, MANAGER, PEER, SELF, SHEET_GROUPS, RaterSheet
from .readiness_result import CompetencyResult
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


def _pairs(score: ExactScores, groups=None) -> list[tuple[str, str, Fraction]]:
    """Every two non-self groups with a mean on the competency, in group order, and how far apart their means are
    (``groups``: only these, e.g. the shown ones)."""
    present = [g for g in score.levels if groups is None or g in groups]
    return [(a, b, _apart(score.mean(a), score.mean(b))) for a, b in combinations(present, 2)]


def _pair_sentence(kind: str, name: str, first: str, second: str, apart: Fraction) -> str:
    """One whole sentence per kind: "People leadership (critical): managers and peers are 2 levels apart." """
    values = dict(name=name, first=GROUP_PLURALS[first], second=GROUP_PLURALS[second], levels=fmt(apart))
    if kind == "critical":
        return ngettext("%(name)s (critical): %(first)s and %(second)s are %(levels)s level apart.",
                        "%(name)s (critical): %(first)s and %(second)s are %(levels)s levels apart.", _n(apart),
                        **values)
    return ngettext("%(name)s: %(first)s and %(second)s are %(levels)s level apart.",
                    "%(name)s: %(first)s and %(second)s are %(levels)s levels apart.", _n(apart), **values)


def panel_review_reasons(panel: PanelReviewRules | None, comps: Sequence[CompetencyResult],
                         scores: Sequence[ExactScores], managers: Sequence[RaterSheet]) -> tuple[str, ...]:
    """The plain-word reasons the evidence is contested; empty when it is not (or the rubric has no such rule).
    Every two groups are compared (managers and peers; from 2026.12.4 direct reports and the assessors'
    consensus too), anonymous ones below their threshold included where they count."""
    if panel is None:
        return ()
    critical_limit, overall_limit = exact(panel.critical_disagreement), exact(panel.overall_disagreement)
    reasons = []
    for comp, score in zip(comps, scores):
        if not comp.is_critical:
            continue
        reasons += [_pair_sentence("critical", comp.name, a, b, apart) for a, b, apart in _pairs(score)
                    if apart >= critical_limit]
        if len(score.manager_levels) >= 2:
            apart = Fraction(max(score.manager_levels) - min(score.manager_levels))
            if apart >= critical_limit:
                reasons.append(ngettext("%(name)s (critical): two managers are %(levels)s level apart.",
                                        "%(name)s (critical): two managers are %(levels)s levels apart.",
                                        _n(apart), name=comp.name, levels=fmt(apart)))
    groups = [g for g in SHEET_GROUPS if any(g in s.levels for s in scores)]
    for first, second in combinations(groups, 2):
        both = [(s.mean(first), s.mean(second)) for s in scores if first in s.levels and second in s.levels]
        if not both:
            continue
        apart = _apart(sum(m for m, _ in both) / len(both), sum(p for _, p in both) / len(both))
        if apart >= overall_limit:
            reasons.append(ngettext(
                "Overall: %(first)s and %(second)s are %(levels)s level apart on average over the %(count)s "
                "competencies both rated.",
                "Overall: %(first)s and %(second)s are %(levels)s levels apart on average over the %(count)s "
                "competencies both rated.", _n(apart), first=GROUP_PLURALS[first], second=GROUP_PLURALS[second],
                levels=fmt(apart), count=len(both)))
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
    """How far two shown raters of a group stand from two others: the second-highest level minus the second-lowest
    (0 under four levels). One rater apart from the rest is not a split of the group."""
    ordered = sorted(levels)
    return Fraction(ordered[-2] - ordered[1]) if len(ordered) >= 4 else Fraction(0)


def agreement_reasons(panel: PanelReviewRules | None, comps: Sequence[CompetencyResult],
                      scores: Sequence[ExactScores]) -> tuple[str, ...]:
    """The 2026.12.3 reasons: raters at least ``any_disagreement`` apart on any competency, and a shown group
    below the requirement on a critical competency the decision score passes (rubric without the keys: none)."""
    if panel is None:
        return ()
    reasons = []
    any_limit = exact(panel.any_disagreement) if panel.any_disagreement is not None else None
    critical_limit = exact(panel.critical_disagreement)
    for comp, score in zip(comps, scores):
        if any_limit is not None:
            reasons += _any_disagreement(comp, score, any_limit, critical_limit)
        if panel.group_below_critical and comp.is_critical and score.decision is not None:
            if score.decision >= score.requirement.required:
                reasons += _group_below(comp, score)
    return tuple(reasons)


def _group_below(comp: CompetencyResult, score: ExactScores) -> list[str]:
    """A shown group's mean below the requirement the decision score meets, one whole sentence per group."""
    return [_("%(name)s (critical): the %(group)s’ mean %(mean)s is below the required %(required)s, though the "
              "decision score %(score)s meets it.", name=comp.name, group=GROUP_PLURALS[g],
              mean=display_score(float(score.mean(g)), comp.required), required=comp.required,
              score=comp.decision_text)
            for g in score.levels if g in score.shown and score.mean(g) < comp.required]


def _any_disagreement(comp, score: ExactScores, limit: Fraction, critical_limit: Fraction):
    """Every two groups, two managers, two shown raters of an anonymous group against two others, on one
    competency; a pair the critical rule already reports is not repeated."""
    out = [_pair_sentence("any", comp.name, a, b, apart) for a, b, apart in _pairs(score)
           if apart >= limit and not (comp.is_critical and apart >= critical_limit)]
    if len(score.manager_levels) >= 2:
        apart = Fraction(max(score.manager_levels) - min(score.manager_levels))
        if apart >= limit and not (comp.is_critical and apart >= critical_limit):
            out.append(ngettext("%(name)s: two managers are %(levels)s level apart.",
                                "%(name)s: two managers are %(levels)s levels apart.",
                                _n(apart), name=comp.name, levels=fmt(apart)))
    for group in ANONYMOUS_GROUPS:
        apart = _camps(score.levels[group]) if group in score.shown else Fraction(0)
        if apart >= limit and group == PEER:
            out.append(ngettext(
                "%(name)s: peers are split, two or more %(levels)s level apart from two or more others.",
                "%(name)s: peers are split, two or more %(levels)s levels apart from two or more others.",
                _n(apart), name=comp.name, levels=fmt(apart)))
        elif apart >= limit:
            out.append(ngettext(
                "%(name)s: direct reports are split, two or more %(levels)s level apart from two or more others.",
                "%(name)s: direct reports are split, two or more %(levels)s levels apart from two or more others.",
                _n(apart), name=comp.name, levels=fmt(apart)))
    return out


def further_reasons(rules: ReadinessRules, ev: Evidence, chosen: int | None,
                    by_group: Mapping[str, Sequence[RaterSheet]],
                    flagged: Mapping[str, Sequence[str]] | None) -> tuple[str, ...]:
    """The 2026.12.3 reasons after the 2026.12 ones: disagreement on any competency, a shown group below a
    critical requirement, borderline critical competencies that decide the band (``chosen``: the provisional
    band's index), a verdict resting on flagged raters."""
    comps = ev.comps
    reasons = agreement_reasons(rules.panel_review, comps, ev.scores)
    if borderline_decides(rules, ev, chosen):
        reasons += tuple(borderline_reason(c) for c in comps if c.is_borderline)
    ids = [c.competency_id for c in comps]
    on_flagged = flagged_reason({g: v for g, v in by_group.items() if g != SELF}, ids, rules, flagged)
    return reasons + ((on_flagged,) if on_flagged else ())


def agreement_in_words(rules: ReadinessRules) -> tuple[str, ...]:
    """The methodology sentences of the 2026.12.3 panel rules (none for a rubric without them)."""
    panel = rules.panel_review
    if panel is None:
        return ()
    lines = []
    groups = speaks_of_rater_groups(rules)
    if panel.any_disagreement is not None and groups:
        lines.append(_("%(label)s also when, on any competency, any two rater groups or two managers are %(limit)s "
                       "or more levels apart, or two shown peers or two shown direct reports stand that far from two "
                       "others.", label=panel.label, limit=fmt(exact(panel.any_disagreement))))
    elif panel.any_disagreement is not None:
        lines.append(_("%(label)s also when, on any competency, managers and peers or two managers are %(limit)s or "
                       "more levels apart, or two shown peers stand that far from two others.", label=panel.label,
                       limit=fmt(exact(panel.any_disagreement))))
    if panel.group_below_critical and groups:
        lines.append(_("%(label)s also when any shown group’s mean is below the requirement of a critical "
                       "competency whose decision score meets it.", label=panel.label))
    elif panel.group_below_critical:
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
