"""(2026.12.4) Where the decisive levels were seen: ``CompetencyResult.situation_text`` (docs/readiness.md, "Where a
level was seen").

The decisive levels of a competency are the counted non-self levels at or above the target requirement, as the
decision uses them (``counted_ratings``). Each rater records with such a level where it was
seen (``RaterSheet.situations``: in the role, acting up, on a project, in an exercise) and for how many weeks; the
assessors' consensus names the exercises that showed it. The text says what those levels rest on: "seen in the role
(2 raters: 2 years), while acting up (2 raters: 3 and 6 months) and in the board presentation exercise"; "" when
nothing was recorded. It counts raters, never periods (two raters may describe one stint differently). It informs;
it never changes a score or the verdict. ``named_situation_text`` is the same from the non-anonymous groups only
(managers, the assessors' consensus): the candidate's copy shows that one.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace
from fractions import Fraction

from . import language
from .i18n import N_, _, ngettext
from .model import NOT_OBSERVED, Framework
from .readiness_model import ASSESSOR, MANAGER, RaterSheet, Situation
from .readiness_result import CompetencyResult
from .readiness_scores import ExactScores
from .situations import ACTING_UP, EXERCISE, PROJECT, ROLE, SEEN_IN

#: Periods under this many weeks are shown in weeks; under ``_MONTHS_UNTIL`` weeks in months; else in years.
_WEEKS_UNTIL, _MONTHS_UNTIL = 8, 104
WEEKS, MONTHS, YEARS = "weeks", "months", "years"
#: The groups shown by name: what they saw may reach the candidate's copy.
NAMED_GROUPS = (MANAGER, ASSESSOR)


def _half_up(value: Fraction) -> int:
    return int(value + Fraction(1, 2)) if value >= 0 else -int(-value + Fraction(1, 2))


def period(weeks: int) -> tuple[str, int]:
    """A period as (unit, number): 6 weeks; 13 weeks = 3 months; 104 weeks = 2 years (half up)."""
    if weeks < _WEEKS_UNTIL:
        return WEEKS, weeks
    if weeks < _MONTHS_UNTIL:
        return MONTHS, _half_up(Fraction(weeks * 12, 52))
    return YEARS, _half_up(Fraction(weeks, 52))


def join_words(items: Sequence[str]) -> str:
    """ "a", "a and b", "a, b and c" (German "a, b und c")."""
    if len(items) < 2:
        return "".join(items)
    return _("%(items)s and %(last)s", items=", ".join(items[:-1]), last=items[-1])


def _unit_text(unit: str, numbers: Sequence[int]) -> str:
    """ "3 and 6 months", "1 week" (the plural by the last number)."""
    nums = join_words([str(n) for n in numbers])
    last = numbers[-1]
    if unit == WEEKS:
        return ngettext("%(nums)s week", "%(nums)s weeks", last, nums=nums)
    if unit == MONTHS:
        return ngettext("%(nums)s month", "%(nums)s months", last, nums=nums)
    return ngettext("%(nums)s year", "%(nums)s years", last, nums=nums)


def periods_text(weeks: Sequence[int]) -> str:
    """Distinct periods, shortest first, one unit named once: "3 and 6 months", "6 weeks and 3 months"."""
    chunks: list[tuple[str, list[int]]] = []
    for unit, number in dict.fromkeys(period(w) for w in sorted(weeks)):
        if chunks and chunks[-1][0] == unit:
            chunks[-1][1].append(number)
        else:
            chunks.append((unit, [number]))
    return join_words([_unit_text(unit, numbers) for unit, numbers in chunks])


def _exercise_name(framework: Framework, exercise_id: str) -> str:
    try:
        name = framework.exercise(exercise_id).name
    except KeyError:
        return exercise_id
    # "in the board presentation exercise": English lower-cases a name inside the sentence (not an acronym) and
    # says "exercise" once ("In-tray exercise": "in the in-tray exercise"); German nouns keep their capital.
    if language.current() != language.DEFAULT_LANGUAGE:
        return name
    if name.lower().endswith(" exercise"):
        name = name[:-len(" exercise")]
    return name[:1].lower() + name[1:] if name[:2] != name[:2].upper() else name


#: Where a level was seen, without claiming how many periods or projects (two raters may describe one stint).
_PLACES = {ROLE: N_("in the role"), ACTING_UP: N_("while acting up"), PROJECT: N_("on project work")}


def _phrase(framework: Framework, seen_in: str, entries: Sequence[Situation]) -> str:
    """One kind of situation: "in the role (2 raters: 2 years)", "while acting up (2 raters: 5 and 6 months)",
    "in the board presentation exercise". The raters are counted, never the periods: two raters may describe
    the same acting-up stint as 22 and 26 weeks."""
    raters = len(entries)
    if seen_in == EXERCISE:
        names = [_exercise_name(framework, e) for e in dict.fromkeys(e for s in entries for e in s.exercises)]
        text = (_("in an exercise") if not names else _("in the %(name)s exercise", name=names[0])
                if len(names) == 1 else _("in the %(names)s exercises", names=join_words(names)))
        if raters > max(len(names), 1):
            return ngettext("%(phrase)s (%(num)d rater)", "%(phrase)s (%(num)d raters)", raters, phrase=text)
        return text
    place = _(_PLACES[seen_in])
    weeks = [s.weeks for s in entries if s.weeks]
    if weeks:
        return ngettext("%(place)s (%(num)d rater: %(periods)s)", "%(place)s (%(num)d raters: %(periods)s)", raters,
                        place=place, periods=periods_text(weeks))
    return ngettext("%(phrase)s (%(num)d rater)", "%(phrase)s (%(num)d raters)", raters, phrase=place)


def situation_text(framework: Framework, decisive: Sequence[Situation]) -> str:
    """What these decisive levels rest on, kinds in the fixed order (role, acting up, project, exercise)."""
    phrases = [_phrase(framework, kind, entries) for kind in SEEN_IN
               if (entries := [s for s in decisive if s.seen_in == kind])]
    return _("seen %(where)s", where=join_words(phrases)) if phrases else ""


def counted_ratings(by_group: Mapping[str, Sequence[RaterSheet]], score: ExactScores
                    ) -> list[tuple[RaterSheet, int]]:
    """Every counted non-self sheet with its level on the competency, as the decision uses them: the groups behind
    its decision score (``ExactScores.levels``: groups that can judge it, anonymous ones below their threshold where
    they count) with a weight there."""
    comp_id = score.requirement.competency_id
    return [(s, v) for g in score.levels if score.weights.get(g, 0) > 0 for s in by_group.get(g, ())
            if (v := s.ratings.get(comp_id)) is not None and v != NOT_OBSERVED]


def decisive_situations(by_group: Mapping[str, Sequence[RaterSheet]], score: ExactScores,
                        groups: Collection[str] | None = None) -> list[Situation]:
    """The situations recorded with the counted non-self levels at or above the requirement (``groups``: of these
    groups only)."""
    comp_id, required = score.requirement.competency_id, score.requirement.required
    return [situation for sheet, level in counted_ratings(by_group, score)
            if level >= required and (groups is None or sheet.group in groups)
            and (situation := sheet.situations.get(comp_id)) is not None]


def with_situations(framework: Framework, comps: Sequence[CompetencyResult], scores: Sequence[ExactScores],
                    by_group: Mapping[str, Sequence[RaterSheet]]) -> tuple[CompetencyResult, ...]:
    """The competencies with their ``situation_text`` and ``named_situation_text`` (``scores``: their exact numbers,
    in the same order; unchanged where nothing was recorded: old cycles keep their results to the field)."""
    out = []
    for comp, score in zip(comps, scores, strict=True):
        text = situation_text(framework, decisive_situations(by_group, score))
        named = situation_text(framework, decisive_situations(by_group, score, NAMED_GROUPS)) if text else ""
        out.append(replace(comp, situation_text=text, named_situation_text=named) if text else comp)
    return tuple(out)
