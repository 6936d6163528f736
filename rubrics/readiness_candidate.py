"""The candidate's copy of a result: nothing in it depends on a single peer's level.

From rubric 2026.12 peers below the anonymity threshold count in the decision score (so the verdict is
monotone, docs/readiness.md point 3). The candidate must not be able to read their levels back, so this view
removes every number that depends on them: on each competency whose peer group is not shown
(``is_withheld_from_candidate``) the decision score, gap, self-vs-others and next level; wherever any such
competency exists, the weighted attainment, the coverage counts of scores and the itemised rule details. What
is left that can depend on those peers are coarse outcomes only: the verdict (band, insufficient evidence,
Panel review) and whether each rule held. It also drops what is for HR only anyway: spread, rater disagreement,
the agreement index (2026.12.4: a measure of the same spread), raters of short acquaintance and the Panel review
reasons. Where its levels were seen (``situation_text``) is told from the groups shown by name only (managers, the
assessors' consensus: ``named_situation_text``), whatever the anonymous groups' mode: how many peers or direct
reports saw a level at or above the requirement, beside their shown mean, gives their levels away. Where a
competency's numbers are withheld, the situations are left out altogether.
"""

from __future__ import annotations

from dataclasses import replace

from .i18n import N_, _
from .readiness_counting import COUNTED_SHEETS_RULE, uncounted_text
from .readiness_model import ANONYMOUS_GROUPS, ASSESSOR, DIRECT_REPORT, FAILED, MANAGER, PASSED, PEER, PEERS_SUPPRESSED
from .readiness_result import ReadinessResult, RuleResult
from .readiness_panel import candidate_panel_reason

#: Said in the candidate's copy wherever numbers were withheld, once under each table or list that withholds them
#: (a rule's detail carries it only as the mark the reports and pages put in its place): the English source;
#: ``withheld_note()`` gives it in the current language (compare rule details with that, not with this constant).
WITHHELD_NOTE = N_("Your peers’ individual ratings are kept anonymous: where fewer of them rated a competency than "
                   "are needed to show them as a group, figures that include their ratings are left out of your copy.")
#: (2026.12.4) The same where direct reports are kept anonymous too.
WITHHELD_NOTE_ANONYMOUS = N_("Your peers’ and direct reports’ individual ratings are kept anonymous: where fewer of "
                             "them rated a competency than are needed to show them as a group, figures that include "
                             "their ratings are left out of your copy.")


def withheld_note(groups=(PEER,)) -> str:
    """``WITHHELD_NOTE`` in the current language; the direct reports' words when ``groups`` (the anonymous groups
    withheld: ``ReadinessResult.withheld_groups``) include them. A rule's detail always carries the first (what
    ``reports.verdict.rule_detail`` replaces by its mark)."""
    return _(WITHHELD_NOTE_ANONYMOUS) if DIRECT_REPORT in groups else _(WITHHELD_NOTE)

#: Rules whose detail itemises scores or unscored competencies (the others count sheets, which are shown anyway).
_SCORE_RULES = ("max_not_observed_share", "critical_observed", ".max_unscored_others", ".max_any_gap",
                ".max_critical_gap", ".min_weighted_attainment", ".critical_evidence", ".max_short_others",
                ".max_group_gap")
#: Rules that name competencies only when a count over every competency, the withheld ones included, passes its
#: limit: whether they name any tells on the anonymous sheets, so with anything withheld they name none.
_COUNT_RULES = ("max_not_observed_share", ".max_unscored_others")


def _withhold(comp):
    return replace(comp, decision_score=None, gap=None, self_minus_others=None, is_blind_spot=False,
                   is_hidden_strength=False, next_level=None, next_level_label="", development_action="",
                   is_thin_evidence=None, standard_error=None, is_borderline=False, situation_text="",
                   named_situation_text="")


def _managers_only(result: ReadinessResult) -> dict:
    """The sheets that do not count, as the candidate may see them: managers' (and the assessors' consensus, a
    group decision) only, without the key (whether a peer's or a direct report's sheet counts says something
    about their answers). The rule on counted sheets is redone from them, so it reads the same whatever the
    anonymous groups' sheets were."""
    named = tuple(replace(u, rater_key="") for u in result.uncounted_sheets if u.group in (MANAGER, ASSESSOR))
    anonymous = tuple(g for g in ANONYMOUS_GROUPS if result.group_count(g).submitted > 0)
    rules = tuple(replace(r, **_manager_rule(named, anonymous))
                  if r.id == COUNTED_SHEETS_RULE else r for r in result.rules)
    return dict(uncounted_sheets=named, rules=rules)


