"""The readiness engine: submitted rater sheets in, an explained verdict out. Plain Python, no Flask, no DB.

The model (docs/readiness.md says the same in prose, with worked examples):

* **Group scores.** For each competency of the target role and each rater group (self, manager, peer) the
  group score is the plain mean of the levels given by that group's raters. "Not observed" and unanswered
  competencies are left out of the mean (never counted as a low score) and show up in the coverage
  ("rated by n of m": n raters gave a level, m sheets of the group were submitted; for a peer group that
  is not shown, "rated by fewer than 3 of m", never the count itself).
* **Decision score.** The weighted mean of the non-self group scores, weighted by
  ``rater_group_weights`` (manager 2, peer 1); a group with no level on the competency drops out of that
  competency's mean. Self is shown beside it and never enters it.
* **Peer anonymity, per competency.** The peer group is shown on a competency, and counts in its decision,
  only when at least ``peer_anonymity_threshold`` peers gave a level *on that competency*. Below that, the
  peers' levels and comments on that competency are left out of everything: scores, decision, spread,
  coverage, comments. Counting submitted sheets was not enough: with three sheets but one level given, the
  "group" is one person. Folding them into an "others" mean was rejected: any mean that mixes one peer with
  the managers gives that peer away, by subtraction when the managers are shown, and even when they are
  hidden at the ends of the scale (an "others" of 5 means every rater gave 5; 1 manager + 1 peer at
  (2M+P)/3 = 14/3 forces M=5, P=4). Suppression makes the output provably independent of those peers'
  answers. ``peer_mode`` says whether a Peers column exists at all: "shown" (at least the threshold of
  peer sheets submitted; single competencies may still be suppressed), "suppressed" (fewer sheets, so
  every competency is), "none".
* **Gap** = decision score - required level (negative: short of the role); **shortfall** = max(0, -gap).
* **Weighted attainment** = sum(weight * min(score / required, 1)) / sum(weight) over the competencies
  that have a decision score. Capped at 1 per competency so that surplus on one competency never hides a
  shortfall on another; relative to the required level so that one level short of 5 costs less than one
  level short of 2; competencies nobody observed are left out (the coverage rule guards against too few).
* **Insufficient evidence** when fewer than ``min_nonself_raters`` non-self sheets were submitted, when the
  share of the target role's competencies without a decision score is above ``max_not_observed_share``, or
  when a *critical* competency of the target role has no decision score (nobody counted observed it: the
  verdict cannot say it is met, and treating it as a low score would make "not observed" one).
* **Bands** are checked in the rubric's order; a band holds when the largest shortfall on a *critical*
  competency is at most ``max_critical_gap`` and the weighted attainment is at least
  ``min_weighted_attainment`` (conditions set to None are not checked). The first band that holds is the
  verdict; the last band has no conditions and catches the rest. The band order is the verdict order: the
  first band is the best. Insufficient evidence lies outside that order; where verdicts are compared
  (``verdict_rank``) it counts as worse than the last band: missing evidence never beats a verdict.

All comparisons are made on exact fractions, so "exactly at the threshold" passes as the rubric says.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from .model import NOT_OBSERVED, SCALE, Framework, ReadinessRules

SELF = "self"
MANAGER = "manager"
PEER = "peer"
RATER_GROUPS = (SELF, MANAGER, PEER)
NONSELF_GROUPS = (MANAGER, PEER)
GROUP_LABELS = {SELF: "Self", MANAGER: "Managers", PEER: "Peers"}
INSUFFICIENT_EVIDENCE = "insufficient_evidence"

#: How peers count: shown as a group, suppressed (fewer than the anonymity threshold), or there are none.
PEERS_SHOWN, PEERS_SUPPRESSED, PEERS_NONE = "shown", "suppressed", "none"


@dataclass(frozen=True)
class RaterSheet:
    """One submitted rating sheet. ``rater_key`` is opaque and stable within an assessment, never a name."""

    rater_key: str
    group: str
    ratings: Mapping[str, int | str]
    comments: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self):
        if self.group not in RATER_GROUPS:
            raise ValueError(f"rater group {self.group!r} is not one of {', '.join(RATER_GROUPS)}")
        for comp_id, value in self.ratings.items():
            if value != NOT_OBSERVED and (isinstance(value, bool) or value not in SCALE):
                raise ValueError(f"rating {value!r} for {comp_id!r} is neither a level 1..5 nor not observed")


def coverage_text(rated: int, raters: int) -> str:
    """ "rated by 2 of 3": raters who gave a level, of the sheets counted. """
    return f"rated by {rated} of {raters}"


def suppressed_coverage_text(threshold: int, raters: int) -> str:
    """ "rated by fewer than 3 of 4": a peer group below the threshold, without its count (that is an answer). """
    return f"rated by fewer than {threshold} of {raters}"


@dataclass(frozen=True)
class GroupScore:
    """A rater group's score on one competency as shown: mean of the levels given, and coverage.

    A peer group below the anonymity threshold on this competency is ``is_suppressed``: no score, and
    ``rated`` is None because how many peers gave a level is itself their answer.
    """

    group: str
    label: str
    score: float | None
    rated: int | None
    raters: int
    is_suppressed: bool = False
    #: The anonymity threshold, for the coverage text of a suppressed group.
    min_shown: int = 0

    @property
    def coverage(self) -> str:
        if self.is_suppressed:
            return suppressed_coverage_text(self.min_shown, self.raters)
        return coverage_text(self.rated, self.raters)


@dataclass(frozen=True)
class CompetencyResult:
    """Everything shown about one competency of the target role."""

    competency_id: str
    name: str
    required: int
    weight: float
    is_critical: bool
    self_score: float | None
    #: None when no manager gave a level.
    manager_score: float | None
    #: None unless at least the anonymity threshold of peers gave a level on this competency.
    peer_score: float | None
    decision_score: float | None
    gap: float | None
    #: Counted non-self raters who gave a level, of their sheets submitted: managers, and peers when their group
    #: is shown on this competency (a suppressed peer group is in neither number).
    rated: int
    raters: int
    #: Highest minus lowest counted non-self level; None under two such ratings.
    spread: float | None
    is_disagreement: bool
    #: Self minus the decision score; None without both.
    self_minus_others: float | None
    is_blind_spot: bool
    is_hidden_strength: bool
    next_level: int | None
    next_level_label: str
    #: The behavioural anchor of the next level up: a ready-made development action.
    development_action: str
    groups: tuple[GroupScore, ...]
    #: Peers submitted but fewer than the anonymity threshold gave a level here: their levels and comments on
    #: this competency are left out.
    peers_suppressed: bool = False

    @property
    def shortfall(self) -> float:
        return max(0.0, -self.gap) if self.gap is not None else 0.0

    @property
    def coverage(self) -> str:
        return coverage_text(self.rated, self.raters)


@dataclass(frozen=True)
class RuleResult:
    """One rule of the rubric as applied: what it asks, whether it held, and why."""

    id: str
    text: str
    passed: bool
    detail: str


@dataclass(frozen=True)
class Shortfall:
    competency_id: str
    name: str
    required: int
    score: float
    shortfall: float
    is_critical: bool


@dataclass(frozen=True)
class DevelopmentPriority:
    competency_id: str
    name: str
    shortfall: float
    is_critical: bool
    next_level: int
    next_level_label: str
    action: str


@dataclass(frozen=True)
class CommentBlock:
    """The comments of one rater group on one competency, in text order: never keyed to a rater."""

    competency_id: str
    competency_name: str
    group: str
    group_label: str
    texts: tuple[str, ...]


@dataclass(frozen=True)
class ReadinessResult:
    target_role_id: str
    target_role_name: str
    band_id: str
    band_label: str
    is_sufficient: bool
    #: Position of the band in the rubric's order (0 is best); None for insufficient evidence.
    band_rank: int | None
    weighted_attainment: float | None
    largest_critical_shortfall: float | None
    #: Share of the target role's competencies without a decision score.
    unscored_share: float
    rules: tuple[RuleResult, ...]
    competencies: tuple[CompetencyResult, ...]
    holding_back: tuple[Shortfall, ...]
    strengths: tuple[CompetencyResult, ...]
    blind_spots: tuple[CompetencyResult, ...]
    hidden_strengths: tuple[CompetencyResult, ...]
    disagreements: tuple[CompetencyResult, ...]
    development_priorities: tuple[DevelopmentPriority, ...]
    comments: tuple[CommentBlock, ...]
    peer_mode: str
    #: The rubric's bands as (id, label), best first: the verdict order (insufficient evidence not included).
    band_order: tuple[tuple[str, str], ...]
    #: Submitted sheets per group (self, manager, peer).
    sheet_counts: Mapping[str, int]
    summary: str
    #: Fewest peers with a level on a competency for their group to be shown there (from the rubric).
    peer_anonymity_threshold: int

    @property
    def has_suppressed_peer_groups(self) -> bool:
        """A Peers column is shown, but some competency's peer group is left out of it."""
        return self.peer_mode == PEERS_SHOWN and any(c.peers_suppressed for c in self.competencies)

    @property
    def verdict_rank(self) -> int:
        """The band's position for comparing verdicts (0 is best); insufficient evidence ranks below every band."""
        return self.band_rank if self.band_rank is not None else len(self.band_order)

    def competency(self, competency_id: str) -> CompetencyResult:
        for item in self.competencies:
            if item.competency_id == competency_id:
                return item
        raise KeyError(competency_id)

    @property
    def shown_groups(self) -> tuple[str, ...]:
        """The score columns to show, in order: self, managers, and peers when enough submitted to ever be shown."""
        if self.peer_mode == PEERS_SHOWN:
            return (SELF, MANAGER, PEER)
        return (SELF, MANAGER)


