"""The competency framework as frozen dataclasses: plain data, no Flask, no database."""

from __future__ import annotations

from dataclasses import dataclass, field

#: The value a rater gives when they have not seen enough to judge. It is not a low score.
NOT_OBSERVED = "not_observed"

SCALE = (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class ScaleLevel:
    level: int
    label: str
    summary: str


@dataclass(frozen=True)
class Scale:
    levels: tuple[ScaleLevel, ...]
    not_observed_label: str
    not_observed_summary: str
    #: How a rater picks a level ("the highest level whose behaviours have been seen repeatedly ..."); empty in a
    #: rubric before 2026.12.2, which had no such rule.
    best_fit: str = ""

    def label(self, level: int | str | None) -> str:
        """The label of a level, of "not observed", or an empty string for no answer."""
        if level == NOT_OBSERVED:
            return self.not_observed_label
        for item in self.levels:
            if item.level == level:
                return item.label
        return ""


@dataclass(frozen=True)
class Source:
    file: str
    title: str
    language: str


@dataclass(frozen=True)
class Citation:
    source: str
    quote: str


@dataclass(frozen=True)
class Competency:
    id: str
    name: str
    definition: str
    #: Behavioural anchors for levels 1..5, in order.
    anchors: tuple[str, str, str, str, str]
    #: Quotes that support the competency as a whole (its definition; what the sources say all roles share).
    citations: tuple[Citation, ...]
    #: Per level 1..5, in order, the quotes that support that level's anchor; empty for a rubric (or an old
    #: pinned snapshot) that cites only the competency.
    level_citations: tuple[tuple[Citation, ...], ...] = ()

    def anchor(self, level: int) -> str:
        return self.anchors[level - 1]

    def anchor_citations(self, level: int) -> tuple[Citation, ...]:
        """The quotes under the anchor of ``level``; empty when that level cites nothing."""
        return self.level_citations[level - 1] if self.level_citations else ()

    @property
    def all_citations(self) -> tuple[Citation, ...]:
        """Every quote of the competency: its own, then each level's in level order."""
        return self.citations + tuple(c for level in self.level_citations for c in level)


@dataclass(frozen=True)
class Requirement:
    competency_id: str
    required: int
    weight: float
    is_critical: bool


@dataclass(frozen=True)
class Eligibility:
    """(2026.12.4) Months of leadership and in the current role a candidate for a role is expected to have."""

    min_leadership_months: int | None = None
    min_current_role_months: int | None = None
    citations: tuple[Citation, ...] = ()


@dataclass(frozen=True)
class Exercise:
    """(2026.12.4) An assessment-centre exercise: what assessors run and which competencies, at which levels, it
    can show (one row of the exercise x competency matrix)."""

    id: str
    name: str
    #: For the assessors: how to run and observe it.
    instructions: str
    duration_minutes: int
    #: Competency id -> the levels this exercise can show, ascending.
    shows: dict = field(hash=False)


@dataclass(frozen=True)
class RoleProfile:
    id: str
    name: str
    next_role: str | None
    summary: str
    requirements: tuple[Requirement, ...]
    #: (2026.12.4) The track record a candidate for this role is expected to have (source 001); informs the
    #: panel beside the verdict, never changes the band. None: the rubric states none.
    eligibility: Eligibility | None = None

    def requirement(self, competency_id: str) -> Requirement:
        for item in self.requirements:
            if item.competency_id == competency_id:
                return item
        raise KeyError(competency_id)


@dataclass(frozen=True)
class Band:
    """One readiness band and what it needs; a condition set to None is not checked (rubric 2026.11 had only the
    first two)."""

    id: str
    label: str
    #: Largest allowed shortfall (required - score) on any critical competency; None: no condition.
    max_critical_gap: float | None = None
    #: Smallest allowed weighted attainment (0..1); None: no condition.
    min_weighted_attainment: float | None = None
    #: Fewest counted manager and peer sheets (independent evidence); None: no condition.
    min_raters: int | None = None
    #: Fewest counted manager sheets among them; None: no condition.
    min_managers: int | None = None
    #: Largest allowed shortfall on ANY competency of the target role (the floor); None: no condition.
    max_any_gap: float | None = None
    #: Most non-critical competencies without a decision score (every critical one needs one); None: no condition.
    max_unscored_others: int | None = None
    #: (2026.12.3) Fewest counted manager and peer raters with a level on each critical competency; fewer is thin
    #: evidence; None: no condition.
    min_critical_raters: int | None = None
    #: (2026.12.3) Fewest counted managers among them, on each critical competency; None: no condition.
    min_critical_managers: int | None = None
    #: (2026.12.3) Most non-critical competencies below their required level (shortfalls counted, not averaged
    #: away); None: no condition.
    max_short_others: int | None = None
    #: (2026.12.3) Largest allowed distance below the required level of any rater group's mean (managers; peers,
    #: every counted peer level) on any competency: the group floor; None: no condition.
    max_group_gap: float | None = None


#: How peers below the anonymity threshold count: left out of everything (rubric 2026.11), or counted in the
#: decision and hidden from the candidate's view (from 2026.12; see docs/readiness.md, point 3).
PEERS_LEAVE_OUT, PEERS_COUNT = "leave_out", "count"


@dataclass(frozen=True)
class PanelReviewRules:
    """When contested evidence goes to the panel instead of giving a band."""

    label: str = "Panel review"
    #: Levels apart, on a critical competency, of managers vs peers, or of two managers.
    critical_disagreement: float = 2.0
    #: Levels apart of the mean over all competencies both rated: managers vs peers, or two managers.
    overall_disagreement: float = 1.5
    #: (2026.12.3) Levels apart on ANY competency: managers vs peers, two managers, or two shown peers against
    #: two others; None: no such rule.
    any_disagreement: float | None = None
    #: (2026.12.3) A shown group's mean below the requirement on a critical competency the decision score passes.
    group_below_critical: bool = False
    #: (2026.12.3) A critical competency is borderline when its decision score is within this many standard errors
    #: (or ``borderline_min_tolerance``) of the requirement and the raters lie on both sides; None: no such rule.
    borderline_standard_errors: float | None = None
    borderline_min_tolerance: float = 0.0
    #: (2026.12.3) At least this share of the decision weight on raters flagged lenient, severe or straight-lining;
    #: None: flags never change a verdict.
    flagged_weight_share: float | None = None
    #: (2026.12.4) Agreement index (rwg) below this on a critical competency; None: no such rule.
    min_critical_agreement: float | None = None


@dataclass(frozen=True)
class AgreementRules:
    """(2026.12.4) The agreement index (rwg against a uniform null over the five levels) and its words."""

    #: Fewest counted levels on a competency for an index; fewer: none ("too few raters").
    min_raters: int = 3
    #: rwg at or above: "raters agree"; at or above ``moderate``: "raters partly agree"; at or above 0: "raters
    #: disagree"; below 0: "raters disagree strongly".
    agree: float = 0.7
    moderate: float = 0.5


@dataclass(frozen=True)
class RaterRelationshipRules:
    """(2026.12.4) How long a rater must have worked with the candidate, and what happens below it."""

    min_months: int = 3
    #: SHORT_FLAG: counts, marked for HR and as a flagged rater; SHORT_LEAVE_OUT: the sheet does not count.
    short_acquaintance: str = "flag"


SHORT_FLAG, SHORT_LEAVE_OUT = "flag", "leave_out"


@dataclass(frozen=True)
class RaterQualityRules:
    """Thresholds of the cycle-wide rater quality flags (from 2026.12.3 they can send a verdict to the panel:
    ``PanelReviewRules.flagged_weight_share``)."""

    #: Fewest levels a rater must have given (and shared with other raters, for leniency) to be judged.
    min_ratings: int = 6
    #: A rater's mean this far above (below) the other raters of the same candidates: lenient (severe).
    leniency: float = 0.75
    #: Standard deviation of a rater's levels below this: central tendency (almost no spread).
    min_spread: float = 0.5
    #: A sheet with at least this many levels, all the same: straight-lining.
    straight_line_min_levels: int = 5
    #: A verdict rests mainly on a rater who carries at least this share of its decision weight.
    rests_on_share: float = 0.5
    #: (2026.12.3) A sheet with at least this share of its levels identical is straight-lining; None: all of them.
    straight_line_share: float | None = None
    #: (2026.12.3) Leniency and severity against the other raters of the SAME group, and no flag at all under
    #: ``min_ratings`` levels; False: against every other rater (2026.12).
    same_group: bool = False
    #: (2026.12.3) Central tendency only for a spread below this share of the cycle's median rater spread; None: no
    #: such condition.
    cycle_spread_share: float | None = None


@dataclass(frozen=True)
class CalibrationReason:
    """One reason code HR gives with a calibration (issue 17, 4), besides the written rationale."""

    id: str
    label: str


@dataclass(frozen=True)
class ReadinessRules:
    #: Levels (ints) and/or NOT_OBSERVED whose rating needs an evidence text.
    evidence_required_for: frozenset
    rater_group_weights: dict = field(hash=False)
    min_nonself_raters: int = 1
    max_not_observed_share: float = 0.34
    peer_anonymity_threshold: int = 3
    blind_spot_threshold: float = 1.0
    disagreement_threshold: float = 2.0
    #: Checked in order; the last band has no conditions and catches the rest.
    bands: tuple[Band, ...] = ()
    insufficient_evidence_label: str = "Insufficient evidence"
    #: PEERS_LEAVE_OUT (absent from the data: the 2026.11 rule) or PEERS_COUNT.
    peers_below_threshold: str = PEERS_LEAVE_OUT
    #: None (absent from the data, as in 2026.11): contested evidence never goes to the panel.
    panel_review: PanelReviewRules | None = None
    rater_quality: RaterQualityRules = field(default_factory=RaterQualityRules)
    #: (2026.12.3) A sheet counts as a rater only when it gives a level on at least this share of the target role's
    #: competencies (and carries the written evidence the rules ask for); None: every submitted sheet counts.
    min_rated_share: float | None = None
    #: (2026.12.3) A level at or above the requirement on a critical competency needs written evidence.
    evidence_at_critical_requirement: bool = False
    #: (2026.12.3) A level at least this many levels from the rater's own mean over the sheet needs written
    #: evidence; None: no such rule.
    evidence_from_own_mean: float | None = None
    #: (2026.12.3) An unscored competency counts in weighted attainment with its weight and this attainment (0),
    #: so "not observed" is never better than an honest low rating; None: left out of it (before 2026.12.3).
    unscored_attainment: float | None = None
    #: (calibration reasons) The reason codes a calibration chooses from; () (absent from the data): none asked.
    calibration_reasons: tuple[CalibrationReason, ...] = ()
    #: (2026.12.4) Rater group -> the competency ids it can judge; a group not named judges every competency.
    #: Assessors judge what the exercise matrix shows (``Framework.exercises``).
    group_competencies: dict = field(default_factory=dict, hash=False)
    #: (2026.12.4) Competency id -> {group: weight}, overriding ``rater_group_weights`` for that competency.
    competency_group_weights: dict = field(default_factory=dict, hash=False)
    #: (2026.12.4) Group -> anonymity threshold for anonymous groups other than peers (direct reports).
    anonymity_thresholds: dict = field(default_factory=dict, hash=False)
    #: (2026.12.4) The agreement index; None: none computed.
    agreement: AgreementRules | None = None
    #: (2026.12.4) A level at or above the target requirement needs where it was seen and for how long.
    situations_required_at_requirement: bool = False
    #: (2026.12.4) How long a rater has known the candidate; None: not asked.
    rater_relationship: RaterRelationshipRules | None = None
    #: (2026.12.4) Assessors this many levels apart on a competency must record a resolution in the wash-up;
    #: None: no wash-up rule (no assessors).
    wash_up_resolve_apart: int | None = None

    def needs_evidence(self, value: int | str | None) -> bool:
        return value is not None and value in self.evidence_required_for


@dataclass(frozen=True)
class Framework:
    name: str
    version: str
    scale: Scale
    sources: tuple[Source, ...]
    competencies: tuple[Competency, ...]
    roles: tuple[RoleProfile, ...]
    readiness: ReadinessRules
    #: sha256 of the canonical JSON of the framework data; what a cycle pins.
    content_hash: str
    #: The validated data as plain JSON-able dicts; what a cycle stores as its snapshot (every language's text).
    data: dict = field(hash=False, compare=False, repr=False)
    #: The language of this framework's texts, and the rubric's languages (its own first); a rubric that names
    #: none (every one before 2026.12.1) is English only.
    language: str = "en"
    languages: tuple[str, ...] = ("en",)
    #: (2026.12.4) Assessment-centre exercises and the competencies each can show; () before.
    exercises: tuple[Exercise, ...] = ()

    def in_language(self, language: str | None) -> Framework:
        """This framework with its texts in ``language``, or in the rubric's own language when it lacks that one
        (an English-only snapshot gives English). Ids, rules, weights, citations, data and hash are the same."""
        variants = self.__dict__.get("_variants", {})
        return variants.get(language) or variants.get(self.languages[0]) or self

    def share_languages(self, variants: dict[str, Framework]) -> None:
        """The loader's: the same framework in each of the rubric's languages (one table shared by them all). Kept
        out of the fields, so that comparing, copying or ``asdict`` never walks from one language to the next."""
        object.__setattr__(self, "_variants", variants)

    def source(self, file: str) -> Source:
        for item in self.sources:
            if item.file == file:
                return item
        raise KeyError(file)

    def exercise(self, exercise_id: str) -> Exercise:
        for item in self.exercises:
            if item.id == exercise_id:
                return item
        raise KeyError(exercise_id)

    def competency(self, competency_id: str) -> Competency:
        for item in self.competencies:
            if item.id == competency_id:
                return item
        raise KeyError(competency_id)

    def role(self, role_id: str) -> RoleProfile:
        for item in self.roles:
            if item.id == role_id:
                return item
        raise KeyError(role_id)

    def next_role(self, role_id: str) -> RoleProfile | None:
        """The next step up the ladder from a role, or None at the top."""
        nxt = self.role(role_id).next_role
        return self.role(nxt) if nxt else None

    @property
    def ladder(self) -> tuple[RoleProfile, ...]:
        """The roles from the bottom of the ladder to the top."""
        targets = {r.next_role for r in self.roles}
        order = [r for r in self.roles if r.id not in targets]
        while order and order[-1].next_role:
            order.append(self.role(order[-1].next_role))
        return tuple(order)
