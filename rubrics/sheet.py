"""Rules for one rater's sheet: what a complete, submittable set of ratings is. Plain Python."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

from .model import NOT_OBSERVED, SCALE, Framework, RoleProfile


@dataclass(frozen=True)
class RatingInput:
    """One competency as a rater entered it: a level 1..5, NOT_OBSERVED, or None (not answered yet)."""

    competency_id: str
    value: int | str | None
    evidence: str = ""


def parse_value(raw) -> int | str | None:
    """A form's raw answer as a level, NOT_OBSERVED or None; ValueError for anything else."""
    if raw in (None, ""):
        return None
    if raw == NOT_OBSERVED:
        return NOT_OBSERVED
    level = int(raw)
    if level not in SCALE:
        raise ValueError(f"level {level} is outside the scale")
    return level


def evidence_required(framework: Framework, role: RoleProfile | None, ratings: Mapping[str, int | str | None]
                      ) -> frozenset[str]:
    """The competency ids whose answer on this sheet needs a written evidence text, by the rubric's rules: the
    values listed in ``evidence_required_for`` (the extremes, "not observed"); from 2026.12.3 also a level at or
    above the requirement on a critical competency of the target ``role``, and a level at least
    ``evidence_from_own_mean`` levels from the mean of this sheet's levels. The sheet and the engine both ask this.
    """
    rules = framework.readiness
    needed = {cid for cid, value in ratings.items() if rules.needs_evidence(value)}
    levels = {cid: v for cid, v in ratings.items() if isinstance(v, int) and v in SCALE}
    if rules.evidence_at_critical_requirement and role is not None:
        needed |= {r.competency_id for r in role.requirements
                   if r.is_critical and levels.get(r.competency_id, 0) >= r.required}
    if rules.evidence_from_own_mean is not None and levels:
        own_mean = Fraction(sum(levels.values()), len(levels))
        distance = Fraction(rules.evidence_from_own_mean).limit_denominator(1000)
        needed |= {cid for cid, v in levels.items() if abs(v - own_mean) >= distance}
    return frozenset(needed)


def submission_problems(framework: Framework, inputs: Mapping[str, RatingInput],
                        role: RoleProfile | None = None) -> dict[str, str]:
    """Per competency id, what stops this sheet from being submitted; empty when it can be submitted. ``role`` is
    the candidate's target role (the critical-requirement rule needs it; None leaves that rule out)."""
    problems = {}
    needed = evidence_required(framework, role, {cid: item.value for cid, item in inputs.items()})
    for comp in framework.competencies:
        item = inputs.get(comp.id)
        value = item.value if item else None
        if value is None:
            problems[comp.id] = f"{comp.name}: choose a level or “{framework.scale.not_observed_label}”."
        elif comp.id in needed and not (item.evidence or "").strip():
            label = framework.scale.label(value)
            problems[comp.id] = f"{comp.name}: evidence is required for “{label}”."
    return problems
