"""From the database to the readiness core: submitted sheets in, results and report data out.

Each sheet counts with its last SUBMITTED revision: a submitted sheet with its current revision, a sheet HR
reopened and not yet resubmitted with the revision it was submitted in (so closing a cycle never silently drops
a submission); a sheet never submitted does not count. Raters are passed to the core under neutral keys
("manager-1", "peer-2", "self"), never names or ids, so nothing downstream can identify them. A whole
cycle is loaded in a fixed number of queries, whatever its size. The sheets asked for per rater group go in
too, so the report can say "2 peers were asked; none submitted"; the candidate sees ``visible_result``.
"""

from __future__ import annotations

from collections import OrderedDict, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import partial

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from reports.charts import radar_svg
from reports.data import CalibratedVerdict, panel_row
from reports.data import panel_data as build_panel_data, report_data as build_report_data
from rubrics import Framework, language
from rubrics.eligibility import Tenure
from rubrics.readiness import ReadinessResult, assess_readiness, candidate_view, verdict_label

from ..extensions import db
from ..framework import pinned_framework
from ..models import HAS_RESULTS, Assessment, Calibration, Cycle
from . import results_store
from .calibration_rules import in_force, pending, reason_label
from .replies import report_replies
from .plan_queries import report_plans
from .rater_flags import CycleFlags, cycle_flags, rater_flags_for_results, report_flags
from .sheets import load_assigned, load_sheets, not_counted, not_counted_text
from .translation import _


@dataclass(frozen=True)
class AssessmentResult:
    """One assessment with its computed result, the calibration in force (or None) and, for HR, a proposal
    awaiting a second HR person's approval (or None): a proposal is never in force."""

    assessment: Assessment
    result: ReadinessResult
    calibration: Calibration | None
    proposal: Calibration | None = None


def _calibrations(assessment_ids: Sequence[int]) -> dict[int, list[Calibration]]:
    """Every calibration of these assessments, oldest first, per assessment id (one query, plus the people)."""
    found: dict[int, list[Calibration]] = defaultdict(list)
    if assessment_ids:
        for calibration in db.session.scalars(
            sa.select(Calibration).where(Calibration.assessment_id.in_(assessment_ids))
            .options(selectinload(Calibration.created_by), selectinload(Calibration.approved_by),
                     selectinload(Calibration.panel))
            .order_by(Calibration.id)
        ):
            found[calibration.assessment_id].append(calibration)
    return found


def assess(assessment: Assessment, *, framework: Framework | None = None, quality: CycleFlags | None | bool = False
           ) -> AssessmentResult:
    """The readiness result of one assessment from its submitted sheets, with its calibration (``framework``: the
    cycle's pinned framework, ``quality``: its ``cycle_flags``, when the caller has them already)."""
    framework = framework or pinned_framework(assessment.cycle)
    compute = partial(compute_results, framework=framework)
    result = results_store.fresh_results(assessment.cycle, [assessment], compute, framework=framework,
                                         quality=quality)[assessment.id]
    return AssessmentResult(assessment, result, in_force(assessment.calibrations), pending(assessment.calibrations))


def visible_result(outcome: AssessmentResult, audience: str) -> AssessmentResult:
    """The outcome as this audience may see it: HR everything, the candidate the engine's candidate view."""
    if audience == "hr":
        return outcome
    return AssessmentResult(outcome.assessment, candidate_view(outcome.result), outcome.calibration)


#: The results page's charts (the radar, the trend since the last cycle), kept per process (see ``kept_chart``).
_CHARTS: OrderedDict[tuple, str] = OrderedDict()
_CHARTS_KEPT = 256


