"""The rating sheet form, built at request time from a cycle's pinned framework."""

from __future__ import annotations

from wtforms import BooleanField, HiddenField, RadioField, TextAreaField
from wtforms.validators import Length, Optional

try:  # WTForms 3.3 wants SelectChoice objects; 3.2 (also allowed by pyproject) only knows tuples
    from wtforms import SelectChoice as _Choice
except ImportError:  # pragma: no cover
    def _Choice(value, label):
        return (value, label)

from rubrics import NOT_OBSERVED, Framework
from rubrics.sheet import RatingInput, parse_value

from ..forms import CleanForm

EVIDENCE_MAX = 5000


def level_name(competency_id: str) -> str:
    return f"level_{competency_id}"


def evidence_name(competency_id: str) -> str:
    return f"evidence_{competency_id}"


def evidence_rule(framework: Framework) -> str:
    """In words, which answers need evidence: 'Required for 1 Emerging, 5 Expert and Not observed.'"""
    names = [f"{lv.level} {lv.label}" for lv in framework.scale.levels
             if framework.readiness.needs_evidence(lv.level)]
    if framework.readiness.needs_evidence(NOT_OBSERVED):
        names.append(framework.scale.not_observed_label)
    if not names:
        return "Optional."
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"Required for {listed}; optional otherwise."


class SheetFormBase(CleanForm):
    """The fixed part of every sheet; competency fields are added by ``sheet_form``."""

    version = HiddenField()


def sheet_form(framework: Framework, **kwargs) -> SheetFormBase:
    """A form with one level radio group and one evidence box per competency of ``framework``."""

    class SheetForm(SheetFormBase):
        pass

    choices = [_Choice(str(lv.level), f"{lv.level} {lv.label}") for lv in framework.scale.levels]
    choices.append(_Choice(NOT_OBSERVED, framework.scale.not_observed_label))
    for comp in framework.competencies:
        setattr(SheetForm, level_name(comp.id), RadioField(comp.name, choices=choices, validators=[Optional()]))
        setattr(SheetForm, evidence_name(comp.id),
                TextAreaField(f"Evidence for {comp.name}", validators=[Optional(), Length(max=EVIDENCE_MAX)]))
    # Added last so that its error comes after the competencies' in the error summary.
    SheetForm.confirm = BooleanField("I have checked my answers and want to submit them (this locks the sheet)")
    return SheetForm(**kwargs)


def sheet_data(assignment) -> dict:
    """The form's initial data from the sheet's current revision."""
    data = {"version": str(assignment.version_id)}
    for rating in assignment.current_ratings():
        value = NOT_OBSERVED if rating.is_not_observed else rating.level
        data[level_name(rating.competency_id)] = None if value is None else str(value)
        data[evidence_name(rating.competency_id)] = rating.evidence
    return data


def sheet_inputs(form: SheetFormBase, framework: Framework) -> list[RatingInput]:
    """The answers typed into ``form`` as plain inputs for the ratings service."""
    return [RatingInput(comp.id, parse_value(form[level_name(comp.id)].data),
                        form[evidence_name(comp.id)].data or "")
            for comp in framework.competencies]


def show_problems(form: SheetFormBase, framework: Framework, problems: dict[str, str]) -> None:
    """Put each competency's submission problem beside its field: the radio group or the evidence box."""
    for comp_id, message in problems.items():
        comp = framework.competency(comp_id)
        message = message.removeprefix(f"{comp.name}: ")
        message = message[:1].upper() + message[1:]
        level = form[level_name(comp_id)]
        target = level if level.data in (None, "") else form[evidence_name(comp_id)]
        target.errors = [*target.errors, message]
