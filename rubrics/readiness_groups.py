"""(2026.12.4) The rater groups as a rubric has them: which groups a result knows, which competencies each group
can judge, each group's weight on a competency, the anonymity of peers and direct reports, and how many sheets of
each group were asked for and submitted, in words.

Every rule is optional: a rubric without ``group_competencies``, ``competency_group_weights``,
``anonymity_thresholds`` and ``exercises`` knows self, managers and peers only, each judging every competency with
its ``rater_group_weights`` weight (the results of 2026.12.3 and before).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

from .i18n import N_, TranslatedLabels, _, ngettext
from .model import Framework, ReadinessRules
from .readiness_model import (
    ANONYMOUS_GROUPS,
    ASSESSOR,
    DIRECT_REPORT,
    MANAGER,
    NONSELF_GROUPS,
    PEER,
    PEERS_NONE,
    PEERS_SHOWN,
    PEERS_SUPPRESSED,
    SELF,
    SHEET_GROUPS,
)
from .readiness_numbers import exact
from .sheet import sheet_competencies

#: The groups as named inside a sentence ("managers and direct reports are 2 levels apart").
GROUP_PLURALS = TranslatedLabels({SELF: N_("self"), MANAGER: N_("managers"), PEER: N_("peers"),
                                  DIRECT_REPORT: N_("direct reports"), ASSESSOR: N_("assessors")})


def rubric_groups(framework: Framework) -> tuple[str, ...]:
    """The rater groups a result of this rubric knows, in order: self, managers and peers always; direct reports
    when the rubric names them (a weight, a list of competencies or an anonymity threshold); assessors when it has
    exercises. Sheets of another group are not scored (an old cycle never shows a group its rubric did not have)."""
    named = named_groups(framework.readiness)
    return tuple(g for g in SHEET_GROUPS if g in (SELF, MANAGER, PEER) or (g == DIRECT_REPORT and g in named)
                 or (g == ASSESSOR and framework.exercises))


def named_groups(rules: ReadinessRules) -> frozenset[str]:
    """The groups the readiness rules name anywhere (weights, competency lists, thresholds)."""
    named = set(rules.rater_group_weights) | set(rules.group_competencies) | set(rules.anonymity_thresholds)
    return frozenset(named | {g for weights in rules.competency_group_weights.values() for g in weights})


def speaks_of_rater_groups(rules: ReadinessRules) -> bool:
    """(2026.12.4) Whether the rubric names direct reports or assessors: its methodology then says "rater sheets",
    "any two rater groups", "any shown group's mean" where older rubrics say managers and peers."""
    return bool(named_groups(rules) & {DIRECT_REPORT, ASSESSOR})


def judged_by(framework: Framework, group: str) -> frozenset[str]:
    """The competency ids a group can judge: the rubric's ``group_competencies`` list for a group it names, for
    assessors what some exercise of the matrix shows, else every competency (the sheet shows the same:
    ``rubrics.sheet.sheet_competencies``)."""
    if group == ASSESSOR:
        return frozenset(cid for e in framework.exercises for cid in sheet_competencies(framework, None, group, e.id))
    return frozenset(sheet_competencies(framework, None, group))


def group_weights(rules: ReadinessRules, competency_id: str) -> dict[str, Fraction]:
    """Each non-self group's weight on one competency, exactly: the competency's ``competency_group_weights`` entry
    for a group it names, else the group's ``rater_group_weights`` (0 for a group named in neither)."""
    own = rules.competency_group_weights.get(competency_id, {})
    return {g: exact(own[g] if g in own else rules.rater_group_weights.get(g, 0)) for g in NONSELF_GROUPS}


def anonymity_threshold(rules: ReadinessRules, group: str) -> int | None:
    """Fewest levels of an anonymous group on a competency for the group to be shown there: peers
    ``peer_anonymity_threshold``, direct reports ``anonymity_thresholds["direct_report"]`` (default the peers');
    None for a group that is not anonymous."""
    if group not in ANONYMOUS_GROUPS:
        return None
    if group == PEER:
        return rules.peer_anonymity_threshold
    return rules.anonymity_thresholds.get(group, rules.peer_anonymity_threshold)


def group_mode(rules: ReadinessRules, group: str, submitted: int) -> str:
    """Whether an anonymous group can ever be shown: PEERS_NONE (none submitted), PEERS_SHOWN (at least the
    threshold submitted) or PEERS_SUPPRESSED (fewer). Decided on sheets submitted, not counted, so whether each
    sheet counts never shows through to the candidate."""
    if submitted == 0:
        return PEERS_NONE
    return PEERS_SHOWN if submitted >= anonymity_threshold(rules, group) else PEERS_SUPPRESSED


def group_modes(rules: ReadinessRules, groups, submitted: Mapping[str, int]) -> dict[str, str]:
    """``group_mode`` of every anonymous group among ``groups``."""
    return {g: group_mode(rules, g, submitted.get(g, 0)) for g in groups if g in ANONYMOUS_GROUPS}


