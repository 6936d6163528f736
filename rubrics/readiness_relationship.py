"""(2026.12.4) Raters who have known the candidate only briefly (docs/readiness.md, "Rater relationship").

Each rater says how long they have worked with the candidate (``RaterSheet.known_months``, the months at least of
the answer chosen). A counted manager, peer, direct report or assessor sheet under the rubric's
``rater_relationship.min_months`` is, per ``short_acquaintance``:

* ``flag``: it counts, is marked for HR (``ReadinessResult.short_acquaintance_raters``) and is a flagged rater
  for ``panel_review.flagged_weight_share`` (flag ``short_acquaintance`` in the engine's ``flagged`` mapping);
* ``leave_out``: it does not count; it is listed with the sheets that do not, with the reason.

A sheet without an answer (None: not asked, as on every sheet before 2026.12.4) is never short; a rubric without
``rater_relationship`` changes nothing. The candidate's copy says nothing of it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from .i18n import _, ngettext
from .model import SHORT_LEAVE_OUT, RaterRelationshipRules, ReadinessRules
from .readiness_model import GROUP_LABELS, RATER_GROUPS, SELF, RaterSheet, UncountedSheet

#: The flag a counted rater of short acquaintance carries in ``flagged`` (beside the cycle's rater flags).
SHORT_ACQUAINTANCE = "short_acquaintance"


def is_short(sheet: RaterSheet, rules: RaterRelationshipRules) -> bool:
    return sheet.group != SELF and sheet.known_months is not None and sheet.known_months < rules.min_months


def short_reason(rules: RaterRelationshipRules) -> str:
    """ "known the candidate less than 3 months" """
    return ngettext("known the candidate less than %(num)d month", "known the candidate less than %(num)d months",
                    rules.min_months)


def relationship_in_words(rules: ReadinessRules) -> tuple[str, ...]:
    """The methodology sentence of the relationship rule (none for a rubric without it)."""
    rule = rules.rater_relationship
    if rule is None:
        return ()
    if rule.short_acquaintance == SHORT_LEAVE_OUT:
        return (ngettext("The sheet of a rater who has worked with the candidate for less than %(num)d month does "
                         "not count.",
                         "The sheet of a rater who has worked with the candidate for less than %(num)d months does "
                         "not count.", rule.min_months),)
    label = rules.panel_review.label if rules.panel_review is not None else ""
    return (ngettext("A rater who has worked with the candidate for less than %(num)d month counts, is marked for "
                     "HR and counts as a flagged rater for %(label)s.",
                     "A rater who has worked with the candidate for less than %(num)d months counts, is marked for "
                     "HR and counts as a flagged rater for %(label)s.", rule.min_months, label=label),)


def _in_order(sheets: Sequence[UncountedSheet]) -> tuple[UncountedSheet, ...]:
    order = {g: i for i, g in enumerate(RATER_GROUPS)}
    return tuple(sorted(sheets, key=lambda u: (order[u.group], u.rater_key)))


def relationship(rules: ReadinessRules, sheets: Sequence[RaterSheet], counted: Sequence[RaterSheet],
                 uncounted: Sequence[UncountedSheet]
                 ) -> tuple[list[RaterSheet], tuple[UncountedSheet, ...], frozenset[str]]:
    """The counted sheets, the sheets that do not count and the keys of the counted raters of short acquaintance,
    after the relationship rule. A sheet that does not count for another reason names this one too (HR sees every
    reason)."""
    rule = rules.rater_relationship
    if rule is None:
        return list(counted), tuple(uncounted), frozenset()
    reason = short_reason(rule)
    every = {s.rater_key for s in sheets if is_short(s, rule)}
    uncounted = [replace(u, reason=f"{u.reason}; {reason}") if u.rater_key in every else u for u in uncounted]
    short = frozenset(s.rater_key for s in counted if s.rater_key in every)
    if rule.short_acquaintance != SHORT_LEAVE_OUT:
        return list(counted), tuple(uncounted), short
    left_out = [UncountedSheet(s.rater_key, s.group, GROUP_LABELS[s.group], reason)
                for s in counted if s.rater_key in short]
    return [s for s in counted if s.rater_key not in short], _in_order([*uncounted, *left_out]), frozenset()


def with_short_acquaintance(flagged: Mapping[str, Sequence[str]] | None, short: frozenset[str]
                            ) -> Mapping[str, Sequence[str]] | None:
    """The cycle's rater flags with ``short_acquaintance`` added to the raters of short acquaintance."""
    if not short:
        return flagged
    flagged = dict(flagged or {})
    return {**flagged, **{key: (*flagged.get(key, ()), SHORT_ACQUAINTANCE) for key in sorted(short)}}
