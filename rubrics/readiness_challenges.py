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
    lines += _evidence_challenges(rules)
    if rules.calibration_reasons:
        lines.append(_("“HR changed it”: a calibration carries a reason code, a written rationale and the panel’s "
                       "members, and a move into the best band needs a second HR person’s approval."))
    return tuple(lines)


def _evidence_challenges(rules: ReadinessRules) -> list[str]:
    """(2026.12.4) The answers the sources of evidence, the agreement index and the situations give."""
    lines = []
    if rules.group_competencies or rules.anonymity_thresholds:
        lines.append(_("“My managers never see how I lead my team”: direct reports rate what they see (people "
                       "leadership, communication and the like), anonymously, and assessors rate what their exercises "
                       "show; each source has its weight per competency."))
    if rules.situations_required_at_requirement:
        lines.append(_("“I was never given the scope to show level 4”: a level at or above the requirement says "
                       "where it was seen and for how long (in the role, while acting up, on a project or in an "
                       "exercise), and an exercise can show what the role has not asked for yet."))
    if rules.agreement is not None:
        lines.append(_("“The raters do not even agree”: the agreement index says per competency how far they do; "
                       "low agreement on a critical competency sends the verdict to the panel.")
                     if rules.panel_review is not None and rules.panel_review.min_critical_agreement is not None else
                     _("“The raters do not even agree”: the agreement index says per competency how far they do."))
    if rules.rater_relationship is not None:
        lines.append(_("“That rater hardly knows me”: every rater says how long and how closely they have worked "
                       "with the candidate, and a short acquaintance is marked for HR."))
    return lines
