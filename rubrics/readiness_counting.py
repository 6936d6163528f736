"""Which submitted sheets count as raters (rubric 2026.12.3): a sheet is evidence only when it gives a level on
enough of the target role's competencies and carries every written evidence text the rules ask for
(``rubrics.sheet.evidence_required``, the question the rating sheet asks too, so sheet and engine agree).

A sheet that does not count is left out of every score and count and listed with the reason in plain words. Self
sheets are never raters and are left as they are. Duplicate rater keys are refused.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from fractions import Fraction

from .i18n import _, ngettext
from .model import NOT_OBSERVED, Framework, RoleProfile
from .readiness_model import (
    FAILED,
    GROUP_LABELS,
    MANAGER,
    PASSED,
    RATER_GROUPS,
    SELF,
    RaterSheet,
    RuleResult,
    UncountedSheet,
)
from .readiness_numbers import exact, pct
from .sheet import evidence_required

#: The evidence rule on sheets; its status never makes the evidence insufficient by itself (the counts do).
COUNTED_SHEETS_RULE = "counted_sheets"


def refuse_duplicate_keys(sheets: Sequence[RaterSheet]) -> None:
    """ValueError when a rater key is given more than once: one rater never counts twice."""
    twice = sorted(key for key, n in Counter(s.rater_key for s in sheets).items() if n > 1)
    if twice:
        raise ValueError(f"rater key(s) given more than once: {', '.join(twice)}")


def _reasons(framework: Framework, role: RoleProfile, sheet: RaterSheet) -> list[str]:
    """Why the sheet is no evidence, in plain words; empty when it counts."""
    reasons = []
    role_ids = [r.competency_id for r in role.requirements]
    rated = sum(1 for cid in role_ids if sheet.ratings.get(cid, NOT_OBSERVED) != NOT_OBSERVED)
    if role_ids and Fraction(rated, len(role_ids)) < exact(framework.readiness.min_rated_share):
        reasons.append(ngettext("rated %(num)d of %(total)s competencies", "rated %(num)d of %(total)s competencies",
                                rated, total=len(role_ids)))
    needed = evidence_required(framework, role, sheet.ratings)
    for comp in framework.competencies:
        if comp.id not in needed or (sheet.comments.get(comp.id) or "").strip():
            continue
        value = sheet.ratings[comp.id]
        if value == NOT_OBSERVED:
            reasons.append(_("no written evidence for %(name)s marked “%(label)s”", name=comp.name,
                             label=framework.scale.not_observed_label))
        else:
            reasons.append(_("no written evidence for %(name)s at level %(level)s", name=comp.name, level=value))
    return reasons


def counted_sheets(framework: Framework, role: RoleProfile, sheets: Sequence[RaterSheet]
                   ) -> tuple[list[RaterSheet], tuple[UncountedSheet, ...]]:
    """The sheets that count (self sheets always, as before) and the ones that do not, with the reason, in group
    and key order. Without ``min_rated_share`` in the rubric (before 2026.12.3) every submitted sheet counts."""
    refuse_duplicate_keys(sheets)
    if framework.readiness.min_rated_share is None:
        return list(sheets), ()
    counted, left_out = [], []
    for sheet in sheets:
        reasons = [] if sheet.group == SELF else _reasons(framework, role, sheet)
        if reasons:
            left_out.append(UncountedSheet(sheet.rater_key, sheet.group, GROUP_LABELS[sheet.group],
                                           "; ".join(reasons)))
        else:
            counted.append(sheet)
    order = {g: i for i, g in enumerate(RATER_GROUPS)}
    return counted, tuple(sorted(left_out, key=lambda u: (order[u.group], u.rater_key)))


def uncounted_text(sheet: UncountedSheet) -> str:
    """ "A peer’s sheet does not count: rated 1 of 15 competencies." """
    if sheet.group == MANAGER:
        return _("A manager’s sheet does not count: %(reason)s.", reason=sheet.reason)
    return _("A peer’s sheet does not count: %(reason)s.", reason=sheet.reason)


def counted_sheets_rule(framework: Framework, uncounted: Sequence[UncountedSheet]) -> RuleResult:
    """The rule as shown: every manager and peer sheet is evidence (passed), or the ones that are not (failed,
    each with its reason; they are left out, and the rater counts say what is left)."""
    text = _("A manager or peer sheet counts only when it gives a level on at least %(share)s of the competencies "
             "and written evidence wherever the rules ask for it.",
             share=pct(exact(framework.readiness.min_rated_share)))
    if not uncounted:
        return RuleResult(COUNTED_SHEETS_RULE, text, PASSED, _("Every manager and peer sheet counts."))
    detail = " ".join(uncounted_text(u) for u in uncounted)
    return RuleResult(COUNTED_SHEETS_RULE, text, FAILED, detail)

