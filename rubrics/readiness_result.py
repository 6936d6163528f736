"""The readiness engine's explained result: per competency, per rule, the shortfalls, strengths, development
priorities and comments, and the whole verdict (docs/readiness.md describes every field; ``rubrics.readiness``
re-exports all public names)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .i18n import _, ngettext
from .readiness_groups import RaterGroupCount
from .readiness_model import (
    AGREEMENT_LABELS,
    ASSESSOR,
    DIRECT_REPORT,
    MANAGER,
    NOT_APPLICABLE,
    PASSED,
    PEER,
    PEERS_NONE,
    PEERS_SHOWN,
    PEERS_SUPPRESSED,
    SELF,
    TOP_PRIORITIES,
    GroupScore,
    UncountedSheet,
    coverage_text,
)
from .readiness_numbers import NO_NUMBER, display_gap, display_percent, display_score, display_shortfall, fmt, local


@dataclass(frozen=True)
class CompetencyResult:
    """Everything shown about one competency of the target role."""

    competency_id: str
    name: str
    required: int
    weight: float
    is_critical: bool
    self_score: float | None
    #: None when no manager gave a level.
    manager_score: float | None
    #: None unless at least the anonymity threshold of peers gave a level on this competency.
    peer_score: float | None
    decision_score: float | None
    gap: float | None
    #: Counted non-self raters who gave a level, of their sheets submitted: managers, and peers when their group
    #: is shown on this competency (a suppressed peer group is in neither number).
    rated: int
    raters: int
    #: Highest minus lowest counted non-self level; None under two such ratings.
    spread: float | None
    is_disagreement: bool
    #: Self minus the decision score; None without both.
    self_minus_others: float | None
    is_blind_spot: bool
    is_hidden_strength: bool
    next_level: int | None
    next_level_label: str
    #: The behavioural anchor of the next level up: a ready-made development action.
    development_action: str
    groups: tuple[GroupScore, ...]
    #: Peers submitted but fewer than the anonymity threshold gave a level here: their group is not shown.
    peers_suppressed: bool = False
    #: (2026.12.4) Every anonymous group (peers, direct reports) suppressed here in that way, in group order.
    suppressed_groups: tuple[str, ...] = ()
    #: The decision may include peer input the candidate must not see (peers below the threshold who count,
    #: rubric 2026.12): the candidate view withholds every number of this competency that depends on it.
    #: Set whenever the peer group is suppressed, even if no peer gave a level (that is their answer too).
    is_withheld_from_candidate: bool = False
    #: (2026.12.3) A critical competency rated by fewer counted managers and peers than the best band asks
    #: (``min_critical_raters`` / ``min_critical_managers``), whatever the verdict; None in the candidate's copy
    #: where the competency is withheld (the count includes hidden peers).
    is_thin_evidence: bool | None = False
    #: (2026.12.3) Standard error of the decision score (docs/readiness.md, "Measurement error"); None under two
    #: levels or for a rubric without the borderline rule.
    standard_error: float | None = None
    #: (2026.12.3) A critical competency whose decision is within the margin of its requirement while the
    #: raters lie on both sides of it: the verdict goes to Panel review.
    is_borderline: bool = False
    #: (2026.12.4) Group means of direct reports (when shown) and of the assessors' consensus.
    direct_report_score: float | None = None
    assessor_score: float | None = None
    #: (2026.12.4) Agreement index (rwg) of the counted non-self levels; None under the rubric's minimum raters.
    agreement: float | None = None
    #: (2026.12.4) "agree", "moderate", "disagree", "disagree_strongly"; "" without an index.
    agreement_level: str = ""
    #: (2026.12.4) What the decisive levels rest on: "seen while acting up (2 raters: 3 and 6 months) and in the
    #: board presentation exercise"; "" when nothing was recorded.
    situation_text: str = ""
    #: (2026.12.4) The same from the groups shown by name only (managers, the assessors' consensus): what the
    #: candidate's copy shows, so no anonymous rater's level can be read from it.
    named_situation_text: str = ""

    @property
    def agreement_text(self) -> str:
        """ "raters agree", "raters disagree strongly"; "" without an index."""
        return AGREEMENT_LABELS[self.agreement_level] if self.agreement_level else ""

    @property
    def shortfall(self) -> float:
        return max(0.0, -self.gap) if self.gap is not None else 0.0

    @property
    def coverage(self) -> str:
        return coverage_text(self.rated, self.raters)

    @property
    def is_strength(self) -> bool:
        """Strictly above the required level (at it is not a strength)."""
        return self.gap is not None and self.gap > 0

    @property
    def decision_text(self) -> str:
        """The decision score to print, on the side of the required level the decision is (3.967 of 4: "3.9")."""
        return display_score(self.decision_score, self.required)

    @property
    def gap_text(self) -> str:
        """The gap to print, agreeing with ``decision_text`` ("−0.1", "+0.0" only when exactly met)."""
        return display_gap(self.decision_score, self.required)

    @property
    def shortfall_text(self) -> str:
        """The shortfall to print, the same text as ``Shortfall.shortfall_text`` and the rules' details."""
        return display_shortfall(self.decision_score, self.required)


