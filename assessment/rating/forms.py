"""The rating sheet form, built at request time from a cycle's pinned framework."""

from __future__ import annotations

from flask_babel import gettext as _
from wtforms import BooleanField, HiddenField, RadioField, TextAreaField
from wtforms.validators import Length, Optional

from rubrics import NOT_OBSERVED, Framework, RoleProfile
from rubrics.readiness_numbers import fmt
from rubrics.sheet import RatingInput, answer_problems, parse_value

from ..forms import CleanForm
from ..forms.common import SelectChoice as _Choice

EVIDENCE_MAX = 5000


def level_name(competency_id: str) -> str:
    return f"level_{competency_id}"


def evidence_name(competency_id: str) -> str:
    return f"evidence_{competency_id}"


def evidence_answers(framework: Framework) -> str | None:
    """In words, which answers need evidence: '1 Emerging, 5 Expert and Not observed' (and, from 2026.12.3, a level at
    or above a critical requirement or far from the rater's own average); None when none does."""
    names = [f"{lv.level} {lv.label}" for lv in framework.scale.levels
             if framework.readiness.needs_evidence(lv.level)]
    if framework.readiness.needs_evidence(NOT_OBSERVED):
        names.append(framework.scale.not_observed_label)
    if framework.readiness.evidence_at_critical_requirement:  # 2026.12.3 (issue 17)
        names.append(_("a level at or above the requirement on a critical competency"))
    if framework.readiness.evidence_from_own_mean is not None:
        names.append(_("a level %(distance)s or more levels from your own average",
                       distance=fmt(framework.readiness.evidence_from_own_mean)))
    if not names:
        return None
    if len(names) == 1:
        return names[0]
    return _("%(first)s and %(last)s", first=", ".join(names[:-1]), last=names[-1])


def evidence_rule(framework: Framework) -> str:
    """The evidence rule as a hint: 'Required for 1 Emerging, 5 Expert and Not observed; optional otherwise.'"""
    listed = evidence_answers(framework)
    return _("Required for %(answers)s; optional otherwise.", answers=listed) if listed else _("Optional.")


class SubmitForm(CleanForm):
    """The confirmation page: submit the saved answers of this version (CSRF token + version)."""

    version = HiddenField()


class SheetFormBase(CleanForm):
    """The fixed part of every sheet; competency fields are added by ``sheet_form``."""

    version = HiddenField()


def sheet_form(framework: Framework, *, is_self: bool = False, **kwargs) -> SheetFormBase:
    """A form with one level radio group and one evidence box per competency of ``framework``.

    ``is_self``: the candidate's own sheet, whose evidence boxes ask for their examples in their words.
    """

    class SheetForm(SheetFormBase):
        pass

    choices = [_Choice(str(lv.level), f"{lv.level} {lv.label}") for lv in framework.scale.levels]
    choices.append(_Choice(NOT_OBSERVED, framework.scale.not_observed_label))
    for comp in framework.competencies:
        setattr(SheetForm, level_name(comp.id), RadioField(comp.name, choices=choices, validators=[Optional()]))
        label = _("Your examples for %(name)s", name=comp.name) if is_self else _("Evidence for %(name)s", name=comp.name)
        setattr(SheetForm, evidence_name(comp.id),
                TextAreaField(label, validators=[Optional(), Length(max=EVIDENCE_MAX)]))
    # Sent by the sheet's confirmation dialog (sheet.js); without it, Submit leads to the confirmation page.
    SheetForm.confirm = BooleanField(_("Submit now, without the confirmation page"))
    return SheetForm(**kwargs)


def sheet_data(assignment) -> dict:
    """The form's initial data from the sheet's current revision."""
    data = {"version": str(assignment.version_id)}
    for rating in assignment.current_ratings():
        value = NOT_OBSERVED if rating.is_not_observed else rating.level
        data[level_name(rating.competency_id)] = None if value is None else str(value)
        data[evidence_name(rating.competency_id)] = rating.evidence
    return data


def stored_inputs(assignment) -> list[RatingInput]:
    """The sheet's saved answers as plain inputs, as the confirmation page submits them."""
    return [RatingInput(r.competency_id, NOT_OBSERVED if r.is_not_observed else r.level, r.evidence or "")
            for r in assignment.current_ratings()]


def sheet_inputs(form: SheetFormBase, framework: Framework) -> list[RatingInput]:
    """The answers typed into ``form`` as plain inputs for the ratings service."""
    return [RatingInput(comp.id, parse_value(form[level_name(comp.id)].data),
                        form[evidence_name(comp.id)].data or "")
            for comp in framework.competencies]


def show_problems(form: SheetFormBase, framework: Framework, role: RoleProfile) -> bool:
    """Put each competency's submission problem beside its field: the radio group while it is unanswered, the
    evidence box when the answer needs written evidence (``rubrics.sheet.answer_problems`` says which and why, for
    the candidate's target ``role``). True when there was a problem."""
    inputs = {item.competency_id: item for item in sheet_inputs(form, framework)}
    problems = answer_problems(framework, inputs, role)
    for comp_id, text in problems.items():
        name = level_name(comp_id) if inputs[comp_id].value is None else evidence_name(comp_id)
        form[name].errors = [*form[name].errors, text]
    return bool(problems)
