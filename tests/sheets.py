"""Helpers for rating-sheet tests: the form data a browser would send, and sheets with the evidence the rules ask."""

from __future__ import annotations

from dataclasses import replace

from assessment.extensions import db
from assessment.framework import pinned_framework
from assessment.models import RaterAssignment
from assessment.services.ratings import scope_of
from rubrics.sheet import RatingInput, evidence_required, situation_required
from tests.factories import RELATIONSHIP

#: The evidence text a conscientious rater writes wherever the sheet's rules ask for one.
EVIDENCE = "Seen in the Q3 planning round."
#: Where and for how long a conscientious rater says a level was seen (rubric 2026.12.4): in the role, 6 months.
SEEN_IN, SEEN_MONTHS, SEEN_WEEKS = "role", 6, 26
#: ``RELATIONSHIP`` as ``save_sheet(relationship=...)`` takes it, for a sheet the factory did not make.
KNOWN = (RELATIONSHIP["known_for"], RELATIONSHIP["closeness"])


def sheet_of(assessment, group: str) -> RaterAssignment:
    """The first sheet of ``group`` (self, manager, peer) on ``assessment``."""
    return next(a for a in assessment.assignments if a.rater_group == group)


def needing_evidence(assignment, values: dict) -> frozenset[str]:
    """The competency ids whose answer in ``values`` needs evidence on this sheet (its cycle's pinned rubric and
    its candidate's target role): ``rubrics.sheet.evidence_required``, as the sheet and the engine ask it."""
    framework = pinned_framework(assignment.assessment.cycle)
    return evidence_required(framework, framework.role(assignment.assessment.target_role), values)


def with_evidence(assignment, inputs, text: str = EVIDENCE) -> list[RatingInput]:
    """``inputs`` with ``text`` as evidence wherever the rules ask for it and none was given, and where a level
    needs its situation (rubric 2026.12.4) and has none, seen in the role for ``SEEN_WEEKS`` weeks."""
    inputs = list(inputs)
    values = {i.competency_id: i.value for i in inputs}
    needed = needing_evidence(assignment, values)
    framework = pinned_framework(assignment.assessment.cycle)
    situated = situation_required(framework, framework.role(assignment.assessment.target_role), values)
    return [replace(i, evidence=text if i.competency_id in needed and not i.evidence.strip() else i.evidence,
                    seen_in=i.seen_in or (SEEN_IN if i.competency_id in situated else None),
                    seen_weeks=i.seen_weeks or (SEEN_WEEKS if i.competency_id in situated else None))
            for i in inputs]


def form_data(assignment, answers: dict, *, action: str = "save", confirm: bool = False,
              version: int | None = None) -> dict:
    """POST data: ``answers`` maps competency ids to a level/"not_observed" or to (level, evidence).

    A bare level is answered as a conscientious rater would: with ``EVIDENCE`` where the sheet's rules ask for it
    (``needing_evidence``); a (level, evidence) pair is sent as it is, so a test can leave evidence out. Where the
    sheet asks them (rubric 2026.12.4), every level is sent with where and how long it was seen, and the form with
    how long and how closely the rater knows the candidate (``RELATIONSHIP``)."""
    values = {cid: answer[0] if isinstance(answer, tuple) else answer for cid, answer in answers.items()}
    needed = needing_evidence(assignment, {cid: _value(v) for cid, v in values.items()})
    scope = scope_of(assignment, pinned_framework(assignment.assessment.cycle))
    data = {"version": str(assignment.version_id if version is None else version), "action": action,
            **(RELATIONSHIP if scope.asks_relationship else {})}
    for comp_id, answer in answers.items():
        value, evidence = answer if isinstance(answer, tuple) else (answer, EVIDENCE if comp_id in needed else "")
        if value is not None:
            data[f"level_{comp_id}"] = str(value)
        data[f"evidence_{comp_id}"] = evidence
        if scope.asks_situations and isinstance(_value(value), int):  # where and how long it was seen
            data.update({f"seen_in_{comp_id}": SEEN_IN, f"seen_for_{comp_id}": str(SEEN_MONTHS),
                         f"seen_unit_{comp_id}": "months"})
    if confirm:
        data["confirm"] = "y"
    return data


def _value(raw):
    try:
        return int(raw)
    except (TypeError, ValueError):
        return raw


def complete_answers(framework, level=3) -> dict:
    """Every competency at ``level`` as a bare level: ``form_data`` adds evidence wherever the rules ask for it."""
    return {c.id: level for c in framework.competencies}


def reload(obj):
    """``obj`` as stored now (after a request changed it)."""
    db.session.expire_all()
    return db.session.get(type(obj), obj.id)