@dataclass(frozen=True)
class RuleResult:
    """One rule of the rubric as applied: what it asks, whether it held (or does not apply), and why."""

    id: str
    text: str
    #: PASSED, FAILED or NOT_APPLICABLE.
    status: str
    detail: str
    #: The competency ids that fail it, in rubric order.
    competencies: tuple[str, ...] = ()

    @property
    def passed(self) -> bool:
        return self.status == PASSED

    @property
    def applies(self) -> bool:
        return self.status != NOT_APPLICABLE


@dataclass(frozen=True)
class Shortfall:
    competency_id: str
    name: str
    required: int
    score: float
    shortfall: float
    is_critical: bool

    @property
    def score_text(self) -> str:
        return display_score(self.score, self.required)

    @property
    def shortfall_text(self) -> str:
        """The shortfall to print, never "0" for a real one (0.033 short: "0.1")."""
        return display_shortfall(self.score, self.required)


@dataclass(frozen=True)
class DevelopmentPriority:
    competency_id: str
    name: str
    shortfall: float
    is_critical: bool
    next_level: int
    next_level_label: str
    action: str
    #: The decision score and the requirement, so the shortfall prints as everywhere else (2026.12.3).
    score: float | None = None
    required: int | None = None

    @property
    def shortfall_text(self) -> str:
        """The shortfall as the summary, the rules and the table print it (``display_shortfall``)."""
        if self.score is None or self.required is None:
            return fmt(self.shortfall)
        return display_shortfall(self.score, self.required)


@dataclass(frozen=True)
class DevelopmentNote:
    """Something to work on even without a shortfall: a blind spot, or a competency just at the requirement."""

    competency_id: str
    name: str
    #: "blind_spot" or "at_requirement".
    kind: str
    text: str


@dataclass(frozen=True)
class CommentBlock:
    """The comments of one rater group on one competency, in text order: never keyed to a rater."""

    competency_id: str
    competency_name: str
    group: str
    group_label: str
    texts: tuple[str, ...]


@dataclass(frozen=True)
class EligibilityCheck:
    """(2026.12.4) One part of a role's eligibility rule for one candidate: "at least 60 months in leadership roles
    (has 48)"; NOT_APPLICABLE when the candidate's months are not known."""

    id: str
    text: str
    required_months: int
    months: int | None
    status: str


