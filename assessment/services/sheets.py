"""The sheets that count: each rater's last SUBMITTED revision, read for many assessments in a fixed number of
queries. Readiness (``readiness``) and rater quality (``rater_quality``) both read them from here.

A submitted sheet counts with its current revision, a sheet HR reopened and not yet resubmitted with the revision
it was submitted in (so closing a cycle never silently drops a submission); a sheet never submitted does not
count; nor does a sheet whose rater has a conflict of interest HR has not cleared (``not_counted`` says how many
were left out). Raters are keyed neutrally ("manager-1", "peer-2", "self"), never by name or id.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import sqlalchemy as sa

from rubrics import NOT_OBSERVED
from rubrics.readiness import RaterSheet
from rubrics.readiness_model import Situation
from rubrics.situations import known_months

from ..extensions import db
from ..models import RaterAssignment, Rating, Submission
from . import conflicts as conflict_service
from .translation import ngettext
from .wash_up import consensus_sheets

#: (issue 18) The assessors' own exercise sheets never count: their wash-up consensus does, as one sheet.
ASSESSOR = "assessor"


def counted_revision(assessment_ids):
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


def _submitted_assignments(assessment_ids: Sequence[int], *columns):
    """(assignment id, assessment id, rater group, *``columns``) of every sheet with a submitted revision, by id."""
    counted, last = counted_revision(assessment_ids)
    return db.session.execute(
        sa.select(RaterAssignment.id, RaterAssignment.assessment_id, RaterAssignment.rater_group, *columns)
        .outerjoin(last, last.c.assignment_id == RaterAssignment.id)
        .where(RaterAssignment.assessment_id.in_(assessment_ids), counted.is_not(None))
        .order_by(RaterAssignment.id)
    ).all()


def not_counted(assessment_ids: Sequence[int]) -> dict[int, int]:
    """Submitted sheets left out per assessment id because of a conflict of interest HR has not cleared."""
    excluded = set(conflict_service.uncleared(assessment_ids)) if assessment_ids else set()
    found: dict[int, int] = defaultdict(int)
    if excluded:
        for assignment_id, assessment_id, *_rest in _submitted_assignments(assessment_ids):
            if assignment_id in excluded:
                found[assessment_id] += 1
    return dict(found)


def not_counted_text(count: int) -> str:
    """What the results page and HR's report say about sheets left out (empty when none)."""
    return ngettext("%(num)d sheet not counted: conflict of interest, not cleared",
                    "%(num)d sheets not counted: conflict of interest, not cleared", count) if count else ""


def load_sheets(assessment_ids: Sequence[int]) -> dict[int, list[RaterSheet]]:
    """The sheets (last submitted revision) of these assessments, per assessment id, in a few queries. A sheet
    whose rater has a conflict of interest HR has not cleared is left out: the engine never receives it. Each
    sheet carries where and how long its levels were seen, and how long and closely its rater has worked with the
    candidate (2026.12.4; empty when not recorded)."""
    if not assessment_ids:
        return {}
    excluded = set(conflict_service.uncleared(assessment_ids))
    assignments = _counted_assignments(assessment_ids, excluded, RaterAssignment.known_for,
                                       RaterAssignment.closeness)
    ratings, comments, situations = _counted_ratings(assessment_ids) if assignments else ({}, {}, {})
    sheets: dict[int, list[RaterSheet]] = {assessment_id: [] for assessment_id in assessment_ids}
    counters: dict[tuple[int, str], int] = defaultdict(int)
    for assignment_id, assessment_id, group, known_for, closeness in assignments:
        sheets[assessment_id].append(RaterSheet(
            rater_key=_neutral_key(counters, assessment_id, group), group=group, ratings=dict(ratings.get(assignment_id, {})),
            comments=dict(comments.get(assignment_id, {})), situations=dict(situations.get(assignment_id, {})),
            known_months=known_months(known_for), closeness=closeness or None))
    _add_consensus(sheets)
    return sheets


