"""Readiness results stored, not recomputed on every view; recomputed once when stale, never served stale.

Each assessment's ``ReadinessResult`` is stored as JSON (``result_codec``: generic over the engine's frozen
dataclasses) under the *fingerprint* of everything it is computed from: the engine version, the cycle's rubric
hash and state, the target role, the candidate's months in leadership and in the current role (the eligibility
checks), every counted sheet (id, group, status, counted revision) and the latest calibration. Reading a result recomputes the fingerprint from a few small queries; a stored result whose
fingerprint or engine version differs (or that no longer decodes) is recomputed and stored again.

``ENGINE_VERSION`` changes by itself when the engine's source or the shape of its result types changes, so a
new engine never reads results made by an old one; ``ENGINE_REVISION`` is there to force it by hand.

A result holds text (rule explanations, competency names), so it is stored once per language: each row is
for the language that was current when it was computed, and is read only in that language.

Stored rows are also deleted as soon as an input changes (the listeners below), so that cycle-wide
queries can trust the rows that exist and only fill in the missing ones (``refresh_cycle``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from functools import cache
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event

import rubrics
from rubrics import Framework, language
from rubrics.readiness import ReadinessResult

from ..extensions import db
from ..framework import pinned_framework
from ..models import (Assessment, AssessorConsensus, Calibration, ConflictClearance, Cycle, RaterAssignment,
                      StoredResult, Submission)
from . import conflicts, result_codec
from .rater_flags import CycleFlags, flagged_raters, flags_under_keys
from .sheets import counts, neutral_keys
from .stored_rows import changed, write_rows
from .wash_up import consensus_fingerprints

#: Bump to recompute every stored result even though the engine's source did not change.
ENGINE_REVISION = 2  # 2: the agreement index is stored beside the result (talent review)
#: Assessments per query and per batch of recomputation (keeps IN lists and memory bounded).
BATCH = 500

#: ``readiness.compute_results``: the results of some assessments of one cycle, given the rater flags (``flags=``,
#: per assessment id) that went into their fingerprints.
Compute = Callable[..., dict[int, ReadinessResult]]


@cache
def engine_version() -> str:
    """The revision, the result types' shape and a hash of the engine's source and its catalogues: any change
    makes a new one."""
    digest = hashlib.sha256()
    folder = Path(rubrics.__file__).parent
    # Everything the result depends on: the engine, its data types and texts, the sheet rules it counts by.
    prefixes = ("readiness", "model", "language", "i18n", "eligibility", "sheet")
    paths = [p for p in folder.glob("*.py") if p.name.startswith(prefixes)]
    for path in sorted(paths) + sorted(folder.glob("translations/*/LC_MESSAGES/*.po")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return f"{ENGINE_REVISION}.{result_codec.shape(ReadinessResult)}.{digest.hexdigest()[:16]}"


def _chunks(items: Sequence, size: int = BATCH) -> Iterable[Sequence]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _counted_revision():
    """The revision a sheet counts with (None when never submitted; see ``sheets.load_sheets``), as a
    correlated subquery: one index lookup per sheet, where a grouped subquery would read every submission."""
    last = (sa.select(sa.func.max(Submission.revision)).where(Submission.assignment_id == RaterAssignment.id)
            .correlate(RaterAssignment).scalar_subquery())
    return sa.case((RaterAssignment.status == "submitted", RaterAssignment.revision), else_=last)


def input_fingerprints(cycle: Cycle, assessments: Sequence[Assessment], *, framework: Framework | None = None
                       ) -> dict[int, str]:
    """The fingerprint of each assessment's inputs now (see ``inputs``)."""
    return inputs(cycle, assessments, framework=framework)[0]


def inputs(cycle: Cycle, assessments: Sequence[Assessment], *, framework: Framework | None = None,
           quality: CycleFlags | None | bool = False) -> tuple[dict[int, str], dict[int, dict[str, tuple[str, ...]]]]:
    """The fingerprint of each assessment's inputs now, and the rater flags that went into it (per assessment id,
    under the engine's rater keys, for ``compute_results(..., flags=)``: asked once, not again to compute), in
    five queries per batch (conflicts not cleared and their clearances, sheets, calibrations, the consensus).
    ``quality``: the cycle's ``rater_flags.cycle_flags`` when the caller has it already."""
    framework = framework or pinned_framework(cycle)
    rubric = cycle.rubric_version.content_hash if cycle.rubric_version else framework.content_hash
    fingerprints: dict[int, str] = {}
    flags: dict[int, dict[str, tuple[str, ...]]] = {}
    # The cycle's flagged raters are asked once, not per batch: a batch only maps them to its candidates.
    by_user = flagged_raters(cycle, framework, quality=quality)
    for batch in _chunks(list(assessments)):
        ids = [a.id for a in batch]
        # A conflicted sheet counts only once HR clears it: clearing (or a new conflict) changes the inputs.
        excluded = set(conflicts.uncleared(ids))
        sheets, counted = _sheets(ids, excluded)
        calibrations = dict(db.session.execute(
            sa.select(Calibration.assessment_id, sa.func.max(Calibration.id))
            .where(Calibration.assessment_id.in_(ids)).group_by(Calibration.assessment_id)).all())
        found = flags_under_keys(by_user, ids, neutral_keys(counted))
        flags.update(found)
        consensus = consensus_fingerprints(ids)
        for a in batch:
            left_out = [i for i, *_rest in sheets[a.id] if i in excluded]
            parts = [engine_version(), rubric, cycle.state, a.target_role, a.current_role, sheets[a.id],
                     calibrations.get(a.id), left_out, a.leadership_months, a.current_role_months]
            if found:  # rubric 2026.12.3: the cycle's rater flags can change the verdict
                # A sheet of ANOTHER candidate can change a rater's flag, so they are part of the fingerprint.
                parts.append(sorted([key, list(value)] for key, value in found.get(a.id, {}).items()))
            if a.id in consensus:  # issue 18: the assessors' consensus is one sheet of the verdict
                parts.append(["assessor-consensus", consensus[a.id]])
            fingerprints[a.id] = hashlib.sha256(json.dumps(parts).encode()).hexdigest()
    return fingerprints, flags


