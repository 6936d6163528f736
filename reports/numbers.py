"""Numbers as shown, in agreement with the decision they stand for.

A decision score of 3.967 against a required 4 is a shortfall; rounded to one decimal it would print as
4.0 with a gap of 0.0, which says the opposite. ``shown_level`` rounds as usual except where rounding
would carry a score below its requirement up to it: there it rounds down (3.9, gap −0.1). The gap shown
is always the shown score minus the requirement, so the two printed numbers agree with each other and
with the verdict. Plain functions: the PDF, the results page and the overview use the same ones.
"""

from __future__ import annotations

import math


def shown_level(value: float | None, required: float | None = None, digits: int = 1) -> float | None:
    """``value`` rounded to ``digits`` decimals, never up to ``required`` when it is below it."""
    if value is None:
        return None
    scale = 10 ** digits
    rounded = round(value * scale) / scale
    if required is not None and value < required <= rounded:
        rounded = math.floor(value * scale) / scale
        if rounded >= required:  # float noise just below the requirement
            rounded = (math.ceil(required * scale) - 1) / scale
    return rounded


def shown_gap(value: float | None, required: float | None, digits: int = 1) -> float | None:
    """The gap as shown: the shown score minus the requirement (negative whenever the real gap is)."""
    if value is None or required is None:
        return None
    return round(shown_level(value, required, digits) - required, digits)
