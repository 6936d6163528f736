"""Per-competency scores: group means, the decision score, gap, coverage, spread, self vs others, comments.

Generic over the rater groups a rubric knows (``readiness_groups``): a group's levels count only on the competencies
it can judge; an anonymous group (peers, direct reports) is shown on a competency only from its threshold, and below
it counts in the decision under ``peers_below_threshold: count`` (withheld from the candidate) or not at all.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from .model import NOT_OBSERVED, PEERS_COUNT, Framework, ReadinessRules, Requirement
from .readiness_groups import anonymity_threshold, group_weights
from .readiness_model import (
    ANONYMOUS_GROUPS,
    ASSESSOR,
    DIRECT_REPORT,
    GROUP_LABELS,
    MANAGER,
    PEER,
    PEERS_SHOWN,
    SELF,
    GroupScore,
    RaterSheet,
)
from .readiness_numbers import as_float, exact, mean
from .readiness_result import CommentBlock, CompetencyResult


@dataclass(frozen=True)
class ExactScores:
    """A competency's exact numbers, for the rules: the verdict is never decided on rounded floats."""

    requirement: Requirement
    decision: Fraction | None
    #: Every counted level per non-self group behind the decision (an anonymous group below its threshold
    #: included where it counts), in group order; a group without a level is left out. The panel-review checks,
    #: thin evidence and the group floor use these, never show them.
    levels: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    #: The non-self groups shown on this competency (an anonymous group from its threshold).
    shown: frozenset[str] = frozenset()
    #: Each non-self group's weight on this competency (``group_weights``).
    weights: Mapping[str, Fraction] = field(default_factory=dict)

    def mean(self, group: str) -> Fraction | None:
        return mean(self.levels.get(group, ()))

    @property
    def manager_levels(self) -> tuple[int, ...]:
        return self.levels.get(MANAGER, ())

    @property
    def peer_levels(self) -> tuple[int, ...]:
        return self.levels.get(PEER, ())

    @property
    def manager_mean(self) -> Fraction | None:
        return self.mean(MANAGER)

    @property
    def peer_mean(self) -> Fraction | None:
        return self.mean(PEER)

    @property
    def rater_count(self) -> int:
        """Counted non-self levels on this competency: the raters of thin evidence."""
        return sum(len(v) for v in self.levels.values())


def levels_of(sheets: Sequence[RaterSheet], comp_id: str) -> list[int]:
    return sorted(v for s in sheets if (v := s.ratings.get(comp_id)) is not None and v != NOT_OBSERVED)


def judged_levels(by_group: Mapping[str, Sequence[RaterSheet]], comp_id: str, judges: Mapping[str, frozenset[str]],
                  rules: ReadinessRules) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
    """Per group (of ``judges``), the levels shown on this competency and the levels behind its decision score: only
    groups that can judge it; an anonymous group below its threshold is not shown, and counts in the decision only
    under ``peers_below_threshold: count``."""
    given = {g: levels_of(by_group[g], comp_id) if comp_id in judged else [] for g, judged in judges.items()}
    shown, decision = dict(given), dict(given)
    for g in given:
        if g in ANONYMOUS_GROUPS and len(given[g]) < anonymity_threshold(rules, g):
            shown[g] = []
            if rules.peers_below_threshold != PEERS_COUNT:
                decision[g] = []
    decision.pop(SELF, None)
    return shown, decision


def weighted_decision(levels: Mapping[str, Sequence[int]], weights: Mapping[str, Fraction]) -> Fraction | None:
    """The weighted mean of the group means of every group with a level and a weight; None without one."""
    used = [g for g, v in levels.items() if v and weights.get(g, 0) > 0]
    total = sum(weights[g] for g in used)
    return sum(weights[g] * Fraction(sum(levels[g]), len(levels[g])) for g in used) / total if used else None


def _group_score(g: str, score, rated: int, raters: int, *, judged: bool, suppressed: bool, threshold: int):
    if not judged:
        return GroupScore(g, GROUP_LABELS[g], None, None, 0, is_judged=False)
    if suppressed:
        return GroupScore(g, GROUP_LABELS[g], None, None, raters, True, threshold)
    return GroupScore(g, GROUP_LABELS[g], as_float(score), rated, raters)


