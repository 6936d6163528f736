"""The readiness engine's plain data: the rater groups, the sheets that go in and a group's score as shown (the
explained result that comes out is in ``readiness_result``; docs/readiness.md describes every field;
``rubrics.readiness`` re-exports all public names).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .i18n import N_, TranslatedLabels, _
from .model import NOT_OBSERVED, SCALE


SELF = "self"
MANAGER = "manager"
PEER = "peer"
#: (2026.12.4) The candidate's direct reports (upward feedback), anonymous like peers.
DIRECT_REPORT = "direct_report"
#: (2026.12.4) The assessors' wash-up consensus from assessment-centre exercises: one sheet per assessment.
ASSESSOR = "assessor"
#: Every group a sheet may carry; a result knows the ones its rubric has (``readiness_groups.rubric_groups``).
RATER_GROUPS = (SELF, MANAGER, PEER, DIRECT_REPORT, ASSESSOR)
NONSELF_GROUPS = (MANAGER, PEER, DIRECT_REPORT, ASSESSOR)
SHEET_GROUPS = RATER_GROUPS
#: Groups shown only from their anonymity threshold and never named to the candidate.
ANONYMOUS_GROUPS = (PEER, DIRECT_REPORT)
#: Column headings per group, translated on each lookup (``GROUP_LABELS[MANAGER]``: "Managers").
GROUP_LABELS = TranslatedLabels({SELF: N_("Self"), MANAGER: N_("Managers"), PEER: N_("Peers"),
                                 DIRECT_REPORT: N_("Direct reports"), ASSESSOR: N_("Assessors")})
#: English nouns per group (ids for code that still builds English text; the engine's sentences use _count_text).
GROUP_NOUNS = {SELF: "self-assessment", MANAGER: "manager", PEER: "peer", DIRECT_REPORT: "direct report",
               ASSESSOR: "assessor consensus"}
INSUFFICIENT_EVIDENCE = "insufficient_evidence"
PANEL_REVIEW = "panel_review"

#: How peers count: shown as a group, suppressed (fewer than the anonymity threshold), or there are none.
PEERS_SHOWN, PEERS_SUPPRESSED, PEERS_NONE = "shown", "suppressed", "none"

#: (2026.12.4) How far raters agree on a competency (rwg against the rubric's ``agreement`` thresholds), in words.
AGREE, MODERATE, DISAGREE, DISAGREE_STRONGLY = "agree", "moderate", "disagree", "disagree_strongly"
AGREEMENT_LABELS = TranslatedLabels({AGREE: N_("raters agree"), MODERATE: N_("raters partly agree"),
                                     DISAGREE: N_("raters disagree"),
                                     DISAGREE_STRONGLY: N_("raters disagree strongly")})

#: A rule's status: it held, it did not, or it does not apply here (never shown with a tick).
PASSED, FAILED, NOT_APPLICABLE = "passed", "failed", "not_applicable"

#: How many development priorities lead the list; the rest are listed briefly.
TOP_PRIORITIES = 3


@dataclass(frozen=True)
class Situation:
    """(2026.12.4) Where a level was seen ("role", "acting_up", "project", "exercise") and for how many weeks; for
    the assessors' consensus, the exercises that showed it."""

    seen_in: str
    weeks: int | None = None
    exercises: tuple[str, ...] = ()


@dataclass(frozen=True)
class RaterSheet:
    """One submitted rating sheet. ``rater_key`` is opaque and stable within an assessment, never a name."""

    rater_key: str
    group: str
    ratings: Mapping[str, int | str]
    comments: Mapping[str, str] = field(default_factory=dict)
    #: (2026.12.4) Competency id -> where and how long the level was seen (levels at or above the requirement).
    situations: Mapping[str, Situation] = field(default_factory=dict)
    #: (2026.12.4) How many months at least the rater has worked with the candidate; None: not asked.
    known_months: int | None = None
    #: (2026.12.4) How closely ("daily", "weekly", "monthly", "occasionally"); None: not asked.
    closeness: str | None = None

    def __post_init__(self):
        if self.group not in SHEET_GROUPS:
            raise ValueError(f"rater group {self.group!r} is not one of {', '.join(SHEET_GROUPS)}")
        for comp_id, value in self.ratings.items():
            if value != NOT_OBSERVED and (isinstance(value, bool) or value not in SCALE):
                raise ValueError(f"rating {value!r} for {comp_id!r} is neither a level 1..5 nor not observed")


@dataclass(frozen=True)
class UncountedSheet:
    """A submitted sheet that does not count as a rater (rubric 2026.12.3): too few levels, or a level without the
    written evidence the rules ask for. Left out of every score and count, and listed with the reason."""

    rater_key: str
    group: str
    group_label: str
    #: Plain words, in the language current when the result was made: "rated 1 of 15 competencies".
    reason: str


def coverage_text(rated: int, raters: int) -> str:
    """ "rated by 2 of 3": raters who gave a level, of the sheets counted. """
    return _("rated by %(rated)s of %(raters)s", rated=rated, raters=raters)


def suppressed_coverage_text(threshold: int, raters: int) -> str:
    """ "rated by fewer than 3 of 4": a peer group below the threshold, without its count (that is an answer). """
    return _("rated by fewer than %(threshold)s of %(raters)s", threshold=threshold, raters=raters)


@dataclass(frozen=True)
class GroupScore:
    """A rater group's score on one competency as shown: mean of the levels given, and coverage.

    A peer group below the anonymity threshold on this competency is ``is_suppressed``: no score, and
    ``rated`` is None because how many peers gave a level is itself their answer.
    """

    group: str
    label: str
    score: float | None
    rated: int | None
    raters: int
    is_suppressed: bool = False
    #: The anonymity threshold, for the coverage text of a suppressed group.
    min_shown: int = 0
    #: (2026.12.4) False where the group cannot judge the competency (``group_competencies``, the exercise
    #: matrix): no score, nothing asked.
    is_judged: bool = True

    @property
    def coverage(self) -> str:
        if not self.is_judged:
            return _("not rated by this group")
        if self.is_suppressed:
            return suppressed_coverage_text(self.min_shown, self.raters)
        return coverage_text(self.rated, self.raters)
