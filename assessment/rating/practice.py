"""The rater briefing's practice item: a short vignette from operations work, rated on a real competency's anchors
of the cycle's rubric, with the level that fits and why. Plain data and one function; the page is ``briefing``."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from rubrics import NOT_OBSERVED, Framework


@dataclass(frozen=True)
class PracticeItem:
    competency_id: str
    vignette: str
    #: The level whose anchor fits best, and why (naming the level above and below).
    best_level: int
    why: str


PRACTICE = PracticeItem(
    competency_id="planning_and_organising",
    vignette=_l("During an eight-week warehouse move, Sam planned the staff, forklifts and shift schedules of the "
                "three teams of the inbound department, moved two people between teams when a delivery slipped, and "
                "kept the deadline tracker up to date; the move finished on time. The outbound department planned its "
                "own side of the move: Sam was not asked to coordinate it."),
    best_level=3,
    why=_l("Level 3 fits best: Sam organised the department's day-to-day work, coordinated tasks between its teams "
           "and adjusted the plan when something changed, and did so repeatedly over eight weeks. Level 4 would need "
           "planning across several departments, setting priorities where they compete for the same resources; that "
           "was not Sam's task, so it was not seen (which is not a shortfall). Level 2 undersells it: Sam planned "
           "more than a small team's tasks."),
)


@dataclass(frozen=True)
class PracticeFeedback:
    chosen: int | str
    is_best: bool
    text: str


def practice_item(framework: Framework) -> PracticeItem | None:
    """The practice item when the cycle's rubric has its competency; None otherwise (the briefing leaves it out)."""
    if PRACTICE.competency_id not in {c.id for c in framework.competencies}:
        return None
    return PRACTICE


def practice_feedback(item: PracticeItem, chosen: int | str) -> PracticeFeedback:
    """Whether the rater's level is the best fit, with the reason either way."""
    if chosen == item.best_level:
        return PracticeFeedback(chosen, True, str(_l("Yes. %(why)s", why=item.why)))
    if chosen == NOT_OBSERVED:
        return PracticeFeedback(chosen, False, str(_l("Not quite: the vignette shows enough to judge. %(why)s",
                                                      why=item.why)))
    direction = _l("too high") if isinstance(chosen, int) and chosen > item.best_level else _l("too low")
    return PracticeFeedback(chosen, False, str(_l("Level %(level)s is %(direction)s. %(why)s", level=chosen,
                                                  direction=direction, why=item.why)))