def _sheets(ids: Sequence[int], excluded: set[int]) -> tuple[dict[int, list], list[tuple]]:
    """Per assessment id, what of each sheet the result depends on; and the sheets that count, as
    ``sheets.neutral_keys`` takes them (one query)."""
    sheets: dict[int, list] = {i: [] for i in ids}
    counted = []
    # The levels and their situations change only with a submitted revision; how long and how closely the rater
    # knows the candidate is kept on the sheet itself (a reopened draft can change it), so it is read as well.
    for assignment_id, assessment_id, group, status, revision, known_for, closeness, rater_id in db.session.execute(
        sa.select(RaterAssignment.id, RaterAssignment.assessment_id, RaterAssignment.rater_group,
                  RaterAssignment.status, _counted_revision(), RaterAssignment.known_for,
                  RaterAssignment.closeness, RaterAssignment.rater_id)
        .where(RaterAssignment.assessment_id.in_(ids)).order_by(RaterAssignment.id)
    ):
        relationship = [known_for, closeness] if known_for or closeness else []
        sheets[assessment_id].append((assignment_id, group, status, revision, *relationship))
        if counts(assignment_id, group, revision, excluded):
            counted.append((assignment_id, assessment_id, group, rater_id))
    return sheets, counted


def fresh_results(cycle: Cycle, assessments: Sequence[Assessment], compute: Compute, *,
                  as_type: type = ReadinessResult, framework: Framework | None = None,
                  quality: CycleFlags | None | bool = False) -> dict[int, ReadinessResult]:
    """The current result of each assessment: stored when still fresh, else computed (once) and stored.

    ``as_type`` decodes only part of each stored result: a dataclass whose fields are some of
    ``ReadinessResult``'s (recursively), for a page that shows only those; a result computed now is
    returned whole (it has those fields too). ``framework``: the cycle's pinned framework, and ``quality``: its
    ``rater_flags.cycle_flags``, when the caller has them.
    """
    framework = framework or pinned_framework(cycle)
    fingerprints, flags = inputs(cycle, assessments, framework=framework, quality=quality)
    results: dict[int, ReadinessResult] = {}
    for batch in _chunks([a.id for a in assessments]):
        for row in db.session.execute(
            sa.select(StoredResult.assessment_id, StoredResult.fingerprint, StoredResult.payload)
            .where(StoredResult.assessment_id.in_(batch), StoredResult.language == language.current(),
                   StoredResult.engine_version == engine_version())
        ):
            if row.fingerprint != fingerprints[row.assessment_id]:
                continue
            try:
                results[row.assessment_id] = result_codec.loads(as_type, row.payload)
            except (TypeError, KeyError, ValueError):  # made for another shape: recompute it
                pass
    stale = [a for a in assessments if a.id not in results]
    if stale:
        computed = compute(stale, flags=flags)
        store(cycle, {a.id: (fingerprints[a.id], computed[a.id]) for a in stale}, framework=framework)
        results.update(computed)
    return results


def _row(framework, assessment_id: int, fingerprint: str, result: ReadinessResult) -> dict:
    order = {band.id: i for i, band in enumerate(framework.readiness.bands)}
    return {"assessment_id": assessment_id, "language": language.current(), "fingerprint": fingerprint,
            "engine_version": engine_version(),
            "band_id": result.band_id, "verdict_rank": order.get(result.band_id, len(order)),
            "weighted_attainment": result.weighted_attainment, "agreement": result.agreement,
            "decision_scores": {c.competency_id: c.decision_score for c in result.competencies},
            "payload": result_codec.dumps(result), "computed_at": sa.func.now()}


def store(cycle: Cycle, results: dict[int, tuple[str, ReadinessResult]], *, framework: Framework | None = None
          ) -> None:
    """Store (insert or replace) results with their fingerprints (``stored_rows.write_rows``: on a connection of
    its own when the request has written nothing yet, else in the request's transaction)."""
    if not results:
        return
    framework = framework or pinned_framework(cycle)
    rows = [_row(framework, i, fingerprint, result) for i, (fingerprint, result) in results.items()]
    write_rows(StoredResult.__table__, rows, ("assessment_id", "language"))