def exact(number) -> Fraction:
    """A rubric number as an exact fraction of its written form (0.9 is 9/10, not the nearest binary)."""
    return Fraction(str(number))


def _mean(values: Sequence[int]) -> Fraction | None:
    return Fraction(sum(values), len(values)) if values else None


def _float(value: Fraction | None) -> float | None:
    return None if value is None else float(value)


def _fmt(value: Fraction | float) -> str:
    """A level or gap for a sentence: 3, 3.5, 3.67."""
    text = f"{float(value):.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _pct(value: Fraction | float) -> str:
    return f"{math.floor(float(value) * 1000 + 0.5) / 10:g}%"


def plural(count: int, noun: str) -> str:
    """ "1 manager", "2 managers". """
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _levels(sheets: Sequence[RaterSheet], comp_id: str) -> list[int]:
    return sorted(v for s in sheets if (v := s.ratings.get(comp_id)) is not None and v != NOT_OBSERVED)


def assess_readiness(framework: Framework, target_role: str, sheets: Sequence[RaterSheet]) -> ReadinessResult:
    """The readiness verdict for ``target_role`` from the submitted sheets of one assessment, explained."""
    rules = framework.readiness
    role = framework.role(target_role)
    by_group = {g: [s for s in sheets if s.group == g] for g in RATER_GROUPS}
    counts = {g: len(by_group[g]) for g in RATER_GROUPS}
    n_peers = counts[PEER]
    if n_peers == 0:
        peer_mode = PEERS_NONE
    elif n_peers >= rules.peer_anonymity_threshold:
        peer_mode = PEERS_SHOWN
    else:
        peer_mode = PEERS_SUPPRESSED
    weights = {g: exact(rules.rater_group_weights.get(g, 0)) for g in NONSELF_GROUPS}
    thresholds = (exact(rules.blind_spot_threshold), exact(rules.disagreement_threshold))
    order = {c.id: i for i, c in enumerate(framework.competencies)}
    requirements = sorted(role.requirements, key=lambda r: order.get(r.competency_id, len(order)))

    n_counted = counts[MANAGER] + (n_peers if peer_mode == PEERS_SHOWN else 0)
    comps: list[CompetencyResult] = []
    exact_scores: dict[str, Fraction | None] = {}
    for req in requirements:
        result, decision = _competency_result(framework, req, by_group, peer_mode, rules, weights, thresholds)
        comps.append(result)
        exact_scores[req.competency_id] = decision

    # The verdict, on exact values.
    scored = [(r, exact_scores[r.competency_id]) for r in requirements if exact_scores[r.competency_id] is not None]
    unscored_share = Fraction(len(requirements) - len(scored), len(requirements)) if requirements else Fraction(0)
    weight_sum = sum(exact(r.weight) for r, _ in scored)
    attainment = (
        sum(exact(r.weight) * min(s / r.required, Fraction(1)) for r, s in scored) / weight_sum
        if scored and weight_sum > 0
        else None
    )
    critical = [(r, s) for r, s in scored if r.is_critical]
    largest = max((max(Fraction(0), r.required - s) for r, s in critical), default=None)

    results: list[RuleResult] = []
    enough_raters = n_counted >= rules.min_nonself_raters
    counted_peers = n_peers if peer_mode == PEERS_SHOWN else 0
    detail = f"{n_counted} counted: {plural(counts[MANAGER], 'manager')}, {plural(counted_peers, 'peer')}."
    if peer_mode == PEERS_SUPPRESSED:
        detail += (
            f" {n_peers} peer sheet(s) not counted: peers count from {rules.peer_anonymity_threshold}"
            " submitted, to keep them anonymous."
        )
    results.append(
        RuleResult(
            "min_nonself_raters",
            f"At least {rules.min_nonself_raters} manager or peer sheet(s) counted.",
            enough_raters,
            detail,
        )
    )
    max_share = exact(rules.max_not_observed_share)
    enough_coverage = unscored_share <= max_share
    unscored_names = [c.name for c in comps if c.decision_score is None]
    results.append(
        RuleResult(
            "max_not_observed_share",
            f"At most {_pct(max_share)} of the {role.name} competencies without a manager or peer score.",
            enough_coverage,
            f"{len(unscored_names)} of {len(requirements)} ({_pct(unscored_share)}) without a score"
            + (f": {', '.join(unscored_names)}." if unscored_names else "."),
        )
    )
    results.append(_critical_observed_rule(rules, comps))
    sufficient = all(r.passed for r in results)
    n_evidence_rules = len(results)

    band_id, band_label, band_rank = INSUFFICIENT_EVIDENCE, rules.insufficient_evidence_label, None
    critical_short = sorted(
        ((framework.competency(r.competency_id).name, r.required - s) for r, s in critical if s < r.required),
        key=lambda item: -item[1],
    )
    for index, band in enumerate(rules.bands):
        checks = _band_checks(band, index == len(rules.bands) - 1, largest, attainment, critical_short)
        results.extend(checks)
        if sufficient and band_rank is None and all(c.passed for c in checks):
            band_id, band_label, band_rank = band.id, band.label, index

    holding = sorted(
        (
            Shortfall(c.competency_id, c.name, c.required, c.decision_score, c.shortfall, c.is_critical)
            for c in comps
            if c.decision_score is not None and c.shortfall > 0
        ),
        key=lambda s: (not s.is_critical, -s.shortfall, order[s.competency_id]),
    )
    priority_items = sorted(
        (c for c in comps if c.shortfall > 0 and c.next_level),
        key=lambda c: (not c.is_critical, -c.shortfall * c.weight, -c.weight, order[c.competency_id]),
    )
    priorities = tuple(
        DevelopmentPriority(
            c.competency_id, c.name, c.shortfall, c.is_critical, c.next_level, c.next_level_label, c.development_action
        )
        for c in priority_items
    )
    strengths = tuple(
        sorted(
            (c for c in comps if c.decision_score is not None and c.gap >= 0),
            key=lambda c: (-c.gap, not c.is_critical, -c.weight, order[c.competency_id]),
        )
    )
    comments = _comments(comps, by_group)

    if not sufficient:
        summary = f"{band_label}: " + " ".join(r.detail for r in results[:n_evidence_rules] if not r.passed)
    else:
        parts = [f"{band_label} for {role.name}: weighted attainment {_pct(attainment)}"]
        crit_short = [s for s in holding if s.is_critical]
        if crit_short:
            parts.append(
                "critical shortfall on " + ", ".join(f"{s.name} ({_fmt(s.shortfall)})" for s in crit_short)
            )
        else:
            parts.append("every critical competency at or above the required level")
        summary = "; ".join(parts) + "."

    return ReadinessResult(
        target_role_id=role.id,
        target_role_name=role.name,
        band_id=band_id,
        band_label=band_label,
        is_sufficient=sufficient,
        band_rank=band_rank,
        weighted_attainment=_float(attainment),
        largest_critical_shortfall=_float(largest),
        unscored_share=float(unscored_share),
        rules=tuple(results),
        competencies=tuple(comps),
        holding_back=tuple(holding),
        strengths=strengths,
        blind_spots=tuple(c for c in comps if c.is_blind_spot),
        hidden_strengths=tuple(c for c in comps if c.is_hidden_strength),
        disagreements=tuple(c for c in comps if c.is_disagreement),
        development_priorities=priorities,
        comments=comments,
        peer_mode=peer_mode,
        band_order=tuple((b.id, b.label) for b in rules.bands),
        sheet_counts=counts,
        summary=summary,
        peer_anonymity_threshold=rules.peer_anonymity_threshold,
    )


