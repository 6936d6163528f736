"""The editable sheet's level choices as plain data, and their HTML (templates/rating/_competency.html).

The form (``forms.sheet_form``) still reads, checks and keeps what is posted; the page draws its controls from
this data and the form's values, with WTForms' own ids and names. Calling WTForms' widgets for some 90 radios and
45 selects took most of the page's time, and what the radios show (labels, anchors, quotes) is the same on every
request for a given pinned rubric, language and kind of sheet: it is drawn once and kept, and each request only
marks the chosen level (``answered``).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import get_template_attribute
from markupsafe import Markup

from rubrics import NOT_OBSERVED, Framework, language
from rubrics.sheet import SheetScope, exercise_levels


@dataclass(frozen=True)
class LevelOption:
    """One radio of a competency: its position (WTForms' id suffix), value, label and behavioural anchor."""

    index: int
    value: str
    label: str
    #: The anchor; "" for "not observed", whose summary the page words for the rater.
    anchor: str

    @property
    def is_not_observed(self) -> bool:
        return self.value == NOT_OBSERVED


@dataclass(frozen=True)
class Quote:
    text: str
    language: str
    title: str


@dataclass(frozen=True)
class LevelQuotes:
    """The source quotes a level's anchor rests on."""

    label: str
    quotes: tuple[Quote, ...]


@dataclass(frozen=True)
class CompetencyChoices:
    options: tuple[LevelOption, ...]
    #: The levels that cite sources, in level order (empty for an older pinned rubric without level quotes).
    sources: tuple[LevelQuotes, ...]

    @property
    def quote_count(self) -> int:
        return sum(len(level.quotes) for level in self.sources)


_CACHE_SIZE = 256
#: What was built per framework object and key; the framework is kept beside it and compared by identity (the
#: pinned frameworks live for the process, one object per rubric version and language: framework.py).
_built: dict[tuple, tuple[Framework, object]] = {}


def built_once(framework: Framework, key: tuple, build):
    """``build()``, kept for ``framework`` (this very object), ``key`` and the language and catalogues of the
    moment (``language.texts_key``): what depends only on them."""
    key = (id(framework), language.texts_key(), *key)  # the page's own words come from the web catalogue
    cached = _built.get(key)
    if cached is not None and cached[0] is framework:
        return cached[1]
    value = build()
    if len(_built) >= _CACHE_SIZE:
        _built.clear()
    _built[key] = (framework, value)
    return value


def sheet_choices(framework: Framework, scope: SheetScope) -> dict[str, CompetencyChoices]:
    """Each competency's level choices and quotes on a sheet of ``scope`` (an exercise limits the levels)."""
    return built_once(framework, ("choices", scope.exercise_id),
                      lambda: {comp.id: _choices(framework, comp, scope.exercise_id) for comp in framework.competencies})


def _choices(framework: Framework, comp, exercise_id: str | None) -> CompetencyChoices:
    shown = exercise_levels(framework, exercise_id, comp.id) if exercise_id else None
    levels = [lv for lv in framework.scale.levels if shown is None or lv.level in shown]
    options = [LevelOption(i, str(lv.level), f"{lv.level} {lv.label}", comp.anchor(lv.level))
               for i, lv in enumerate(levels)]
    options.append(LevelOption(len(levels), NOT_OBSERVED, framework.scale.not_observed_label, ""))
    sources = []
    for lv in levels:
        quotes = tuple(Quote(cite.quote, framework.source(cite.source).language, framework.source(cite.source).title)
                       for cite in comp.anchor_citations(lv.level))
        if quotes:
            sources.append(LevelQuotes(f"{lv.level} {lv.label}", quotes))
    return CompetencyChoices(tuple(options), tuple(sources))


def level_blocks(framework: Framework, scope: SheetScope, not_observed: str) -> dict[str, Markup]:
    """Each competency's radios and quotes as HTML, none chosen (the ``levels`` macro); ``not_observed``: the
    words under "not observed" for this rater (the self-assessment words it for the candidate)."""
    def draw():
        macro = get_template_attribute("rating/_competency.html", "levels")
        return {cid: macro(f"level_{cid}", choices, not_observed)
                for cid, choices in sheet_choices(framework, scope).items() if cid in scope.competencies}
    return built_once(framework, ("levels", scope, not_observed), draw)


def answered(block: Markup, value: str | None, errors) -> Markup:
    """``block`` (from ``level_blocks``) with the radio of ``value`` checked (none for an unknown value, as WTForms
    shows it) and, when the level has a problem, every radio marked invalid; attributes in WTForms' order."""
    html = str(block)
    if value:
        at = html.find(f' type="radio" value="{Markup.escape(value)}">')
        start = html.rfind("<input ", 0, at)
        if at != -1 and start != -1:
            html = f"{html[:start]}<input checked {html[start + len('<input '):]}"
    if errors:
        html = html.replace("<input id=", '<input aria-invalid="true" id=').replace(
            "<input checked id=", '<input aria-invalid="true" checked id=')
    return Markup(html)


def empty_situations(framework: Framework, scope: SheetScope, role, form, blank_form) -> dict[str, Markup]:
    """The "where and how long seen" blocks (2026.12.4) that are hidden and empty on ``form``, as HTML made once
    per rubric, target ``role``, kind of sheet and language from ``blank_form()`` (a form with no data); the
    page draws the others itself. Empty when the sheet does not ask where levels were seen."""
    if not scope.asks_situations:
        return {}
    required = {r.competency_id: r.required for r in role.requirements}

    def draw():
        macro, blank = get_template_attribute("rating/_competency.html", "situation"), blank_form()
        return {cid: macro(blank, cid, required[cid], False, role.name) for cid in scope.competencies if cid in required}
    drawn = built_once(framework, ("situations", scope, role.id), draw)
    return {cid: html for cid, html in drawn.items() if _untouched(form, cid)}


def _untouched(form, competency_id: str) -> bool:
    where, how_long, unit = (form[f"{name}_{competency_id}"] for name in ("seen_in", "seen_for", "seen_unit"))
    return not (where.data or how_long.data or where.errors or how_long.errors) and unit.data == "months"
