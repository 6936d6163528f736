"""The assessors' wash-up (integration) for one candidate (issue 18): once every assessor sheet of the candidate is
submitted, the candidate's assessors (or HR) agree one consensus level per competency the scheduled exercises
show, with a reason, and a written resolution where the assessors were far apart (``rubrics.wash_up``).

The consensus is kept as ``AssessorConsensus`` rows (who agreed, when), audited, editable while the cycle is open
and locked after. It enters the verdict as ONE sheet of the assessors' group (``consensus_sheets``); the
individual assessor sheets never do. Two people saving at once: the save names the consensus it was based on
(``consensus_version``); a save based on an older one is refused, what was typed is kept.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from rubrics import NOT_OBSERVED, Framework
from rubrics.readiness_model import RaterSheet, Situation
from rubrics.wash_up import consensus_problems, consensus_stands, level_range, resolution_needed

from ..extensions import db
from ..models import Assessment, AssessorConsensus, RaterAssignment, Rating, Submission, User, utcnow
from . import ConflictError, NotAllowed, ServiceError
from .audit import record_audit
from .calibration_rules import MIN_DISTINCT_WORDS, real_words
from .exercises import ASSESSOR, assessor_sheets

#: The engine's key of the consensus sheet (one per assessment).
CONSENSUS_KEY = "assessor-consensus"


@dataclass(frozen=True)
class Observation:
    """One assessor's answer on one competency in one exercise (assessors are named to each other)."""

    assessor: str
    exercise_id: str
    value: int | str | None
    evidence: str


@dataclass(frozen=True)
class WashUpRow:
    """One competency of the wash-up: what each assessor saw, and the consensus saved so far (None: not yet)."""

    competency_id: str
    observations: tuple[Observation, ...]
    consensus: AssessorConsensus | None
    resolve: bool
    #: The saved consensus still counts: every assessor sheet is submitted and it lies within their levels now.
    counts: bool = False

    @property
    def levels(self) -> tuple[int | str | None, ...]:
        return tuple(o.value for o in self.observations)

    @property
    def span(self) -> tuple[int, int] | None:
        return level_range(self.levels)


@dataclass(frozen=True)
class ConsensusAnswer:
    """What was typed for one competency: a level, ``NOT_OBSERVED`` or None (unanswered), reason, resolution."""

    value: int | str | None
    reason: str = ""
    resolution: str = ""


class WashUpRefused(ServiceError):
    """The consensus cannot be saved: ``problems`` per form field ("level_<cid>", "reason_<cid>", ...)."""

    def __init__(self, problems: Mapping[str, str]):
        super().__init__(_("The consensus was not saved: see the problems below."))
        self.problems = dict(problems)


def is_ready(assessment: Assessment) -> bool:
    """Every assessor sheet of the candidate is submitted (and there is at least one)."""
    sheets = assessor_sheets(assessment)
    return bool(sheets) and all(s.status == "submitted" for s in sheets)


def may_take_part(assessment: Assessment, user: User) -> bool:
    """HR, or one of the candidate's assessors: who may see the wash-up. HR staff who rate the candidate
    otherwise (their manager, a peer...) may not, nor the candidate: they would see the assessors' evidence and
    could overrule it."""
    groups = {s.rater_group for s in assessment.assignments if s.rater_id == user.id}
    if user.id == assessment.candidate_id or groups - {ASSESSOR}:
        return False
    return ASSESSOR in groups or user.role == "hr"


def _observations(assessment: Assessment) -> dict[str, list[Observation]]:
    found: dict[str, list[Observation]] = defaultdict(list)
    for sheet in sorted(assessor_sheets(assessment), key=lambda s: (s.exercise_id, s.rater.name, s.id)):
        for rating in sheet.current_ratings():
            value = NOT_OBSERVED if rating.is_not_observed else rating.level
            found[rating.competency_id].append(Observation(sheet.rater.name, sheet.exercise_id, value,
                                                           (rating.evidence or "").strip()))
    return found


def consensus_rows(assessment: Assessment) -> dict[str, AssessorConsensus]:
    return {row.competency_id: row for row in db.session.scalars(
        sa.select(AssessorConsensus).where(AssessorConsensus.assessment_id == assessment.id))}


def wash_up_rows(assessment: Assessment, framework: Framework) -> list[WashUpRow]:
    """Per competency the assessors rated (rubric order), their answers and the consensus so far."""
    found = _observations(assessment)
    saved = consensus_rows(assessment)
    apart = framework.readiness.wash_up_resolve_apart
    ready, rows = is_ready(assessment), []
    for competency in (c for c in framework.competencies if c.id in found):
        levels, consensus = [o.value for o in found[competency.id]], saved.get(competency.id)
        counts = consensus is not None and ready and consensus_stands(levels, consensus_value(consensus))
        rows.append(WashUpRow(competency.id, tuple(found[competency.id]), consensus,
                              resolution_needed(levels, apart), counts=counts))
    return rows


