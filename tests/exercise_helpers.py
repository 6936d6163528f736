"""Helpers for the assessor-exercise tests: trained assessors, scheduled exercises and submitted exercise sheets."""

from __future__ import annotations

from assessment.extensions import db
from assessment.models import Rating, Submission, utcnow
from assessment.services import exercises
from rubrics import NOT_OBSERVED


def assessor(make, name: str | None = None, role: str = "manager"):
    """A manager account HR marked as a trained assessor."""
    person = make.user(role, name=name)
    person.is_assessor = True
    db.session.commit()
    return person


def submit_exercise_sheet(sheet, answers: dict) -> None:
    """Store ``answers`` (competency id -> level or NOT_OBSERVED, or (value, evidence)) as the sheet's submitted
    ratings, as the rating sheet would."""
    for cid, answer in answers.items():
        value, evidence = answer if isinstance(answer, tuple) else (answer, f"Seen in {sheet.exercise_id}.")
        db.session.add(Rating(assignment_id=sheet.id, revision=sheet.revision, competency_id=cid,
                              level=None if value == NOT_OBSERVED else value, is_not_observed=value == NOT_OBSERVED,
                              evidence=evidence, updated_by_id=sheet.rater_id))
    db.session.add(Submission(assignment_id=sheet.id, revision=sheet.revision, submitted_by_id=sheet.rater_id))
    sheet.status, sheet.submitted_at = "submitted", utcnow()
    db.session.commit()


def schedule(assessment, exercise_id: str, people, framework, actor, reason: str | None = "Exercise day in May"):
    """Schedule an exercise with these assessors (through the service) and commit; the new sheets."""
    exercises.schedule_exercise(assessment, exercise_id, list(people), framework=framework, actor=actor,
                                reason=reason if assessment.cycle.state == "open" else None)
    db.session.commit()
    return [a for a in assessment.assignments if a.exercise_id == exercise_id and a.rater in people]

