"""The band conditions of rubric 2026.12.3 on the evidence behind each competency: thin evidence on a critical
competency, shortfalls counted (not averaged away), and the group floor. Each is a band key; absent, the band
has no such condition (old cycles keep their rules). ``ev`` is ``readiness_rules.Evidence``.

Every counted manager and peer level enters these rules, peers kept anonymous included, as in the decision
score: a rule that ignored hidden peers could not be monotone (docs/readiness.md, point 3); the candidate's copy
withholds their itemised details.
"""

from __future__ import annotations

from fractions import Fraction

from .i18n import _, ngettext
from .model import Band
from .readiness_groups import GROUP_PLURALS
from .readiness_model import ANONYMOUS_GROUPS, FAILED, NOT_APPLICABLE, PASSED
from .readiness_result import RuleResult
from .readiness_numbers import exact, fmt


def _status(ok: bool) -> str:
    return PASSED if ok else FAILED


def thin_evidence(band: Band, ev) -> tuple[str, ...]:
    """The critical competencies rated by fewer counted managers and peers than ``band`` asks, or by fewer
    managers among them, in rubric order."""
    raters, managers = band.min_critical_raters or 0, band.min_critical_managers or 0
    return tuple(c.competency_id for c, s in zip(ev.comps, ev.scores) if c.is_critical and (
        s.rater_count < raters or len(s.manager_levels) < managers))


def _critical_evidence_text(band: Band, extended: bool) -> str:
    if extended:
        return _critical_evidence_text_all_groups(band)
    if band.min_critical_raters is not None and band.min_critical_managers is not None:
        return ngettext("%(band)s: every critical competency rated by at least %(raters)s managers or peers, at "
                        "least %(num)d of them a manager (fewer is thin evidence).",
                        "%(band)s: every critical competency rated by at least %(raters)s managers or peers, at "
                        "least %(num)d of them managers (fewer is thin evidence).",
                        band.min_critical_managers, band=band.label, raters=band.min_critical_raters)
    if band.min_critical_raters is not None:
        return _("%(band)s: every critical competency rated by at least %(raters)s managers or peers (fewer is thin "
                 "evidence).", band=band.label, raters=band.min_critical_raters)
    return ngettext("%(band)s: every critical competency rated by at least %(num)d manager (fewer is thin evidence).",
                    "%(band)s: every critical competency rated by at least %(num)d managers (fewer is thin "
                    "evidence).", band.min_critical_managers, band=band.label)


def _critical_evidence_text_all_groups(band: Band) -> str:
    """(2026.12.4) The rule's words for a rubric with direct reports and assessors: every counted rater."""
    if band.min_critical_raters is not None and band.min_critical_managers is not None:
        return ngettext("%(band)s: every critical competency rated by at least %(raters)s counted raters (managers, "
                        "peers, direct reports, the assessors’ consensus), at least %(num)d of them a manager (fewer "
                        "is thin evidence).",
                        "%(band)s: every critical competency rated by at least %(raters)s counted raters (managers, "
                        "peers, direct reports, the assessors’ consensus), at least %(num)d of them managers (fewer "
                        "is thin evidence).", band.min_critical_managers, band=band.label,
                        raters=band.min_critical_raters)
    if band.min_critical_raters is not None:
        return _("%(band)s: every critical competency rated by at least %(raters)s counted raters (managers, peers, "
                 "direct reports, the assessors’ consensus; fewer is thin evidence).", band=band.label,
                 raters=band.min_critical_raters)
    return _critical_evidence_text(band, False)


def critical_evidence_check(band: Band, ev) -> RuleResult:
    """``<band>.critical_evidence``: no critical competency on thin evidence."""
    rid, text = f"{band.id}.critical_evidence", _critical_evidence_text(band, ev.is_extended)
    if not any(c.is_critical for c in ev.comps):
        return RuleResult(rid, text, NOT_APPLICABLE, _("The role has no critical competency."))
    thin = thin_evidence(band, ev)
    if not thin:
        return RuleResult(rid, text, PASSED, _("Every critical competency rests on enough raters."))
    items = ", ".join(_("%(name)s (raters %(raters)s, managers %(managers)s)", name=c.name,
                        raters=s.rater_count, managers=len(s.manager_levels))
                      for c, s in zip(ev.comps, ev.scores) if c.competency_id in thin)
    return RuleResult(rid, text, FAILED, _("Thin evidence: %(items)s.", items=items), thin)


