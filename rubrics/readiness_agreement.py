"""(2026.12.4) How far the raters agree: the agreement index rwg per competency and overall, its plain words, and
the Panel review reason when raters disagree on a critical competency (docs/readiness.md, "Agreement").

rwg (James, Demaree & Wolf 1984) compares the variance of the raters' levels on one competency with the variance
they would have if each answered at random, uniformly over the scale's A = 5 levels (the "null" distribution):

    rwg = 1 − s² / σ²_EU        s² = Σ (x − x̄)² / (n − 1)        σ²_EU = (A² − 1) / 12 = 2

1 is full agreement; 0 is no more agreement than random answers; below 0 the raters are further apart than random
answers would be (split into camps). The levels are every counted non-self level the decision uses (peers and
direct reports kept anonymous included, where they count; only groups that can judge the competency and have a
weight there: ``ExactScores.levels``). Under the rubric's ``agreement.min_raters`` levels there is no index. Every
comparison is on exact fractions; a rubric without ``agreement`` gives no index at all (old cycles keep their
results).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from fractions import Fraction

from .i18n import _
from .model import SCALE, AgreementRules, ReadinessRules
from .readiness_model import AGREE, DISAGREE, DISAGREE_STRONGLY, MODERATE
from .readiness_numbers import NO_NUMBER, as_float, exact, fmt, local
from .readiness_result import CompetencyResult
from .readiness_scores import ExactScores

#: The variance of answers spread uniformly over the scale's levels: (A² − 1) / 12, 2 for five levels.
NULL_VARIANCE = Fraction(len(SCALE) ** 2 - 1, 12)


def decision_levels(score: ExactScores) -> list[int]:
    """Every counted non-self level behind a competency's decision score, of the groups with a weight there."""
    return [x for g, levels in score.levels.items() if score.weights.get(g, 0) > 0 for x in levels]


def rwg(levels: Sequence[int]) -> Fraction | None:
    """The agreement index of these levels, exactly; None under two (one level has no spread)."""
    if len(levels) < 2:
        return None
    centre = Fraction(sum(levels), len(levels))
    variance = sum((x - centre) ** 2 for x in levels) / (len(levels) - 1)
    return 1 - variance / NULL_VARIANCE


def below_without_any_one(levels: Sequence[int], limit: Fraction) -> bool:
    """Whether the raters disagree beyond one of them: the index below ``limit`` with every level, and still
    below it with any single level left out (leave-one-out). One rater apart from the rest is not a split, as
    the panel rules say of a group (``readiness_panel._camps``); the index shown stays the plain rwg of all."""
    value = rwg(levels)
    if value is None or value >= limit:
        return False
    for left_out in set(levels):  # leaving out any one of equal levels leaves the same rest
        rest = list(levels)
        rest.remove(left_out)
        if (value := rwg(rest)) is not None and value >= limit:
            return False
    return True


def agreement_level(value: Fraction | None, rules: AgreementRules) -> str:
    """AGREE at or above ``agree``, MODERATE at or above ``moderate``, DISAGREE at or above 0, else
    DISAGREE_STRONGLY; "" without an index."""
    if value is None:
        return ""
    if value >= exact(rules.agree):
        return AGREE
    if value >= exact(rules.moderate):
        return MODERATE
    return DISAGREE if value >= 0 else DISAGREE_STRONGLY


def display_agreement(value: float | Fraction | None) -> str:
    """An index to print, two decimals rounded down: never on the wrong side of a threshold of two decimals
    (0.699 prints 0.69, "raters partly agree"; −1.667 prints −1.67)."""
    if value is None:
        return NO_NUMBER
    hundredths = math.floor(exact(value) * 100)
    return local(f"{hundredths / 100:.2f}")


@dataclass(frozen=True)
class Agreement:
    """The competencies with their index, the overall index (mean over those with one) and its level, and the
    Panel review reasons (critical competencies below ``min_critical_agreement``)."""

    comps: tuple[CompetencyResult, ...]
    overall: Fraction | None = None
    level: str = ""
    reasons: tuple[str, ...] = ()


def agreement(rules: ReadinessRules, comps: Sequence[CompetencyResult], scores: Sequence[ExactScores]) -> Agreement:
    """The agreement of the raters on each competency (``scores``: its exact numbers, in the same order) and overall
    (a rubric without ``agreement``: none)."""
    if rules.agreement is None:
        return Agreement(tuple(comps))
    indexes, out = [], []
    for comp, score in zip(comps, scores, strict=True):
        levels = decision_levels(score)
        value = rwg(levels) if len(levels) >= rules.agreement.min_raters else None
        indexes.append(value)
        out.append(replace(comp, agreement=as_float(value), agreement_level=agreement_level(value, rules.agreement)))
    known = [v for v in indexes if v is not None]
    overall = sum(known, Fraction(0)) / len(known) if known else None
    limit = rules.panel_review.min_critical_agreement if rules.panel_review is not None else None
    reasons = () if limit is None else tuple(
        agreement_reason(c, v, exact(limit)) for c, v, score in zip(out, indexes, scores)
        if c.is_critical and v is not None and below_without_any_one(decision_levels(score), exact(limit)))
    return Agreement(tuple(out), overall, agreement_level(overall, rules.agreement), reasons)


def agreement_in_words(rules: ReadinessRules) -> tuple[str, ...]:
    """The methodology sentences of the agreement index (none for a rubric without it)."""
    if rules.agreement is None:
        return ()
    lines = [_("Agreement per competency: rwg = 1 − s² ÷ 2, where s² is the variance of the counted levels of every "
               "rater group but self and 2 the variance of answers given at random over the five levels; from "
               "%(num)s levels on. %(agree)s or more: raters agree; %(moderate)s or more: raters partly agree; 0 or "
               "more: raters disagree; below 0: raters disagree strongly. Overall: the mean over the competencies "
               "with an index.", num=rules.agreement.min_raters, agree=fmt(exact(rules.agreement.agree)),
               moderate=fmt(exact(rules.agreement.moderate)))]
    panel = rules.panel_review
    if panel is not None and panel.min_critical_agreement is not None:
        lines.append(_("%(label)s also when the agreement index of a critical competency is below %(limit)s.",
                       label=panel.label, limit=fmt(exact(panel.min_critical_agreement))))
    return tuple(lines)


def agreement_reason(comp: CompetencyResult, value: Fraction, limit: Fraction) -> str:
    """ "People leadership (critical): raters disagree (agreement index rwg 0.33, below 0.5)." """
    return _("%(name)s (critical): %(words)s (agreement index rwg %(index)s, below %(limit)s).", name=comp.name,
             words=comp.agreement_text, index=display_agreement(value), limit=fmt(limit))
