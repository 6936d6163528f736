"""The readiness engine: submitted rater sheets in, an explained verdict out. Plain Python, no Flask, no DB.

docs/readiness.md states the model in prose with worked examples; in short:

* Per competency and rater group the mean of the levels given ("not observed" left out); the decision score
  is the weighted mean of the manager and peer group scores (self never enters it); from 2026.12.4 of every
  non-self group's (direct reports, the assessors' consensus too), each group only on the competencies it can
  judge, with its weight per competency (``readiness_groups``).
* Peers (from 2026.12.4 direct reports too) are shown as a group on a competency only from their anonymity
  threshold of levels there. Below it, rubric 2026.11 leaves their levels out of everything; from 2026.12
  (``peers_below_threshold: count``) they still count in the decision, so the verdict is monotone, and
  ``candidate_view`` withholds every number that depends on them.
* Insufficient evidence when the evidence rules fail; otherwise the first band whose conditions hold
  (evidence conditions such as two raters with a manager, the floor on every competency, unscored
  competencies; then critical shortfall and weighted attainment). Panel review, when raters contradict each
  other, is a flag on top: it carries the provisional band and the reasons.

All comparisons are made on exact fractions, so "exactly at the threshold" passes as the rubric says.
This module assembles the result; the parts live in ``readiness_*`` modules by topic.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction

from .eligibility import Tenure, eligibility_checks
from .i18n import _, ngettext
from .model import PEERS_COUNT, Framework
from .readiness_agreement import agreement
from .readiness_band_evidence import thin_evidence
from .readiness_candidate import candidate_view, withheld_note
from .readiness_challenges import challenges_in_words
from .readiness_groups import (
    GROUP_PLURALS,
    RaterGroupCount,
    anonymity_threshold,
    group_modes,
    group_weights,
    judged_by,
    rubric_groups,
)
from .readiness_model import (
    ANONYMOUS_GROUPS,
    ASSESSOR,
    DIRECT_REPORT,
    FAILED,
    GROUP_LABELS,
    INSUFFICIENT_EVIDENCE,
    MANAGER,
    NONSELF_GROUPS,
    NOT_APPLICABLE,
    PANEL_REVIEW,
    PASSED,
    PEER,
    PEERS_NONE,
    PEERS_SHOWN,
    PEERS_SUPPRESSED,
    RATER_GROUPS,
    SELF,
    TOP_PRIORITIES,
    GroupScore,
    RaterSheet,
    Situation,
    UncountedSheet,
    coverage_text,
    suppressed_coverage_text,
)
from .readiness_counting import COUNTED_SHEETS_RULE, counted_sheets, counted_sheets_rule
from .readiness_numbers import display_gap, display_percent, display_score, exact, fmt, pct, plural
from .readiness_panel import candidate_panel_reason, further_reasons, panel_review_reasons
from .readiness_quality import CycleRating, RaterFlag, RaterQuality, RaterQualityReport, rater_quality
from .readiness_result import (
    CommentBlock,
    CompetencyResult,
    DevelopmentNote,
    DevelopmentPriority,
    EligibilityCheck,
    ReadinessResult,
    RuleResult,
    Shortfall,
)
from .readiness_relationship import relationship, with_short_acquaintance
from .readiness_rules import build_evidence, choose_band, evidence_rules
from .readiness_scores import comments_of, competency_result
from .readiness_situations import with_situations
from .readiness_uncertainty import measured
from .readiness_words import evidence_summary, rules_in_words, verdict_label, verdicts

__all__ = [
    "ANONYMOUS_GROUPS", "ASSESSOR", "DIRECT_REPORT", "EligibilityCheck", "GROUP_PLURALS", "Situation",
    "anonymity_threshold", "group_weights", "judged_by", "rubric_groups",
    "FAILED", "GROUP_LABELS", "INSUFFICIENT_EVIDENCE", "MANAGER", "NONSELF_GROUPS", "NOT_APPLICABLE", "PANEL_REVIEW",
    "PASSED", "PEER", "PEERS_NONE", "PEERS_SHOWN", "PEERS_SUPPRESSED", "RATER_GROUPS", "SELF", "TOP_PRIORITIES",
    "CommentBlock", "CompetencyResult", "CycleRating", "RaterFlag", "RaterQuality", "RaterQualityReport",
    "rater_quality", "DevelopmentNote", "DevelopmentPriority", "GroupScore", "RaterGroupCount",
    "RaterSheet", "ReadinessResult", "RuleResult", "Shortfall", "UncountedSheet", "assess_readiness", "candidate_view",
    "coverage_text", "display_gap", "display_percent", "display_score", "exact", "plural", "rules_in_words",
    "suppressed_coverage_text", "verdict_label", "verdicts", "withheld_note", "candidate_panel_reason",
    "challenges_in_words", "Tenure",
]


def assess_readiness(framework: Framework, target_role: str, sheets: Sequence[RaterSheet],
                     assigned: Mapping[str, int] | None = None,
                     flagged: Mapping[str, tuple[str, ...]] | None = None,
                     tenure: Tenure | None = None) -> ReadinessResult:
    """The readiness verdict for ``target_role`` from the submitted sheets of one assessment, explained.

    ``assigned`` gives, per rater group, how many sheets were asked for (so the report can say "2 peers were
    asked; none submitted"); it never changes the verdict. ``tenure`` (the candidate's months in leadership and in
    the current role) is checked against the role's eligibility rule and stored beside the verdict; it never changes
    it either.
    """
    rules = framework.readiness
    role = framework.role(target_role)
    sorted_sheets = _sort_sheets(framework, role, sheets, assigned)
    judges, submitted, by_group = sorted_sheets.judges, sorted_sheets.submitted, sorted_sheets.by_group
    uncounted, short, involved, modes = (sorted_sheets.uncounted, sorted_sheets.short, sorted_sheets.involved,
                                         sorted_sheets.modes)
    counts = {g: len(by_group[g]) for g in by_group}
    order = {c.id: i for i, c in enumerate(framework.competencies)}
    requirements = sorted(role.requirements, key=lambda r: order.get(r.competency_id, len(order)))
    pairs = [competency_result(framework, req, by_group, rules, submitted, judges, modes) for req in requirements]
    comps = measured(tuple(c for c, _ in pairs), tuple(s for _, s in pairs), rules)
    counted_raters = {g: counts[g] if modes.get(g, PEERS_SHOWN) == PEERS_SHOWN or rules.peers_below_threshold
                      == PEERS_COUNT else 0 for g in involved if g != SELF}
    uncounted_raters = {g: counts[g] - counted_raters[g] for g in modes if g in involved}
    ev = build_evidence(rules, role.name, comps, tuple(s for _, s in pairs), counted_raters, uncounted_raters)
    attainment, largest, thresholds = ev.attainment, ev.largest_critical, ev.thresholds
    scored = [s for s in ev.scores if s.decision is not None]

    results = evidence_rules(rules, ev, rules.peer_anonymity_threshold)
    sufficient = all(r.status != FAILED for r in results)
    n_evidence_rules = len(results)
    if rules.min_rated_share is not None:
        # Shown first, never deciding sufficiency by itself: the rater counts after it do.
        results.insert(0, counted_sheets_rule(framework, uncounted, involved))
        n_evidence_rules += 1
    chosen, checks = choose_band(rules.bands, ev, sufficient)
    results.extend(checks)
    thin = next((set(thin_evidence(b, ev)) for b in rules.bands
                 if b.min_critical_raters is not None or b.min_critical_managers is not None), set())
    comps = tuple(replace(c, is_thin_evidence=c.competency_id in thin) for c in comps)
    agreed = agreement(rules, with_situations(framework, comps, ev.scores, by_group), ev.scores)
    comps = agreed.comps
    reasons = (panel_review_reasons(rules.panel_review, comps, ev.scores, by_group[MANAGER])
               + further_reasons(rules, ev, chosen, by_group, with_short_acquaintance(flagged, short))
               + agreed.reasons) if sufficient else ()
    band_id, band_label, band_rank = _outcome(rules, chosen, reasons)

    group_counts = tuple(
        RaterGroupCount(g, max(assigned.get(g, 0), submitted[g]) if assigned is not None else None, submitted[g])
        for g in involved)
    holding = _holding_back(comps, order)
    summary = _summary(band_label, role.name, [r for r in results[:n_evidence_rules] if r.id != COUNTED_SHEETS_RULE],
                       sufficient, attainment, thresholds,
                       holding, chosen, rules, reasons, len(scored), len(comps))
    return ReadinessResult(
        target_role_id=role.id,
        target_role_name=role.name,
        band_id=band_id,
        band_label=band_label,
        is_sufficient=sufficient,
        band_rank=band_rank,
        weighted_attainment=float(attainment) if attainment is not None else None,
        largest_critical_shortfall=float(largest) if largest is not None else None,
        unscored_share=float(Fraction(len(comps) - len(scored), len(comps))) if comps else 0.0,
        rules=tuple(results),
        competencies=comps,
        holding_back=holding,
        strengths=tuple(sorted((c for c in comps if c.is_strength),
                               key=lambda c: (-c.gap, not c.is_critical, -c.weight, order[c.competency_id]))),
        blind_spots=tuple(c for c in comps if c.is_blind_spot),
        hidden_strengths=tuple(c for c in comps if c.is_hidden_strength),
        disagreements=tuple(c for c in comps if c.is_disagreement),
        development_priorities=_priorities(comps, order),
        comments=comments_of(comps, by_group, judges),
        peer_mode=modes[PEER],
        band_order=tuple((b.id, b.label) for b in rules.bands),
        sheet_counts={g: submitted[g] for g in involved},
        summary=summary,
        peer_anonymity_threshold=rules.peer_anonymity_threshold,
        provisional_band_id=rules.bands[chosen].id if chosen is not None else None,
        provisional_band_label=rules.bands[chosen].label if chosen is not None else "",
        provisional_band_rank=chosen,
        is_panel_review=bool(reasons) and chosen is not None,
        panel_review_reasons=reasons if chosen is not None else (),
        evidence_summary=evidence_summary(counted_raters, uncounted_raters, group_counts),
        scored_count=len(scored),
        competency_count=len(comps),
        group_counts=group_counts,
        development_notes=_development_notes(comps),
        attainment_thresholds=thresholds,
        uncounted_sheets=uncounted,
        is_unscored_in_attainment=rules.unscored_attainment is not None,
        counts_only_evidence=rules.min_rated_share is not None,
        direct_report_anonymity_threshold=anonymity_threshold(rules, DIRECT_REPORT),
        agreement=float(agreed.overall) if agreed.overall is not None else None,
        agreement_level=agreed.level,
        eligibility=eligibility_checks(role, tenure),
        short_acquaintance_raters=len(short),
    )


@dataclass(frozen=True)
class _SortedSheets:
    """The submitted sheets sorted for one assessment: what each group can judge, how many submitted, the sheets
    that count per group, those that do not (with the reason), raters known only briefly, the groups involved, and
    whether each anonymous group can be shown."""

    judges: dict
    submitted: dict
    by_group: dict
    uncounted: tuple
    short: tuple
    involved: tuple
    modes: dict


def _sort_sheets(framework: Framework, role, sheets: Sequence[RaterSheet], assigned) -> _SortedSheets:
    rules = framework.readiness
    groups = rubric_groups(framework)
    judges = {g: judged_by(framework, g) for g in groups}
    submitted = {g: sum(s.group == g for s in sheets) for g in groups}
    evidence, uncounted = counted_sheets(framework, role, sheets, judges)
    evidence, uncounted, short = relationship(rules, sheets, evidence, uncounted)
    # The groups this assessment involves: self, managers and peers always; direct reports and the consensus when
    # one was asked for or submitted. The counts and the sentences name those (a candidate without direct
    # reports reads the manager-and-peer words).
    involved = tuple(g for g in groups if g in (SELF, MANAGER, PEER) or submitted[g] or (assigned or {}).get(g))
    # Whether an anonymous group can be shown is a matter of how many submitted: whether each of them counts as
    # evidence must not show through to the candidate where fewer than the threshold submitted.
    return _SortedSheets(judges, submitted, {g: [s for s in evidence if s.group == g] for g in groups},
                         tuple(uncounted), tuple(short), involved, group_modes(rules, groups, submitted))


def _outcome(rules, chosen: int | None, reasons) -> tuple[str, str, int | None]:
    """The verdict's id, label and band rank: insufficient evidence, Panel review, or the chosen band."""
    if chosen is None:
        return INSUFFICIENT_EVIDENCE, rules.insufficient_evidence_label, None
    if reasons:
        return PANEL_REVIEW, rules.panel_review.label, None
    return rules.bands[chosen].id, rules.bands[chosen].label, chosen


