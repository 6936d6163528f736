"""The plain data a report is made from: built by the caller (web, CLI, bench), rendered by ``reports.pdf``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone

from rubrics import language
from rubrics.model import Framework, ScaleLevel, Source
from rubrics.readiness import ReadinessResult, candidate_view, challenges_in_words, rules_in_words, verdicts
from rubrics.readiness_sources import sources_in_words

from .anchor_sources import AnchorSource, anchor_sources
from .i18n import N_, _
from .trend import Trend
from .plan import PlanReport


#: Who a report is for. HR's version shows rater disagreement (spread) and who recorded a calibration; the
#: candidate's leaves both out: with two managers, mean and spread would give away each manager's level.
AUDIENCES = ("hr", "candidate")
COPY_LABELS = {"hr": N_("HR / panel copy"), "candidate": N_("Candidate copy")}


@dataclass(frozen=True)
class CalibratedVerdict:
    """HR's calibrated verdict, kept beside the computed one.

    ``rationale`` is HR's in the HR copy and the note to the candidate in the candidate's copy. A "proposed"
    calibration (HR copy only) awaits a second HR person's approval and is not in force.
    """

    band_label: str
    rationale: str
    by: str
    at: datetime
    status: str = "approved"
    #: The second HR person who approved it, when the move needed one.
    approved_by: str | None = None
    #: HR's copy only: the reason code's label, and who sat on the panel ("" when not recorded).
    reason: str = ""
    panel: str = ""

    @property
    def is_proposed(self) -> bool:
        return self.status == "proposed"


@dataclass(frozen=True)
class CandidateReply:
    """HR's copy only (issue 20, 4): the candidate's acknowledgement, reply and review requests, as plain text."""

    acknowledged_at: datetime | None = None
    text: str | None = None
    version: int = 0
    updated_at: datetime | None = None
    #: Per review request, oldest first: when asked, the reason, the outcome ("open", "upheld", "changed",
    #: "not_upheld") and what the candidate was told ("" while open).
    requests: tuple[tuple[datetime, str, str, str], ...] = ()


@dataclass(frozen=True)
class RaterNote:
    """A flagged rater of this candidate, for HR's copy only: who, their share of the decision, and why flagged."""

    rater: str
    #: "manager" or "peer".
    group: str
    #: The rater's share of the candidate's decision weight (0..1).
    share: float
    #: (label, plain-word explanation) per flag.
    flags: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class ReportData:
    candidate_name: str
    current_role_name: str
    target_role_name: str
    cycle_name: str
    #: The date the report speaks for (the cycle's end or the day of the assessment).
    assessed_on: date
    result: ReadinessResult
    framework_name: str
    framework_version: str
    content_hash: str
    scale: tuple[ScaleLevel, ...]
    not_observed_label: str
    not_observed_summary: str
    #: The rubric's rules in words (``rubrics.readiness.rules_in_words``) for the methodology page.
    rules_text: tuple[str, ...]
    sources: tuple[Source, ...]
    calibration: CalibratedVerdict | None
    generated_at: datetime
    #: "hr" or "candidate" (see ``AUDIENCES``).
    audience: str = "candidate"
    #: Short answers to the usual challenges to a verdict (``rubrics.readiness.challenges_in_words``).
    challenges_text: tuple[str, ...] = ()
    #: HR's copy only: the candidate's raters flagged by rater quality across the cycle (None: not assessed, as
    #: for cycles on a rubric without rater-quality rules), and, when the verdict rests mainly on one of them, a
    #: sentence saying so. Always None and empty in the candidate's copy.
    rater_notes: tuple[RaterNote, ...] | None = None
    rests_on_flagged: str = ""
    #: HR's copy only: a sentence saying how many submitted sheets were not counted (a conflict of interest
    #: not cleared), empty when all counted.
    not_counted: str = ""
    #: Every quote of the rubric, on a competency or under a level's anchor, for the methodology page.
    anchor_sources: tuple[AnchorSource, ...] = ()
    #: The language the report is written in ("en", "de"); its result and framework text were made in it.
    language: str = language.DEFAULT_LANGUAGE
    #: How raters pick a level (the rubric's best-fit rule); empty for a rubric pinned before it had one.
    best_fit: str = ""
    #: (2026.12.4) A rater who has known the candidate fewer months is marked for HR; None: not asked.
    short_acquaintance_months: int | None = None
    #: (2026.12.4) The sources of evidence and their weights, for the methodology page (``evidence_sources``).
    sources_text: tuple[str, ...] = ()
    #: (issue 20) Each competency since the last cycle against the same target role, as this copy may show it
    #: (``reports.trend``); None: not asked.
    trend: Trend | None = None
    #: (issue 20, 4) HR's copy only: the candidate's acknowledgement, reply and review requests; None in the
    #: candidate's copy (and in any copy for anyone else), always.
    candidate_reply: CandidateReply | None = None
    #: (issue 20) The agreed development plan, in both copies; None when there is none (or it is not agreed).
    plan: PlanReport | None = None

    @property
    def for_hr(self) -> bool:
        return self.audience == "hr"

    @property
    def copy_label(self) -> str:
        """Whose copy this is, printed on the cover and in every page header (in the current language)."""
        return _(COPY_LABELS[self.audience])