def _manager_rule(named, anonymous) -> dict:
    detail = " ".join(uncounted_text(u) for u in named) if named else _("Every manager sheet counts.")
    if PEER in anonymous:
        detail += " " + _("Your peers’ sheets are not listed one by one, to keep them anonymous.")
    if DIRECT_REPORT in anonymous:
        detail += " " + _("Your direct reports’ sheets are not listed one by one, to keep them anonymous.")
    return dict(status=FAILED if named else PASSED, detail=detail)


def _is_one_of(rule_id: str, names: tuple) -> bool:
    """Whether ``rule_id`` is one of ``names``; a name starting with "." is the same rule for every band."""
    return any(rule_id == name or (name.startswith(".") and rule_id.endswith(name)) for name in names)


def _rule(rule: RuleResult, withheld: set, names: dict, note: str) -> RuleResult:
    if not _is_one_of(rule.id, _SCORE_RULES):
        return rule
    shown = tuple(i for i in rule.competencies if i not in withheld)
    if withheld and _is_one_of(rule.id, _COUNT_RULES):
        shown = ()
    if not shown:
        return replace(rule, detail=note, competencies=shown)
    if rule.id.endswith(".max_short_others"):  # a count lists what it counted, within its limit or not
        detail = _("Counted: %(names)s. %(note)s", names=", ".join(names[i] for i in shown), note=note)
    else:
        detail = _("Not met by: %(names)s. %(note)s", names=", ".join(names[i] for i in shown), note=note)
    return replace(rule, detail=detail, competencies=shown)


def candidate_view(result: ReadinessResult) -> ReadinessResult:
    """The result as the candidate may see it (same type; ``is_candidate_view`` set). Pure; idempotent."""
    withheld = {c.competency_id for c in result.competencies if c.is_withheld_from_candidate}
    comps = tuple(_withhold(c) if c.competency_id in withheld else c for c in result.competencies)
    comps = tuple(replace(c, spread=None, is_disagreement=False, agreement=None, agreement_level="",
                          situation_text=c.named_situation_text) for c in comps)
    by_id = {c.competency_id: c for c in comps}

    def keep(items):
        return tuple(i for i in items if i.competency_id not in withheld)

    def pick(items):
        """The kept competencies of a list, as they are in this view."""
        return tuple(by_id[i.competency_id] for i in keep(items))

    changes = dict(
        competencies=comps,
        disagreements=(),
        panel_review_reasons=(candidate_panel_reason(),) if result.is_panel_review else (),
        holding_back=keep(result.holding_back),
        strengths=pick(result.strengths),
        blind_spots=pick(result.blind_spots),
        hidden_strengths=pick(result.hidden_strengths),
        development_priorities=keep(result.development_priorities),
        development_notes=keep(result.development_notes),
        is_candidate_view=True,
        agreement=None,
        agreement_level="",
        short_acquaintance_raters=0,
        **_managers_only(result),
    )
    suppressed = [g for g in ANONYMOUS_GROUPS if result.group_mode(g) == PEERS_SUPPRESSED]
    if suppressed and result.counts_only_evidence:
        # Fewer submitted than the threshold: how many of their sheets count would tell on each of them. Said once,
        # in the evidence line; the rules that count sheets carry the withheld mark.
        changes.update(evidence_summary=" ".join(_suppressed_note(g) for g in suppressed), rules=tuple(
            replace(r, detail=withheld_note()) if r.id == "min_nonself_raters" or r.id.endswith(".min_raters")
            else r for r in changes["rules"]))
    if withheld:
        names = {c.competency_id: c.name for c in result.competencies}
        note = withheld_note()
        critical_withheld = any(c.is_critical for c in result.competencies if c.competency_id in withheld)
        changes.update(
            weighted_attainment=None,
            largest_critical_shortfall=None if critical_withheld else result.largest_critical_shortfall,
            unscored_share=None,
            scored_count=None,
            rules=tuple(_rule(r, withheld, names, note) for r in changes["rules"]),
            summary=_("%(band)s for %(role)s. Some figures are not shown, to keep your raters anonymous.",
                      band=result.band_label, role=result.target_role_name),
        )
    return replace(result, **changes)


def _suppressed_note(group: str) -> str:
    if group == PEER:
        return _("Fewer of your peers took part than are needed to show them as a group, so how many of their "
                 "sheets count is not shown, to keep them anonymous.")
    return _("Fewer of your direct reports took part than are needed to show them as a group, so how many of their "
             "sheets count is not shown, to keep them anonymous.")