def group_count_words(group: str, num: int) -> str:
    """A group's count inside a sentence: "1 manager", "2 peers", "3 direct reports", "the assessors’ consensus"."""
    texts = {MANAGER: lambda: ngettext("%(num)d manager", "%(num)d managers", num),
             PEER: lambda: ngettext("%(num)d peer", "%(num)d peers", num),
             DIRECT_REPORT: lambda: ngettext("%(num)d direct report", "%(num)d direct reports", num),
             ASSESSOR: lambda: _("the assessors’ consensus") if num == 1 else
             ngettext("%(num)d assessors’ consensus", "%(num)d assessors’ consensuses", num)}
    return texts[group]()


@dataclass(frozen=True)
class RaterGroupCount:
    """Sheets of one rater group: how many were asked for (None: not known) and how many were submitted."""

    group: str
    assigned: int | None
    submitted: int

    @property
    def text(self) -> str:
        """ "2 peers were asked; none submitted", "1 manager was asked; 1 submitted", "No peers were asked." """
        if self.assigned is None:
            return _count_text(self.group, "submitted", self.submitted)
        if self.assigned == 0:
            return _count_text(self.group, "nobody", 0)
        if self.submitted == 0:
            return _count_text(self.group, "none", self.assigned)
        if self.submitted == self.assigned > 1:
            return _count_text(self.group, "all", self.assigned)
        return _count_text(self.group, "some", self.assigned, submitted=self.submitted)


def _count_text(group: str, case: str, num: int, **variables) -> str:
    """One sentence per group and case, whole, so each language words it its own way."""
    texts = {
        (SELF, "submitted"): lambda: ngettext("%(num)d self-assessment submitted.",
                                              "%(num)d self-assessments submitted.", num),
        (MANAGER, "submitted"): lambda: ngettext("%(num)d manager submitted.", "%(num)d managers submitted.", num),
        (PEER, "submitted"): lambda: ngettext("%(num)d peer submitted.", "%(num)d peers submitted.", num),
        (SELF, "nobody"): lambda: _("No self-assessments were asked."),
        (MANAGER, "nobody"): lambda: _("No managers were asked."),
        (PEER, "nobody"): lambda: _("No peers were asked."),
        (SELF, "none"): lambda: ngettext("%(num)d self-assessment was asked; none submitted.",
                                         "%(num)d self-assessments were asked; none submitted.", num),
        (MANAGER, "none"): lambda: ngettext("%(num)d manager was asked; none submitted.",
                                            "%(num)d managers were asked; none submitted.", num),
        (PEER, "none"): lambda: ngettext("%(num)d peer was asked; none submitted.",
                                         "%(num)d peers were asked; none submitted.", num),
        (SELF, "all"): lambda: _("%(num)d self-assessments were asked; all submitted.", num=num),
        (MANAGER, "all"): lambda: _("%(num)d managers were asked; all submitted.", num=num),
        (PEER, "all"): lambda: _("%(num)d peers were asked; all submitted.", num=num),
        (SELF, "some"): lambda: ngettext("%(num)d self-assessment was asked; %(submitted)d submitted.",
                                         "%(num)d self-assessments were asked; %(submitted)d submitted.", num,
                                         **variables),
        (MANAGER, "some"): lambda: ngettext("%(num)d manager was asked; %(submitted)d submitted.",
                                            "%(num)d managers were asked; %(submitted)d submitted.", num,
                                            **variables),
        (PEER, "some"): lambda: ngettext("%(num)d peer was asked; %(submitted)d submitted.",
                                         "%(num)d peers were asked; %(submitted)d submitted.", num, **variables),
        (DIRECT_REPORT, "submitted"): lambda: ngettext("%(num)d direct report submitted.",
                                                       "%(num)d direct reports submitted.", num),
        (DIRECT_REPORT, "nobody"): lambda: _("No direct reports were asked."),
        (DIRECT_REPORT, "none"): lambda: ngettext("%(num)d direct report was asked; none submitted.",
                                                  "%(num)d direct reports were asked; none submitted.", num),
        (DIRECT_REPORT, "all"): lambda: _("%(num)d direct reports were asked; all submitted.", num=num),
        (DIRECT_REPORT, "some"): lambda: ngettext("%(num)d direct report was asked; %(submitted)d submitted.",
                                                  "%(num)d direct reports were asked; %(submitted)d submitted.", num,
                                                  **variables),
        # One consensus per assessment: said as agreed or not, never counted.
        (ASSESSOR, "submitted"): lambda: _("The assessors’ consensus is agreed.") if num else
        _("No assessors’ consensus."),
        (ASSESSOR, "nobody"): lambda: _("No assessment-centre exercise was held."),
        (ASSESSOR, "none"): lambda: _("The assessors’ consensus is not agreed yet."),
    }
    if group == ASSESSOR:
        case = {"all": "submitted", "some": "submitted"}.get(case, case)
    return texts[group, case]()

