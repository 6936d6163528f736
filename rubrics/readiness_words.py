"""The readiness model in words: the methodology sentences, the verdict ids and labels, summaries.

Every sentence is a whole catalogue entry (``rubrics.i18n``) in the current language; the rubric's own labels
(bands, outcomes) come from the framework, already in its language.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .i18n import N_, TranslatedLabels, _, ngettext
from .model import PEERS_COUNT, Band, ReadinessRules
from .readiness_groups import (
    GROUP_PLURALS,
    RaterGroupCount,
    anonymity_threshold,
    group_count_words,
    named_groups,
    speaks_of_rater_groups,
)
from .readiness_model import (
    ASSESSOR,
    DIRECT_REPORT,
    INSUFFICIENT_EVIDENCE,
    MANAGER,
    PANEL_REVIEW,
    PEER,
    SELF,
)
from .readiness_numbers import exact, fmt, pct
from .readiness_agreement import agreement_in_words as rwg_in_words
from .readiness_panel import agreement_in_words
from .readiness_relationship import relationship_in_words

_NUMBER_WORDS = TranslatedLabels({1: N_("one"), 2: N_("two"), 3: N_("three"), 4: N_("four"), 5: N_("five"),
                                  6: N_("six"), 7: N_("seven"), 8: N_("eight"), 9: N_("nine")})


def verdicts(rules: ReadinessRules) -> tuple[tuple[str, str], ...]:
    """Every verdict a result can have, as (id, label): the bands in order, then insufficient evidence, then
    Panel review when the rubric has that rule."""
    out = tuple((band.id, band.label) for band in rules.bands) + (
        (INSUFFICIENT_EVIDENCE, rules.insufficient_evidence_label),)
    if rules.panel_review is not None:
        out += ((PANEL_REVIEW, rules.panel_review.label),)
    return out


def verdict_label(rules: ReadinessRules, band_id: str | None) -> str:
    """The label of a verdict id (a band or a non-band outcome); the id itself if unknown, empty for None."""
    if band_id is None:
        return ""
    if band_id == PANEL_REVIEW and rules.panel_review is None:
        return _("Panel review")
    return dict(verdicts(rules)).get(band_id, band_id)


def evidence_summary(counted_raters: Mapping[str, int], uncounted_raters: Mapping[str, int],
                     group_counts: Sequence[RaterGroupCount]) -> str:
    """What the verdict rests on, in words: "Rests on one manager's sheet." and what was asked but not given.
    Sheets that are not evidence (2026.12.3) are left out of the counts; the rule ``counted_sheets`` names them.
    ``counted_raters``: per non-self group the rubric knows (a rubric with more than managers and peers says so
    in the 2026.12.4 words: "Rests on 4 sheets: 1 manager, 2 peers, the assessors’ consensus.")."""
    if set(counted_raters) <= {MANAGER, PEER}:
        text = _rests_on(counted_raters.get(MANAGER, 0), counted_raters.get(PEER, 0))
    else:
        text = _rests_on_groups(counted_raters)
    if uncounted_raters.get(PEER):
        text += " " + ngettext("%(num)d peer sheet not counted, to keep peers anonymous.",
                               "%(num)d peer sheets not counted, to keep peers anonymous.", uncounted_raters[PEER])
    if uncounted_raters.get(DIRECT_REPORT):
        text += " " + ngettext("%(num)d direct report sheet not counted, to keep direct reports anonymous.",
                               "%(num)d direct report sheets not counted, to keep direct reports anonymous.",
                               uncounted_raters[DIRECT_REPORT])
    short = [g.text for g in group_counts if g.group != SELF and g.assigned and g.submitted < g.assigned]
    return " ".join([text, *short])


def _rests_on_groups(counted_raters: Mapping[str, int]) -> str:
    raters = sum(counted_raters.values())
    if raters == 0:
        return _("Rests on no rater’s sheet: a self-assessment alone never gives a band.")
    groups = ", ".join(group_count_words(g, n) for g, n in counted_raters.items() if n)
    return ngettext("Rests on %(num)d sheet: %(groups)s.", "Rests on %(num)d sheets: %(groups)s.", raters,
                    groups=groups)


def _rests_on(managers: int, peers: int) -> str:
    """The first sentence of the evidence summary: one whole sentence per case."""
    raters = managers + peers
    counts = dict(raters=_count(raters), managers=_count(managers), peers=_count(peers))
    if raters == 0:
        return _("Rests on no manager or peer sheet: a self-assessment alone never gives a band.")
    if raters == 1:
        return _("Rests on one manager’s sheet.") if managers else _("Rests on one peer’s sheet.")
    if managers == 0:
        return _("Rests on %(peers)s peers’ sheets and no manager’s.", **counts)
    if peers == 0:
        return _("Rests on %(managers)s managers’ sheets and no peer’s.", **counts)
    if managers == 1 and peers == 1:
        return _("Rests on two sheets: one from a manager and one from a peer.")
    if managers == 1:
        return _("Rests on %(raters)s sheets: one from a manager and %(peers)s from peers.", **counts)
    if peers == 1:
        return _("Rests on %(raters)s sheets: %(managers)s from managers and one from a peer.", **counts)
    return _("Rests on %(raters)s sheets: %(managers)s from managers and %(peers)s from peers.", **counts)


def _count(n: int) -> str:
    """A count as a word up to nine ("three", German "drei"), digits above."""
    return _NUMBER_WORDS[n] if n in _NUMBER_WORDS else str(n)


#: A count as a word up to nine, for the other modules' sentences.
count_word = _count


def _levels_n(limit) -> int:
    """The number gettext chooses the plural by, for a limit that may be a fraction (1.5 levels)."""
    return 1 if limit == 1 else 2


def _conditions(band: Band, groups: bool) -> list[str]:
    """The band's conditions (``groups``: in the group-neutral words of a rubric with direct reports or
    assessors)."""
    conditions = []
    if band.min_raters is not None:
        conditions.append(_("at least %(n)s rater sheets counted", n=band.min_raters) if groups else
                          _("at least %(n)s manager or peer sheets counted", n=band.min_raters))
    if band.min_managers is not None:
        conditions.append(ngettext("at least %(num)d manager among them", "at least %(num)d managers among them",
                                   band.min_managers))
    if band.max_unscored_others == 0:
        conditions.append(_("every competency scored"))
    elif band.max_unscored_others is not None:
        conditions.append(ngettext("every critical competency scored and at most %(num)d other unscored",
                                   "every critical competency scored and at most %(num)d others unscored",
                                   band.max_unscored_others))
    if band.min_critical_raters is not None or band.min_critical_managers is not None:
        conditions.append(_critical_evidence_condition(band, groups))
    if band.max_any_gap is not None:
        limit = exact(band.max_any_gap)
        conditions.append(ngettext("every competency within %(limit)s level of its required level",
                                   "every competency within %(limit)s levels of its required level",
                                   _levels_n(limit), limit=fmt(limit))
                          if limit else _("every competency at or above its required level"))
    if band.max_critical_gap is not None:
        limit = exact(band.max_critical_gap)
        conditions.append(
            _("every critical competency at or above its required level")
            if limit == 0
            else ngettext("no critical competency more than %(limit)s level below it",
                          "no critical competency more than %(limit)s levels below it", _levels_n(limit),
                          limit=fmt(limit))
        )
    if band.max_short_others is not None:
        conditions.append(ngettext("at most %(num)d non-critical competency below its required level",
                                   "at most %(num)d non-critical competencies below their required level",
                                   band.max_short_others))
    if band.max_group_gap is not None and groups:
        limit = exact(band.max_group_gap)
        conditions.append(ngettext("no shown group’s mean more than %(limit)s level below the required level on any "
                                   "competency",
                                   "no shown group’s mean more than %(limit)s levels below the required level on any "
                                   "competency", _levels_n(limit), limit=fmt(limit))
                          if limit else _("no shown group’s mean below the required level on any competency"))
    elif band.max_group_gap is not None:
        limit = exact(band.max_group_gap)
        conditions.append(ngettext("neither the managers’ nor the peers’ mean more than %(limit)s level below the "
                                   "required level on any competency",
                                   "neither the managers’ nor the peers’ mean more than %(limit)s levels below the "
                                   "required level on any competency", _levels_n(limit), limit=fmt(limit))
                          if limit else
                          _("neither the managers’ nor the peers’ mean below the required level on any competency"))
    if band.min_weighted_attainment is not None:
        conditions.append(_("weighted attainment at least %(share)s", share=pct(exact(band.min_weighted_attainment))))
    return conditions


def _critical_evidence_condition(band: Band, groups: bool) -> str:
    if groups and band.min_critical_raters is not None and band.min_critical_managers is not None:
        return ngettext("every critical competency rated by at least %(raters)s raters other than self, at least "
                        "%(num)d of them a manager (fewer is thin evidence)",
                        "every critical competency rated by at least %(raters)s raters other than self, at least "
                        "%(num)d of them managers (fewer is thin evidence)", band.min_critical_managers,
                        raters=band.min_critical_raters)
    if groups and band.min_critical_raters is not None:
        return _("every critical competency rated by at least %(raters)s raters other than self (fewer is thin "
                 "evidence)", raters=band.min_critical_raters)
    if band.min_critical_raters is not None and band.min_critical_managers is not None:
        return ngettext("every critical competency rated by at least %(raters)s managers or peers, at least %(num)d "
                        "of them a manager (fewer is thin evidence)",
                        "every critical competency rated by at least %(raters)s managers or peers, at least %(num)d "
                        "of them managers (fewer is thin evidence)", band.min_critical_managers,
                        raters=band.min_critical_raters)
    if band.min_critical_raters is not None:
        return _("every critical competency rated by at least %(raters)s managers or peers (fewer is thin evidence)",
                 raters=band.min_critical_raters)
    return ngettext("every critical competency rated by at least %(num)d manager (fewer is thin evidence)",
                    "every critical competency rated by at least %(num)d managers (fewer is thin evidence)",
                    band.min_critical_managers)


def _evidence_sentences(rules: ReadinessRules) -> list[str]:
    """The 2026.12.3 rules on which sheets count and how unscored competencies enter attainment."""
    lines = []
    if rules.min_rated_share is not None and speaks_of_rater_groups(rules):
        lines.append(_(
            "A rater sheet other than self counts only when it gives a level on at least %(share)s of the "
            "competencies of the target role its group can judge and carries written evidence wherever the rules ask "
            "for it (the extreme levels, “not observed”, a level at or above the requirement of a critical "
            "competency, a level far from the rater’s own mean); a sheet that does not is left out of every score "
            "and count and listed with the reason, and the same rater given twice is refused.",
            share=pct(exact(rules.min_rated_share))))
    elif rules.min_rated_share is not None:
        lines.append(_(
            "A manager or peer sheet counts only when it gives a level on at least %(share)s of the target role’s "
            "competencies and carries written evidence wherever the rules ask for it (the extreme levels, “not "
            "observed”, a level at or above the requirement of a critical competency, a level far from the "
            "rater’s own mean); a sheet that does not is left out of every score and count and listed with the "
            "reason, and the same rater given twice is refused.", share=pct(exact(rules.min_rated_share))))
    if rules.unscored_attainment is not None:
        lines.append(_(
            "An unscored competency counts in weighted attainment with its weight and %(share)s attainment, so "
            "“not observed” never does better than an honest low rating.",
            share=pct(exact(rules.unscored_attainment))))
    return lines


def _band_sentence(index: int, band: Band, groups: bool) -> str:
    conditions = _conditions(band, groups)
    if not conditions:
        return _("%(number)s. %(band)s: otherwise.", number=index + 1, band=band.label)
    listed = conditions[0] if len(conditions) == 1 else _(
        "%(items)s and %(last)s", items=", ".join(conditions[:-1]), last=conditions[-1])
    return _("%(number)s. %(band)s: %(conditions)s.", number=index + 1, band=band.label, conditions=listed)


def _peer_sentence(rules: ReadinessRules) -> str:
    k = rules.peer_anonymity_threshold
    if rules.peers_below_threshold == PEERS_COUNT:
        return _(
            "Peers are shown as a group on a competency only when at least %(k)s of them gave a level on it. "
            "Fewer still count in the decision score, so no rating is thrown away and a better or an added "
            "rating never lowers the verdict; the candidate’s copy then leaves out every number of that "
            "competency that depends on them (peer score, decision score, gap, attainment), keeping only the "
            "verdict and whether each rule held, so that no single peer’s level can be read from it.", k=k)
    return _(
        "Peers count on a competency, and are shown there as a group, only when at least %(k)s of them gave a "
        "level on it. With fewer, their levels and comments on that competency are left out of the scores, the "
        "verdict and the report altogether (even how many gave a level), so that no single peer’s answer can be "
        "recovered from what is shown.", k=k)


def _group_sentences(rules: ReadinessRules) -> list[str]:
    """(2026.12.4) Direct reports and the assessors' consensus, for a rubric that names them."""
    named = named_groups(rules)
    if DIRECT_REPORT not in named and ASSESSOR not in named:
        return []
    return [_(
        "Direct reports and the assessors’ consensus are rater groups of their own: a group’s sheet counts only on "
        "the competencies that group can judge (direct reports: those the rubric lists; assessors: those the "
        "exercises show), and its rated share is measured against them; each group has its weight, per "
        "competency where the rubric says so. Direct reports are anonymous exactly like peers: shown as a group on "
        "a competency only from %(k)s of them, counted in the decision below that, never named to the candidate. "
        "The assessors’ own sheets never count: their consensus from the wash-up does, as one sheet, shown by name, "
        "counting from one level.", k=anonymity_threshold(rules, DIRECT_REPORT))]


