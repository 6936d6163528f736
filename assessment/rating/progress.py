"""Where a rater stands on a sheet: what the summary and the jump list show before any script runs.

The sheet's script (static/js/sheet.js) recomputes the same from the form as the rater works; the server's
rules (``rubrics.sheet.submission_problems``) still decide what can be submitted.
"""

from __future__ import annotations

from dataclasses import dataclass

from rubrics import NOT_OBSERVED, Framework
from rubrics.sheet import LISTED, SheetScope, evidence_note_templates, evidence_reasons, evidence_text, parse_value, \
    situation_required

from .forms import evidence_name, level_name


@dataclass(frozen=True)
class CompetencyState:
    """One competency's line in the jump list."""

    competency_id: str
    name: str
    is_critical: bool
    #: The chosen answer as shown ("4 Advanced", "Not observed"), or None while unanswered.
    answer: str | None
    #: The chosen answer needs an evidence text (``rubrics.sheet.evidence_required``).
    needs_evidence: bool
    #: ... and the evidence box is still empty.
    is_missing_evidence: bool
    #: Why it needs evidence, as the sentence beside the evidence box ("" when it does not).
    evidence_note: str = ""
    #: The target role's requirement when a level from it up needs evidence (a critical competency, 2026.12.3).
    evidence_from_level: int | None = None
    #: (2026.12.4) The target role's requirement, from which a level needs where and how long it was seen (None:
    #: the sheet does not ask); and whether the chosen level needs it now.
    situation_from_level: int | None = None
    needs_situation: bool = False

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


def sheet_progress(form, framework: Framework, target_role: str, scope: SheetScope) -> SheetProgress:
    """The state of every competency of the sheet (``scope``) on ``form`` (as typed, not as stored), critical
    ones for ``target_role``."""
    role = framework.role(target_role)
    critical = {r.competency_id: r.required for r in role.requirements if r.is_critical}
    required = {r.competency_id: r.required for r in role.requirements} if scope.asks_situations else {}
    values = {}
    for cid in scope.competencies:
        try:
            values[cid] = parse_value(form[level_name(cid)].data)
        except ValueError:  # a mangled POST: shown as unanswered; the form's own validation names it
            values[cid] = None
    reasons = evidence_reasons(framework, role, values)
    situated = situation_required(framework, role, values) if scope.asks_situations else frozenset()
    from_level = critical if framework.readiness.evidence_at_critical_requirement else {}
    items = []
    for cid in scope.competencies:
        value, reason = values[cid], reasons.get(cid)
        missing = reason is not None and not (form[evidence_name(cid)].data or "").strip()
        items.append(CompetencyState(cid, framework.competency(cid).name, cid in critical,
                                     _answer_label(framework, value), reason is not None, missing,
                                     _note(framework, role, value, reason), from_level.get(cid),
                                     required.get(cid), cid in situated))
    return SheetProgress(tuple(items))


def _note(framework: Framework, role, value, reason) -> str:
    """The sentence beside the evidence box for a rule of 2026.12.3; "" for none or for a listed value (the page
    words those itself, the self-assessment in its own words)."""
    return evidence_text(framework, role, value, reason) if reason and reason.kind != LISTED else ""


def evidence_values(framework: Framework) -> str:
    """The answers that need evidence, as the form's values separated by spaces (for the sheet's script)."""
    return " ".join(str(v) for v in sorted(framework.readiness.evidence_required_for, key=str))



def evidence_notes(framework: Framework, target_role: str) -> dict[str, str]:
    """The sheet's script's sentences for the evidence rules of 2026.12.3, as data- attributes of the form: the
    distance from the rater's own mean that needs evidence, and the sentences with ``{required}``/``{mean}``."""
    templates = evidence_note_templates(framework, framework.role(target_role))
    attributes = {f"data-evidence-note-{kind.replace('_', '-')}": text for kind, text in templates.items()}
    if framework.readiness.evidence_from_own_mean is not None:
        attributes["data-evidence-from-mean"] = str(framework.readiness.evidence_from_own_mean)
    return attributes
