"""The rubric's languages: texts given in every language the rubric names, and one framework per language.

A rubric with ``languages: [en, de]`` (the first is the rubric's own language) writes each of its texts as a
mapping of exactly those codes, ``name: {en: Strategic planning, de: Strategische Planung}``; the loader
reports every text that lacks a language, and every key that is not one of them, all at once. A rubric
without ``languages`` (every snapshot pinned before 2026.12.1) is English only, its texts plain strings,
and loads exactly as before. Source titles and citation quotes are never translated: a quote stays in the
language of its source.
"""

from __future__ import annotations

import re

from .competency_checks import kind

#: The language of a rubric that does not name its languages (every rubric before 2026.12.1).
ENGLISH_ONLY = ("en",)
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")


class LanguageChecks:
    """Mixed into the loader's validator, which provides ``fail``, ``text`` and ``sequence``.

    ``pick`` is the language the built framework's texts are taken in (None: the rubric's own language).
    """

    #: The languages the rubric names, or None for an English-only rubric written with plain strings.
    languages: tuple[str, ...] | None = None
    pick: str | None = None

    def rubric_languages(self, value) -> tuple[str, ...]:
        """Read the top-level ``languages`` list; returns the rubric's languages, its own first."""
        if value is None:
            self.languages = None
            return ENGLISH_ONLY
        codes: list[str] = []
        for i, code in enumerate(self.sequence(value, "languages")):
            if not isinstance(code, str) or not LANGUAGE_CODE.match(code):
                self.fail(f"languages[{i}]", f"{code!r} is not a language code (two or three lower-case letters, "
                                             "such as de)")
            elif code in codes:
                self.fail(f"languages[{i}]", f"{code!r} is listed twice")
            else:
                codes.append(code)
        self.languages = tuple(codes)
        return self.languages or ENGLISH_ONLY

    @property
    def language(self) -> str:
        """The language this validator builds the framework's texts in."""
        return self.pick or (self.languages or ENGLISH_ONLY)[0]

    def ltext(self, value, where: str) -> str:
        """A text shown to people: a plain string in an English-only rubric, else one text per language."""
        if self.languages is None:
            return self.text(value, where)
        if value is None:
            return ""  # reported as missing by mapping()
        names = ", ".join(self.languages)
        if not isinstance(value, dict):
            shape = ", ".join(f"{code}: ..." for code in self.languages)
            self.fail(where, f"must give its text in each of the rubric's languages ({names}) as {{{shape}}}, "
                             f"not {kind(value)}")
            return ""
        for key in value:
            if key not in self.languages:
                self.fail(f"{where}.{key}", f"unknown language (the rubric's languages are {names})")
        texts = {}
        for code in self.languages:
            if code in value:
                texts[code] = self.text(value[code], f"{where}.{code}")
            else:
                self.fail(where, f'no "{code}" text')
        return texts.get(self.language, "")

    def is_language_text(self, value) -> bool:
        """Whether a level's mapping is its anchor in each language rather than ``{anchor:, citations:}``."""
        return self.languages is not None and isinstance(value, dict) and not {"anchor", "citations"} & set(value)


def with_languages(framework, build):
    """Give ``framework`` (in the rubric's own language) its siblings in the rubric's other languages.

    ``build(language)`` returns the framework with its texts in that language; ids, rules, weights, data and hash
    are the same in all of them, and ``in_language`` of any one finds every other.
    """
    variants = {framework.language: framework}
    for code in framework.languages:
        if code not in variants:
            variants[code] = build(code)
    for sibling in variants.values():
        sibling.share_languages(variants)
    return framework


def single_language(data: dict, language: str | None = None) -> dict:
    """Rubric data with each text in ``language`` only (default, or when the rubric lacks it: its own) and no
    ``languages``: the English-only format of the rubrics before 2026.12.1, such as tests that put today's
    readiness rules into the 2026.11 rubric need."""
    codes = data.get("languages") if isinstance(data, dict) else None
    if not codes:
        return data
    pick = language if language in codes else codes[0]

    def walk(value):
        if isinstance(value, dict):
            if value and set(value) == set(codes):
                return value[pick]
            return {k: walk(v) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v) for v in value]
        return value

    return {key: walk(value) for key, value in data.items() if key != "languages"}
