"""Per-competency scores: group means, the decision score, gap, coverage, spread, self vs others, comments."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from .model import NOT_OBSERVED, PEERS_COUNT, Framework, ReadinessRules, Requirement
from .readiness_model import (
    GROUP_LABELS,
    MANAGER,
    NONSELF_GROUPS,
    PEER,
    PEERS_SHOWN,
    RATER_GROUPS,
    SELF,
    CommentBlock,
    CompetencyResult,
    GroupScore,
    RaterSheet,
)
from .readiness_numbers import as_float, exact, mean


@dataclass(frozen=True)
class ExactScores:
    """A competency's exact numbers, for the rules: the verdict is never decided on rounded floats."""

    requirement: Requirement
    decision: Fraction | None
    #: Group means over EVERY counted level (peers below the threshold included when they count): the
    #: panel-review check uses these, never shows them.
    manager_mean: Fraction | None
    peer_mean: Fraction | None
    manager_levels: tuple[int, ...]
    #: Every counted peer level (hidden peers included where they count): thin evidence and the group floor.
    peer_levels: tuple[int, ...] = ()


def levels_of(sheets: Sequence[RaterSheet], comp_id: str) -> list[int]:
    return sorted(v for s in sheets if (v := s.ratings.get(comp_id)) is not None and v != NOT_OBSERVED)


def competency_result(framework: Framework, req: Requirement, by_group, peer_mode: str, rules: ReadinessRules,
                      submitted_peers: int | None = None):
    """One competency's shown result and its exact scores. ``by_group`` holds the sheets that count;
    ``submitted_peers`` (default: those) decides, with them, whether a peer group is suppressed, and is the count
    a suppressed group shows, so that whether a peer's sheet counts never shows through a suppressed group."""
    comp = framework.competency(req.competency_id)
    counts = {g: len(by_group[g]) for g in RATER_GROUPS}
    submitted_peers = counts[PEER] if submitted_peers is None else submitted_peers
    weights = {g: exact(rules.rater_group_weights.get(g, 0)) for g in NONSELF_GROUPS}
    levels = {g: levels_of(by_group[g], comp.id) for g in RATER_GROUPS}
    all_peer_levels = levels[PEER]
    # Counted per competency: three sheets with one level on this competency are one peer, not a group.
    peers_shown_here = len(levels[PEER]) >= rules.peer_anonymity_threshold
    count_hidden = rules.peers_below_threshold == PEERS_COUNT
    if not peers_shown_here:
        # Below the threshold the peer group is never shown, nor how many gave a level. Under the 2026.11 rule
        # its levels are left out of everything; from 2026.12 they still count in the decision, and the
        # candidate view withholds every number that depends on them.
        levels[PEER] = []
    means = {g: mean(levels[g]) for g in RATER_GROUPS}
    decision_peers = all_peer_levels if count_hidden else levels[PEER]
    decision_means = {MANAGER: means[MANAGER], PEER: mean(decision_peers)}
    used = [g for g in NONSELF_GROUPS if decision_means[g] is not None and weights[g] > 0]
    total_weight = sum(weights[g] for g in used)
    decision = sum(weights[g] * decision_means[g] for g in used) / total_weight if used else None
    gap = decision - req.required if decision is not None else None
    spread_levels = levels[MANAGER] + decision_peers
    spread = max(spread_levels) - min(spread_levels) if len(spread_levels) >= 2 else None
    diff = means[SELF] - decision if means[SELF] is not None and decision is not None else None
    if decision is None:
        next_level = req.required
    else:
        next_level = min(math.floor(decision) + 1, 5) if decision < 5 else None
    groups = [GroupScore(g, GROUP_LABELS[g], as_float(means[g]), len(levels[g]), counts[g]) for g in (SELF, MANAGER)]
    if peer_mode == PEERS_SHOWN:
        if peers_shown_here:
            groups.append(GroupScore(PEER, GROUP_LABELS[PEER], as_float(means[PEER]), len(levels[PEER]), counts[PEER]))
        else:
            groups.append(GroupScore(PEER, GROUP_LABELS[PEER], None, None, submitted_peers, True,
                                     rules.peer_anonymity_threshold))
    blind = exact(rules.blind_spot_threshold)
    suppressed = submitted_peers > 0 and not peers_shown_here
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
        rated=len(levels[MANAGER]) + len(levels[PEER]),
        raters=counts[MANAGER] + (counts[PEER] if peers_shown_here else 0),
        spread=as_float(Fraction(spread)) if spread is not None else None,
        is_disagreement=spread is not None and spread >= exact(rules.disagreement_threshold),
        self_minus_others=as_float(diff),
        is_blind_spot=diff is not None and diff >= blind,
        is_hidden_strength=diff is not None and -diff >= blind,
        next_level=next_level,
        next_level_label=framework.scale.label(next_level) if next_level else "",
        development_action=comp.anchor(next_level) if next_level else "",
        groups=tuple(groups),
        peers_suppressed=suppressed,
        is_withheld_from_candidate=suppressed and count_hidden,
    )
    exact_scores = ExactScores(req, decision, means[MANAGER], mean(decision_peers), tuple(levels[MANAGER]),
                               tuple(decision_peers))
    return result, exact_scores


def comments_of(comps: Sequence[CompetencyResult], by_group) -> tuple[CommentBlock, ...]:
    """Comments grouped by competency and rater group, sorted by text so rater order shows nowhere.

    A peer comment shows only where the competency's peer group is shown; suppressed ones are dropped
    without a count: even how many there were is their answer.
    """
    blocks = []
    for comp in comps:
        for group in RATER_GROUPS:
            if group == PEER and comp.peers_suppressed:
                continue
            texts = sorted(
                t.strip() for s in by_group[group] if (t := (s.comments.get(comp.competency_id) or "")).strip()
            )
            if texts:
                blocks.append(
                    CommentBlock(comp.competency_id, comp.name, group, GROUP_LABELS[group], tuple(texts))
                )
    return tuple(blocks)
