"""Helpers for rating-sheet tests: the form data a browser would send."""

from __future__ import annotations

from assessment.extensions import db
from assessment.models import RaterAssignment


def sheet_of(assessment, group: str) -> RaterAssignment:
    """The first sheet of ``group`` (self, manager, peer) on ``assessment``."""
    return next(a for a in assessment.assignments if a.rater_group == group)


def form_data(assignment, answers: dict, *, action: str = "save", confirm: bool = False,
              version: int | None = None) -> dict:
    """POST data: ``answers`` maps competency ids to a level/"not_observed" or to (level, evidence)."""
    data = {"version": str(assignment.version_id if version is None else version), "action": action}
    for comp_id, answer in answers.items():
        value, evidence = answer if isinstance(answer, tuple) else (answer, "")
        if value is not None:
            data[f"level_{comp_id}"] = str(value)
        data[f"evidence_{comp_id}"] = evidence
    if confirm:
        data["confirm"] = "y"
    return data


def complete_answers(framework, level=3) -> dict:
    """Every competency at ``level``, with evidence wherever the rubric requires it."""
    needs = framework.readiness.needs_evidence(level)
    return {c.id: (level, "Seen in the Q3 planning round." if needs else "") for c in framework.competencies}


def reload(obj):
    """``obj`` as stored now (after a request changed it)."""
    db.session.expire_all()
    return db.session.get(type(obj), obj.id)