def _competency_result(framework, req, by_group, peer_mode, rules, weights, thresholds):
    """One competency's scores, gap, coverage and flags, and its exact decision score (or None)."""
    comp = framework.competency(req.competency_id)
    counts = {g: len(by_group[g]) for g in RATER_GROUPS}
    blind, disagree = thresholds
    levels = {g: _levels(by_group[g], comp.id) for g in RATER_GROUPS}
    # Counted per competency: three sheets with one level on this competency are one peer, not a group.
    peers_shown_here = len(levels[PEER]) >= rules.peer_anonymity_threshold
    if not peers_shown_here:
        # Below the anonymity threshold the peers' answers on this competency (even how many gave a level)
        # must not reach anything that is shown.
        levels[PEER] = []
    means = {g: _mean(levels[g]) for g in RATER_GROUPS}
    n_counted = counts[MANAGER] + (counts[PEER] if peers_shown_here else 0)
    used = [g for g in NONSELF_GROUPS if means[g] is not None and weights[g] > 0]
    total_weight = sum(weights[g] for g in used)
    decision = sum(weights[g] * means[g] for g in used) / total_weight if used else None
    gap = decision - req.required if decision is not None else None
    spread_levels = levels[MANAGER] + levels[PEER]
    spread = max(spread_levels) - min(spread_levels) if len(spread_levels) >= 2 else None
    diff = means[SELF] - decision if means[SELF] is not None and decision is not None else None
    if decision is None:
        next_level = req.required
    else:
        next_level = min(math.floor(decision) + 1, 5) if decision < 5 else None
    groups = [GroupScore(g, GROUP_LABELS[g], _float(means[g]), len(levels[g]), counts[g]) for g in (SELF, MANAGER)]
    if peer_mode == PEERS_SHOWN:
        if peers_shown_here:
            groups.append(GroupScore(PEER, GROUP_LABELS[PEER], _float(means[PEER]), len(levels[PEER]), counts[PEER]))
        else:
            groups.append(GroupScore(PEER, GROUP_LABELS[PEER], None, None, counts[PEER], True,
                                     rules.peer_anonymity_threshold))
    result = CompetencyResult(
        competency_id=comp.id,
        name=comp.name,
        required=req.required,
        weight=req.weight,
        is_critical=req.is_critical,
        self_score=_float(means[SELF]),
        manager_score=_float(means[MANAGER]),
        peer_score=_float(means[PEER]),
        decision_score=_float(decision),
        gap=_float(gap),
        rated=len(levels[MANAGER]) + len(levels[PEER]),
        raters=n_counted,
        spread=_float(Fraction(spread)) if spread is not None else None,
        is_disagreement=spread is not None and spread >= disagree,
        self_minus_others=_float(diff),
        is_blind_spot=diff is not None and diff >= blind,
        is_hidden_strength=diff is not None and -diff >= blind,
        next_level=next_level,
        next_level_label=framework.scale.label(next_level) if next_level else "",
        development_action=comp.anchor(next_level) if next_level else "",
        groups=tuple(groups),
        peers_suppressed=counts[PEER] > 0 and not peers_shown_here,
    )
    return result, decision