def kept_chart(key: tuple, draw) -> str:
    """The SVG ``draw()`` makes for ``key`` (everything the chart shows, with the language), drawn once per process
    and kept for the last ``_CHARTS_KEPT`` keys: drawing costs more than the rest of a chart's page."""
    key = (language.texts_key(), *key)
    svg = _CHARTS.get(key)
    if svg is None:
        svg = _CHARTS[key] = draw()
        while len(_CHARTS) > _CHARTS_KEPT:
            _CHARTS.popitem(last=False)
    else:
        _CHARTS.move_to_end(key)
    return svg


def radar_chart(result: ReadinessResult) -> str:
    """The results page's radar of ``result`` as SVG: drawn once per process for the same competencies (names,
    scores, what the candidate's copy leaves out), target role and language, which is all the chart shows."""
    return kept_chart(("radar", result.target_role_name, result.is_candidate_view, result.competencies),
                      lambda: radar_svg(result))


def compute_results(assessments: Sequence[Assessment], *, framework: Framework | None = None,
                    flags: dict[int, dict[str, tuple[str, ...]]] | None = None) -> dict[int, ReadinessResult]:
    """The engine's result for each of these assessments (of one cycle) from their submitted sheets, per id;
    ``flags``: their rater flags when the caller has them (``results_store.inputs``), else they are asked."""
    if not assessments:
        return {}
    framework = framework or pinned_framework(assessments[0].cycle)
    ids = [a.id for a in assessments]
    sheets, assigned = load_sheets(ids), load_assigned(ids)
    if flags is None:
        flags = rater_flags_for_results(assessments[0].cycle, ids, framework)
    return {a.id: assess_readiness(framework, a.target_role, sheets[a.id], assigned[a.id], flags.get(a.id),
                                   tenure=tenure(a))
            for a in assessments}


def tenure(assessment: Assessment) -> Tenure:
    """The candidate's track record as the assessment records it (checked against the role's eligibility rule)."""
    return Tenure(assessment.leadership_months, assessment.current_role_months)


def candidate_sees_results(assessment: Assessment) -> bool:
    """Whether the candidate may see this assessment's results (page and PDF): the cycle is released, HR did
    not withhold them, and the candidate was not withdrawn. The one place this is decided."""
    return assessment.cycle.state == "released" and not assessment.is_withheld and not assessment.is_withdrawn


def cycle_assessments(cycle: Cycle, *, target_role: str | None = None) -> list[Assessment]:
    """The cycle's assessments with results (``HAS_RESULTS``: withdrawn candidates left out), optionally for
    one target role, with their candidates, in one query."""
    query = (sa.select(Assessment).where(Assessment.cycle_id == cycle.id, HAS_RESULTS)
             .options(selectinload(Assessment.candidate)).order_by(Assessment.id))
    if target_role:
        query = query.where(Assessment.target_role == target_role)
    return list(db.session.scalars(query))


def assess_cycle(cycle: Cycle, *, target_role: str | None = None) -> list[AssessmentResult]:
    """Every assessment of a cycle with its result and calibration, in a fixed number of queries."""
    assessments = cycle_assessments(cycle, target_role=target_role)
    return assess_many(cycle, assessments)


def assess_many(cycle: Cycle, assessments: Sequence[Assessment], *, as_type: type = ReadinessResult,
                framework: Framework | None = None) -> list[AssessmentResult]:
    """These assessments of one cycle with their results (or the part ``as_type`` of them, see
    ``results_store.fresh_results``) and calibrations, in a fixed number of queries."""
    framework = framework or pinned_framework(cycle)
    results = results_store.fresh_results(cycle, assessments, partial(compute_results, framework=framework),
                                          as_type=as_type, framework=framework)
    calibrations = _calibrations([a.id for a in assessments])
    return [AssessmentResult(a, results[a.id], in_force(calibrations[a.id]), pending(calibrations[a.id]))
            for a in assessments]


