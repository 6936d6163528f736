"""From the database to the readiness core: submitted sheets in, results and report data out.

Each sheet counts with its last SUBMITTED revision: a submitted sheet with its current revision, a sheet HR
reopened and not yet resubmitted with the revision it was submitted in (so closing a cycle never silently drops
a submission); a sheet never submitted does not count. Raters are passed to the core under neutral keys
("manager-1", "peer-2", "self"), never names or ids, so nothing downstream can identify them. A whole
cycle is loaded in a fixed number of queries, whatever its size. The sheets asked for per rater group go in
too, so the report can say "2 peers were asked; none submitted"; the candidate sees ``visible_result``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import partial

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from rubrics import NOT_OBSERVED, Framework, language
from rubrics.readiness import RaterSheet, ReadinessResult, assess_readiness, candidate_view, verdict_label

from ..extensions import db
from ..framework import pinned_framework
from ..models import HAS_RESULTS, Assessment, Calibration, Cycle, RaterAssignment, Rating, Submission
from . import results_store
from . import conflicts as conflict_service
from .calibrations import in_force, pending
from .translation import _, ngettext


@dataclass(frozen=True)
class AssessmentResult:
    """One assessment with its computed result, the calibration in force (or None) and, for HR, a proposal
    awaiting a second HR person's approval (or None): a proposal is never in force."""

    assessment: Assessment
    result: ReadinessResult
    calibration: Calibration | None
    proposal: Calibration | None = None


def _counted_revision(assessment_ids):
    """The revision a sheet counts with (None when never submitted), and the outer join it needs; only the
    submissions of ``assessment_ids`` (a list, or a select of ids) are read."""
    # Submission rows say which revisions were submitted; a reopened sheet's draft revision has none. Only these
    # assessments' submissions are grouped: grouping every submission cost 44 ms per call on PostgreSQL at
    # 5,000 candidates (docs/scale.md).
    last = (sa.select(Submission.assignment_id, sa.func.max(Submission.revision).label("revision"))
            .join(RaterAssignment, RaterAssignment.id == Submission.assignment_id)
            .where(RaterAssignment.assessment_id.in_(assessment_ids))
            .group_by(Submission.assignment_id).subquery())
    counted = sa.case((RaterAssignment.status == "submitted", RaterAssignment.revision), else_=last.c.revision)
    return counted, last


def _submitted_assignments(assessment_ids: Sequence[int]):
    """(assignment id, assessment id, rater group) of every sheet with a submitted revision, by id."""
    counted, last = _counted_revision(assessment_ids)
    return db.session.execute(
        sa.select(RaterAssignment.id, RaterAssignment.assessment_id, RaterAssignment.rater_group)
        .outerjoin(last, last.c.assignment_id == RaterAssignment.id)
        .where(RaterAssignment.assessment_id.in_(assessment_ids), counted.is_not(None))
        .order_by(RaterAssignment.id)
    ).all()


def not_counted(assessment_ids: Sequence[int]) -> dict[int, int]:
    """Submitted sheets left out per assessment id because of a conflict of interest HR has not cleared."""
    excluded = set(conflict_service.uncleared(assessment_ids)) if assessment_ids else set()
    found: dict[int, int] = defaultdict(int)
    if excluded:
        for assignment_id, assessment_id, _group in _submitted_assignments(assessment_ids):
            if assignment_id in excluded:
                found[assessment_id] += 1
    return dict(found)


def not_counted_text(count: int) -> str:
    """What the results page and HR's report say about sheets left out (empty when none)."""
    return ngettext("%(num)d sheet not counted: conflict of interest, not cleared",
                    "%(num)d sheets not counted: conflict of interest, not cleared", count) if count else ""