def _holding_back(comps: Sequence[CompetencyResult], order) -> tuple[Shortfall, ...]:
    return tuple(sorted(
        (Shortfall(c.competency_id, c.name, c.required, c.decision_score, c.shortfall, c.is_critical)
         for c in comps if c.decision_score is not None and c.shortfall > 0),
        key=lambda s: (not s.is_critical, -s.shortfall, order[s.competency_id]),
    ))


def _priorities(comps: Sequence[CompetencyResult], order) -> tuple[DevelopmentPriority, ...]:
    """Every shortfall as a development priority: critical first, then weight x shortfall."""
    items = sorted((c for c in comps if c.shortfall > 0 and c.next_level),
                   key=lambda c: (not c.is_critical, -c.shortfall * c.weight, -c.weight, order[c.competency_id]))
    return tuple(DevelopmentPriority(c.competency_id, c.name, c.shortfall, c.is_critical, c.next_level,
                                     c.next_level_label, c.development_action, c.decision_score, c.required)
                 for c in items)


def _development_notes(comps: Sequence[CompetencyResult]) -> tuple[DevelopmentNote, ...]:
    """Notes for every candidate, a ready one too: blind spots, then competencies exactly at the requirement."""
    notes = [DevelopmentNote(c.competency_id, c.name, "blind_spot",
                             ngettext("%(name)s: the self-assessment is %(levels)s level(s) above the others’ "
                                      "view; ask for examples of what they see.",
                                      "%(name)s: the self-assessment is %(levels)s level(s) above the others’ "
                                      "view; ask for examples of what they see.",
                                      1 if c.self_minus_others == 1 else 2, name=c.name,
                                      levels=fmt(c.self_minus_others)))
             for c in comps if c.is_blind_spot]
    notes += [DevelopmentNote(c.competency_id, c.name, "at_requirement",
                              _("%(name)s: at the required level with no margin; the next level up shows what to "
                                "build: %(action)s", name=c.name, action=c.development_action)
                              if c.development_action else
                              _("%(name)s: at the required level with no margin.", name=c.name))
              for c in comps if c.gap is not None and c.gap == 0]
    return tuple(notes)


