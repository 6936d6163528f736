"""(2026.12.4) The sources of evidence and their weights, the agreement index and the situations, in sentences for
the report's methodology page. A rubric without these keys (2026.12.3 and older) gets none, so an old cycle's
report never describes evidence its rules did not use."""

from __future__ import annotations

from .i18n import N_, TranslatedLabels, _, ngettext
from .model import Framework
from .readiness_model import ASSESSOR, DIRECT_REPORT, GROUP_LABELS, MANAGER, PEER
from .readiness_numbers import exact, fmt
from .situations import SEEN_IN_LABELS

_SOURCE_NAMES = TranslatedLabels({MANAGER: N_("managers"), PEER: N_("peers"), DIRECT_REPORT: N_("direct reports"),
                                  ASSESSOR: N_("assessors")})


def _uses_sources(framework: Framework) -> bool:
    rules = framework.readiness
    return bool(rules.group_competencies or rules.competency_group_weights or rules.anonymity_thresholds
                or framework.exercises or DIRECT_REPORT in rules.rater_group_weights)


def _weights(weights: dict) -> str:
    return ", ".join(f"{_SOURCE_NAMES[g]} {fmt(exact(w))}" for g, w in weights.items() if g in _SOURCE_NAMES)


def sources_in_words(framework: Framework) -> tuple[str, ...]:
    """The methodology's "Sources of evidence" sentences; () for a rubric before 2026.12.4."""
    if not _uses_sources(framework):
        return ()
    rules = framework.readiness
    names = {c.id: c.name for c in framework.competencies}
    lines = [_("Four sources of evidence count: managers, peers, direct reports (upward feedback) and the "
               "assessors’ consensus from assessment-centre exercises. The self-assessment is shown beside them and "
               "never counts; the rules above give the weights.")]
    for comp_id, weights in rules.competency_group_weights.items():
        if comp_id in names:
            lines.append(_("%(competency)s weighs its sources differently: %(weights)s.", competency=names[comp_id],
                           weights=_weights(weights)))
    for group, comp_ids in rules.group_competencies.items():
        if group in _SOURCE_NAMES:
            lines.append(_("%(group)s rate only what they can see: %(competencies)s.", group=GROUP_LABELS[group],
                           competencies=", ".join(names[c] for c in comp_ids if c in names)))
    lines += _exercise_sentences(framework, names)
    lines += _agreement_sentences(framework)
    lines += _eligibility_sentences(framework)
    return tuple(lines)


def _eligibility_sentences(framework: Framework) -> list[str]:
    lines = []
    for role in framework.roles:
        rule = role.eligibility
        if rule is None:
            continue
        parts = []
        if rule.min_leadership_months:
            parts.append(ngettext("%(num)d month in leadership roles", "%(num)d months in leadership roles",
                                  rule.min_leadership_months))
        if rule.min_current_role_months:
            parts.append(ngettext("%(num)d month in the current role", "%(num)d months in the current role",
                                  rule.min_current_role_months))
        if parts:
            lines.append(_("Eligibility for %(role)s: at least %(parts)s. Shown beside the verdict as met, not met or "
                           "not known (months not entered); it informs the panel and never changes the band.",
                           role=role.name, parts=_(" and ").join(parts) if len(parts) > 1 else parts[0]))
    return lines


def _exercise_sentences(framework: Framework, names: dict) -> list[str]:
    if not framework.exercises:
        return []
    exercises = "; ".join(_("%(exercise)s (%(minutes)s minutes: %(competencies)s)", exercise=e.name,
                            minutes=e.duration_minutes, competencies=", ".join(names[c] for c in e.shows if c in names))
                          for e in framework.exercises)
    lines = [_("Trained assessors observe the candidate in exercises and each rates what the exercise can show: "
               "%(exercises)s.", exercises=exercises),
             _("No single assessor’s sheet counts: in the wash-up the assessors agree one level per competency with "
               "a reason, and this consensus enters the decision as one source. It can show a level 4 or 5 that "
               "the candidate has had no chance to show in the role.")]
    apart = framework.readiness.wash_up_resolve_apart
    if apart:
        lines.append(ngettext("Assessors %(num)d level apart on a competency must record how they resolved it.",
                              "Assessors %(num)d or more levels apart on a competency must record how they resolved "
                              "it before the consensus is saved.", apart))
    return lines


def _agreement_sentences(framework: Framework) -> list[str]:
    rules = framework.readiness
    lines = []
    if rules.agreement is not None:
        agreement = rules.agreement
        lines.append(_("Agreement index rwg (James, Demaree and Wolf, 1984): 1 − the variance of the counted levels "
                       "÷ 2, the variance of answers given at random over five levels. 1: every rater gives the same "
                       "level; 0 or less: they spread as if at random. From %(agree)s raters agree, from "
                       "%(moderate)s they partly agree, below that they disagree (strongly below 0). Computed where "
                       "at least %(num)s raters gave a level; shown to HR and the panel only.",
                       agree=fmt(exact(agreement.agree)), moderate=fmt(exact(agreement.moderate)),
                       num=agreement.min_raters))
    panel = rules.panel_review
    if panel is not None and panel.min_critical_agreement is not None:
        lines.append(_("%(label)s also when the agreement index of a critical competency is below %(value)s.",
                       label=panel.label, value=fmt(exact(panel.min_critical_agreement))))
    if rules.situations_required_at_requirement:
        lines.append(_("Every level at or above the target role’s requirement records where it was seen (%(where)s) "
                       "and for how long; the report says what each decisive level rests on.",
                       where=" / ".join(SEEN_IN_LABELS[key] for key in SEEN_IN_LABELS)))
    relationship = rules.rater_relationship
    if relationship is not None:
        lines.append(_("Every rater says how long and how closely they have worked with the candidate; one of fewer "
                       "than %(months)s months is marked for HR and counts as a flagged rater.",
                       months=relationship.min_months) if relationship.short_acquaintance == "flag" else
                     _("Every rater says how long and how closely they have worked with the candidate; the sheet of "
                       "one of fewer than %(months)s months does not count.", months=relationship.min_months))
    return lines