def _critical_observed_rule(rules: ReadinessRules, comps: Sequence[CompetencyResult]) -> RuleResult:
    """Every critical competency needs a decision score: an unobserved one can be neither met nor short.

    The detail never says whether suppressed peers gave a level: that count is their answer.
    """
    critical = [c for c in comps if c.is_critical]
    missing = [c.name for c in critical if c.decision_score is None]
    threshold = rules.peer_anonymity_threshold
    if missing:
        detail = f"{', '.join(missing)} not observed."
    else:
        detail = f"{len(critical)} of {len(critical)} observed." if critical else "The role has no critical competency."
    return RuleResult(
        "critical_observed",
        f"Every critical competency was rated by a manager or by at least {plural(threshold, 'peer')}.",
        not missing,
        detail,
    )


def _band_checks(band, is_last, largest, attainment, critical_short) -> list[RuleResult]:
    """The band's conditions as applied; the last band without conditions holds by definition."""
    checks = []
    if band.max_critical_gap is not None:
        limit = exact(band.max_critical_gap)
        want = "below" if limit == 0 else f"more than {_fmt(limit)} level{'s' if limit != 1 else ''} below"
        over = [f"{name} ({_fmt(short)})" for name, short in critical_short if short > limit]
        if largest is None:
            detail = "No critical competency has a score."
        elif over:
            detail = f"Over the limit: {', '.join(over)}."
        else:
            detail = f"Largest critical shortfall {_fmt(largest)}."
        checks.append(
            RuleResult(
                f"{band.id}.max_critical_gap",
                f"{band.label}: no critical competency {want} the required level.",
                largest is None or largest <= limit,
                detail,
            )
        )
    if band.min_weighted_attainment is not None:
        limit = exact(band.min_weighted_attainment)
        checks.append(
            RuleResult(
                f"{band.id}.min_weighted_attainment",
                f"{band.label}: weighted attainment at least {_pct(limit)}.",
                attainment is not None and attainment >= limit,
                f"Weighted attainment {_pct(attainment)}." if attainment is not None else "No scores.",
            )
        )
    if is_last and not checks:
        checks.append(RuleResult(f"{band.id}.fallback", f"{band.label}: when no band above holds.", True, ""))
    return checks


