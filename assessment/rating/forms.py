"""The rating sheet form, built at request time from a cycle's pinned framework."""

from __future__ import annotations

from flask_babel import gettext as _
from wtforms import BooleanField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional, ValidationError

from rubrics import NOT_OBSERVED, Framework, RoleProfile
from rubrics.readiness_numbers import fmt
from rubrics.sheet import EVIDENCE, LEVEL, RatingInput, SheetScope, answer_problem_fields, \
    full_scope, parse_value, period_of, relationship_problems, weeks_of
from rubrics.situations import CLOSENESS, CLOSENESS_LABELS, KNOWN_FOR, KNOWN_FOR_LABELS, MAX_WEEKS, SEEN_IN, \
    SEEN_IN_LABELS

from ..cleaning import whole_number
from ..forms import CleanForm
from ..forms.common import CHOOSE, SelectChoice as _Choice
from .sheet_view import built_once, sheet_choices

EVIDENCE_MAX = 5000


def level_name(competency_id: str) -> str:
    return f"level_{competency_id}"


def evidence_name(competency_id: str) -> str:
    return f"evidence_{competency_id}"


def seen_in_name(competency_id: str) -> str:
    return f"seen_in_{competency_id}"


def seen_for_name(competency_id: str) -> str:
    return f"seen_for_{competency_id}"


def seen_unit_name(competency_id: str) -> str:
    return f"seen_unit_{competency_id}"


def _period_weeks(form, competency_id: str) -> int | None:
    """The period typed for a competency, in weeks (None when empty or not a whole number in range)."""
    amount = whole_number(form[seen_for_name(competency_id)].data, minimum=1, maximum=MAX_WEEKS)
    if amount is None:
        return None
    weeks = weeks_of(amount, form[seen_unit_name(competency_id)].data)
    return weeks if weeks <= MAX_WEEKS else None


def _check_period(competency_id: str):
    def check(form, field):
        if (field.data or "").strip() and _period_weeks(form, competency_id) is None:
            raise ValidationError(_("Enter a whole number of weeks or months, from 1 up to 20 years."))
    return check


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


def _level_choices(framework: Framework, scope: SheetScope, competency_id: str) -> list:
    """The radios of a competency, as the page draws them (``sheet_view``): the levels the sheet can show, then
    "not observed"."""
    return [_Choice(o.value, o.label) for o in sheet_choices(framework, scope)[competency_id].options]


def _add_situation(form_class, competency_id: str) -> None:
    setattr(form_class, seen_in_name(competency_id), SelectField(
        _("Where was this level seen?"), choices=[_Choice("", str(CHOOSE))] + [_Choice(s, SEEN_IN_LABELS[s]) for s in SEEN_IN],
        validators=[Optional()]))
    setattr(form_class, seen_for_name(competency_id), StringField(
        _("For how long?"), validators=[Optional(), Length(max=10), _check_period(competency_id)]))
    setattr(form_class, seen_unit_name(competency_id), SelectField(
        _("Unit"), choices=[_Choice("weeks", _("weeks")), _Choice("months", _("months"))], default="months",
        validators=[Optional()]))


def sheet_form(framework: Framework, *, is_self: bool = False, scope: SheetScope | None = None,
               **kwargs) -> SheetFormBase:
    """The sheet's form (``_form_class``) with ``kwargs`` (formdata, data); its class is built once per pinned
    framework, language and kind of sheet, not on every request."""
    scope = scope or full_scope(framework)
    form_class = built_once(framework, ("form", is_self, scope),
                            lambda: _form_class(framework, is_self, scope))
    return form_class(**kwargs)