def competency_result(framework: Framework, req: Requirement, by_group, rules: ReadinessRules,
                      submitted: Mapping[str, int], judges: Mapping[str, frozenset[str]],
                      modes: Mapping[str, str]):
    """One competency's shown result and its exact scores. ``by_group`` holds the sheets that count, per group the
    rubric knows (``judges``: the competencies each can judge); ``submitted`` decides, with them, whether an
    anonymous group is suppressed, and is the count a suppressed group shows, so that whether a sheet counts never
    shows through a suppressed group; ``modes``: each anonymous group's ``group_mode``."""
    comp = framework.competency(req.competency_id)
    counts = {g: len(by_group[g]) for g in judges}
    weights = group_weights(rules, comp.id)
    shown, decision_levels = judged_levels(by_group, comp.id, judges, rules)
    judged = {g: comp.id in judges[g] for g in judges}
    # Counted per competency: three sheets with one level on this competency are one peer, not a group.
    hidden = {g for g in judges if g in ANONYMOUS_GROUPS and len(shown[g]) < anonymity_threshold(rules, g)}
    suppressed = tuple(g for g in judges if g in hidden and judged[g] and submitted.get(g, 0) > 0)
    means = {g: mean(shown[g]) for g in judges}
    decision = weighted_decision(decision_levels, weights)
    gap = decision - req.required if decision is not None else None
    spread_levels = [x for v in decision_levels.values() for x in v]
    spread = max(spread_levels) - min(spread_levels) if len(spread_levels) >= 2 else None
    diff = means[SELF] - decision if means[SELF] is not None and decision is not None else None
    if decision is None:
        next_level = req.required
    else:
        next_level = min(math.floor(decision) + 1, 5) if decision < 5 else None
    columns = [g for g in judges if g in (SELF, MANAGER) or modes.get(g) == PEERS_SHOWN
               or (g == ASSESSOR and submitted.get(g, 0))]
    groups = [_group_score(g, means[g], len(shown[g]), submitted[g] if g in hidden else counts[g],
                           judged=judged[g], suppressed=g in hidden, threshold=anonymity_threshold(rules, g) or 0)
              for g in columns]
    nonself = [g for g in judges if g != SELF and judged[g] and g not in hidden]
    blind = exact(rules.blind_spot_threshold)
    result = CompetencyResult(
        competency_id=comp.id,
        name=comp.name,
        required=req.required,
        weight=req.weight,
        is_critical=req.is_critical,
        self_score=as_float(means[SELF]),
        manager_score=as_float(means[MANAGER]),
        peer_score=as_float(means[PEER]),
        decision_score=as_float(decision),
        gap=as_float(gap),
        rated=sum(len(shown[g]) for g in nonself),
        raters=sum(counts[g] for g in nonself),
        spread=as_float(Fraction(spread)) if spread is not None else None,
        is_disagreement=spread is not None and spread >= exact(rules.disagreement_threshold),
        self_minus_others=as_float(diff),
        is_blind_spot=diff is not None and diff >= blind,
        is_hidden_strength=diff is not None and -diff >= blind,
        next_level=next_level,
        next_level_label=framework.scale.label(next_level) if next_level else "",
        development_action=comp.anchor(next_level) if next_level else "",
        groups=tuple(groups),
        peers_suppressed=PEER in suppressed,
        suppressed_groups=suppressed,
        is_withheld_from_candidate=bool(suppressed) and rules.peers_below_threshold == PEERS_COUNT,
        direct_report_score=as_float(means.get(DIRECT_REPORT)),
        assessor_score=as_float(means.get(ASSESSOR)),
    )
    exact_scores = ExactScores(req, decision, {g: tuple(v) for g, v in decision_levels.items() if v},
                               frozenset(g for g in judges if g != SELF and shown[g]), weights)
    return result, exact_scores


def comments_of(comps: Sequence[CompetencyResult], by_group, judges: Mapping[str, frozenset[str]]
                ) -> tuple[CommentBlock, ...]:
    """Comments grouped by competency and rater group, sorted by text so rater order shows nowhere.

    An anonymous group's comment shows only where the competency's group is shown; suppressed ones are dropped
    without a count: even how many there were is their answer. A group's comment on a competency it cannot judge
    is no evidence and is dropped too.
    """
    blocks = []
    for comp in comps:
        for group in by_group:
            if group in comp.suppressed_groups or comp.competency_id not in judges[group]:
                continue
            texts = sorted(
                t.strip() for s in by_group[group] if (t := (s.comments.get(comp.competency_id) or "")).strip()
            )
            if texts:
                blocks.append(
                    CommentBlock(comp.competency_id, comp.name, group, GROUP_LABELS[group], tuple(texts))
                )
    return tuple(blocks)