def load_sheets(assessment_ids: Sequence[int]) -> dict[int, list[RaterSheet]]:
    """The sheets (last submitted revision) of these assessments, per assessment id, in a few queries. A sheet
    whose rater has a conflict of interest HR has not cleared is left out: the engine never receives it."""
    if not assessment_ids:
        return {}
    counted, last = _counted_revision(assessment_ids)
    excluded = set(conflict_service.uncleared(assessment_ids))
    assignments = [row for row in _submitted_assignments(assessment_ids) if row[0] not in excluded]
    ratings = defaultdict(dict)
    comments = defaultdict(dict)
    if assignments:
        rows = db.session.execute(
            sa.select(Rating.assignment_id, Rating.competency_id, Rating.level, Rating.is_not_observed,
                      Rating.evidence)
            .join(RaterAssignment, RaterAssignment.id == Rating.assignment_id)
            .outerjoin(last, last.c.assignment_id == RaterAssignment.id)
            .where(RaterAssignment.assessment_id.in_(assessment_ids), Rating.revision == counted)
        ).all()
        for assignment_id, competency_id, level, not_observed, evidence in rows:
            value = NOT_OBSERVED if not_observed else level
            if value is not None:
                ratings[assignment_id][competency_id] = value
            if evidence and evidence.strip():
                comments[assignment_id][competency_id] = evidence.strip()
    sheets: dict[int, list[RaterSheet]] = {assessment_id: [] for assessment_id in assessment_ids}
    counters: dict[tuple[int, str], int] = defaultdict(int)
    for assignment_id, assessment_id, group in assignments:
        counters[assessment_id, group] += 1
        key = "self" if group == "self" else f"{group}-{counters[assessment_id, group]}"
        sheets[assessment_id].append(RaterSheet(rater_key=key, group=group, ratings=dict(ratings[assignment_id]),
                                                comments=dict(comments[assignment_id])))
    return sheets


def load_assigned(assessment_ids: Sequence[int]) -> dict[int, dict[str, int]]:
    """Sheets asked for per rater group (self, manager, peer), per assessment id, in one query: the report says
    "2 peers were asked; none submitted" rather than nothing at all."""
    assigned: dict[int, dict[str, int]] = {assessment_id: {} for assessment_id in assessment_ids}
    if assessment_ids:
        for assessment_id, group, count in db.session.execute(
            sa.select(RaterAssignment.assessment_id, RaterAssignment.rater_group, sa.func.count(RaterAssignment.id))
            .where(RaterAssignment.assessment_id.in_(assessment_ids))
            .group_by(RaterAssignment.assessment_id, RaterAssignment.rater_group)
        ):
            assigned[assessment_id][group] = count
    return assigned


def _calibrations(assessment_ids: Sequence[int]) -> dict[int, list[Calibration]]:
    """Every calibration of these assessments, oldest first, per assessment id (one query, plus the people)."""
    found: dict[int, list[Calibration]] = defaultdict(list)
    if assessment_ids:
        for calibration in db.session.scalars(
            sa.select(Calibration).where(Calibration.assessment_id.in_(assessment_ids))
            .options(selectinload(Calibration.created_by), selectinload(Calibration.approved_by))
            .order_by(Calibration.id)
        ):
            found[calibration.assessment_id].append(calibration)
    return found


def assess(assessment: Assessment) -> AssessmentResult:
    """The readiness result of one assessment from its submitted sheets, with its calibration."""
    result = results_store.fresh_results(assessment.cycle, [assessment], compute_results)[assessment.id]
    return AssessmentResult(assessment, result, in_force(assessment.calibrations), pending(assessment.calibrations))


def visible_result(outcome: AssessmentResult, audience: str) -> AssessmentResult:
    """The outcome as this audience may see it: HR everything, the candidate the engine's candidate view."""
    if audience == "hr":
        return outcome
    return AssessmentResult(outcome.assessment, candidate_view(outcome.result), outcome.calibration)


def compute_results(assessments: Sequence[Assessment]) -> dict[int, ReadinessResult]:
    """The engine's result for each of these assessments (of one cycle) from their submitted sheets, per id."""
    if not assessments:
        return {}
    framework = pinned_framework(assessments[0].cycle)
    ids = [a.id for a in assessments]
    sheets, assigned = load_sheets(ids), load_assigned(ids)
    return {a.id: assess_readiness(framework, a.target_role, sheets[a.id], assigned[a.id]) for a in assessments}


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


def assess_many(cycle: Cycle, assessments: Sequence[Assessment], *, as_type: type = ReadinessResult
                ) -> list[AssessmentResult]:
    """These assessments of one cycle with their results (or the part ``as_type`` of them, see
    ``results_store.fresh_results``) and calibrations, in a fixed number of queries."""
    results = results_store.fresh_results(cycle, assessments, compute_results, as_type=as_type)
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


def _cycle_flags(cycle: Cycle):
    # Imported here: rater quality reads the sheets with this module's helpers (no import circle at load).
    from .rater_flags import cycle_flags

    return cycle_flags(cycle)


#: The bulk export's choice "each candidate in their own language".
OWN_LANGUAGE = "own"


def report_language(assessment: Assessment, requested: str | None = None) -> str:
    """The language of a candidate's report: the one asked for, else the candidate's own (their account's
    ``language``), else the current one (the reader's)."""
    return (language.normalise(requested) or language.normalise(assessment.candidate.language)
            or language.current())