def _comments(comps: Sequence[CompetencyResult], by_group) -> tuple[CommentBlock, ...]:
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


def verdicts(rules: ReadinessRules) -> tuple[tuple[str, str], ...]:
    """Every verdict a result can have, as (id, label): the bands in order, then insufficient evidence."""
    return tuple((band.id, band.label) for band in rules.bands) + (
        (INSUFFICIENT_EVIDENCE, rules.insufficient_evidence_label),)


def verdict_label(rules: ReadinessRules, band_id: str | None) -> str:
    """The label of a verdict id (a band or insufficient evidence); the id itself if unknown, empty for None."""
    if band_id is None:
        return ""
    return dict(verdicts(rules)).get(band_id, band_id)


def rules_in_words(rules: ReadinessRules) -> tuple[str, ...]:
    """The readiness model and the rubric's rules as sentences, for the methodology page."""
    weights = ", ".join(f"{GROUP_LABELS[g].lower()} {_fmt(exact(w))}" for g, w in rules.rater_group_weights.items())
    lines = [
        "Each competency is scored per rater group (self, managers, peers) as the mean of the levels given; "
        "“not observed” is left out of the mean, never counted as a low score, and shows in the coverage "
        "(“rated by n of m”).",
        f"The decision score is the weighted mean of the manager and peer group scores (weights: {weights}); "
        "the self-assessment is shown beside it and never changes the verdict.",
        f"Peers count on a competency, and are shown there as a group, only when at least "
        f"{rules.peer_anonymity_threshold} of them gave a level on it. With fewer, their levels and comments "
        "on that competency are left out of the scores, the verdict and the report altogether (even how many "
        "gave a level), so that no single peer’s answer can be recovered from what is shown.",
        "Gap = decision score − required level of the target role.",
        "Weighted attainment = Σ weight × min(decision score ÷ required level, 1) ÷ Σ weight, over the "
        "competencies with a decision score; surplus on one competency never offsets a shortfall on another.",
        f"Insufficient evidence (“{rules.insufficient_evidence_label}”) when fewer than "
        f"{rules.min_nonself_raters} manager or peer sheet(s) count, when more than "
        f"{_pct(exact(rules.max_not_observed_share))} of the target role’s competencies have no manager or "
        "peer score, or when any critical competency of the target role has none: a critical competency "
        "nobody observed can be neither met nor short, so no band is given.",
    ]
    for index, band in enumerate(rules.bands):
        conditions = []
        if band.max_critical_gap is not None:
            limit = exact(band.max_critical_gap)
            conditions.append(
                "every critical competency at or above its required level"
                if limit == 0
                else f"no critical competency more than {_fmt(limit)} level{'s' if limit != 1 else ''} below it"
            )
        if band.min_weighted_attainment is not None:
            conditions.append(f"weighted attainment at least {_pct(exact(band.min_weighted_attainment))}")
        if conditions:
            lines.append(f"{index + 1}. {band.label}: " + " and ".join(conditions) + ".")
        else:
            lines.append(f"{index + 1}. {band.label}: otherwise.")
    lines.append(
        f"Blind spot: self at least {_fmt(exact(rules.blind_spot_threshold))} level(s) above the decision score; "
        "hidden strength: the same distance below. Rater disagreement: manager and peer levels on a competency "
        f"{_fmt(exact(rules.disagreement_threshold))} or more levels apart."
    )
    return tuple(lines)