def short_others_check(band: Band, ev) -> RuleResult:
    """``<band>.max_short_others``: at most so many non-critical competencies below their required level. Its
    ``competencies`` are every one it counts, also when the count is within the limit."""
    limit = band.max_short_others
    short = [(c, s) for c, s in ev.shortfalls(critical_only=False) if not c.is_critical]
    ok = len(short) <= limit
    text = ngettext("%(band)s: at most %(num)d non-critical competency below its required level (shortfalls are "
                    "counted, not averaged away).",
                    "%(band)s: at most %(num)d non-critical competencies below their required level (shortfalls "
                    "are counted, not averaged away).", limit, band=band.label)
    if not short:
        return RuleResult(f"{band.id}.max_short_others", text, PASSED,
                          _("No non-critical competency below its required level."))
    ids = {c.competency_id for c, _s in short}
    items = ", ".join(_("%(name)s (%(shortfall)s)", name=c.name, shortfall=fmt(s))
                      for c in ev.comps for c2, s in short if c2 is c)
    return RuleResult(f"{band.id}.max_short_others", text, _status(ok),
                      ngettext("%(num)d non-critical competency below its required level: %(items)s.",
                               "%(num)d non-critical competencies below their required level: %(items)s.",
                               len(short), items=items),
                      # The competencies it counts, failing or not: which of them a count depends on is the
                      # same whatever the withheld ones give (the candidate's copy keeps the others).
                      tuple(c.competency_id for c in ev.comps if c.competency_id in ids))


def _group_items(comp, scores, limit: Fraction) -> list[str]:
    """The groups of one competency whose mean is further below the requirement than ``limit``, in words; an
    anonymous group not shown there is named without its mean."""
    required = scores.requirement.required
    items = []
    for group in scores.levels:
        score = scores.mean(group)
        if required - score <= limit:
            continue
        if group in ANONYMOUS_GROUPS and group not in scores.shown:
            items.append(_("%(name)s (%(group)s kept anonymous)", name=comp.name, group=GROUP_PLURALS[group]))
        else:
            items.append(_("%(name)s (%(group)s %(score)s against %(required)s)", name=comp.name,
                           group=GROUP_PLURALS[group], score=fmt(score), required=required))
    return items


def group_floor_check(band: Band, ev) -> RuleResult:
    """``<band>.max_group_gap``: no rater group's mean further below the required level than the limit, on any
    competency (so one group's unanimous low view is never averaged away by another's high one)."""
    limit = exact(band.max_group_gap)
    text = (_group_floor_text_all_groups(band, limit) if ev.is_extended else ngettext("%(band)s: neither the managers’ nor the peers’ mean more than %(limit)s level below the "
                     "required level on any competency.",
                     "%(band)s: neither the managers’ nor the peers’ mean more than %(limit)s levels below the "
                     "required level on any competency.", 1 if limit == 1 else 2, band=band.label, limit=fmt(limit))
            if limit else
            _("%(band)s: neither the managers’ nor the peers’ mean below the required level on any competency.",
              band=band.label))
    failing, items = [], []
    for comp, scores in zip(ev.comps, ev.scores):
        found = _group_items(comp, scores, limit)
        if found:
            failing.append(comp.competency_id)
            items += found
    if not failing:
        return RuleResult(f"{band.id}.max_group_gap", text, PASSED, _("Every rater group within the limit."))
    return RuleResult(f"{band.id}.max_group_gap", text, FAILED,
                      _("Below the floor: %(items)s.", items=", ".join(items)), tuple(failing))


def _group_floor_text_all_groups(band: Band, limit: Fraction) -> str:
    """(2026.12.4) The group floor's words for a rubric with direct reports and assessors."""
    if not limit:
        return _("%(band)s: no rater group’s mean (managers, peers, direct reports, the assessors’ consensus) below "
                 "the required level on any competency.", band=band.label)
    return ngettext("%(band)s: no rater group’s mean (managers, peers, direct reports, the assessors’ consensus) "
                    "more than %(limit)s level below the required level on any competency.",
                    "%(band)s: no rater group’s mean (managers, peers, direct reports, the assessors’ consensus) "
                    "more than %(limit)s levels below the required level on any competency.",
                    1 if limit == 1 else 2, band=band.label, limit=fmt(limit))
