"""A rater's sheet: save a draft, submit, and (HR) reopen. Ratings are never deleted."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from flask_babel import gettext as _, ngettext
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from rubrics import NOT_OBSERVED, Framework, RoleProfile
from rubrics.sheet import RatingInput, SheetScope, level_problem, sheet_scope, situation_required, \
    submission_problems
from rubrics.situations import CLOSENESS, EXERCISE, KNOWN_FOR, MAX_WEEKS, SEEN_IN

from ..extensions import db
from ..mail.notify import notify_sheet_reopened
from ..models import Assessment, Cycle, Rating, RaterAssignment, Submission, User, utcnow
from . import ConflictError, NotAllowed, ServiceError
from .audit import record_audit


class IncompleteSheet(ServiceError):
    """The sheet cannot be submitted yet; ``problems`` maps competency ids to messages."""

    def __init__(self, problems: dict[str, str]):
        super().__init__(ngettext("%(num)d competency needs attention before you can submit.",
                                  "%(num)d competencies need attention before you can submit.", len(problems)))
        self.problems = problems


def target_role(assignment: RaterAssignment, framework: Framework) -> RoleProfile:
    """The role the sheet's candidate is assessed for, from the cycle's pinned ``framework``: the sheet's evidence
    rules (a level at or above a critical requirement needs evidence) are about this role."""
    return framework.role(assignment.assessment.target_role)


def scope_of(assignment: RaterAssignment, framework: Framework) -> SheetScope:
    """What this sheet asks (its competencies, situations, relationship), by its group and exercise."""
    return sheet_scope(framework, target_role(assignment, framework), assignment.rater_group,
                       assignment.exercise_id or None)


def _sheet_state(assignment: RaterAssignment) -> dict:
    """The sheet as the audit trail records it: each answer with its evidence, and the rater's relationship to the
    candidate (where and how long each level was seen stays on the ratings, which are never deleted)."""
    state = {r.competency_id: [NOT_OBSERVED if r.is_not_observed else r.level, r.evidence]
             for r in assignment.current_ratings()}
    state.update({key: value for key, value in (("known_for", assignment.known_for),
                                                ("closeness", assignment.closeness)) if value})
    return state


def _check_inputs(framework: Framework, scope: SheetScope, by_id: dict[str, RatingInput]) -> None:
    """Refuse what no form of this sheet sends: a competency it does not ask, a level its exercise cannot show, a
    situation outside the lists (ServiceError, whatever the action)."""
    unknown = set(by_id) - {c.id for c in framework.competencies}
    if unknown:
        raise ServiceError(_("unknown competencies: %(ids)s", ids=", ".join(sorted(unknown))))
    outside = set(by_id) - set(scope.competencies)
    if outside:
        raise ServiceError(_("This sheet does not ask about %(names)s.",
                             names=", ".join(framework.competency(cid).name for cid in sorted(outside))))
    for cid, item in by_id.items():
        problem = level_problem(framework, scope, cid, item.value)
        if problem:
            raise ServiceError(_("%(competency)s: %(problem)s", competency=framework.competency(cid).name,
                                 problem=problem), field="level")
        if item.seen_in is not None and item.seen_in not in SEEN_IN:
            raise ServiceError(_("unknown situation %(value)s", value=repr(item.seen_in)), field="seen_in")
        if item.seen_weeks is not None and not (isinstance(item.seen_weeks, int)
                                                and 1 <= item.seen_weeks <= MAX_WEEKS):
            raise ServiceError(_("a period is between 1 and %(num)d weeks", num=MAX_WEEKS), field="seen_weeks")


def _check_relationship(relationship) -> None:
    known_for, closeness = relationship
    if known_for not in (None, *KNOWN_FOR) or closeness not in (None, *CLOSENESS):
        raise ServiceError(_("unknown answer about how long or how closely you have worked with the candidate"),
                           field="relationship")


def _situation(scope: SheetScope, situated: frozenset[str], item: RatingInput) -> tuple[str | None, int | None]:
    """(seen_in, seen_weeks) as stored: "exercise" for every level of an exercise sheet; the rater's answer where a
    level needs its situation; nothing elsewhere."""
    if not isinstance(item.value, int):
        return None, None
    if scope.exercise_id:
        return EXERCISE, None
    if item.competency_id in situated:
        return item.seen_in, item.seen_weeks
    return None, None


def save_sheet(assignment: RaterAssignment, inputs: Iterable[RatingInput], *, actor: User, framework: Framework,
               expected_version: int, submit: bool = False,
               relationship: tuple[str | None, str | None] | None = None) -> RaterAssignment:
    """Save the rater's answers as a draft, or submit them; refuses a save based on an older version.
    ``relationship``: (known_for, closeness) as the rater answered them, stored on the sheet when it asks them
    (None: leave them as they are)."""
    if assignment.rater_id != actor.id:
        raise NotAllowed(_("Only the assigned rater can fill in this sheet."))
    # A stale version is reported first: whatever happened since (a save, a submit), this save is based on old data.
    if expected_version != assignment.version_id:
        raise ConflictError(_("This sheet was saved in another tab or window after you opened it, so your save "
                              "was refused to avoid overwriting it. Your answers are kept below; open the sheet "
                              "again to see the saved version, then make your changes there."))
    if assignment.assessment.cycle.state != "open":
        raise NotAllowed(_("This cycle is not open for ratings."))
    if assignment.assessment.is_withdrawn:
        raise NotAllowed(_("This candidate was withdrawn from the cycle: the sheet is kept but no longer needed."))
    if assignment.status == "submitted":
        raise NotAllowed(_("This sheet has been submitted and is locked; HR can reopen it."))
    by_id = {item.competency_id: item for item in inputs}
    scope = scope_of(assignment, framework)
    _check_inputs(framework, scope, by_id)
    known = (assignment.known_for, assignment.closeness)
    if relationship is not None and scope.asks_relationship:
        _check_relationship(relationship)
        known = tuple(relationship)
    if submit:
        problems = submission_problems(framework, by_id, target_role(assignment, framework), scope, known)
        if problems:
            raise IncompleteSheet(problems)
    before = _sheet_state(assignment)
    assignment.known_for, assignment.closeness = known
    _write_ratings(assignment, framework, scope, by_id, actor)
    now = utcnow()
    assignment.status = "submitted" if submit else "draft"
    assignment.updated_at = now
    if submit:
        assignment.submitted_at = now
        db.session.add(Submission(assignment=assignment, revision=assignment.revision, submitted_at=now,
                                  submitted_by_id=actor.id))
    try:
        db.session.flush()
    except StaleDataError:
        raise ConflictError(_("This sheet was saved in another tab or window at the same moment, so your save "
                              "was refused to avoid overwriting it. Your answers are kept below; open the sheet "
                              "again to see the saved version.")) from None
    if submit:
        record_audit("rating.submit", assignment,
                     f"{actor.name} submitted the {assignment.rater_group} rating of "
                     f"{assignment.assessment.candidate.name}", actor=actor,
                     cycle_id=assignment.assessment.cycle_id, before=before, after=_sheet_state(assignment))
    return assignment


def _write_ratings(assignment: RaterAssignment, framework: Framework, scope: SheetScope,
                   by_id: dict[str, RatingInput], actor: User) -> None:
    now = utcnow()
    existing = {r.competency_id: r for r in assignment.current_ratings()}
    situated = situation_required(framework, target_role(assignment, framework),
                                  {cid: item.value for cid, item in by_id.items()}) \
        if scope.asks_situations else frozenset()
    for cid in scope.competencies:
        item = by_id.get(cid)
        if item is None:
            continue
        row = existing.get(cid)
        if row is None:
            if item.value is None and not item.evidence.strip():
                continue
            row = Rating(assignment=assignment, revision=assignment.revision, competency_id=cid)
            db.session.add(row)
        row.level = item.value if isinstance(item.value, int) else None
        row.is_not_observed = item.value == NOT_OBSERVED
        row.evidence = item.evidence.strip()
        row.seen_in, row.seen_weeks = _situation(scope, situated, item)
        row.updated_by_id = actor.id
        row.updated_at = now


def reopen_sheet(assignment: RaterAssignment, reason: str, *, actor: User) -> RaterAssignment:
    """HR reopens a submitted sheet with a reason; the submitted revision is kept, a new draft starts from it."""
    if not (reason or "").strip():
        raise ServiceError(_("a reason is required to reopen a submission"), field="reason")
    if assignment.status != "submitted":
        raise NotAllowed(_("Only a submitted sheet can be reopened."))
    if assignment.assessment.cycle.state != "open":
        raise NotAllowed(_("Submissions can only be reopened while the cycle is open."))
    now = utcnow()
    submission = next(s for s in assignment.submissions if s.revision == assignment.revision)
    submission.reopened_at, submission.reopened_by_id, submission.reopen_reason = now, actor.id, reason.strip()
    previous = assignment.current_ratings()
    assignment.revision += 1
    for old in previous:
        db.session.add(Rating(assignment=assignment, revision=assignment.revision, competency_id=old.competency_id,
                              level=old.level, is_not_observed=old.is_not_observed, evidence=old.evidence,
                              seen_in=old.seen_in, seen_weeks=old.seen_weeks,
                              updated_by_id=old.updated_by_id, updated_at=old.updated_at))
    assignment.status = "draft"
    assignment.submitted_at = None
    assignment.updated_at = now
    db.session.flush()
    record_audit("rating.reopen", assignment,
                 f"{actor.name} reopened the {assignment.rater_group} rating by {assignment.rater.name} of "
                 f"{assignment.assessment.candidate.name}: {reason.strip()}", actor=actor,
                 cycle_id=assignment.assessment.cycle_id,
                 before={"status": "submitted", "revision": assignment.revision - 1},
                 after={"status": "draft", "revision": assignment.revision, "reason": reason.strip()})
    notify_sheet_reopened(assignment, reason.strip())
    return assignment


def reopen_reason(assignment: RaterAssignment) -> str | None:
    """Why HR reopened this sheet, when the current draft comes from a reopen."""
    for submission in assignment.submissions:
        if submission.revision == assignment.revision - 1 and submission.reopen_reason:
            return submission.reopen_reason
    return None


def submitted_self_ratings(assessment: Assessment) -> dict[str, Rating] | None:
    """The candidate's submitted self-assessment by competency id, or None while it is not submitted."""
    own = next((a for a in assessment.assignments if a.rater_group == "self"), None)
    if own is None or own.status != "submitted":
        return None
    return {r.competency_id: r for r in own.current_ratings()}


def reopened_sheets(cycle: Cycle) -> list[RaterAssignment]:
    """The cycle's sheets HR reopened that are not resubmitted (they count with their previous submission)."""
    return list(db.session.scalars(
        sa.select(RaterAssignment).join(Assessment)
        .where(Assessment.cycle_id == cycle.id, RaterAssignment.status != "submitted",
               sa.exists().where(Submission.assignment_id == RaterAssignment.id))
        .options(selectinload(RaterAssignment.rater),
                 selectinload(RaterAssignment.assessment).selectinload(Assessment.candidate))
        .order_by(RaterAssignment.id)
    ))
