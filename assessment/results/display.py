"""How the results pages write numbers and rules: template filters and globals, shared with the PDF's wording
(``reports.verdict``) and the engine's display rules (a score is never printed across its requirement)."""

from __future__ import annotations

from functools import cache

from babel.numbers import get_decimal_symbol

from reports.evidence import (agreement_text, eligibility_lines, eligibility_note, has_agreement, hides_group,
                              more_sources, overall_agreement_text, short_acquaintance_text, situations)
from reports.verdict import attainment_text, failing_text, rule_detail, rules_withhold
from rubrics import language
from rubrics.readiness import display_gap, display_score
from rubrics.readiness_candidate import withheld_note
from rubrics.readiness_numbers import display_error

from .overview import gap_class


FILTERS = {}


def _filter(name):
    def add(function):
        FILTERS[name] = function
        return function

    return add


@_filter("score")
def format_score(value) -> str:
    """A score or level for display in the reader's language: 3, 3.5, 3.67 (German 3,5, 3,67); a dash when
    there is none."""
    if value is None:
        return "–"
    text = f"{float(value):.2f}".rstrip("0").rstrip(".")
    return _localise("0" if text == "-0" else text)


@_filter("gap")
def format_gap(value) -> str:
    """A gap with its sign (+0.5, −1, 0); a dash when there is no score."""
    if value is None:
        return "–"
    text = format_score(abs(value))
    return text if text == "0" else ("+" if value > 0 else "−") + text


@_filter("level")
def format_level(value, required) -> str:
    """A decision score against its requirement: never rounded across it (3.97 of 4 is 3.9, not 4.0)."""
    return _localise(_short(display_score(value, required)))


@_filter("gap_to")
def format_gap_to(value, required) -> str:
    """The gap of a decision score as shown: the shown score minus the requirement, with its sign."""
    return "–" if value is None else _localise(_short(display_gap(value, required))).replace("-", "−")


@_filter("error")
def format_error(value) -> str:
    """A standard error as the engine prints it (one decimal, a positive one never "0.0"); a dash without one."""
    return "–" if value is None else _localise(display_error(value))


def _short(text: str) -> str:
    """ "4.0" as "4" and "+1.0" as "+1", as the page writes whole levels; "3.9" stays."""
    return text[:-2] if text.endswith((".0", ",0")) else text


def _localise(text: str) -> str:
    """A number the engine wrote with a decimal point ("3.9", "+0.5") in the reader's language ("3,9")."""
    return text.replace(".", _decimal_symbol(language.current()))


@cache
def _decimal_symbol(lang: str) -> str:
    # Looked up once per language (``lang`` is the current one): Babel's lookup costs more than the rest of a
    # heat-map cell, and the overview writes some 1,500 numbers.
    return get_decimal_symbol(language.locale())


GLOBALS = {"gap_class": gap_class, "attainment_text": attainment_text, "failing_text": failing_text,
           "rule_detail": rule_detail, "rules_withhold": rules_withhold, "withheld_note": withheld_note,
           # Issue 18: the evidence behind a verdict, in the PDF's words.
           "agreement_text": agreement_text, "overall_agreement_text": overall_agreement_text,
           "eligibility_lines": eligibility_lines, "eligibility_note": eligibility_note,
           "short_acquaintance_text": short_acquaintance_text, "situations": situations,
           "has_agreement": has_agreement, "hides_group": hides_group, "more_sources": more_sources}


def register_display(bp) -> None:
    """Give every template of the app the results' filters and globals (through the blueprint)."""
    for name, function in FILTERS.items():
        bp.add_app_template_filter(function, name)
    for name, value in GLOBALS.items():
        bp.add_app_template_global(value, name)