def missing_results(cycle: Cycle) -> list[int]:
    """Ids of the cycle's assessments without a stored result from this engine in the current language (one
    query)."""
    return list(db.session.scalars(
        sa.select(Assessment.id).outerjoin(
            StoredResult, sa.and_(StoredResult.assessment_id == Assessment.id,
                                  StoredResult.language == language.current(),
                                  StoredResult.engine_version == engine_version()))
        .where(Assessment.cycle_id == cycle.id, StoredResult.assessment_id.is_(None)).order_by(Assessment.id)))


def refresh_cycle(cycle: Cycle, compute: Compute, *, force: bool = False, missing: Sequence[int] | None = None,
                  progress: Callable[[int, int], None] | None = None, framework: Framework | None = None) -> int:
    """Compute and store the cycle's missing results (``missing``, when the caller has just asked for them;
    every result with ``force``); returns how many.

    A stored row exists only while its inputs are unchanged (the listeners delete it otherwise), so after this
    the cycle's stored rows can be counted and sorted on.
    """
    if force:
        ids = list(db.session.scalars(sa.select(Assessment.id).where(Assessment.cycle_id == cycle.id)
                                      .order_by(Assessment.id)))
    else:
        ids = list(missing) if missing is not None else missing_results(cycle)
    framework = framework or pinned_framework(cycle)
    done = 0
    for batch in _chunks(ids):
        assessments = list(db.session.scalars(sa.select(Assessment).where(Assessment.id.in_(batch))
                                              .order_by(Assessment.id)))
        fingerprints, flags = inputs(cycle, assessments, framework=framework)
        computed = compute(assessments, flags=flags)
        store(cycle, {a.id: (fingerprints[a.id], computed[a.id]) for a in assessments}, framework=framework)
        done += len(assessments)
        if progress:
            progress(done, len(ids))
    return done


# --- a stored result is deleted as soon as one of its inputs changes through the ORM ------------------------

_table = StoredResult.__table__


def _forget(connection, assessment_ids) -> None:
    connection.execute(_table.delete().where(_table.c.assessment_id.in_(assessment_ids)))



@event.listens_for(Submission, "after_insert")
@event.listens_for(Submission, "after_update")
@event.listens_for(Submission, "after_delete")
def _submission_changed(mapper, connection, target):
    # Rubric 2026.12.3: a sheet can change the rater-quality flags of every rater of this candidate, and so the
    # verdicts of every candidate those raters rate: forget those too (two hops; the fingerprint checks anyway).
    candidate = sa.select(RaterAssignment.assessment_id).where(RaterAssignment.id == target.assignment_id)
    raters = sa.select(RaterAssignment.rater_id).where(RaterAssignment.assessment_id.in_(candidate))
    _forget(connection, sa.select(RaterAssignment.assessment_id).where(RaterAssignment.rater_id.in_(raters))
            .union(candidate))


@event.listens_for(RaterAssignment, "after_insert")
@event.listens_for(RaterAssignment, "after_delete")
def _sheet_added_or_removed(mapper, connection, target):
    _forget(connection, [target.assessment_id])


@event.listens_for(RaterAssignment, "after_update")
def _sheet_changed(mapper, connection, target):
    # Saving a draft again changes none of these (its result stays); a submit or a reopen does.
    if changed(target, "status", "revision", "rater_group", "assessment_id"):
        _forget(connection, [target.assessment_id])


@event.listens_for(ConflictClearance, "after_insert")
def _conflict_cleared(mapper, connection, target):
    # The fingerprint changes too (the sheet is no longer left out); this drops the stored row at once.
    _forget(connection, sa.select(RaterAssignment.assessment_id).where(RaterAssignment.id == target.assignment_id))


@event.listens_for(Calibration, "after_insert")
@event.listens_for(Calibration, "after_update")
@event.listens_for(Calibration, "after_delete")
def _calibration_changed(mapper, connection, target):
    _forget(connection, [target.assessment_id])


@event.listens_for(AssessorConsensus, "after_insert")
@event.listens_for(AssessorConsensus, "after_update")
@event.listens_for(AssessorConsensus, "after_delete")
def _consensus_changed(mapper, connection, target):
    _forget(connection, [target.assessment_id])


@event.listens_for(Assessment, "after_update")
def _assessment_changed(mapper, connection, target):
    if changed(target, "target_role", "current_role", "cycle_id", "leadership_months", "current_role_months"):
        _forget(connection, [target.id])


@event.listens_for(Assessment, "before_delete")
def _assessment_deleted(mapper, connection, target):
    _forget(connection, [target.id])


@event.listens_for(Cycle, "after_update")
def _cycle_changed(mapper, connection, target):
    if changed(target, "state", "rubric_version_id"):
        _forget(connection, sa.select(Assessment.id).where(Assessment.cycle_id == target.id))
