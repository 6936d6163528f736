"""Rules for one rater's sheet: what a complete, submittable set of ratings is. Plain Python."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

from .i18n import _
from .model import NOT_OBSERVED, SCALE, Framework, RoleProfile
from .readiness_numbers import fmt
from .situations import CLOSENESS, KNOWN_FOR, MAX_WEEKS, SEEN_IN

#: Why an answer needs written evidence: a value the rubric lists (the extremes, "not observed"), a level at or
#: above a critical requirement of the target role, a level far from the rater's own mean (2026.12.3).
LISTED, AT_CRITICAL_REQUIREMENT, FROM_OWN_MEAN = "listed", "at_critical_requirement", "from_own_mean"


@dataclass(frozen=True)
class RatingInput:
    """One competency as a rater entered it: a level 1..5, NOT_OBSERVED, or None (not answered yet)."""

    competency_id: str
    value: int | str | None
    evidence: str = ""
    #: (2026.12.4) Where the level was seen (``rubrics.situations.SEEN_IN``) and for how many weeks.
    seen_in: str | None = None
    seen_weeks: int | None = None


#: Which field of a competency a problem belongs beside.
LEVEL, EVIDENCE, SITUATION = "level", "evidence", "situation"


@dataclass(frozen=True)
class SheetScope:
    """(2026.12.4) What one sheet asks: its competencies (in rubric order), for an assessor's exercise sheet the
    exercise (whose matrix limits the levels), whether a level at or above the requirement needs its situation,
    and whether the rater says how long and how closely they have worked with the candidate."""

    competencies: tuple[str, ...]
    exercise_id: str | None = None
    asks_situations: bool = False
    asks_relationship: bool = False


@dataclass(frozen=True)
class EvidenceReason:
    """Why one answer needs a written evidence text; the first rule that asks for it, in the order above."""

    kind: str
    #: AT_CRITICAL_REQUIREMENT: the target role's requirement on the competency.
    required: int | None = None
    #: FROM_OWN_MEAN: the mean of the sheet's levels, and the distance from it that asks for evidence.
    own_mean: Fraction | None = None
    distance: Fraction | None = None


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


def evidence_reasons(framework: Framework, role: RoleProfile | None, ratings: Mapping[str, int | str | None]
                     ) -> dict[str, EvidenceReason]:
    """Per competency id whose answer on this sheet needs a written evidence text, why (see ``evidence_required``).
    """
    rules = framework.readiness
    reasons: dict[str, EvidenceReason] = {}
    for cid, value in ratings.items():
        if rules.needs_evidence(value):
            reasons[cid] = EvidenceReason(LISTED)
    levels = {cid: v for cid, v in ratings.items() if isinstance(v, int) and v in SCALE}
    if rules.evidence_at_critical_requirement and role is not None:
        for r in role.requirements:
            if r.is_critical and levels.get(r.competency_id, 0) >= r.required:
                reasons.setdefault(r.competency_id, EvidenceReason(AT_CRITICAL_REQUIREMENT, required=r.required))
    if rules.evidence_from_own_mean is not None and levels:
        own_mean = Fraction(sum(levels.values()), len(levels))
        distance = Fraction(rules.evidence_from_own_mean).limit_denominator(1000)
        for cid, v in levels.items():
            if abs(v - own_mean) >= distance:
                reasons.setdefault(cid, EvidenceReason(FROM_OWN_MEAN, own_mean=own_mean, distance=distance))
    return reasons


def evidence_required(framework: Framework, role: RoleProfile | None, ratings: Mapping[str, int | str | None]
                      ) -> frozenset[str]:
    """The competency ids whose answer on this sheet needs a written evidence text, by the rubric's rules: the
    values listed in ``evidence_required_for`` (the extremes, "not observed"); from 2026.12.3 also a level at or
    above the requirement on a critical competency of the target ``role``, and a level at least
    ``evidence_from_own_mean`` levels from the mean of this sheet's levels. The sheet and the engine both ask this.
    """
    return frozenset(evidence_reasons(framework, role, ratings))


def evidence_text(framework: Framework, role: RoleProfile | None, value, reason: EvidenceReason) -> str:
    """Why an answer needs evidence, as a sentence without the competency's name (for beside its field)."""
    if reason.kind == AT_CRITICAL_REQUIREMENT:
        return _critical_sentence(role, str(reason.required))
    if reason.kind == FROM_OWN_MEAN:
        return _mean_sentence(fmt(reason.distance), fmt(reason.own_mean))
    label = framework.scale.not_observed_label if value == NOT_OBSERVED else framework.scale.label(value)
    return _("Evidence is required for “%(label)s”.", label=label)


