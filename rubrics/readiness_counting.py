"""Which submitted sheets count as raters (rubric 2026.12.3): a sheet is evidence only when it gives a level on
enough of the target role's competencies and carries every written evidence text the rules ask for
(``rubrics.sheet.evidence_required``, the question the rating sheet asks too, so sheet and engine agree).

A sheet that does not count is left out of every score and count and listed with the reason in plain words. Self
sheets are never raters and are left as they are. Duplicate rater keys are refused.

(2026.12.4) A sheet counts only on the competencies its group can judge (``readiness_groups.judged_by``): its
answers on others are dropped before anything else, and the rated share is measured against what the group can
judge (a direct report who rated all six of theirs has rated 100%). The assessors' consensus is a group decision on
what the exercises held showed, not one rater's acquaintance with the candidate: it counts from one level (with
the written evidence the rules ask for), whatever share of the matrix's competencies that is.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import replace
from fractions import Fraction

from .i18n import _, ngettext
from .model import NOT_OBSERVED, Framework, RoleProfile
from .readiness_model import (
    ASSESSOR,
    DIRECT_REPORT,
    FAILED,
    GROUP_LABELS,
    MANAGER,
    PASSED,
    PEER,
    SELF,
    SHEET_GROUPS,
    RaterSheet,
    UncountedSheet,
)
from .readiness_result import RuleResult
from .readiness_numbers import exact, pct
from .sheet import evidence_required

#: The evidence rule on sheets; its status never makes the evidence insufficient by itself (the counts do).
COUNTED_SHEETS_RULE = "counted_sheets"


def refuse_duplicate_keys(sheets: Sequence[RaterSheet]) -> None:
    """ValueError when a rater key is given more than once: one rater never counts twice."""
    twice = sorted(key for key, n in Counter(s.rater_key for s in sheets).items() if n > 1)
    if twice:
        raise ValueError(f"rater key(s) given more than once: {', '.join(twice)}")


def within_judgement(sheet: RaterSheet, judged: frozenset[str], every: frozenset[str]) -> RaterSheet:
    """The sheet with its answers on competencies its group cannot judge dropped (unchanged when the group judges
    every competency, as every group did before 2026.12.4)."""
    if judged >= every:
        return sheet
    return replace(sheet, ratings={k: v for k, v in sheet.ratings.items() if k in judged},
                   comments={k: v for k, v in sheet.comments.items() if k in judged},
                   situations={k: v for k, v in sheet.situations.items() if k in judged})


def _reasons(framework: Framework, role: RoleProfile, sheet: RaterSheet, judged: frozenset[str]) -> list[str]:
    """Why the sheet is no evidence, in plain words; empty when it counts."""
    reasons = []
    role_ids = [r.competency_id for r in role.requirements if r.competency_id in judged]
    rated = sum(1 for cid in role_ids if sheet.ratings.get(cid, NOT_OBSERVED) != NOT_OBSERVED)
    if sheet.group == ASSESSOR:
        short = rated == 0
    else:
        short = not role_ids or Fraction(rated, len(role_ids)) < exact(framework.readiness.min_rated_share)
    if short:
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


def counted_sheets(framework: Framework, role: RoleProfile, sheets: Sequence[RaterSheet],
                   judges: Mapping[str, frozenset[str]]) -> tuple[list[RaterSheet], tuple[UncountedSheet, ...]]:
    """The sheets that count (self sheets always, as before), each within what its group can judge, and the ones
    that do not, with the reason, in group and key order. Without ``min_rated_share`` in the rubric (before
    2026.12.3) every submitted sheet counts. Sheets of a group the rubric does not know (``judges``) are not
    scored."""
    refuse_duplicate_keys(sheets)
    every = frozenset(c.id for c in framework.competencies)
    sheets = [within_judgement(s, judges[s.group], every) for s in sheets if s.group in judges]
    if framework.readiness.min_rated_share is None:
        return list(sheets), ()
    counted, left_out = [], []
    for sheet in sheets:
        reasons = [] if sheet.group == SELF else _reasons(framework, role, sheet, judges[sheet.group])
        if reasons:
            left_out.append(UncountedSheet(sheet.rater_key, sheet.group, GROUP_LABELS[sheet.group],
                                           "; ".join(reasons)))
        else:
            counted.append(sheet)
    order = {g: i for i, g in enumerate(SHEET_GROUPS)}
    return counted, tuple(sorted(left_out, key=lambda u: (order[u.group], u.rater_key)))


def uncounted_text(sheet: UncountedSheet) -> str:
    """ "A peer’s sheet does not count: rated 1 of 15 competencies." """
    texts = {MANAGER: lambda: _("A manager’s sheet does not count: %(reason)s.", reason=sheet.reason),
             PEER: lambda: _("A peer’s sheet does not count: %(reason)s.", reason=sheet.reason),
             DIRECT_REPORT: lambda: _("A direct report’s sheet does not count: %(reason)s.", reason=sheet.reason),
             ASSESSOR: lambda: _("The assessors’ consensus does not count: %(reason)s.", reason=sheet.reason)}
    return texts[sheet.group]()


def counted_sheets_rule(framework: Framework, uncounted: Sequence[UncountedSheet],
                        groups: Sequence[str]) -> RuleResult:
    """The rule as shown: every rater's sheet is evidence (passed), or the ones that are not (failed, each with its
    reason; they are left out, and the rater counts say what is left). ``groups``: the rubric's groups (the
    words of a rubric with managers and peers only are those of 2026.12.3)."""
    share = pct(exact(framework.readiness.min_rated_share))
    if set(groups) <= {SELF, MANAGER, PEER}:
        text = _("A manager or peer sheet counts only when it gives a level on at least %(share)s of the "
                 "competencies and written evidence wherever the rules ask for it.", share=share)
        every = _("Every manager and peer sheet counts.")
    else:
        text = _("A rater’s sheet counts only when it gives a level on at least %(share)s of the competencies its "
                 "group can judge (the assessors’ consensus: on at least one) and written evidence wherever the rules "
                 "ask for it.", share=share)
        every = _("Every rater’s sheet counts.")
    if not uncounted:
        return RuleResult(COUNTED_SHEETS_RULE, text, PASSED, every)
    detail = " ".join(uncounted_text(u) for u in uncounted)
    return RuleResult(COUNTED_SHEETS_RULE, text, FAILED, detail)