def consensus_version(assessment: Assessment) -> str:
    """A short stamp of the consensus saved now ("" when none): a save names the one it was based on."""
    rows = sorted((r.competency_id, r.id, r.agreed_at.isoformat() if r.agreed_at else "")
                  for r in consensus_rows(assessment).values())
    return hashlib.sha256(repr(rows).encode()).hexdigest()[:16] if rows else ""


def _check(assessment: Assessment, actor: User, expected_version: str) -> None:
    if not may_take_part(assessment, actor):
        raise NotAllowed(_("Only the candidate's assessors or HR can agree the consensus."))
    if assessment.cycle.state != "open" or assessment.is_withdrawn:
        raise NotAllowed(_("The cycle is not open (or the candidate was withdrawn): the consensus is locked."))
    if not is_ready(assessment):
        raise NotAllowed(_("The wash-up opens once every assessor has submitted their exercise sheet."))
    if expected_version != consensus_version(assessment):
        raise ConflictError(_("Someone else saved the consensus after you opened this page, so your save was "
                              "refused to avoid overwriting it. What you typed is kept below; open the page again "
                              "to see the saved consensus, then make your changes there."))


def save_consensus(assessment: Assessment, answers: Mapping[str, ConsensusAnswer], *, framework: Framework,
                   actor: User, expected_version: str) -> list[AssessorConsensus]:
    """Save the consensus on every competency of the wash-up, or nothing (``WashUpRefused`` lists every problem).
    The assessment row is locked first, so two first saves at once cannot both pass the version check."""
    db.session.execute(sa.select(Assessment.id).where(Assessment.id == assessment.id).with_for_update())
    _check(assessment, actor, expected_version)
    rows = wash_up_rows(assessment, framework)
    problems = {}
    for row in rows:
        answer = answers.get(row.competency_id, ConsensusAnswer(None))
        for field_name, text in consensus_problems(row.levels, answer.value, answer.reason, answer.resolution,
                                                   framework.readiness.wash_up_resolve_apart).items():
            problems[f"{field_name}_{row.competency_id}"] = text
        for field_name, text in wording_problems(row, answer).items():
            problems.setdefault(f"{field_name}_{row.competency_id}", text)
    if problems:
        raise WashUpRefused(problems)
    saved, before, now = [], {}, utcnow()
    for row in rows:
        answer = answers[row.competency_id]
        item = row.consensus or AssessorConsensus(assessment_id=assessment.id, competency_id=row.competency_id)
        if row.consensus is not None:
            before[row.competency_id] = _audit_value(item)
        item.level = None if answer.value == NOT_OBSERVED else answer.value
        item.is_not_observed = answer.value == NOT_OBSERVED
        item.reason, item.resolution = answer.reason.strip(), answer.resolution.strip() if row.resolve else ""
        item.agreed_by_id, item.agreed_at = actor.id, now
        db.session.add(item)
        saved.append(item)
    db.session.flush()
    record_audit("assessment.consensus", assessment,
                 f"{actor.name} saved the assessors' consensus for {assessment.candidate.name}", actor=actor,
                 cycle_id=assessment.cycle_id, before=before or None,
                 after={item.competency_id: _audit_value(item) for item in saved})
    return saved


def wording_problems(row: WashUpRow, answer: ConsensusAnswer) -> dict[str, str]:
    """The reason (and, where required, the resolution) must say something: at least ``MIN_DISTINCT_WORDS``
    different real words, the check calibrations and conflict clearances use ("." is not a reason)."""
    problems = {}
    if (answer.reason or "").strip() and len(set(real_words(answer.reason))) < MIN_DISTINCT_WORDS:
        problems["reason"] = _("Say in a sentence why the assessors agreed this (at least %(num)d different real "
                               "words).", num=MIN_DISTINCT_WORDS)
    if row.resolve and (answer.resolution or "").strip() and \
            len(set(real_words(answer.resolution))) < MIN_DISTINCT_WORDS:
        problems["resolution"] = _("Say in a sentence how the disagreement was resolved (at least %(num)d "
                                   "different real words).", num=MIN_DISTINCT_WORDS)
    return problems


def consensus_value(item: AssessorConsensus) -> int | str | None:
    return NOT_OBSERVED if item.is_not_observed else item.level


def _audit_value(item: AssessorConsensus) -> list:
    """[level or "not_observed", reason, resolution]: one short line per competency in the audit trail."""
    return [consensus_value(item), item.reason, item.resolution]


def _waiting(assessment_ids: Sequence[int]) -> set[int]:
    """The assessments with an assessor sheet not submitted (never submitted, or reopened)."""
    return set(db.session.scalars(
        sa.select(RaterAssignment.assessment_id).distinct()
        .where(RaterAssignment.assessment_id.in_(assessment_ids), RaterAssignment.rater_group == ASSESSOR,
               RaterAssignment.status != "submitted")))


