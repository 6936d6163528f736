"""Rules for one rater's sheet: what a complete, submittable set of ratings is. Plain Python."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .model import NOT_OBSERVED, SCALE, Framework


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


def submission_problems(framework: Framework, inputs: Mapping[str, RatingInput]) -> dict[str, str]:
    """Per competency id, what stops this sheet from being submitted; empty when it can be submitted."""
    problems = {}
    for comp in framework.competencies:
        item = inputs.get(comp.id)
        value = item.value if item else None
        if value is None:
            problems[comp.id] = f"{comp.name}: choose a level or “{framework.scale.not_observed_label}”."
        elif framework.readiness.needs_evidence(value) and not (item.evidence or "").strip():
            label = framework.scale.label(value)
            problems[comp.id] = f"{comp.name}: evidence is required for “{label}”."
    return problems
