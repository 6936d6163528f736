"""Assessment-centre exercises (issue 18): HR marks trained assessors, and schedules an exercise of the cycle's
pinned rubric for a candidate with one or more assessors.

Each assessor gets one sheet per exercise (``RaterAssignment`` with ``rater_group`` "assessor" and the
``exercise_id``). Those sheets never enter the verdict: the assessors' wash-up consensus does (``wash_up``).

Who may assess a candidate (conflicts of interest, refused rather than marked): only an account HR marked as a
trained assessor, with the role manager or HR (a candidate account is never marked); never the candidate, nor
anyone who already rates the candidate in another group (their manager, peer or direct report: an assessor
observes independently of the working relationship), nor a candidate of the same cycle (a competitor or a
fellow candidate).

Once the cycle is open the rater list is frozen: scheduling or removing an assessor then needs a reason and is
audited as a rater change, like every other rater (``assessments.RATER_CHANGE_KIND``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from rubrics import Framework

from ..extensions import db
from ..labels import cycle_state_word
from ..mail.notify import notify_new_sheets
from ..models import Assessment, ExerciseSession, RaterAssignment, User
from . import NotAllowed, ServiceError
from . import assessments as assessment_service
from .audit import record_audit

#: The rater group of an assessor's exercise sheet.
ASSESSOR = "assessor"
#: Account roles that can be marked as trained assessors.
ASSESSOR_ROLES = ("manager", "hr")


def mark_assessor(person: User, is_assessor: bool, *, actor: User) -> User:
    """Mark (or unmark) an account as a trained assessor; audited. Their scheduled sheets stay as they are."""
    if is_assessor and person.role not in ASSESSOR_ROLES:
        raise ServiceError(_("Only a manager or HR account can be marked as an assessor; %(name)s is a "
                             "candidate account.", name=person.name), field="is_assessor")
    if bool(person.is_assessor) == is_assessor:
        raise ServiceError(_("%(name)s is already marked so.", name=person.name), field="is_assessor")
    person.is_assessor = is_assessor
    db.session.flush()
    record_audit("user.assessor", person,
                 f"{'Marked' if is_assessor else 'Unmarked'} {person.email} as a trained assessor",
                 actor=actor, before={"is_assessor": not is_assessor}, after={"is_assessor": is_assessor})
    return person


def trained_assessors() -> list[User]:
    """The active accounts marked as trained assessors, by name: whom HR can schedule."""
    return list(db.session.scalars(sa.select(User).where(User.is_assessor.is_(True), User.is_active.is_(True),
                                                         User.role.in_(ASSESSOR_ROLES)).order_by(User.name, User.id)))


def sessions_of(assessment: Assessment) -> list[ExerciseSession]:
    """The exercises scheduled for this candidate, in the order they were scheduled."""
    return list(db.session.scalars(sa.select(ExerciseSession).where(ExerciseSession.assessment_id == assessment.id)
                                   .order_by(ExerciseSession.id)))


def assessor_sheets(assessment: Assessment) -> list[RaterAssignment]:
    """The assessors' exercise sheets of this candidate."""
    return [a for a in assessment.assignments if a.rater_group == ASSESSOR]


def assessor_problem(assessment: Assessment, person: User, exercise_id: str) -> str | None:
    """Why ``person`` cannot assess this candidate in this exercise (see the module's rules), or None."""
    names = {"name": person.name, "candidate": assessment.candidate.name}
    if person.id == assessment.candidate_id:
        return _("%(name)s is the candidate and cannot assess themselves.", **names)
    if not person.is_assessor or person.role not in ASSESSOR_ROLES or not person.is_active:
        return _("%(name)s is not marked as a trained assessor (People page).", **names)
    for sheet in assessment.assignments:
        if sheet.rater_id != person.id:
            continue
        if sheet.rater_group != ASSESSOR:
            return _("%(name)s already rates %(candidate)s as a manager, peer or direct report: an assessor must "
                     "not know the candidate from work (conflict of interest).", **names)
        if sheet.exercise_id == exercise_id:
            return _("%(name)s already assesses %(candidate)s in this exercise.", **names)
    competing = db.session.scalar(sa.select(sa.func.count(Assessment.id)).where(
        Assessment.cycle_id == assessment.cycle_id, Assessment.candidate_id == person.id))
    if competing:
        return _("%(name)s is a candidate in this cycle and cannot assess another candidate (conflict of "
                 "interest).", **names)
    return None