def _insufficient_sentence(rules: ReadinessRules) -> str:
    """When no band is given for want of evidence (group-neutral words for a rubric with the new groups)."""
    if speaks_of_rater_groups(rules):
        return ngettext(
            "Insufficient evidence (“%(label)s”) when fewer than %(num)d rater sheet(s) other than self count, when "
            "more than %(share)s of the target role’s competencies have no decision score, or when any critical "
            "competency of the target role has none: a critical competency nobody observed can be neither met nor "
            "short, so no band is given.",
            "Insufficient evidence (“%(label)s”) when fewer than %(num)d rater sheet(s) other than self count, when "
            "more than %(share)s of the target role’s competencies have no decision score, or when any critical "
            "competency of the target role has none: a critical competency nobody observed can be neither met nor "
            "short, so no band is given.", rules.min_nonself_raters,
            label=rules.insufficient_evidence_label, share=pct(exact(rules.max_not_observed_share)))
    return ngettext("Insufficient evidence (“%(label)s”) when fewer than %(num)d manager or peer sheet(s) count, when "
                    "more than %(share)s of the target role’s competencies have no manager or peer score, or when any "
                    "critical competency of the target role has none: a critical competency nobody observed can be "
                    "neither met nor short, so no band is given.",
                    "Insufficient evidence (“%(label)s”) when fewer than %(num)d manager or peer sheet(s) count, when "
                    "more than %(share)s of the target role’s competencies have no manager or peer score, or when any "
                    "critical competency of the target role has none: a critical competency nobody observed can be "
                    "neither met nor short, so no band is given.", rules.min_nonself_raters,
                    label=rules.insufficient_evidence_label, share=pct(exact(rules.max_not_observed_share)))


