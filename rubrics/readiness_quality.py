"""Rater quality across a cycle, for HR: leniency, severity, central tendency, straight-lining.

A pure function over plain ratings (rater key, candidate key, competency, level, group); the thresholds are
the rubric's ``readiness.rater_quality``. They tell HR and the panel where a verdict may rest on a rater whose
levels say more about the rater than about the candidate; from rubric 2026.12.3 a verdict resting for half its
weight on raters flagged lenient, severe or straight-lining goes to Panel review (docs/readiness.md, "Rater
quality").
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from fractions import Fraction

from .i18n import N_, TranslatedLabels, _, ngettext
from .model import SCALE, RaterQualityRules
from .readiness_model import MANAGER, NONSELF_GROUPS
from .readiness_numbers import exact, fmt, pct

LENIENT, SEVERE, CENTRAL_TENDENCY, STRAIGHT_LINING = "lenient", "severe", "central_tendency", "straight_lining"
#: The flags' labels, translated on each lookup.
FLAG_LABELS = TranslatedLabels({LENIENT: N_("Lenient"), SEVERE: N_("Severe"), CENTRAL_TENDENCY: N_("Central tendency"),
                                STRAIGHT_LINING: N_("Straight-lining")})


@dataclass(frozen=True)
class CycleRating:
    """One counted level a manager or peer gave (self-assessments are not rater quality's business)."""

    rater_key: str
    candidate_key: str
    competency_id: str
    level: int
    group: str = MANAGER


@dataclass(frozen=True)
class RaterFlag:
    id: str
    label: str
    #: Plain words with the numbers behind the flag.
    explanation: str


@dataclass(frozen=True)
class RaterQuality:
    rater_key: str
    levels: int
    candidates: int
    mean: float
    #: Population standard deviation of the rater's levels.
    spread: float
    #: The rater's mean minus the other raters' mean on the same candidates and competencies; None when the
    #: rater shares too few (fewer than ``min_ratings``) such levels with others.
    leniency: float | None
    flags: tuple[RaterFlag, ...]

    @property
    def is_flagged(self) -> bool:
        return bool(self.flags)


@dataclass(frozen=True)
class RaterQualityReport:
    raters: tuple[RaterQuality, ...]
    #: Per candidate key, each rater's share of the candidate's decision weight (sums to 1 where rated).
    influence: Mapping[str, Mapping[str, float]]
    rests_on_share: float

    def rater(self, rater_key: str) -> RaterQuality:
        for item in self.raters:
            if item.rater_key == rater_key:
                return item
        raise KeyError(rater_key)

    @cached_property
    def flagged(self) -> tuple[RaterQuality, ...]:
        return tuple(r for r in self.raters if r.is_flagged)

    @cached_property
    def _flagged_by_key(self) -> dict[str, RaterQuality]:
        # Worked out once per report, not once per candidate asked about (a page asks for 50 of them).
        return {r.rater_key: r for r in self.flagged}

    def rests_on_flagged(self, candidate_key: str) -> RaterQuality | None:
        """The flagged rater a candidate's verdict rests mainly on (at least ``rests_on_share`` of its decision
        weight), or None."""
        shares = self.influence.get(candidate_key, {})
        flagged = self._flagged_by_key
        heavy = sorted((share, key) for key, share in shares.items()
                       if key in flagged and share >= self.rests_on_share - 1e-12)
        return flagged[heavy[-1][1]] if heavy else None


def influence(ratings: Iterable[CycleRating], weights: Mapping[str, float]) -> dict[str, dict[str, float]]:
    """Each rater's share of each candidate's decision weight: per competency the rater carries its group's
    weight split among the group's raters there (as the decision score does); averaged over the competencies."""
    cells: dict[tuple[str, str], dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for r in ratings:
        if r.group in NONSELF_GROUPS:
            cells[r.candidate_key, r.competency_id][r.group].append(r.rater_key)
    totals: dict[str, dict[str, Fraction]] = defaultdict(lambda: defaultdict(Fraction))
    counts: dict[str, int] = defaultdict(int)
    for (candidate, _), groups in cells.items():
        weight_sum = sum(exact(weights.get(g, 0)) for g in groups)
        if weight_sum == 0:
            continue
        counts[candidate] += 1
        for group, raters in groups.items():
            for key in raters:
                totals[candidate][key] += exact(weights.get(group, 0)) / weight_sum / len(raters)
    return {c: {k: float(v / counts[c]) for k, v in sorted(shares.items())} for c, shares in totals.items()}


def rater_quality(ratings: Iterable[CycleRating], rules: RaterQualityRules,
                  weights: Mapping[str, float]) -> RaterQualityReport:
    """Per rater, their quality figures and flags, over every counted manager and peer level of a cycle."""
    ratings = [r for r in ratings if r.group in NONSELF_GROUPS]
    by_rater: dict[str, list[CycleRating]] = defaultdict(list)
    by_cell: dict[tuple[str, str], list[CycleRating]] = defaultdict(list)
    for r in ratings:
        by_rater[r.rater_key].append(r)
        by_cell[r.candidate_key, r.competency_id].append(r)
    spreads = sorted(statistics.pstdev([r.level for r in own]) for own in by_rater.values()
                     if len(own) >= rules.min_ratings)
    usual = statistics.median(spreads) if spreads else None
    raters = tuple(_one_rater(key, by_rater[key], by_cell, rules, usual) for key in sorted(by_rater))
    return RaterQualityReport(raters, influence(ratings, weights), float(rules.rests_on_share))


def _flat(levels: list[int], rules: RaterQualityRules) -> bool:
    """A sheet (nearly) all one level: at least ``straight_line_min_levels`` levels, the most common at least
    ``straight_line_share`` of them (all of them without the key). From 2026.12.3 a sheet at the top of the scale
    is not: for a profile that requires 5s that is the only way to be ready (leniency is the check there)."""
    if len(levels) < rules.straight_line_min_levels:
        return False
    if rules.straight_line_share is None:
        return len(set(levels)) == 1
    top = max(set(levels), key=levels.count)
    return top != SCALE[-1] and Fraction(levels.count(top), len(levels)) >= exact(rules.straight_line_share)


def _one_rater(key: str, own: list[CycleRating], by_cell, rules: RaterQualityRules,
               usual: float | None = None) -> RaterQuality:
    levels = [r.level for r in own]
    if rules.same_group and len(levels) < rules.min_ratings:
        spread = statistics.pstdev(levels) if levels else 0.0
        return RaterQuality(key, len(levels), len({r.candidate_key for r in own}),
                            float(Fraction(sum(levels), len(levels))) if levels else 0.0, spread, None, ())
    mine, theirs = [], []
    for r in own:
        others = [o.level for o in by_cell[r.candidate_key, r.competency_id]
                  if o.rater_key != key and (o.group == r.group or not rules.same_group)]
        if others:
            mine.append(r.level)
            theirs.append(Fraction(sum(others), len(others)))
    leniency = (Fraction(sum(mine), len(mine)) - sum(theirs) / len(theirs)) if len(mine) >= rules.min_ratings else None
    spread = statistics.pstdev(levels) if levels else 0.0
    flags = []
    limit = exact(rules.leniency)
    if leniency is not None and leniency >= limit:
        flags.append(RaterFlag(LENIENT, FLAG_LABELS[LENIENT],
                               _("Rates %(levels)s above the other raters of the same candidates, on average over "
                                 "%(shared)s: their verdicts may be too kind.", levels=_levels(leniency),
                                 shared=_shared(len(mine)))))
    if leniency is not None and -leniency >= limit:
        flags.append(RaterFlag(SEVERE, FLAG_LABELS[SEVERE],
                               _("Rates %(levels)s below the other raters of the same candidates, on average over "
                                 "%(shared)s: their verdicts may be too harsh.", levels=_levels(-leniency),
                                 shared=_shared(len(mine)))))
    sheets: dict[str, list[int]] = defaultdict(list)
    for r in own:
        sheets[r.candidate_key].append(r.level)
    flat = sorted(c for c, given in sheets.items() if _flat(given, rules))
    if flat and rules.straight_line_share is not None:
        flags.append(RaterFlag(STRAIGHT_LINING, FLAG_LABELS[STRAIGHT_LINING],
                               ngettext("Gave one and the same level on at least %(share)s of the competencies of "
                                        "%(flat)s of %(num)d sheet: the sheet does not tell strengths from gaps.",
                                        "Gave one and the same level on at least %(share)s of the competencies of "
                                        "%(flat)s of %(num)d sheets: the sheet does not tell strengths from gaps.",
                                        len(sheets), flat=len(flat), share=pct(exact(rules.straight_line_share)))))
    elif flat:
        flags.append(RaterFlag(STRAIGHT_LINING, FLAG_LABELS[STRAIGHT_LINING],
                               ngettext("Gave one and the same level on every competency of %(flat)s of %(num)d "
                                        "sheet: the sheet does not tell strengths from gaps.",
                                        "Gave one and the same level on every competency of %(flat)s of %(num)d "
                                        "sheets: the sheet does not tell strengths from gaps.", len(sheets),
                                        flat=len(flat))))
    ends = {SCALE[0], SCALE[-1]}
    if (len(levels) >= rules.min_ratings and len(set(levels)) > 1 and spread < float(rules.min_spread)
            and not ends & set(levels)
            and (rules.cycle_spread_share is None or usual is None
                 or spread < float(exact(rules.cycle_spread_share)) * usual)):
        flags.append(RaterFlag(CENTRAL_TENDENCY, FLAG_LABELS[CENTRAL_TENDENCY],
                               _("Levels hardly vary (standard deviation %(spread)s over %(levels)s, only levels "
                                 "%(low)s–%(high)s, never %(first)s or %(last)s): the rater may avoid committing to "
                                 "high or low levels.", spread=fmt(spread),
                                 levels=ngettext("%(num)d level", "%(num)d levels", len(levels)),
                                 low=min(levels), high=max(levels), first=SCALE[0], last=SCALE[-1])))
    return RaterQuality(key, len(levels), len(sheets), float(Fraction(sum(levels), len(levels))) if levels else 0.0,
                        spread, float(leniency) if leniency is not None else None, tuple(flags))


def _levels(amount: Fraction) -> str:
    """ "1 level", "1.67 levels": the amount a rater sits above or below the others."""
    return ngettext("%(amount)s level", "%(amount)s levels", 1 if amount == 1 else 2, amount=fmt(amount))


def _shared(count: int) -> str:
    """ "6 shared levels". """
    return ngettext("%(num)d shared level", "%(num)d shared levels", count)
