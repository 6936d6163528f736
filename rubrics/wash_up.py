"""(2026.12.4) The assessors' wash-up (integration) rules, as plain functions.

After an assessment-centre exercise day the assessors of a candidate agree one consensus level per competency:

- the consensus must lie within the levels the assessors gave (lowest..highest): a level nobody saw is refused;
  "not observed" is always possible (the assessors may agree the evidence does not carry a level), and is the
  only consensus when no assessor gave a level;
- a reason is always required;
- where the assessors' levels are the rubric's ``wash_up.resolve_apart`` levels apart or more, a written
  resolution (how the disagreement was settled) is required as well.
"""

from __future__ import annotations

from collections.abc import Iterable

from .i18n import _
from .model import NOT_OBSERVED

#: The longest reason or resolution kept (characters).
MAX_TEXT = 4000


def observed_levels(levels: Iterable[int | str | None]) -> tuple[int, ...]:
    """The levels the assessors gave, ascending ("not observed" and unanswered left out)."""
    return tuple(sorted(value for value in levels if isinstance(value, int) and not isinstance(value, bool)))


def level_range(levels: Iterable[int | str | None]) -> tuple[int, int] | None:
    """The lowest and highest level the assessors gave; None when nobody gave a level."""
    seen = observed_levels(levels)
    return (seen[0], seen[-1]) if seen else None


def levels_apart(levels: Iterable[int | str | None]) -> int:
    """How many levels apart the assessors are (0 with fewer than two levels)."""
    span = level_range(levels)
    return span[1] - span[0] if span else 0


def resolution_needed(levels: Iterable[int | str | None], resolve_apart: int | None) -> bool:
    """Whether the assessors are ``resolve_apart`` levels apart or more, so a written resolution is required
    (never when the rubric has no such rule: ``resolve_apart`` None)."""
    return resolve_apart is not None and levels_apart(levels) >= resolve_apart


def consensus_stands(levels: Iterable[int | str | None], consensus: int | str | None) -> bool:
    """Whether a consensus saved earlier still lies within the assessors' levels as they are now (a sheet can be
    reopened and changed after the wash-up): "not observed" always does, a level must lie within their range."""
    if consensus == NOT_OBSERVED:
        return True
    span = level_range(levels)
    return span is not None and consensus is not None and span[0] <= consensus <= span[1]


def consensus_problems(levels: Iterable[int | str | None], consensus: int | str | None, reason: str,
                       resolution: str, resolve_apart: int | None) -> dict[str, str]:
    """What stops this consensus on one competency from being saved, per field ("level", "reason",
    "resolution"); empty when it can be saved. ``levels``: the assessors' answers on the competency."""
    levels = tuple(levels)
    problems: dict[str, str] = {}
    span = level_range(levels)
    if consensus is None:
        problems["level"] = _("Choose the consensus level, or “not observed”.")
    elif consensus != NOT_OBSERVED:
        if span is None:
            problems["level"] = _("No assessor gave a level here, so the consensus can only be “not observed”.")
        elif not span[0] <= consensus <= span[1]:
            problems["level"] = (_("Level %(level)s was given by no assessor: the consensus must lie within the "
                                   "assessors' levels (%(low)s to %(high)s).", level=consensus, low=span[0],
                                   high=span[1]) if span[0] != span[1] else
                                 _("Level %(level)s was given by no assessor: every assessor gave level %(low)s.",
                                   level=consensus, low=span[0]))
    if not (reason or "").strip():
        problems["reason"] = _("Give the reason for the consensus.")
    elif len(reason) > MAX_TEXT:
        problems["reason"] = _("Keep the reason under %(num)d characters.", num=MAX_TEXT)
    if resolution_needed(levels, resolve_apart) and not (resolution or "").strip():
        problems["resolution"] = _("The assessors are %(apart)d levels apart here: write how the disagreement "
                                   "was resolved.", apart=levels_apart(levels))
    elif len(resolution or "") > MAX_TEXT:
        problems["resolution"] = _("Keep the resolution under %(num)d characters.", num=MAX_TEXT)
    return problems
