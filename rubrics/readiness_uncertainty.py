"""How sure a decision score is (rubric 2026.12.3): its standard error, borderline critical competencies, and
the share of the decision weight that rests on raters the cycle flagged (``rater_quality``: the flags are
cycle-wide, so they come in as ``assess_readiness(..., flagged=...)``).

The method (docs/readiness.md, "Measurement error"): the decision score is a weighted mean of group means,
D = Σ w_g·m_g / Σ w_g, over the manager and peer groups with a level on the competency. Every counted level
is taken as one measurement with a common variance s², estimated by the sample variance of all the levels
behind D (managers and peers together, n − 1 in the denominator). A group mean of n_g levels then has variance
s²/n_g, and Var(D) = s² · Σ (w_g² / n_g) / (Σ w_g)². The standard error is √Var(D): None under two levels
(one level has no spread to measure), 0 when every rater gave the same level. All of it is exact (fractions)
except the square root, which only prints; the borderline test compares squares.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import replace
from fractions import Fraction

from .i18n import _
from .model import NOT_OBSERVED, PEERS_COUNT, ReadinessRules
from .readiness_groups import anonymity_threshold, group_weights
from .readiness_model import ANONYMOUS_GROUPS, MANAGER, PEER, RaterSheet
from .readiness_result import CompetencyResult
from .readiness_numbers import display_error, display_score, exact, pct
from .readiness_relationship import SHORT_ACQUAINTANCE
from .readiness_rules import Evidence, build_evidence, choose_band
from .readiness_scores import ExactScores, weighted_decision

#: Flags that mean a rater's levels say more about the rater than the candidate (central tendency does not); from
#: 2026.12.4 also a rater who has known the candidate only briefly (``readiness_relationship``).
WEIGHT_FLAGS = frozenset({"lenient", "severe", "straight_lining", SHORT_ACQUAINTANCE})


def variance(levels: Mapping[str, Sequence[int]], weights: Mapping[str, float]) -> Fraction | None:
    """Var(D) of the weighted mean of group means, exactly; None under two levels."""
    used = {g: v for g, v in levels.items() if v and exact(weights.get(g, 0)) > 0}
    every = [x for v in used.values() for x in v]
    if len(every) < 2:
        return None
    centre = Fraction(sum(every), len(every))
    s2 = sum((x - centre) ** 2 for x in every) / (len(every) - 1)
    total = sum(exact(weights[g]) for g in used)
    return s2 * sum(exact(weights[g]) ** 2 / len(v) for g, v in used.items()) / total ** 2


def standard_error(var: Fraction | None) -> float | None:
    return None if var is None else math.sqrt(var)


def _share_below(levels: Mapping[str, Sequence[int]], weights: Mapping[str, float], required: int) -> Fraction:
    """The share of the decision weight carried by levels below the requirement."""
    used = [g for g, v in levels.items() if v and exact(weights.get(g, 0)) > 0]
    total = sum(exact(weights[g]) for g in used)
    return sum(exact(weights[g]) * Fraction(sum(x < required for x in levels[g]), len(levels[g]))
               for g in used) / total if used else Fraction(0)


def one_rater_decides(levels: Mapping[str, Sequence[int]], weights: Mapping[str, float], required: int) -> bool:
    """A dissenting minority: the levels below the requirement carry less than half the decision weight, and
    leaving out one single rater below it would put the decision at or above it."""
    if _share_below(levels, weights, required) >= Fraction(1, 2):
        return False
    for group, given in levels.items():
        for index, level in enumerate(given):
            if level < required:
                rest = {**levels, group: [*given[:index], *given[index + 1:]]}
                without = weighted_decision(rest, {g: exact(w) for g, w in weights.items()})
                if without is not None and without >= required:
                    return True
    return False


def is_borderline(score: ExactScores, levels: Mapping[str, Sequence[int]], var: Fraction | None, panel,
                  weights: Mapping[str, float]) -> bool:
    """A critical competency short of its requirement by no more than the margin (``k`` standard errors, at least
    the tolerance) where one single rater below the requirement decides the side: without that rater the
    decision would meet it. A shortfall that two or more raters carry is evidence, not measurement error;
    unanimous raters are never borderline; a met requirement is not contested here (a whole shown group below it
    is: ``group_below_critical``)."""
    if panel is None or panel.borderline_standard_errors is None or score.decision is None:
        return False
    if not score.requirement.is_critical or var is None:
        return False
    required = score.requirement.required
    if score.decision >= required or not one_rater_decides(levels, weights, required):
        return False
    gap = required - score.decision
    k = exact(panel.borderline_standard_errors)
    return gap <= exact(panel.borderline_min_tolerance) or gap * gap <= k * k * var


def borderline_reason(comp: CompetencyResult) -> str:
    """ "People leadership is borderline: 3.9 against 4 (± 0.2)." """
    return _("%(name)s is borderline: %(score)s against %(required)s (± %(error)s); a single rater may decide "
             "which side of the requirement it falls.", name=comp.name, score=comp.decision_text,
             required=comp.required, error=display_error(comp.standard_error))


def flagged_weight(by_group: Mapping[str, Sequence[RaterSheet]], ids: Sequence[str], rules: ReadinessRules,
                   flagged: set[str]) -> Fraction:
    """The share of the decision weight on these raters: per scored competency each rater carries its group's
    weight there split among the group's raters there (as the decision score does), averaged over the
    competencies. ``by_group``: the counted non-self sheets, each within what its group can judge."""
    shares = []
    for comp_id in ids:
        raters = {g: [s.rater_key for s in sheets if (v := s.ratings.get(comp_id)) is not None and v != NOT_OBSERVED]
                  for g, sheets in by_group.items()}
        for g in raters:
            if g in ANONYMOUS_GROUPS and len(raters[g]) < anonymity_threshold(rules, g) \
                    and rules.peers_below_threshold != PEERS_COUNT:
                raters[g] = []
        weights = group_weights(rules, comp_id)
        used = [g for g in raters if raters[g] and weights[g] > 0]
        total = sum(weights[g] for g in used)
        if used:
            shares.append(sum(weights[g] / total / len(raters[g]) for g in used for key in raters[g] if key in flagged))
    return sum(shares, Fraction(0)) / len(shares) if shares else Fraction(0)


def flagged_reason(by_group, ids, rules: ReadinessRules, flagged: Mapping[str, Sequence[str]] | None) -> str:
    """The reason when the verdict rests for at least ``flagged_weight_share`` on flagged raters, else ""."""
    panel = rules.panel_review
    if panel is None or panel.flagged_weight_share is None:
        return ""
    marked = {key for key, flags in (flagged or {}).items() if WEIGHT_FLAGS & set(flags)}
    marked &= {s.rater_key for sheets in by_group.values() for s in sheets}
    if not marked:
        return ""
    share = flagged_weight(by_group, ids, rules, marked)
    if share < exact(panel.flagged_weight_share) or share == 0:
        return ""
    managers = sum(s.rater_key in marked for s in by_group[MANAGER])
    peers = sum(s.rater_key in marked for s in by_group[PEER])
    if any(SHORT_ACQUAINTANCE in flagged[key] for key in marked):
        return _("The verdict rests for %(share)s of its decision weight on raters flagged as lenient, severe or "
                 "straight-lining, or who have known the candidate only briefly (%(managers)s of the managers, "
                 "%(peers)s of the other raters).", share=pct(share), managers=managers, peers=len(marked) - managers)
    if managers + peers < len(marked):
        return _("The verdict rests for %(share)s of its decision weight on raters flagged as lenient, severe or "
                 "straight-lining (%(managers)s of the managers, %(others)s of the other raters).", share=pct(share),
                 managers=managers, others=len(marked) - managers)
    return _("The verdict rests for %(share)s of its decision weight on raters flagged as lenient, severe or "
             "straight-lining (%(managers)s of the managers, %(peers)s of the peers).", share=pct(share),
             managers=managers, peers=len(marked) - managers)


def measured(comps: Sequence[CompetencyResult], scores: Sequence[ExactScores],
             rules: ReadinessRules) -> tuple[CompetencyResult, ...]:
    """The competencies with their standard error and borderline flag (a rubric without the borderline rule:
    unchanged, so old cycles keep their results to the field)."""
    panel = rules.panel_review
    if panel is None or panel.borderline_standard_errors is None:
        return tuple(comps)
    out = []
    for comp, score in zip(comps, scores):
        var = variance(score.levels, score.weights) if score.decision is not None else None
        out.append(replace(comp, standard_error=standard_error(var),
                           is_borderline=is_borderline(score, score.levels, var, panel, score.weights)))
    return tuple(out)


def borderline_decides(rules: ReadinessRules, ev: Evidence, chosen: int | None) -> bool:
    """Whether the borderline competencies decide the band: counted as met, they would give a better one. A
    borderline competency in a verdict that other shortfalls hold where it is changes nothing to review."""
    if chosen is None or not any(c.is_borderline for c in ev.comps):
        return False
    comps = tuple(replace(c, decision_score=float(c.required), gap=0.0) if c.is_borderline else c for c in ev.comps)
    scores = tuple(replace(s, decision=Fraction(c.required)) if c.is_borderline else s
                   for c, s in zip(ev.comps, ev.scores))
    lifted = build_evidence(rules, ev.role_name, comps, scores, ev.counted_raters, ev.uncounted_raters)
    better, _checks = choose_band(rules.bands, lifted, True)
    return better is not None and better < chosen
