"""History across cycles (issue 20, part 2): every assessment of a person with its verdict, calibration and
release date, and the trend of each competency since the last cycle against the same target role.

What is compared: the same person, the same target role, cycles whose results are out (closed or released for
HR; released to the candidate, not withheld, for the candidate), and per competency only when its definition
(the anchors of its levels in each cycle's pinned snapshot) is the same in both cycles; a competency added or
redefined says so instead of a number. The candidate's copy never trends a competency withheld from them (to keep
raters anonymous) in either cycle.

Earlier cycles' results are read from the stored results (``results_store``: a row exists only while its inputs
are unchanged, so it is trusted as the overview trusts it; decision scores and verdict ids are the same in every
language); only a missing one is computed, once, and stored.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, selectinload

from reports.trend import (ADDED, COMPARED, FIRST, REDEFINED, UNRATED, WITHHELD, CompetencyTrend, Trend,
                           TrendPoint, trend_svg)
from rubrics.readiness import ReadinessResult, verdict_label

from ..extensions import db
from ..framework import pinned_framework
from ..models import Assessment, AuditEvent, Calibration, Cycle, StoredResult
from . import result_codec
from .calibration_rules import in_force, pending
from .readiness import assess_many, candidate_sees_results, kept_chart
from .results_store import engine_version

#: The cycle states whose results HR sees in a person's history (an open cycle's verdicts are not out yet).
RESULT_STATES = ("closed", "released")


@dataclass(frozen=True)
class CompetencyScore:
    """The part of a stored competency result the history reads."""

    competency_id: str
    decision_score: float | None
    is_withheld_from_candidate: bool = False


@dataclass(frozen=True)
class HistoryResult:
    """The part of a stored readiness result the history reads (``results_store.fresh_results``' ``as_type``)."""

    band_id: str
    competencies: tuple[CompetencyScore, ...]


@dataclass(frozen=True)
class HistoryRow:
    """One assessment of the person on their history page. ``verdict`` is the verdict in force (the calibrated one
    when there is one), ``computed`` the engine's; both None while the results are not out (``state``)."""

    assessment: Assessment
    current_role_name: str
    target_role_name: str
    #: "results", "in_progress" (the cycle is not closed yet), "withdrawn"; HR also sees "withheld" rows.
    state: str
    computed: str | None = None
    verdict: str | None = None
    calibrated_at: datetime | None = None
    #: HR only: a calibration proposed and awaiting a second HR person (its band's label).
    proposal: str | None = None
    released_at: datetime | None = None

    @property
    def is_calibrated(self) -> bool:
        return self.calibrated_at is not None


def cycle_key(cycle: Cycle) -> tuple:
    """The order of cycles in a history: by start date (else the day it opened, else was created), then id."""
    day = cycle.starts_on or _day(cycle.opened_at) or _day(cycle.created_at) or date.min
    return day, cycle.id


def _day(moment: datetime | None) -> date | None:
    return moment.date() if moment is not None else None


def person_assessments(person_id: int, *, target_role: str | None = None) -> list[Assessment]:
    """Every assessment of a person (of one target role, when given), oldest cycle first, with their cycles,
    pinned rubrics and calibrations loaded (a fixed number of queries)."""
    query = (sa.select(Assessment).where(Assessment.candidate_id == person_id)
             .options(selectinload(Assessment.cycle).selectinload(Cycle.rubric_version),
                      selectinload(Assessment.calibrations).selectinload(Calibration.created_by)))
    if target_role is not None:
        query = query.where(Assessment.target_role == target_role)
    return sorted(db.session.scalars(query), key=lambda a: cycle_key(a.cycle))


def shows_results(assessment: Assessment, audience: str) -> bool:
    """Whether ``audience`` ("hr" or "candidate") sees this assessment's results in the history."""
    if assessment.is_withdrawn:
        return False
    if audience == "hr":
        return assessment.cycle.state in RESULT_STATES
    return candidate_sees_results(assessment)


def history_results(assessments: Sequence[Assessment], *, withheld: bool = True) -> dict[int, HistoryResult]:
    """The verdict and decision scores of each assessment: stored rows of this engine (one query, any language),
    the missing ones computed and stored per cycle. ``withheld``: also which competencies the candidate's copy
    withholds (read from the stored result itself; without it the row's verdict and score columns suffice)."""
    found: dict[int, HistoryResult] = {}
    ids = [a.id for a in assessments]
    columns = (StoredResult.assessment_id, StoredResult.payload if withheld else StoredResult.band_id,
               StoredResult.decision_scores)
    if ids:
        for assessment_id, stored, scores in db.session.execute(
            sa.select(*columns).where(StoredResult.assessment_id.in_(ids),
                                      StoredResult.engine_version == engine_version())
        ):
            if assessment_id in found:
                continue
            if not withheld:
                found[assessment_id] = HistoryResult(stored, tuple(CompetencyScore(cid, score)
                                                                   for cid, score in (scores or {}).items()))
                continue
            try:
                found[assessment_id] = result_codec.loads(HistoryResult, stored)
            except (TypeError, KeyError, ValueError):  # another shape: computed again below
                pass
    missing: dict[int, list[Assessment]] = defaultdict(list)
    cycles = {}
    for assessment in assessments:
        if assessment.id not in found:
            missing[assessment.cycle_id].append(assessment)
            cycles[assessment.cycle_id] = assessment.cycle
    for cycle_id, group in missing.items():
        for outcome in assess_many(cycles[cycle_id], group, as_type=HistoryResult):
            found[outcome.assessment.id] = outcome.result
    return found


def _released_at(assessments: Sequence[Assessment]) -> dict[int, datetime]:
    """When each assessment's results reached the candidate: the cycle's release, or, for one withheld then
    released alone, that release (its audit event; one query)."""
    ids = [a.id for a in assessments]
    alone = dict(db.session.execute(
        sa.select(AuditEvent.subject_id, sa.func.max(AuditEvent.occurred_at))
        .where(AuditEvent.kind == "assessment.release", AuditEvent.subject_id.in_(ids))
        .group_by(AuditEvent.subject_id)).all()) if ids else {}
    return {a.id: alone.get(a.id) or a.cycle.released_at for a in assessments
            if a.cycle.state == "released" and not a.is_withheld}


def person_history(person_id: int, *, audience: str) -> list[HistoryRow]:
    """Every assessment of the person, newest cycle first, as ``audience`` may see it: HR all of them (results
    once the cycle is closed), the candidate only those released to them (and never HR's pending proposals)."""
    assessments = person_assessments(person_id)
    if audience != "hr":
        assessments = [a for a in assessments if shows_results(a, audience)]
    with_results = [a for a in assessments if shows_results(a, audience)]
    results = history_results(with_results, withheld=False)
    released = _released_at(assessments)
    rows = []
    for assessment in reversed(assessments):
        rows.append(_row(assessment, results.get(assessment.id), released.get(assessment.id), audience))
    return rows


def _row(assessment: Assessment, result: HistoryResult | None, released_at, audience: str) -> HistoryRow:
    framework = pinned_framework(assessment.cycle)
    roles = dict(current_role_name=framework.role(assessment.current_role).name,
                 target_role_name=framework.role(assessment.target_role).name)
    if result is None:
        state = "withdrawn" if assessment.is_withdrawn else "in_progress"
        return HistoryRow(assessment, state=state, **roles)
    label = lambda band_id: verdict_label(framework.readiness, band_id)  # noqa: E731
    calibration = in_force(assessment.calibrations)
    proposal = pending(assessment.calibrations) if audience == "hr" else None
    withheld = assessment.cycle.state == "released" and assessment.is_withheld
    return HistoryRow(assessment, state="withheld" if withheld else "results", computed=label(result.band_id),
                      verdict=label(calibration.band_id if calibration else result.band_id),
                      calibrated_at=calibration.created_at if calibration else None,
                      proposal=label(proposal.band_id) if proposal else None, released_at=released_at, **roles)


# ---------------------------------------------------------------- the trend per competency

_DEFINITIONS: dict[str, dict[str, tuple[str, ...]]] = {}


def definitions(cycle: Cycle) -> dict[str, tuple[str, ...]]:
    """Per competency id, the anchors of its levels in the cycle's pinned snapshot (in the rubric's own language,
    white space normalised): what "the same definition" means across rubric versions."""
    version = cycle.rubric_version
    if version is None:
        return {c.id: tuple(c.anchors) for c in pinned_framework(cycle).competencies}
    found = _DEFINITIONS.get(version.content_hash)
    if found is None:
        snapshot = version.snapshot or {}
        own = (snapshot.get("languages") or ["en"])[0]
        found = _DEFINITIONS[version.content_hash] = {
            str(c.get("id")): tuple(_anchor(value, own) for _key, value in sorted((c.get("levels") or {}).items()))
            for c in snapshot.get("competencies") or ()}
    return found


def _anchor(value, own: str) -> str:
    if isinstance(value, dict) and "anchor" in value:
        value = value["anchor"]
    if isinstance(value, dict):
        value = value.get(own) or next(iter(value.values()), "")
    return " ".join(str(value).split())


def _comparable(before: Cycle, after: Cycle, competency_id: str) -> str | None:
    """None when the competency means the same in both cycles; else ADDED or REDEFINED."""
    if before.rubric_version_id == after.rubric_version_id:
        return None
    old = definitions(before)
    if competency_id not in old:
        return ADDED
    return None if old[competency_id] == definitions(after).get(competency_id) else REDEFINED


def trend(assessment: Assessment, result: ReadinessResult, *, audience: str) -> Trend:
    """The trend of ``assessment`` (whose result, as this audience sees it, is ``result``) against the person's
    earlier cycles for the same target role that ``audience`` sees."""
    earlier = _earlier(assessment, audience)
    stored = history_results(earlier, withheld=audience != "hr")
    chain = earlier + [assessment]
    scores = [_scores(stored[a.id].competencies) for a in earlier] + [_scores(result.competencies)]
    hide = audience != "hr"
    rows = tuple(_competency_trend(comp, chain, scores, hide) for comp in result.competencies)
    return Trend(target_role_name=result.target_role_name,
                 previous_cycle=earlier[-1].cycle.name if earlier else "",
                 cycles=tuple(a.cycle.name for a in chain), rows=rows)


def _earlier(assessment: Assessment, audience: str) -> list[Assessment]:
    """The person's assessments for the same target role in cycles before this one whose results ``audience``
    sees, oldest first, with their cycles (one query; a pinned rubric is loaded only when it is compared)."""
    query = (sa.select(Assessment).join(Assessment.cycle).options(contains_eager(Assessment.cycle))
             .where(Assessment.candidate_id == assessment.candidate_id, Assessment.id != assessment.id,
                    Assessment.target_role == assessment.target_role, Assessment.withdrawn_at.is_(None),
                    Cycle.state.in_(RESULT_STATES if audience == "hr" else ("released",))))
    if audience != "hr":
        query = query.where(Assessment.is_withheld.is_(False))
    now = cycle_key(assessment.cycle)
    found = [a for a in db.session.scalars(query) if cycle_key(a.cycle) < now and shows_results(a, audience)]
    return sorted(found, key=lambda a: cycle_key(a.cycle))


def trend_chart(trend: Trend) -> str:
    """The results page's trend chart as SVG, drawn once per process for the same trend and language."""
    return kept_chart(("trend", trend), lambda: trend_svg(trend))


def _scores(competencies) -> dict[str, tuple[float | None, bool]]:
    return {c.competency_id: (c.decision_score, c.is_withheld_from_candidate) for c in competencies}


def _competency_trend(comp, chain: list[Assessment], scores: list[dict], hide: bool) -> CompetencyTrend:
    cid = comp.competency_id
    points = []
    for index, assessment in enumerate(chain):
        score, withheld = scores[index].get(cid, (None, False))
        if hide and withheld:
            score = None
        joined = index > 0 and cid in scores[index - 1] and _comparable(chain[index - 1].cycle, assessment.cycle,
                                                                         cid) is None
        points.append(TrendPoint(assessment.cycle.name, score, joined))
    now, withheld_now = scores[-1].get(cid, (None, False))
    if hide and withheld_now:
        now = None  # whatever the status (first, added, redefined): a withheld score is never shown
    base = dict(competency_id=cid, name=comp.name, required=comp.required, points=tuple(points))
    if len(chain) == 1:
        return CompetencyTrend(score=now, previous=None, status=FIRST, **base)
    if cid not in scores[-2]:
        return CompetencyTrend(score=now, previous=None, status=ADDED, **base)
    change = _comparable(chain[-2].cycle, chain[-1].cycle, cid)
    before, withheld_before = scores[-2][cid]
    if change is not None:
        return CompetencyTrend(score=now, previous=None, status=change, **base)
    if hide and (withheld_now or withheld_before):
        return CompetencyTrend(score=None, previous=None, status=WITHHELD, **base)
    if now is None or before is None:
        return CompetencyTrend(score=now, previous=before, status=UNRATED, **base)
    return CompetencyTrend(score=now, previous=before, status=COMPARED, **base)