def report_data(assessment: Assessment, *, audience: str, lang: str | None = None):
    """The plain data of one candidate's PDF report (``reports.data.ReportData``) for "hr" or "candidate", in
    ``report_language(assessment, lang)``; HR's copy carries the rater-quality flags of the candidate's raters.

    The result and the framework carry text (competency names, rules, explanations), so both are made in the
    report's language, as is the report itself."""
    with language.use(report_language(assessment, lang)) as code:
        flags = _cycle_flags(assessment.cycle) if audience == "hr" else None
        left_out = not_counted([assessment.id]).get(assessment.id, 0)
        return _report_data(pinned_framework(assessment.cycle), assess(assessment), audience, flags, code, left_out)


def cycle_report_data(cycle: Cycle, lang: str | None = None) -> list[tuple[AssessmentResult, object]]:
    """Every assessment of a cycle with its result and HR's report data (the bulk export is for HR), in
    ``lang`` for all, or (None or ``OWN_LANGUAGE``) each candidate in their own language, else the current one.
    The outcomes keep the cycle's order; each is computed in its report's language."""
    fixed = language.normalise(lang)
    assessments = cycle_assessments(cycle)
    by_language: dict[str, list[Assessment]] = defaultdict(list)
    for assessment in assessments:
        by_language[fixed or report_language(assessment)].append(assessment)
    made: dict[int, tuple[AssessmentResult, object]] = {}
    left_out = not_counted([a.id for a in assessments])
    for code, group in by_language.items():
        with language.use(code):
            framework = pinned_framework(cycle)
            flags = _cycle_flags(cycle)
            for outcome in assess_many(cycle, group):
                made[outcome.assessment.id] = (outcome, _report_data(framework, outcome, "hr", flags, code,
                                                                     left_out.get(outcome.assessment.id, 0)))
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
    from reports.data import CalibratedVerdict

    calibration = outcome.calibration
    if audience == "hr" and outcome.proposal is not None:
        calibration = outcome.proposal
    if calibration is None:
        return None
    if audience == "hr":
        text = calibration.rationale
    else:
        text = calibration.candidate_note or _("HR wrote no note about this calibration.")
    return CalibratedVerdict(band_label=verdict_label(framework.readiness, calibration.band_id), rationale=text,
                             by=calibration.created_by.name, at=calibration.created_at, status=calibration.status,
                             approved_by=calibration.approved_by.name if calibration.approved_by else None)


def _report_data(framework: Framework, outcome: AssessmentResult, audience: str, flags=None, code=None,
                 left_out: int = 0):
    from reports.data import report_data as build

    from .rater_flags import report_flags

    assessment = outcome.assessment
    # The builder makes the candidate's copy from the engine's candidate view and leaves rater quality out of it
    # (docs/readiness.md, 3); ``flags`` is given for HR's copies only.
    return build(framework, outcome.result, candidate_name=assessment.candidate.name,
                 current_role=assessment.current_role, cycle_name=assessment.cycle.name,
                 assessed_on=_assessed_on(assessment.cycle),
                 calibration=_calibrated_verdict(framework, outcome, audience), audience=audience,
                 language_code=code, **report_flags(flags, assessment.id), not_counted=not_counted_text(left_out))


def _band_label(framework: Framework, calibration: Calibration | None) -> str | None:
    return verdict_label(framework.readiness, calibration.band_id) if calibration is not None else None


def panel_data(cycle: Cycle, outcomes: Sequence[AssessmentResult] | None = None, lang: str | None = None):
    """The plain data of the cycle's panel summary PDF (heat-map and verdict counts), candidates by name, in
    ``lang`` (default: the current language). ``outcomes`` must have been computed in that language (their
    competency names and band labels are text); without them the cycle is assessed in it."""
    with language.use(language.normalise(lang) or language.current()):
        return _panel_data(cycle, outcomes)


def _panel_data(cycle: Cycle, outcomes: Sequence[AssessmentResult] | None):
    from reports.data import panel_data as build, panel_row

    framework = pinned_framework(cycle)
    outcomes = assess_cycle(cycle) if outcomes is None else outcomes
    flags = _cycle_flags(cycle)
    label = partial(_band_label, framework)
    rows = [panel_row(o.assessment.candidate.name, o.result, framework, label(o.calibration), label(o.proposal),
                      rests_on_flagged=bool(flags and flags.rests_on(o.assessment.id)))
            for o in sorted(outcomes, key=lambda o: o.assessment.candidate.name.casefold())]
    return build(framework, cycle.name, rows)
