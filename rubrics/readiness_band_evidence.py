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
from .readiness_model import FAILED, NOT_APPLICABLE, PASSED, RuleResult
from .readiness_numbers import exact, fmt


def _status(ok: bool) -> str:
    return PASSED if ok else FAILED


def thin_evidence(band: Band, ev) -> tuple[str, ...]:
    """The critical competencies rated by fewer counted managers and peers than ``band`` asks, or by fewer
    managers among them, in rubric order."""
    raters, managers = band.min_critical_raters or 0, band.min_critical_managers or 0
    return tuple(c.competency_id for c, s in zip(ev.comps, ev.scores) if c.is_critical and (
        len(s.manager_levels) + len(s.peer_levels) < raters or len(s.manager_levels) < managers))


def _critical_evidence_text(band: Band) -> str:
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


def critical_evidence_check(band: Band, ev) -> RuleResult:
    """``<band>.critical_evidence``: no critical competency on thin evidence."""
    rid, text = f"{band.id}.critical_evidence", _critical_evidence_text(band)
    if not any(c.is_critical for c in ev.comps):
        return RuleResult(rid, text, NOT_APPLICABLE, _("The role has no critical competency."))
    thin = thin_evidence(band, ev)
    if not thin:
        return RuleResult(rid, text, PASSED, _("Every critical competency rests on enough raters."))
    items = ", ".join(_("%(name)s (raters %(raters)s, managers %(managers)s)", name=c.name,
                        raters=len(s.manager_levels) + len(s.peer_levels), managers=len(s.manager_levels))
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
    """The groups of one competency whose mean is further below the requirement than ``limit``, in words."""
    required = scores.requirement.required
    items = []
    if scores.manager_levels and required - Fraction(sum(scores.manager_levels), len(scores.manager_levels)) > limit:
        score = Fraction(sum(scores.manager_levels), len(scores.manager_levels))
        items.append(_("%(name)s (managers %(score)s against %(required)s)", name=comp.name, score=fmt(score),
                       required=required))
    if scores.peer_levels and required - Fraction(sum(scores.peer_levels), len(scores.peer_levels)) > limit:
        if comp.peer_score is None:
            items.append(_("%(name)s (peers kept anonymous)", name=comp.name))
        else:
            score = Fraction(sum(scores.peer_levels), len(scores.peer_levels))
            items.append(_("%(name)s (peers %(score)s against %(required)s)", name=comp.name, score=fmt(score),
                           required=required))
    return items


def group_floor_check(band: Band, ev) -> RuleResult:
    """``<band>.max_group_gap``: no rater group's mean further below the required level than the limit, on any
    competency (so one group's unanimous low view is never averaged away by another's high one)."""
    limit = exact(band.max_group_gap)
    text = (ngettext("%(band)s: neither the managers’ nor the peers’ mean more than %(limit)s level below the "
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
