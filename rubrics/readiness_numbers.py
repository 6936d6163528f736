"""Exact arithmetic for the readiness rules, and numbers printed so that they agree with the decision.

The verdict is computed on exact fractions of the rubric's numbers as written (0.9 is 9/10). A number is
printed rounded to one decimal, but never across the threshold it was compared with: 3.967 that decides a
shortfall against 4 prints as 3.9 (gap -0.1), never as 4.0 with gap 0.0; 4.01 that is a strength prints as
4.1; 89.96% against a 90% threshold prints as 89.9%.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from fractions import Fraction

NO_NUMBER = "–"


def exact(number) -> Fraction:
    """A rubric number as an exact fraction of its written form (0.9 is 9/10, not the nearest binary)."""
    return Fraction(str(number))


def mean(values: Sequence[int]) -> Fraction | None:
    return Fraction(sum(values), len(values)) if values else None


def as_float(value: Fraction | None) -> float | None:
    return None if value is None else float(value)


def fmt(value: Fraction | float) -> str:
    """A level or gap for a sentence: 3, 3.5, 3.67."""
    text = f"{float(value):.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def plural(count: int, noun: str) -> str:
    """ "1 manager", "2 managers". """
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
    return f"{_round_off(value, 1, [required] if required is not None else []):.1f}"


def display_gap(value: float | None, required: float) -> str:
    """The gap (score - required) to print, agreeing with ``display_score``: "+0.3", "-0.1", "0.0" only when met
    exactly."""
    if value is None:
        return NO_NUMBER
    gap = round(_round_off(value, 1, [required]) - required, 1)
    return "0.0" if gap == 0 else f"{gap:+.1f}"


def display_percent(value: float | None, thresholds: Iterable[float] = ()) -> str:
    """A share as a percentage with at most one decimal, never shown at or above a threshold it is below."""
    if value is None:
        return NO_NUMBER
    shown = _round_off(float(value) * 100, 1, [float(t) * 100 for t in thresholds])
    return f"{shown:g}%"


def pct(value: Fraction | float, thresholds: Iterable[float] = ()) -> str:
    return display_percent(float(value), thresholds)