@dataclass(frozen=True)
class ReadinessResult:
    target_role_id: str
    target_role_name: str
    #: The verdict: a band id, INSUFFICIENT_EVIDENCE or PANEL_REVIEW.
    band_id: str
    band_label: str
    is_sufficient: bool
    #: Position of the verdict's band in the rubric's order (0 is best); None for the two non-band outcomes.
    band_rank: int | None
    weighted_attainment: float | None
    largest_critical_shortfall: float | None
    #: Share of the target role's competencies without a decision score.
    unscored_share: float | None
    rules: tuple[RuleResult, ...]
    competencies: tuple[CompetencyResult, ...]
    holding_back: tuple[Shortfall, ...]
    #: Competencies strictly above their required level, largest surplus first.
    strengths: tuple[CompetencyResult, ...]
    blind_spots: tuple[CompetencyResult, ...]
    hidden_strengths: tuple[CompetencyResult, ...]
    disagreements: tuple[CompetencyResult, ...]
    development_priorities: tuple[DevelopmentPriority, ...]
    comments: tuple[CommentBlock, ...]
    peer_mode: str
    #: The rubric's bands as (id, label), best first: the verdict order (the non-band outcomes not included).
    band_order: tuple[tuple[str, str], ...]
    #: Submitted sheets per group the rubric knows (self, manager, peer; direct_report, assessor from 2026.12.4).
    sheet_counts: Mapping[str, int]
    summary: str
    #: Fewest peers with a level on a competency for their group to be shown there (from the rubric).
    peer_anonymity_threshold: int
    #: The band the rules give, before Panel review (None when the evidence is insufficient).
    provisional_band_id: str | None = None
    provisional_band_label: str = ""
    provisional_band_rank: int | None = None
    #: Raters contradict each other: the verdict is Panel review, carrying the provisional band and the reasons.
    is_panel_review: bool = False
    panel_review_reasons: tuple[str, ...] = ()
    #: What the verdict rests on, in words: "Rests on one manager's sheet."
    evidence_summary: str = ""
    #: Competencies with a decision score, of the target role's: the coverage of the weighted attainment.
    scored_count: int | None = 0
    competency_count: int = 0
    #: Per rater group the rubric knows: sheets asked for and submitted.
    group_counts: tuple[RaterGroupCount, ...] = ()
    #: Blind spots and competencies just at the requirement: notes for every candidate, a ready one too.
    development_notes: tuple[DevelopmentNote, ...] = ()
    #: The band thresholds of weighted attainment, for printing it on the right side of each.
    attainment_thresholds: tuple[float, ...] = ()
    #: True for the copy made by ``candidate_view``: numbers that depend on hidden peers are removed.
    is_candidate_view: bool = False
    #: (2026.12.3) Submitted sheets that do not count as raters, with the reason (HR's copy: every group; the
    #: candidate's: managers' only, without the key).
    uncounted_sheets: tuple[UncountedSheet, ...] = ()
    #: (2026.12.3) Unscored competencies count in weighted attainment (with zero attainment), over all of them.
    is_unscored_in_attainment: bool = False
    #: (2026.12.3) Only sheets that are evidence count as raters (``min_rated_share`` in the rubric).
    counts_only_evidence: bool = False
    #: (2026.12.4) Overall agreement index (mean rwg over the competencies with one) and its level.
    agreement: float | None = None
    agreement_level: str = ""
    #: (2026.12.4) The role's eligibility rule (track record) as met, not met or not known; informs the panel.
    eligibility: tuple[EligibilityCheck, ...] = ()
    #: (2026.12.4) Counted raters who have known the candidate fewer months than the rules ask (HR only).
    short_acquaintance_raters: int = 0
    #: (2026.12.4) Fewest direct reports with a level on a competency for their group to be shown there.
    direct_report_anonymity_threshold: int = 0

    @property
    def agreement_text(self) -> str:
        """The overall agreement in words ("raters partly agree"); "" without an index."""
        return AGREEMENT_LABELS[self.agreement_level] if self.agreement_level else ""

    @property
    def has_suppressed_peer_groups(self) -> bool:
        """A Peers column is shown, but some competency's peer group is left out of it."""
        return self.peer_mode == PEERS_SHOWN and any(c.peers_suppressed for c in self.competencies)

    @property
    def verdict_rank(self) -> int:
        """The provisional band's position for comparing verdicts (0 is best); insufficient evidence ranks below
        every band. Panel review is a flag on top and does not change it."""
        rank = self.provisional_band_rank if self.provisional_band_rank is not None else self.band_rank
        return rank if rank is not None else len(self.band_order)

    def competency(self, competency_id: str) -> CompetencyResult:
        for item in self.competencies:
            if item.competency_id == competency_id:
                return item
        raise KeyError(competency_id)

    @property
    def withheld_groups(self) -> tuple[str, ...]:
        """The anonymous groups kept from the candidate on some withheld competency, in group order."""
        found = {g for c in self.competencies if c.is_withheld_from_candidate for g in c.suppressed_groups}
        return tuple(g for g in (PEER, DIRECT_REPORT) if g in found)

    def anonymity_threshold(self, group: str) -> int:
        """The anonymity threshold of peers or direct reports (0 for another group)."""
        return {PEER: self.peer_anonymity_threshold, DIRECT_REPORT: self.direct_report_anonymity_threshold}.get(group, 0)

    def group_mode(self, group: str) -> str:
        """For peers and direct reports: PEERS_SHOWN (enough submitted to be shown), PEERS_SUPPRESSED (fewer) or
        PEERS_NONE; ``peer_mode`` for peers."""
        if group == PEER:
            return self.peer_mode
        submitted = self.sheet_counts.get(group, 0)
        if submitted == 0:
            return PEERS_NONE
        return PEERS_SHOWN if submitted >= self.anonymity_threshold(group) else PEERS_SUPPRESSED

    def has_suppressed_groups(self, group: str) -> bool:
        """The group's column is shown, but some competency's group is left out of it (``has_suppressed_peer_groups``
        for any anonymous group)."""
        return self.group_mode(group) == PEERS_SHOWN and any(group in c.suppressed_groups for c in self.competencies)

    @property
    def shown_groups(self) -> tuple[str, ...]:
        """The score columns to show, in order (the groups of every ``CompetencyResult.groups``): self, managers,
        peers and direct reports when enough submitted to ever be shown, assessors when there is a consensus."""
        out = (SELF, MANAGER) + tuple(g for g in (PEER, DIRECT_REPORT) if self.group_mode(g) == PEERS_SHOWN)
        return out + ((ASSESSOR,) if self.sheet_counts.get(ASSESSOR, 0) else ())

    @property
    def top_development_priorities(self) -> tuple[DevelopmentPriority, ...]:
        return self.development_priorities[:TOP_PRIORITIES]

    @property
    def further_development_priorities(self) -> tuple[DevelopmentPriority, ...]:
        return self.development_priorities[TOP_PRIORITIES:]

    @property
    def attainment_text(self) -> str:
        """ "100% of the 8 of 12 scored"; "100% (12 of 12 scored)" is never shortened to a bare 100% when some
        were unscored; empty without a score."""
        if self.weighted_attainment is None:
            return ""
        value = display_percent(self.weighted_attainment, self.attainment_thresholds)
        if self.is_unscored_in_attainment and self.scored_count is not None and self.scored_count < self.competency_count:
            return ngettext("%(value)s over all %(total)s, %(num)d unscored counted as zero",
                            "%(value)s over all %(total)s, %(num)d unscored counted as zero",
                            self.competency_count - self.scored_count, value=value, total=self.competency_count)
        if self.scored_count == self.competency_count:
            return _("%(value)s (all %(total)s scored)", value=value, total=self.competency_count)
        return _("%(value)s of the %(scored)s of %(total)s scored", value=value, scored=self.scored_count,
                 total=self.competency_count)

    @property
    def largest_critical_shortfall_text(self) -> str:
        """The largest critical shortfall as the summary, the rules and the table print it; "0.0" without one."""
        if self.largest_critical_shortfall is None:
            return NO_NUMBER
        for item in self.holding_back:
            if item.is_critical and item.shortfall == self.largest_critical_shortfall:
                return item.shortfall_text
        return local("0.0") if self.largest_critical_shortfall == 0 else fmt(self.largest_critical_shortfall)

    def group_count(self, group: str) -> RaterGroupCount:
        for item in self.group_counts:
            if item.group == group:
                return item
        return RaterGroupCount(group, None, self.sheet_counts.get(group, 0))