def _counted_assignments(assessment_ids: Sequence[int], excluded: set[int], *columns) -> list:
    """The submitted sheets that count (by id, with ``columns``): not a conflicted one HR has not cleared, never an
    assessor's own exercise sheet."""
    return [row for row in _submitted_assignments(assessment_ids, *columns)
            if counts(row[0], row[2], 0, excluded)]


def _add_consensus(sheets: dict[int, list[RaterSheet]]) -> None:
    """(issue 18) Each assessment's assessor consensus, when it has one, as ONE sheet of the assessors' group."""
    for assessment_id, sheet in consensus_sheets(list(sheets)).items():
        sheets[assessment_id].append(sheet)


def _counted_ratings(assessment_ids: Sequence[int]) -> tuple[dict, dict, dict]:
    """Per assignment id: the counted revision's levels, evidence texts and situations, by competency id."""
    counted, last = counted_revision(assessment_ids)
    ratings, comments, situations = defaultdict(dict), defaultdict(dict), defaultdict(dict)
    rows = db.session.execute(
        sa.select(Rating.assignment_id, Rating.competency_id, Rating.level, Rating.is_not_observed,
                  Rating.evidence, Rating.seen_in, Rating.seen_weeks)
        .join(RaterAssignment, RaterAssignment.id == Rating.assignment_id)
        .outerjoin(last, last.c.assignment_id == RaterAssignment.id)
        .where(RaterAssignment.assessment_id.in_(assessment_ids), Rating.revision == counted)
    ).all()
    for assignment_id, competency_id, level, not_observed, evidence, seen_in, seen_weeks in rows:
        value = NOT_OBSERVED if not_observed else level
        if value is not None:
            ratings[assignment_id][competency_id] = value
        if evidence and evidence.strip():
            comments[assignment_id][competency_id] = evidence.strip()
        if seen_in and level is not None:
            situations[assignment_id][competency_id] = Situation(seen_in, seen_weeks)
    return ratings, comments, situations


def rater_ids(assessment_ids: Sequence[int]) -> dict[int, dict[str, str]]:
    """Per assessment id, the engine's neutral rater key ("manager-1") -> the rater's user id (as text), keyed as
    ``load_sheets`` keys them: for the cycle's rater-quality flags only (HR data; never shown)."""
    excluded = set(conflict_service.uncleared(assessment_ids)) if assessment_ids else set()
    rows = _counted_assignments(assessment_ids, excluded, RaterAssignment.rater_id) if assessment_ids else []
    return {assessment_id: {} for assessment_id in assessment_ids} | neutral_keys(rows)


def neutral_keys(rows) -> dict[int, dict[str, str]]:
    """``rater_ids`` from the counted sheets at hand: rows of (assignment id, assessment id, rater group, rater id),
    by assignment id, of the sheets that count (see ``counts``)."""
    found: dict[int, dict[str, str]] = defaultdict(dict)
    counters: dict[tuple[int, str], int] = defaultdict(int)
    for _assignment_id, assessment_id, group, rater_id in rows:
        found[assessment_id][_neutral_key(counters, assessment_id, group)] = str(rater_id)
    return dict(found)


def counts(assignment_id: int, group: str, counted_revision: int | None, excluded: set[int]) -> bool:
    """Whether a sheet counts: it has a submitted revision, no uncleared conflict, and is not an assessor's own."""
    return counted_revision is not None and assignment_id not in excluded and group != ASSESSOR


def _neutral_key(counters: dict[tuple[int, str], int], assessment_id: int, group: str) -> str:
    """The next neutral key of ``group`` on this assessment ("manager-2"; "self"), counting in ``counters``."""
    counters[assessment_id, group] += 1
    return "self" if group == "self" else f"{group}-{counters[assessment_id, group]}"


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
            # The assessors' group counts one sheet however many assessors: their consensus.
            assigned[assessment_id][group] = 1 if group == ASSESSOR else count
    return assigned