def rules_in_words(rules: ReadinessRules) -> tuple[str, ...]:
    """The readiness model and the rubric's rules as sentences, for the methodology page."""
    weights = ", ".join(f"{GROUP_PLURALS[g]} {fmt(exact(w))}" for g, w in rules.rater_group_weights.items())
    lines = [
        _("Each competency is scored per rater group (self, managers, peers, direct reports, the assessors’ "
          "consensus) as the mean of the levels given; “not observed” is left out of the mean, never counted as a "
          "low score, and shows in the coverage (“rated by n of m”).") if speaks_of_rater_groups(rules) else
        _("Each competency is scored per rater group (self, managers, peers) as the mean of the levels given; "
          "“not observed” is left out of the mean, never counted as a low score, and shows in the coverage "
          "(“rated by n of m”)."),
        _("The decision score is the weighted mean of the group scores of every group other than self with a level "
          "(weights: %(weights)s; some competencies weigh the groups differently, as the rubric lists); the "
          "self-assessment is shown beside it and never changes the verdict.", weights=weights)
        if speaks_of_rater_groups(rules) else
        _("The decision score is the weighted mean of the manager and peer group scores (weights: %(weights)s); "
          "the self-assessment is shown beside it and never changes the verdict.", weights=weights),
        _peer_sentence(rules),
        *_group_sentences(rules),
        _("Gap = decision score − required level of the target role."),
        _("Weighted attainment = Σ weight × min(decision score ÷ required level, 1) ÷ Σ weight, over the "
          "competencies with a decision score, shown with that coverage (“of the 8 of 12 scored”); surplus on one "
          "competency never offsets a shortfall on another."),
        _insufficient_sentence(rules),
    ]
    lines += _evidence_sentences(rules)
    lines += [_("Bands are checked in order; the first whose conditions all hold is the verdict:")]
    groups = speaks_of_rater_groups(rules)
    lines += [_band_sentence(i, band, groups) for i, band in enumerate(rules.bands)]
    if rules.panel_review is not None:
        panel = rules.panel_review
        lines.append(_(
            "%(label)s: when any two rater groups, or two managers, are %(critical)s or more levels apart on a "
            "critical competency, or %(overall)s or more apart on average over the competencies both rated, the "
            "verdict is not a band but goes to the panel, with the band the rules would give and the reasons; "
            "peers and direct reports kept anonymous count for this check without being shown.", label=panel.label,
            critical=fmt(exact(panel.critical_disagreement)), overall=fmt(exact(panel.overall_disagreement)))
            if groups else _(
            "%(label)s: when managers and peers, or two managers, are %(critical)s or more levels apart on a "
            "critical competency, or %(overall)s or more apart on average over the competencies both rated, the "
            "verdict is not a band but goes to the panel, with the band the rules would give and the reasons; "
            "peers kept anonymous count for this check without being shown.", label=panel.label,
            critical=fmt(exact(panel.critical_disagreement)), overall=fmt(exact(panel.overall_disagreement))))
        lines += agreement_in_words(rules)
    lines += rwg_in_words(rules) + relationship_in_words(rules)
    blind = exact(rules.blind_spot_threshold)
    lines.append(ngettext(
        "Blind spot: self at least %(blind)s level(s) above the decision score; hidden strength: the same "
        "distance below. Rater disagreement: the counted levels of raters other than self on a competency "
        "%(spread)s or more levels apart. Strengths are competencies above their required level, not at it.",
        "Blind spot: self at least %(blind)s level(s) above the decision score; hidden strength: the same "
        "distance below. Rater disagreement: the counted levels of raters other than self on a competency "
        "%(spread)s or more levels apart. Strengths are competencies above their required level, not at it.",
        _levels_n(blind), blind=fmt(blind), spread=fmt(exact(rules.disagreement_threshold)))
        if groups else ngettext(
        "Blind spot: self at least %(blind)s level(s) above the decision score; hidden strength: the same "
        "distance below. Rater disagreement: manager and peer levels on a competency %(spread)s or more levels "
        "apart. Strengths are competencies above their required level, not at it.",
        "Blind spot: self at least %(blind)s level(s) above the decision score; hidden strength: the same "
        "distance below. Rater disagreement: manager and peer levels on a competency %(spread)s or more levels "
        "apart. Strengths are competencies above their required level, not at it.",
        _levels_n(blind), blind=fmt(blind), spread=fmt(exact(rules.disagreement_threshold))))
    return tuple(lines)