def assess_cycle_batches(cycle: Cycle, *, batch: int = results_store.BATCH, as_type: type = ReadinessResult):
    """``assess_cycle`` a batch at a time (for exports of any size in flat memory): lists of AssessmentResult."""
    ids = list(db.session.scalars(sa.select(Assessment.id).where(Assessment.cycle_id == cycle.id, HAS_RESULTS)
                                  .order_by(Assessment.id)))
    for start in range(0, len(ids), batch):
        assessments = list(db.session.scalars(
            sa.select(Assessment).where(Assessment.id.in_(ids[start:start + batch]))
            .options(selectinload(Assessment.candidate)).order_by(Assessment.id)))
        yield assess_many(cycle, assessments, as_type=as_type)


def report_audience(user) -> str:
    """Which version of a report this user gets: "hr" for HR, "candidate" for anyone else (the candidate)."""
    return "hr" if user is not None and user.role == "hr" else "candidate"


#: The bulk export's choice "each candidate in their own language".
OWN_LANGUAGE = "own"


def report_language(assessment: Assessment, requested: str | None = None) -> str:
    """The language of a candidate's report: the one asked for, else the candidate's own (their account's
    ``language``), else the current one (the reader's)."""
    return (language.normalise(requested) or language.normalise(assessment.candidate.language)
            or language.current())


def report_data(assessment: Assessment, *, audience: str, lang: str | None = None, trend: Callable | None = None):
    """The plain data of one candidate's PDF report (``reports.data.ReportData``) for "hr" or "candidate", in
    ``report_language(assessment, lang)``; HR's copy carries the rater-quality flags of the candidate's raters.

    The result and the framework carry text (competency names, rules, explanations), so both are made in the
    report's language, as is the report itself; so is the trend since the last cycle, ``trend(assessment, result,
    audience=)`` (``services.history.trend``, which builds on this module), when given."""
    with language.use(report_language(assessment, lang)) as code:
        framework = pinned_framework(assessment.cycle)
        flags = cycle_flags(assessment.cycle, framework=framework) if audience == "hr" else None
        left_out = not_counted([assessment.id]).get(assessment.id, 0)
        outcome = assess(assessment, framework=framework, quality=flags if audience == "hr" else False)
        reply = report_replies([assessment.id]).get(assessment.id) if audience == "hr" else None
        plan = report_plans([assessment.id], framework).get(assessment.id)
        return _report_data(framework, outcome, audience, flags, code, left_out,
                            trend=trend(assessment, visible_result(outcome, audience).result, audience=audience)
                            if trend else None,
                            candidate_reply=reply, plan=plan)


def cycle_report_data(cycle: Cycle, lang: str | None = None, *, trend: Callable | None = None
                      ) -> list[tuple[AssessmentResult, object]]:
    """Every assessment of a cycle with its result and HR's report data (the bulk export is for HR), in
    ``lang`` for all, or (None or ``OWN_LANGUAGE``) each candidate in their own language, else the current one.
    The outcomes keep the cycle's order; each is computed in its report's language (with ``trend``, see
    ``report_data``)."""
    fixed = language.normalise(lang)
    assessments = cycle_assessments(cycle)
    by_language: dict[str, list[Assessment]] = defaultdict(list)
    for assessment in assessments:
        by_language[fixed or report_language(assessment)].append(assessment)
    made: dict[int, tuple[AssessmentResult, object]] = {}
    left_out = not_counted([a.id for a in assessments])
    candidate_replies = report_replies([a.id for a in assessments])
    for code, group in by_language.items():
        with language.use(code):
            framework = pinned_framework(cycle)
            flags = cycle_flags(cycle, framework=framework)
            plans = report_plans([a.id for a in group], framework)
            for outcome in assess_many(cycle, group, framework=framework):
                since = trend(outcome.assessment, outcome.result, audience="hr") if trend else None
                made[outcome.assessment.id] = (outcome, _report_data(
                    framework, outcome, "hr", flags, code, left_out.get(outcome.assessment.id, 0), trend=since,
                    candidate_reply=candidate_replies.get(outcome.assessment.id), plan=plans.get(outcome.assessment.id)))
    return [made[a.id] for a in assessments]