def evidence_note_templates(framework: Framework, role: RoleProfile | None) -> dict[str, str]:
    """The sentences of the 2026.12.3 rules for the sheet's script, which fills in ``{required}`` and ``{mean}``
    as the rater chooses levels; only the rules this rubric has."""
    rules = framework.readiness
    notes = {}
    if rules.evidence_at_critical_requirement and role is not None:
        notes[AT_CRITICAL_REQUIREMENT] = _critical_sentence(role, "{required}")
    if rules.evidence_from_own_mean is not None:
        distance = Fraction(rules.evidence_from_own_mean).limit_denominator(1000)
        notes[FROM_OWN_MEAN] = _mean_sentence(fmt(distance), "{mean}")
    return notes


def _critical_sentence(role: RoleProfile | None, required: str) -> str:
    return _("Written evidence is required for a level at or above the %(role)s requirement (%(required)s) on a "
             "critical competency.", role=role.name if role else "", required=required)


def _mean_sentence(distance: str, mean: str) -> str:
    return _("Written evidence is required for a level %(distance)s or more levels from your own average "
             "(%(mean)s).", distance=distance, mean=mean)


def sheet_scope(framework: Framework, role: RoleProfile | None, group: str,
                exercise_id: str | None = None) -> SheetScope:
    """What a sheet of this rater group (and exercise) asks under ``framework``'s rules. An assessor's exercise sheet
    needs no situation (it is seen in the exercise) and no relationship; nor does the self-assessment ask the
    relationship."""
    rules = framework.readiness
    return SheetScope(sheet_competencies(framework, role, group, exercise_id), exercise_id or None,
                      asks_situations=rules.situations_required_at_requirement and not exercise_id,
                      asks_relationship=rules.rater_relationship is not None and group not in ("self", "assessor"))


def full_scope(framework: Framework) -> SheetScope:
    """Every competency, no situation or relationship asked: a sheet as it was before 2026.12.4."""
    return SheetScope(tuple(c.id for c in framework.competencies))


def level_problem(framework: Framework, scope: SheetScope, competency_id: str, value) -> str | None:
    """Why ``value`` cannot be given on this sheet (a level its exercise cannot show), or None."""
    if not scope.exercise_id or not isinstance(value, int):
        return None
    shown = exercise_levels(framework, scope.exercise_id, competency_id)
    if value in shown:
        return None
    return _("This exercise can show only levels %(levels)s on this competency; choose one of them or "
             "“%(label)s”.", levels=", ".join(str(v) for v in shown), label=framework.scale.not_observed_label)


def situation_problem(item: RatingInput | None) -> str | None:
    """What is missing or wrong in where and how long a level was seen, or None when both are given and valid."""
    if item is None or item.seen_in not in SEEN_IN:
        return _("Say where this level was seen.")
    if not isinstance(item.seen_weeks, int) or isinstance(item.seen_weeks, bool) \
            or not 1 <= item.seen_weeks <= MAX_WEEKS:
        return _("Say for how long it was seen: a number of weeks or months, up to 20 years.")
    return None


def answer_problem_fields(framework: Framework, inputs: Mapping[str, RatingInput], role: RoleProfile | None = None,
                          scope: SheetScope | None = None) -> dict[str, tuple[str, str]]:
    """Per competency id of the sheet, the first thing that stops it from being submitted and the field it belongs
    beside: (``LEVEL`` | ``EVIDENCE`` | ``SITUATION``, text without the competency's name)."""
    scope = scope or full_scope(framework)
    values = {cid: item.value for cid, item in inputs.items() if cid in scope.competencies}
    reasons = evidence_reasons(framework, role, values)
    situated = situation_required(framework, role, values) if scope.asks_situations else frozenset()
    problems = {}
    for cid in scope.competencies:
        item = inputs.get(cid)
        value = item.value if item else None
        wrong_level = level_problem(framework, scope, cid, value)
        if value is None:
            problems[cid] = (LEVEL, _("Choose a level or “%(label)s”.", label=framework.scale.not_observed_label))
        elif wrong_level:
            problems[cid] = (LEVEL, wrong_level)
        elif cid in reasons and not (item.evidence or "").strip():
            problems[cid] = (EVIDENCE, evidence_text(framework, role, value, reasons[cid]))
        elif cid in situated and situation_problem(item):
            problems[cid] = (SITUATION, situation_problem(item))
    return problems