def _summary(band_label, role_name, evidence, sufficient, attainment, thresholds, holding, chosen, rules,
             reasons, n_scored, n_comps) -> str:
    if not sufficient:
        return _("%(band)s: %(reasons)s", band=band_label,
                 reasons=" ".join(r.detail for r in evidence if r.status == FAILED))
    head = band_label if not reasons else _("%(band)s (the rules give %(provisional)s)", band=band_label,
                                            provisional=rules.bands[chosen].label)
    share = pct(attainment, thresholds)
    crit_short = [s for s in holding if s.is_critical]
    names = ", ".join(_("%(name)s (%(shortfall)s)", name=s.name, shortfall=s.shortfall_text) for s in crit_short)
    values = dict(head=head, role=role_name, share=share, scored=n_scored, total=n_comps, names=names)
    if rules.unscored_attainment is not None and n_scored is not None and n_scored < n_comps:
        # From 2026.12.3 the share is over all competencies, the unscored counted as zero: "of the 11 of 15
        # scored" would misstate it (the same words as ``attainment_text``).
        values["share"] = ngettext("%(value)s over all %(total)s, %(num)d unscored counted as zero",
                                   "%(value)s over all %(total)s, %(num)d unscored counted as zero",
                                   n_comps - n_scored, value=share, total=n_comps)
        n_scored = n_comps
    if n_scored == n_comps:
        if crit_short:
            return _("%(head)s for %(role)s: weighted attainment %(share)s; critical shortfall on %(names)s.",
                     **values)
        return _("%(head)s for %(role)s: weighted attainment %(share)s; every critical competency at or above the "
                 "required level.", **values)
    if crit_short:
        return _("%(head)s for %(role)s: weighted attainment %(share)s of the %(scored)s of %(total)s scored; "
                 "critical shortfall on %(names)s.", **values)
    return _("%(head)s for %(role)s: weighted attainment %(share)s of the %(scored)s of %(total)s scored; every "
             "critical competency at or above the required level.", **values)