def consensus_sheets(assessment_ids: Sequence[int]) -> dict[int, RaterSheet]:
    """The assessors' consensus as ONE engine sheet per assessment that has one (three queries): the consensus
    levels, the reasons as comments, and per competency the exercises that showed its level as its situation.
    A consensus counts only while every assessor sheet of the candidate is submitted and it lies within their
    levels as they are now: after a sheet is reopened and changed, the rows are kept (history) but left out until
    the assessors agree again. A consensus level counts only where at least two different assessors gave a level
    (``counted_consensus``)."""
    if not assessment_ids:
        return {}
    rows = db.session.scalars(sa.select(AssessorConsensus).where(AssessorConsensus.assessment_id.in_(assessment_ids))
                              .order_by(AssessorConsensus.id)).all()
    if not rows:
        return {}
    seen = submitted_assessor_levels(assessment_ids)
    # With every assessor sheet submitted, each sheet's current revision is its last submitted one: the levels
    # ``seen`` holds are the assessors' levels as they are now.
    waiting = _waiting(assessment_ids)
    parts: dict[int, tuple[dict, dict, dict]] = defaultdict(lambda: ({}, {}, {}))
    for row in rows:
        given = seen.get((row.assessment_id, row.competency_id), [])
        if row.assessment_id in waiting or not consensus_stands([level for _rater, _exercise, level in given],
                                                                consensus_value(row)):
            continue
        if not counted_consensus(row, given):
            continue
        ratings, comments, situations = parts[row.assessment_id]
        ratings[row.competency_id] = consensus_value(row)
        if row.reason.strip():
            comments[row.competency_id] = row.reason.strip()
        situations[row.competency_id] = Situation("exercise", None, exercises=exercises_showing(row, given))
    return {assessment_id: RaterSheet(rater_key=CONSENSUS_KEY, group=ASSESSOR, ratings=ratings, comments=comments,
                                      situations=situations)
            for assessment_id, (ratings, comments, situations) in parts.items()}


#: (assessor's user id, exercise id, level) of one counted assessor rating with a level.
GivenLevel = tuple[int, str, int]


def submitted_assessor_levels(assessment_ids: Sequence[int]) -> dict[tuple[int, str], list[GivenLevel]]:
    """Per (assessment, competency) the levels the assessors gave on the counted revision of their sheets (the
    last submitted one; "not observed", drafts and earlier revisions left out)."""
    last = (sa.select(Submission.assignment_id, sa.func.max(Submission.revision).label("revision"))
            .group_by(Submission.assignment_id).subquery())
    found: dict[tuple[int, str], list[GivenLevel]] = defaultdict(list)
    for assessment_id, competency_id, rater_id, exercise_id, level in db.session.execute(
        sa.select(RaterAssignment.assessment_id, Rating.competency_id, RaterAssignment.rater_id,
                  RaterAssignment.exercise_id, Rating.level)
        .join(last, last.c.assignment_id == RaterAssignment.id)
        .join(Rating, sa.and_(Rating.assignment_id == RaterAssignment.id, Rating.revision == last.c.revision))
        .where(RaterAssignment.assessment_id.in_(assessment_ids), RaterAssignment.rater_group == ASSESSOR,
               Rating.level.is_not(None), Rating.is_not_observed.is_(False))
    ):
        found[assessment_id, competency_id].append((rater_id, exercise_id, level))
    return found


def counted_consensus(consensus: AssessorConsensus, given: Sequence[GivenLevel]) -> bool:
    """Whether a consensus counts in the verdict: "not observed" always does; a level only where at least two
    different assessors gave a level on the competency (one assessor's view is not the agreement of several)."""
    return consensus.is_not_observed or len(_assessors(given)) >= 2


def _assessors(given: Sequence[GivenLevel]) -> set[int]:
    return {rater_id for rater_id, _exercise, _level in given}


def exercises_showing(consensus: AssessorConsensus, given: Sequence[GivenLevel]) -> tuple[str, ...]:
    """The exercises where an assessor saw the consensus level or higher (none for "not observed")."""
    if consensus.is_not_observed or consensus.level is None:
        return ()
    return tuple(sorted({exercise_id for _rater, exercise_id, level in given if level >= consensus.level}))


def single_assessor_competencies(assessment: Assessment) -> set[str]:
    """The competencies where only one assessor gave a level: a consensus level there is recorded on the wash-up
    page but not counted in the verdict."""
    return {competency_id for (_assessment, competency_id), given in submitted_assessor_levels([assessment.id]).items()
            if len(_assessors(given)) == 1}


def consensus_fingerprints(assessment_ids: Sequence[int]) -> dict[int, list]:
    """What of the consensus the verdict depends on, per assessment that has one (for stored results)."""
    found: dict[int, list] = defaultdict(list)
    if assessment_ids:
        for row in db.session.execute(
            sa.select(AssessorConsensus.assessment_id, AssessorConsensus.competency_id, AssessorConsensus.level,
                      AssessorConsensus.is_not_observed, AssessorConsensus.reason)
            .where(AssessorConsensus.assessment_id.in_(assessment_ids)).order_by(AssessorConsensus.id)
        ):
            found[row[0]].append(list(row[1:]))
    return dict(found)