def _form_class(framework: Framework, is_self: bool, scope: SheetScope) -> type[SheetFormBase]:
    """A form with one level radio group and one evidence box per competency of the sheet (``scope``: all of
    ``framework`` when None); where the sheet asks them, where and how long each level was seen, and how long and
    how closely the rater has worked with the candidate.

    ``is_self``: the candidate's own sheet, whose evidence boxes ask for their examples in their words.
    """

    class SheetForm(SheetFormBase):
        pass

    for cid in scope.competencies:
        comp = framework.competency(cid)
        refusal = _("This exercise cannot show that level on %(name)s; choose one of the levels shown or "
                    "“%(label)s”.", name=comp.name, label=framework.scale.not_observed_label) \
            if scope.exercise_id else None
        setattr(SheetForm, level_name(cid), RadioField(comp.name, choices=_level_choices(framework, scope, cid),
                                                       validators=[Optional()], invalid_choice_message=refusal))
        label = _("Your examples for %(name)s", name=comp.name) if is_self else _("Evidence for %(name)s", name=comp.name)
        setattr(SheetForm, evidence_name(cid),
                TextAreaField(label, validators=[Optional(), Length(max=EVIDENCE_MAX)]))
        if scope.asks_situations:
            _add_situation(SheetForm, cid)
    if scope.asks_relationship:
        SheetForm.known_for = SelectField(_("How long have you worked with the candidate?"), validators=[Optional()],
                                          choices=[_Choice("", str(CHOOSE))] + [_Choice(k, KNOWN_FOR_LABELS[k])
                                                                           for k in KNOWN_FOR])
        SheetForm.closeness = SelectField(_("How closely have you worked together?"), validators=[Optional()],
                                          choices=[_Choice("", str(CHOOSE))] + [_Choice(k, CLOSENESS_LABELS[k])
                                                                           for k in CLOSENESS])
    # Sent by the sheet's confirmation dialog (sheet.js); without it, Submit leads to the confirmation page.
    SheetForm.confirm = BooleanField(_("Submit now, without the confirmation page"))
    return SheetForm


def sheet_data(assignment) -> dict:
    """The form's initial data from the sheet's current revision."""
    data = {"version": str(assignment.version_id), "known_for": assignment.known_for or "",
            "closeness": assignment.closeness or ""}
    for rating in assignment.current_ratings():
        cid = rating.competency_id
        value = NOT_OBSERVED if rating.is_not_observed else rating.level
        data[level_name(cid)] = None if value is None else str(value)
        data[evidence_name(cid)] = rating.evidence
        data[seen_in_name(cid)] = rating.seen_in or ""
        if rating.seen_weeks:
            amount, unit = period_of(rating.seen_weeks)
            data[seen_for_name(cid)], data[seen_unit_name(cid)] = str(amount), unit
    return data


def stored_inputs(assignment) -> list[RatingInput]:
    """The sheet's saved answers as plain inputs, as the confirmation page submits them."""
    return [RatingInput(r.competency_id, NOT_OBSERVED if r.is_not_observed else r.level, r.evidence or "",
                        r.seen_in, r.seen_weeks)
            for r in assignment.current_ratings()]


def sheet_inputs(form: SheetFormBase, scope: SheetScope) -> list[RatingInput]:
    """The answers typed into ``form`` as plain inputs for the ratings service."""
    inputs = []
    for cid in scope.competencies:
        seen_in = form[seen_in_name(cid)].data or None if scope.asks_situations else None
        weeks = _period_weeks(form, cid) if scope.asks_situations else None
        inputs.append(RatingInput(cid, parse_value(form[level_name(cid)].data), form[evidence_name(cid)].data or "",
                                  seen_in, weeks))
    return inputs


def relationship_of(form: SheetFormBase) -> tuple[str | None, str | None] | None:
    """(known_for, closeness) as answered on ``form``; None when the sheet does not ask them."""
    if not hasattr(form, "known_for"):
        return None
    return form.known_for.data or None, form.closeness.data or None


def show_problems(form: SheetFormBase, framework: Framework, role: RoleProfile, scope: SheetScope) -> bool:
    """Put each competency's submission problem beside its field: the radio group while it is unanswered (or its
    level is one the exercise cannot show), the evidence box when the answer needs written evidence, the "where
    seen" field when its situation is missing (``rubrics.sheet.answer_problem_fields`` says which and why, for
    the candidate's target ``role``), and the relationship's questions. True when there was a problem."""
    inputs = {item.competency_id: item for item in sheet_inputs(form, scope)}
    problems = answer_problem_fields(framework, inputs, role, scope)
    for cid, (kind, text) in problems.items():
        name = level_name(cid) if kind == LEVEL else evidence_name(cid) if kind == EVIDENCE \
            else _situation_field(form, cid)
        form[name].errors = [*form[name].errors, text]
    relationship = relationship_of(form)
    extra = relationship_problems(scope, *relationship) if relationship else {}
    for name, text in extra.items():
        form[name].errors = [*form[name].errors, text]
    return bool(problems or extra)


def _situation_field(form, competency_id: str):
    """The field a situation problem goes beside: "how long" when "where" is answered, else "where"."""
    return seen_for_name(competency_id) if form[seen_in_name(competency_id)].data else seen_in_name(competency_id)
