"""Exact arithmetic for the readiness rules, and numbers printed so that they agree with the decision.

The verdict is computed on exact fractions of the rubric's numbers as written (0.9 is 9/10). A number is
printed rounded to one decimal, but never across the threshold it was compared with: 3.967 that decides a
shortfall against 4 prints as 3.9 (gap -0.1), never as 4.0 with gap 0.0; 4.01 that is a strength prints as
4.1; 89.96% against a 90% threshold prints as 89.9%.

Each number is first rounded as above in English form ("3.9", "-0.1", "89.9%"), then written in the current
language through ``rubrics.language`` ("3,9", "-0,1", "89,9 %"): the rounding never depends on the language.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from decimal import Decimal
from fractions import Fraction

from . import language

NO_NUMBER = "–"


def exact(number) -> Fraction:
    """A rubric number as an exact fraction of its written form (0.9 is 9/10, not the nearest binary)."""
    return Fraction(str(number))


def mean(values: Sequence[int]) -> Fraction | None:
    return Fraction(sum(values), len(values)) if values else None


def as_float(value: Fraction | None) -> float | None:
    return None if value is None else float(value)


def local(text: str) -> str:
    """A number written in English form ("3.67", "-0.1", "+0.3", "89.9%") in the current language ("3,67",
    "-0,1", "+0,3", "89,9 %"), with the same digits: only the separators change, never the rounding."""
    if language.current() == language.DEFAULT_LANGUAGE or text == NO_NUMBER:
        return text
    is_percent = text.endswith("%")
    body = text.rstrip("%")
    sign = "+" if body.startswith("+") else ""
    digits = len(body.partition(".")[2])
    value = Decimal(body.lstrip("+"))
    if is_percent:
        return sign + language.percent(value / 100, digits)
    return sign + language.number(value, digits)


def _fmt_en(value: Fraction | float) -> str:
    text = f"{float(value):.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def fmt(value: Fraction | float) -> str:
    """A level or gap for a sentence: 3, 3.5, 3.67 (German 3, 3,5, 3,67)."""
    return local(_fmt_en(value))


def plural(count: int, noun: str) -> str:
    """ "1 manager", "2 managers" (English only: the engine's own sentences use ``ngettext``). """
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _round_off(value: float, places: int, boundaries: Iterable[float]) -> float:
    """``value`` rounded half up to ``places``, moved one step off any boundary it would land on or cross."""
    step = 10 ** -places
    shown = math.floor(value / step + 0.5) * step
    for boundary in boundaries:
        if value < boundary <= shown + step / 1000:
            shown = boundary - step
        elif value > boundary >= shown - step / 1000:
            shown = boundary + step
    return round(shown, places)


def display_score(value: float | None, required: float | None = None) -> str:
    """A decision score to print (one decimal), on the same side of ``required`` as the score itself."""
    if value is None:
        return NO_NUMBER
    return local(f"{_round_off(value, 1, [required] if required is not None else []):.1f}")


def display_gap(value: float | None, required: float) -> str:
    """The gap (score - required) to print, agreeing with ``display_score``: "+0.3", "-0.1", "0.0" only when met
    exactly."""
    if value is None:
        return NO_NUMBER
    gap = round(_round_off(value, 1, [required]) - required, 1)
    return local("0.0" if gap == 0 else f"{gap:+.1f}")


def display_shortfall(value: float | None, required: float) -> str:
    """A shortfall (required - score) to print: the gap's digits without the sign, so a summary, a rule's detail
    and the table print one and the same text for it (3.967 against 4: "0.1" everywhere, never "0.03")."""
    if value is None:
        return NO_NUMBER
    return display_gap(value, required).lstrip("+-")


def display_error(value: float | None) -> str:
    """A standard error to print, one decimal like every score; a positive one never as "0.0"."""
    if value is None:
        return NO_NUMBER
    return local(f"{_round_off(value, 1, [0.0]):.1f}")


def display_percent(value: float | None, thresholds: Iterable[float] = ()) -> str:
    """A share as a percentage with at most one decimal, never shown at or above a threshold it is below."""
    if value is None:
        return NO_NUMBER
    shown = _round_off(float(value) * 100, 1, [float(t) * 100 for t in thresholds])
    return local(f"{shown:g}%")


def pct(value: Fraction | float, thresholds: Iterable[float] = ()) -> str:
    """A share for a sentence: "90%", "89.9%" (German "90 %", "89,9 %")."""
    return display_percent(float(value), thresholds)
