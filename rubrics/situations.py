"""(2026.12.4) The fixed lists a rater chooses from: where a level was seen, how long and how closely the rater has
worked with the candidate. Ids are stored; labels are translated where they are shown."""

from __future__ import annotations

from .i18n import N_, TranslatedLabels

#: Where a level was seen.
ROLE, ACTING_UP, PROJECT, EXERCISE = "role", "acting_up", "project", "exercise"
SEEN_IN = (ROLE, ACTING_UP, PROJECT, EXERCISE)
SEEN_IN_LABELS = TranslatedLabels({ROLE: N_("In the role"), ACTING_UP: N_("While acting up"),
                                   PROJECT: N_("On a project"), EXERCISE: N_("In an exercise")})

#: How long the rater has worked with the candidate: id -> months at least.
KNOWN_FOR = {"under_3_months": 0, "3_to_12_months": 3, "1_to_3_years": 12, "over_3_years": 36}
KNOWN_FOR_LABELS = TranslatedLabels({"under_3_months": N_("Less than 3 months"),
                                     "3_to_12_months": N_("3 to 12 months"),
                                     "1_to_3_years": N_("1 to 3 years"), "over_3_years": N_("More than 3 years")})

#: How closely.
CLOSENESS = ("daily", "weekly", "monthly", "occasionally")
CLOSENESS_LABELS = TranslatedLabels({"daily": N_("Daily"), "weekly": N_("Weekly"), "monthly": N_("Monthly"),
                                     "occasionally": N_("Occasionally")})

#: The longest period a rater can enter (20 years), in weeks.
MAX_WEEKS = 1040


def known_months(known_for: str | None) -> int | None:
    """The months at least that a ``KNOWN_FOR`` id stands for; None when not given (or unknown)."""
    return KNOWN_FOR.get(known_for) if known_for else None