def answer_problems(framework: Framework, inputs: Mapping[str, RatingInput],
                    role: RoleProfile | None = None, scope: SheetScope | None = None) -> dict[str, str]:
    """Per competency id, what stops this sheet from being submitted, without the competency's name (for beside
    its field); empty when it can be submitted. Only the sheet's competencies (``scope``; all when None)."""
    return {cid: text for cid, (_field, text) in answer_problem_fields(framework, inputs, role, scope).items()}


def relationship_problems(scope: SheetScope, known_for: str | None, closeness: str | None) -> dict[str, str]:
    """("known_for" / "closeness") -> what is missing, when the sheet asks how long and how closely the rater has
    worked with the candidate."""
    if not scope.asks_relationship:
        return {}
    problems = {}
    if known_for not in KNOWN_FOR:
        problems["known_for"] = _("Say how long you have worked with the candidate.")
    if closeness not in CLOSENESS:
        problems["closeness"] = _("Say how closely you have worked with the candidate.")
    return problems


def submission_problems(framework: Framework, inputs: Mapping[str, RatingInput],
                        role: RoleProfile | None = None, scope: SheetScope | None = None,
                        relationship: tuple[str | None, str | None] = (None, None)) -> dict[str, str]:
    """Per competency id, what stops this sheet from being submitted, named by the competency ("People
    leadership: Written evidence is required ..."); empty when it can be submitted. ``role`` is the candidate's
    target role (the critical-requirement rule needs it; None leaves that rule out); ``scope`` what the sheet
    asks (None: every competency, as before 2026.12.4); ``relationship`` the rater's (known_for, closeness),
    whose problems come under the keys "known_for" and "closeness"."""
    problems = {cid: _("%(competency)s: %(problem)s", competency=framework.competency(cid).name, problem=text)
                for cid, text in answer_problems(framework, inputs, role, scope).items()}
    problems.update(relationship_problems(scope or full_scope(framework), *relationship))
    return problems


def weeks_of(amount: int, unit: str) -> int:
    """A period as weeks: months count 4.345 weeks each (rounded)."""
    return round(amount * 4.345) if unit == "months" else amount


def period_of(weeks: int) -> tuple[int, str]:
    """A stored number of weeks as the rater most likely typed it: whole months when it is one, else weeks."""
    months = round(weeks / 4.345)
    if months >= 1 and weeks_of(months, "months") == weeks and weeks >= 8:
        return months, "months"
    return weeks, "weeks"


def sheet_competencies(framework: Framework, role: RoleProfile | None, group: str,
                       exercise_id: str | None = None) -> tuple[str, ...]:
    """(2026.12.4) The competency ids a sheet of this rater group shows, in rubric order: every competency for self,
    managers and peers (as before); for a group the rubric's ``group_competencies`` names, only those; for an
    assessor's exercise sheet, what the exercise shows (the exercise x competency matrix). ``role`` is accepted
    for symmetry with the evidence rules; the list does not depend on it."""
    ids = [c.id for c in framework.competencies]
    if exercise_id:
        shown = framework.exercise(exercise_id).shows
        return tuple(cid for cid in ids if cid in shown)
    judged = framework.readiness.group_competencies.get(group)
    if judged is None:
        return tuple(ids)
    return tuple(cid for cid in ids if cid in judged)


def situation_required(framework: Framework, role: RoleProfile | None, ratings: Mapping[str, int | str | None]
                       ) -> frozenset[str]:
    """(2026.12.4) The competency ids whose level on this sheet is at or above the target role's requirement and so
    needs where it was seen and for how long (when the rubric asks: ``situations_required_at_requirement``)."""
    if not framework.readiness.situations_required_at_requirement or role is None:
        return frozenset()
    required = {r.competency_id: r.required for r in role.requirements}
    return frozenset(cid for cid, value in ratings.items()
                     if isinstance(value, int) and cid in required and value >= required[cid])


def exercise_levels(framework: Framework, exercise_id: str, competency_id: str) -> tuple[int, ...]:
    """(2026.12.4) The levels an exercise can show on a competency (the matrix cell); () when it shows none."""
    return tuple(framework.exercise(exercise_id).shows.get(competency_id, ()))
