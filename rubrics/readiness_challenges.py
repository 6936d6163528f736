"""How the rubric's rules answer a challenge to a verdict, in short, for the report's methodology page
(docs/validity.md says it at length). Only the rules the rubric has are named, so a report on a cycle pinned to an
older rubric never promises a rule that cycle did not apply."""

from __future__ import annotations

from .i18n import _
from .model import ReadinessRules
from .readiness_groups import anonymity_threshold, named_groups
from .readiness_model import DIRECT_REPORT


def _has(rules: ReadinessRules, key: str) -> bool:
    return any(getattr(band, key, None) is not None for band in rules.bands)


def challenges_in_words(rules: ReadinessRules) -> tuple[str, ...]:
    """Short answers to the usual challenges, one sentence each, for the rules this rubric has."""
    lines = [_("Every candidate of a cycle is judged by the same rules, those of the rubric pinned when the cycle "
               "opened (version and content hash below); every rule is shown as passed, failed or not applicable.")]
    if rules.min_rated_share is not None:
        lines.append(_("“Someone who barely knows me rated me”: a sheet counts as a rater only when it gives enough "
                       "levels and written evidence where the rules ask; a sheet that does not count is listed with "
                       "its reason."))
    if _has(rules, "max_short_others") or rules.unscored_attainment is not None:
        lines.append(_("“Small shortfalls average out”, “mark it not observed”: shortfalls are counted, not averaged "
                       "away, and “not observed” never does better than an honest low rating."))
    if _has(rules, "min_critical_raters") or _has(rules, "max_group_gap"):
        lines.append(_("“One enthusiastic rater carries it”: the best band needs each critical competency seen by "
                       "enough raters, a manager among them, and no rater group far below any requirement."))
    panel = rules.panel_review
    if panel is not None:
        lines.append(_("“The raters disagree”, “one rater decided it”: contradicting raters, a critical competency "
                       "short within its measurement error, or a verdict resting on raters flagged lenient, severe "
                       "or straight-lining send the verdict to the panel with the band the rules would give.")
                     if panel.borderline_standard_errors is not None else
                     _("“The raters disagree”: raters who contradict each other send the verdict to the panel with "
                       "the band the rules would give."))
    if DIRECT_REPORT in named_groups(rules):
        lines.append(_("“A peer or a direct report can be recognised”: peers are shown as a group only from %(num)s "
                       "of them, direct reports only from %(reports)s; the candidate’s copy withholds every number "
                       "that depends on peers or direct reports who are not shown.",
                       num=rules.peer_anonymity_threshold, reports=anonymity_threshold(rules, DIRECT_REPORT)))
    else:
        lines.append(_("“A peer can be recognised”: peers are shown as a group only from %(num)s of them; the "
                       "candidate’s copy withholds every number that depends on peers who are not shown.",
                       num=rules.peer_anonymity_threshold))
    if rules.calibration_reasons:
        lines.append(_("“HR changed it”: a calibration carries a reason code, a written rationale and the panel’s "
                       "members, and a move into the best band needs a second HR person’s approval."))
    return tuple(lines)
