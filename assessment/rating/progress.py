"""Where a rater stands on a sheet: what the summary and the jump list show before any script runs.

The sheet's script (static/js/sheet.js) recomputes the same from the form as the rater works; the server's
rules (``rubrics.sheet.submission_problems``) still decide what can be submitted.
"""

from __future__ import annotations

from dataclasses import dataclass

from rubrics import NOT_OBSERVED, Framework
from rubrics.sheet import parse_value

from .forms import evidence_name, level_name


@dataclass(frozen=True)
class CompetencyState:
    """One competency's line in the jump list."""

    competency_id: str
    name: str
    is_critical: bool
    #: The chosen answer as shown ("4 Advanced", "Not observed"), or None while unanswered.
    answer: str | None
    #: The chosen answer needs an evidence text (rubric data).
    needs_evidence: bool
    #: ... and the evidence box is still empty.
    is_missing_evidence: bool

    @property
    def state(self) -> str:
        """A CSS-friendly state: unrated, missing (evidence) or rated."""
        if self.answer is None:
            return "unrated"
        return "missing" if self.is_missing_evidence else "rated"


@dataclass(frozen=True)
class SheetProgress:
    items: tuple[CompetencyState, ...]

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def rated(self) -> int:
        return sum(item.answer is not None for item in self.items)

    @property
    def missing_evidence(self) -> int:
        return sum(item.is_missing_evidence for item in self.items)


def _answer_label(framework: Framework, value) -> str | None:
    if value is None:
        return None
    if value == NOT_OBSERVED:
        return framework.scale.not_observed_label
    return f"{value} {framework.scale.label(value)}"


def sheet_progress(form, framework: Framework, target_role: str) -> SheetProgress:
    """The state of every competency on ``form`` (as typed, not as stored), critical ones for ``target_role``."""
    critical = {r.competency_id for r in framework.role(target_role).requirements if r.is_critical}
    items = []
    for comp in framework.competencies:
        try:
            value = parse_value(form[level_name(comp.id)].data)
        except ValueError:  # a mangled POST: shown as unanswered; the form's own validation names it
            value = None
        needs = framework.readiness.needs_evidence(value)
        missing = needs and not (form[evidence_name(comp.id)].data or "").strip()
        items.append(CompetencyState(comp.id, comp.name, comp.id in critical,
                                     _answer_label(framework, value), needs, missing))
    return SheetProgress(tuple(items))


def evidence_values(framework: Framework) -> str:
    """The answers that need evidence, as the form's values separated by spaces (for the sheet's script)."""
    return " ".join(str(v) for v in sorted(framework.readiness.evidence_required_for, key=str))