def _assessed_on(cycle: Cycle) -> date:
    """The date a report speaks for: the cycle's end date, else the day it closed, else today."""
    if cycle.ends_on:
        return cycle.ends_on
    return cycle.closed_at.date() if cycle.closed_at else date.today()


def _calibrated_verdict(framework: Framework, outcome: AssessmentResult, audience: str):
    """The calibration the report shows: HR's copy the one in force or, before it, a pending proposal marked
    as proposed; the candidate's copy only the one in force, with the note to the candidate (never HR's
    rationale)."""
    calibration = outcome.calibration
    if audience == "hr" and outcome.proposal is not None:
        calibration = outcome.proposal
    if calibration is None:
        return None
    if audience == "hr":
        text = calibration.rationale
    else:
        text = calibration.candidate_note or _("HR wrote no note about this calibration.")
    governance = {"reason": reason_label(framework.readiness, calibration.reason_code),
                  "panel": calibration.panel_text} if audience == "hr" else {}
    return CalibratedVerdict(band_label=verdict_label(framework.readiness, calibration.band_id), rationale=text,
                             by=calibration.created_by.name, at=calibration.created_at, status=calibration.status,
                             approved_by=calibration.approved_by.name if calibration.approved_by else None,
                             **governance)


def _report_data(framework: Framework, outcome: AssessmentResult, audience: str, flags: CycleFlags | None = None,
                 code=None, left_out: int = 0, trend=None, candidate_reply=None,
                 plan=None):
    assessment = outcome.assessment
    # The builder makes the candidate's copy from the engine's candidate view and leaves rater quality out of it
    # (docs/readiness.md, 3); ``flags`` is given for HR's copies only.
    return build_report_data(framework, outcome.result, candidate_name=assessment.candidate.name,
                             current_role=assessment.current_role, cycle_name=assessment.cycle.name,
                             assessed_on=_assessed_on(assessment.cycle),
                             calibration=_calibrated_verdict(framework, outcome, audience), audience=audience,
                             language_code=code, **report_flags(flags, assessment.id),
                             not_counted=not_counted_text(left_out), trend=trend,
                             candidate_reply=candidate_reply, plan=plan)


def _calibration_governance(framework: Framework, calibration: Calibration | None) -> dict:
    """The panel summary's reason and panel of a calibration (none: empty)."""
    if calibration is None:
        return {}
    return {"calibration_reason": reason_label(framework.readiness, calibration.reason_code),
            "calibration_panel": calibration.panel_text}


def _band_label(framework: Framework, calibration: Calibration | None) -> str | None:
    return verdict_label(framework.readiness, calibration.band_id) if calibration is not None else None


def panel_data(cycle: Cycle, outcomes: Sequence[AssessmentResult] | None = None, lang: str | None = None):
    """The plain data of the cycle's panel summary PDF (heat-map and verdict counts), candidates by name, in
    ``lang`` (default: the current language). ``outcomes`` must have been computed in that language (their
    competency names and band labels are text); without them the cycle is assessed in it."""
    with language.use(language.normalise(lang) or language.current()):
        return _panel_data(cycle, outcomes)


def _panel_data(cycle: Cycle, outcomes: Sequence[AssessmentResult] | None):
    framework = pinned_framework(cycle)
    outcomes = assess_many(cycle, cycle_assessments(cycle), framework=framework) if outcomes is None else outcomes
    flags = cycle_flags(cycle, framework=framework)
    label = partial(_band_label, framework)
    rows = [panel_row(o.assessment.candidate.name, o.result, framework, label(o.calibration), label(o.proposal),
                      rests_on_flagged=bool(flags and flags.rests_on(o.assessment.id)),
                      **_calibration_governance(framework, o.proposal or o.calibration))
            for o in sorted(outcomes, key=lambda o: o.assessment.candidate.name.casefold())]
    return build_panel_data(framework, cycle.name, rows)