@dataclass(frozen=True)
class PanelRow:
    """One candidate in the cycle's heat-map; scores and required levels follow ``PanelData.competencies``."""

    candidate_name: str
    target_role_name: str
    band_id: str
    band_label: str
    #: Decision score per competency, None when there is none.
    scores: tuple[float | None, ...]
    #: Required level per competency for this candidate's target role, None when the role does not ask it.
    required: tuple[int | None, ...]
    calibrated_label: str | None = None
    #: A calibration awaiting a second HR person's approval: shown, never counted as in force.
    proposed_label: str | None = None
    #: For Panel review: the band the rules would give.
    provisional_label: str = ""
    #: The verdict rests mainly on a rater flagged by rater quality (HR's panel summary marks it).
    rests_on_flagged: bool = False
    #: The calibration (in force, else proposed): its reason code's label and who sat on its panel.
    calibration_reason: str = ""
    calibration_panel: str = ""


@dataclass(frozen=True)
class PanelData:
    """A cycle at a glance for the promotion panel: candidates x competencies, and counts per verdict."""

    cycle_name: str
    framework_name: str
    framework_version: str
    content_hash: str
    #: (competency id, name) in framework order: the heat-map's columns.
    competencies: tuple[tuple[str, str], ...]
    #: (band id, label) in verdict order, best first, then insufficient evidence: the count table's rows.
    bands: tuple[tuple[str, str], ...]
    rows: tuple[PanelRow, ...]
    generated_at: datetime
    #: The language the summary is written in.
    language: str = language.DEFAULT_LANGUAGE


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def report_data(
    framework: Framework,
    result: ReadinessResult,
    *,
    candidate_name: str,
    current_role: str,
    cycle_name: str,
    assessed_on: date,
    calibration: CalibratedVerdict | None = None,
    generated_at: datetime | None = None,
    audience: str = "candidate",
    rater_notes=None,
    rests_on_flagged: str = "",
    language_code: str | None = None,
    not_counted: str = "",
    trend: Trend | None = None,
    candidate_reply: CandidateReply | None = None,
    plan: PlanReport | None = None,
) -> ReportData:
    """The report data for one assessment from the pinned framework and its readiness result, for an audience.

    ``language_code`` is the report's language, by default the current one: build the framework and the result
    in it too (``with language.use(code)``), since they carry text (names, rules, explanations)."""
    if audience not in AUDIENCES:
        raise ValueError(f"unknown report audience {audience!r}; expected one of {', '.join(AUDIENCES)}")
    if audience == "candidate":
        # The candidate's copy is made from the engine's candidate view, whoever builds it: no number in it
        # depends on peers kept anonymous; and rater quality (it names raters) never reaches it.
        result = candidate_view(result)
        rater_notes, rests_on_flagged, not_counted, candidate_reply = None, "", "", None
    return ReportData(
        candidate_name=candidate_name,
        current_role_name=framework.role(current_role).name,
        target_role_name=result.target_role_name,
        cycle_name=cycle_name,
        assessed_on=assessed_on,
        result=result,
        framework_name=framework.name,
        framework_version=framework.version,
        content_hash=framework.content_hash,
        scale=framework.scale.levels,
        not_observed_label=framework.scale.not_observed_label,
        not_observed_summary=framework.scale.not_observed_summary,
        rules_text=rules_in_words(framework.readiness),
        challenges_text=challenges_in_words(framework.readiness),
        sources=framework.sources,
        calibration=calibration,
        generated_at=generated_at or _now(),
        audience=audience,
        rater_notes=tuple(rater_notes) if rater_notes is not None else None,
        rests_on_flagged=rests_on_flagged,
        not_counted=not_counted,
        anchor_sources=anchor_sources(framework),
        language=language.normalise(language_code) or language.current(),
        best_fit=framework.scale.best_fit,
        short_acquaintance_months=(framework.readiness.rater_relationship.min_months
                                   if framework.readiness.rater_relationship else None),
        sources_text=sources_in_words(framework),
        trend=trend,
        candidate_reply=candidate_reply,
        plan=plan,
    )


def panel_row(candidate_name: str, result: ReadinessResult, framework: Framework, calibrated_label=None,
              proposed_label=None, rests_on_flagged: bool = False, calibration_reason: str = "",
              calibration_panel: str = "") -> PanelRow:
    """One heat-map row from a candidate's readiness result."""
    by_id = {c.competency_id: c for c in result.competencies}
    return PanelRow(
        candidate_name=candidate_name,
        target_role_name=result.target_role_name,
        band_id=result.band_id,
        band_label=result.band_label,
        scores=tuple(by_id[c.id].decision_score if c.id in by_id else None for c in framework.competencies),
        required=tuple(by_id[c.id].required if c.id in by_id else None for c in framework.competencies),
        calibrated_label=calibrated_label,
        proposed_label=proposed_label,
        provisional_label=result.provisional_band_label if result.is_panel_review else "",
        rests_on_flagged=rests_on_flagged,
        calibration_reason=calibration_reason,
        calibration_panel=calibration_panel,
    )


def panel_data(framework: Framework, cycle_name: str, rows, generated_at: datetime | None = None,
               language_code: str | None = None) -> PanelData:
    """The panel summary data of a cycle from its rows (``panel_row``), in the order given."""
    bands = verdicts(framework.readiness)
    return PanelData(
        cycle_name=cycle_name,
        framework_name=framework.name,
        framework_version=framework.version,
        content_hash=framework.content_hash,
        competencies=tuple((c.id, c.name) for c in framework.competencies),
        bands=bands,
        rows=tuple(rows),
        generated_at=generated_at or _now(),
        language=language.normalise(language_code) or language.current(),
    )