def schedule_exercise(assessment: Assessment, exercise_id: str, assessors: Sequence[User], *, framework: Framework,
                      actor: User, scheduled_on: date | None = None, reason: str | None = None) -> ExerciseSession:
    """Schedule one of the rubric's exercises for the candidate with these assessors (or add assessors to an
    exercise already scheduled); one sheet per assessor. In an open cycle this needs a ``reason``."""
    cycle = assessment.cycle
    if cycle.state not in ("draft", "open") or assessment.is_withdrawn:
        raise NotAllowed(_("Exercises cannot be scheduled in a %(state)s cycle or for a withdrawn candidate.",
                           state=cycle_state_word(cycle.state)))
    if problem := assessment_service.group_problem(framework, ASSESSOR):
        raise ServiceError(problem, field="exercise_id")
    if exercise_id not in {e.id for e in framework.exercises}:
        raise ServiceError(_("Choose one of the rubric's exercises."), field="exercise_id")
    if not assessors:
        raise ServiceError(_("Name at least one assessor."), field="assessors")
    if len({p.id for p in assessors}) != len(assessors):
        raise ServiceError(_("An assessor is named twice."), field="assessors")
    for person in assessors:
        problem = assessor_problem(assessment, person, exercise_id)
        if problem:
            raise ServiceError(problem, field="assessors")
    reason = assessment_service.rater_change_reason(assessment, reason)
    session = db.session.scalar(sa.select(ExerciseSession).where(
        ExerciseSession.assessment_id == assessment.id, ExerciseSession.exercise_id == exercise_id))
    if session is None:
        session = ExerciseSession(assessment=assessment, exercise_id=exercise_id, created_by_id=actor.id)
        db.session.add(session)
    if scheduled_on is not None:
        session.scheduled_on = scheduled_on
    sheets = [RaterAssignment(assessment=assessment, rater=person, rater_group=ASSESSOR, exercise_id=exercise_id)
              for person in assessors]
    db.session.add_all(sheets)
    db.session.flush()
    notify_new_sheets(sheets)
    _audit_schedule(assessment, session, sheets, actor, reason)
    return session


def _audit_schedule(assessment: Assessment, session: ExerciseSession, sheets: list[RaterAssignment], actor: User,
                    reason: str | None) -> None:
    extra = {"exercise": session.exercise_id,
             "scheduled_on": session.scheduled_on.isoformat() if session.scheduled_on else None}
    if reason is not None:  # after opening: one rater change per assessor, as for every rater
        for sheet in sheets:
            assessment_service._record_rater_change(assessment, sheet, "added", reason, actor=actor, extra=extra)
        return
    record_audit("exercise.schedule", assessment,
                 f"Scheduled {session.exercise_id} for {assessment.candidate.name} with "
                 f"{', '.join(s.rater.name for s in sheets)}", actor=actor, cycle_id=assessment.cycle_id,
                 after={**extra, "assessors": [s.rater.email for s in sheets]})


def remove_assessor(assignment: RaterAssignment, *, actor: User, reason: str | None = None) -> None:
    """Take an assessor who has not started off an exercise (the rules of ``assessments.remove_assignment``); the
    exercise is unscheduled with its last assessor."""
    assessment, exercise_id = assignment.assessment, assignment.exercise_id
    assessment_service.remove_assignment(assignment, actor=actor, reason=reason)
    if not any(a.rater_group == ASSESSOR and a.exercise_id == exercise_id for a in assessment.assignments):
        db.session.execute(sa.delete(ExerciseSession).where(ExerciseSession.assessment_id == assessment.id,
                                                            ExerciseSession.exercise_id == exercise_id))
        db.session.flush()
