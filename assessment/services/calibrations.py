"""HR's calibrated verdict: recorded beside the computed one, with a rationale; every one is kept.

Two-person rule: a move out of a non-band outcome (insufficient evidence, panel review), by two bands or
more, or into the best band is recorded as a proposal, not in force, until a second HR person approves it.
The proposer cannot approve their own proposal, nor can anyone who became HR after it was made (``two_person``); approving is a
conditional update, so simultaneous approvals give one. Only the latest approved calibration is in force; a
newer proposal replaces an older one still pending. Nobody who rates the candidate, or is a candidate for the
same role in the same cycle, records or approves a calibration of that candidate.

The panel is chosen from accounts (``panel_choices``): active HR people and managers, never the candidate, a
candidate for the same role in the cycle, nor anyone who rates the candidate (their view is in the ratings
already; on the panel it would count twice). Every new calibration gives a reason code from the pinned rubric's
``calibration_reasons`` besides the rationale (none is asked when the rubric has none).
"""

from __future__ import annotations

from flask_babel import gettext as _
from rubrics.readiness import verdict_label

import sqlalchemy as sa

from ..extensions import db
from ..framework import pinned_framework
from ..models import Assessment, Calibration, RaterAssignment, User, utcnow
from . import ConflictError, NotAllowed, ServiceError
from .audit import record_audit
from .calibration_rules import in_force, needs_second_approval, pending, rationale_problem
from .readiness import assess
from .two_person import check_approver, involvement_problem

MAX_NOTE_LENGTH = 5000
#: The account roles that may sit on a calibration panel.
PANEL_ROLES = ("hr", "manager")
#: The most accounts one panel names (a form posting more is refused, not stored).
MAX_PANEL = 50


def _excluded_from_panel(assessment: Assessment) -> set[int]:
    """Who may not sit on the panel of ``assessment``: the candidate, rivals for the same role in the cycle, and
    everyone who rates the candidate."""
    raters = db.session.scalars(sa.select(RaterAssignment.rater_id).where(
        RaterAssignment.assessment_id == assessment.id))
    rivals = db.session.scalars(sa.select(Assessment.candidate_id).where(
        Assessment.cycle_id == assessment.cycle_id, Assessment.target_role == assessment.target_role))
    return {assessment.candidate_id, *raters, *rivals}


def panel_choices(assessment: Assessment) -> list:
    """The accounts HR may name on the panel of ``assessment`` (rows with ``id`` and ``name``), by name."""
    # Rows of (id, name), the exclusions left to the database (``_excluded_from_panel``'s, as subqueries): a large
    # cycle has thousands of rivals for the same role and hundreds of managers, and the page needs no more of them.
    raters = sa.select(RaterAssignment.rater_id).where(RaterAssignment.assessment_id == assessment.id)
    rivals = sa.select(Assessment.candidate_id).where(Assessment.cycle_id == assessment.cycle_id,
                                                      Assessment.target_role == assessment.target_role)
    return list(db.session.execute(
        sa.select(User.id, User.name).where(User.is_active, User.role.in_(PANEL_ROLES),
                                            User.id != assessment.candidate_id, User.id.not_in(raters),
                                            User.id.not_in(rivals))
        .order_by(User.name, User.id)))


def check_panel(assessment: Assessment, ids) -> list[User]:
    """The panel's accounts for these ids, or ServiceError (field ``panel``) naming what is wrong."""
    ids = list(dict.fromkeys(ids or ()))
    if len(ids) > MAX_PANEL:
        raise ServiceError(_("name at most %(num)d panel members", num=MAX_PANEL), field="panel")
    found = {user.id: user for user in db.session.scalars(sa.select(User).where(User.id.in_(ids)))} if ids else {}
    excluded = _excluded_from_panel(assessment)
    for user_id in ids:
        user = found.get(user_id)
        if user is None or not user.is_active or user.role not in PANEL_ROLES:
            raise ServiceError(_("one of the chosen panel members is not an active HR or manager account; "
                                 "reload the page and choose again"), field="panel")
        if user_id in excluded:
            raise ServiceError(_("%(name)s rates %(candidate)s or is a candidate for the same role in this "
                                 "cycle, so they cannot sit on the panel that calibrates the verdict",
                                 name=user.name, candidate=assessment.candidate.name), field="panel")
    return [found[user_id] for user_id in ids]


def _check_reason(framework, reason_code: str | None) -> str | None:
    """The reason code, when the rubric has codes (then one of them is required); None when it has none."""
    codes = {reason.id for reason in framework.readiness.calibration_reasons}
    if not codes:
        return None
    if reason_code not in codes:
        raise ServiceError(_("choose the reason for the calibration"), field="reason_code")
    return reason_code


def latest_calibration(assessment: Assessment) -> Calibration | None:
    """The calibration in force: the most recent approved one, or None."""
    return in_force(assessment.calibrations)


def pending_proposal(assessment: Assessment) -> Calibration | None:
    """The assessment's proposal awaiting a second HR person, or None."""
    return pending(assessment.calibrations)


def _check_closed(assessment: Assessment) -> None:
    if assessment.cycle.state not in ("closed", "released"):
        raise NotAllowed(_("Verdicts can be calibrated once the cycle is closed; while it is open the ratings "
                           "may still change."))


def calibrate_verdict(assessment: Assessment, band_id: str, rationale: str, *, actor: User, candidate_note: str = "",
                      panel_ids=(), reason_code: str | None = None) -> Calibration:
    """Record HR's calibrated band (in force at once, or proposed under the two-person rule) and audit it.

    ``rationale`` is for HR and the panel; ``candidate_note`` (optional) is what the candidate reads;
    ``panel_ids`` the accounts who sat on the panel (``check_panel``); ``reason_code`` one of the rubric's.
    """
    framework = pinned_framework(assessment.cycle)
    _check_closed(assessment)
    if problem := involvement_problem(assessment, actor):
        raise NotAllowed(problem)
    bands = {band.id: band.label for band in framework.readiness.bands}
    if band_id not in bands:
        raise ServiceError(_("choose one of the readiness bands"), field="band_id")
    rationale = (rationale or "").strip()
    problem = rationale_problem(rationale)
    if problem:
        raise ServiceError(problem, field="rationale")
    candidate_note = (candidate_note or "").strip()
    if len(candidate_note) > MAX_NOTE_LENGTH:
        raise ServiceError(_("keep the note to the candidate under %(num)d characters", num=MAX_NOTE_LENGTH),
                           field="candidate_note")
    reason_code = _check_reason(framework, reason_code)
    panel = check_panel(assessment, panel_ids)
    previous = latest_calibration(assessment)
    computed_band_id = assess(assessment, framework=framework).result.band_id
    proposed = needs_second_approval(framework.readiness, computed_band_id, band_id)
    now = utcnow()
    calibration = Calibration(assessment=assessment, band_id=band_id, computed_band_id=computed_band_id,
                              rationale=rationale, candidate_note=candidate_note, panel=panel, reason_code=reason_code,
                              created_by_id=actor.id, created_at=now,
                              status="proposed" if proposed else "approved", approved_at=None if proposed else now)
    db.session.add(calibration)
    db.session.flush()
    if proposed:
        summary = (f"{actor.name} proposed to calibrate the verdict of {assessment.candidate.name} to "
                   f"{bands[band_id]}; it needs a second HR person's approval")
    else:
        summary = f"{actor.name} calibrated the verdict of {assessment.candidate.name} to {bands[band_id]}"
    record_audit("verdict.propose" if proposed else "verdict.calibrate", calibration, summary,
                 actor=actor, cycle_id=assessment.cycle_id,
                 before={"computed_band": computed_band_id,
                         "calibrated_band": previous.band_id if previous else None},
                 after={"calibrated_band": band_id, "status": calibration.status, "rationale": rationale,
                        "candidate_note": candidate_note, "panel": [member.email for member in panel],
                        "panel_names": [member.name for member in panel], "reason_code": reason_code})
    return calibration


def approve_calibration(assessment: Assessment, calibration_id: int | None, *, actor: User) -> Calibration:
    """A second HR person approves the assessment's pending proposal, which comes into force; audited."""
    _check_closed(assessment)
    proposal = pending_proposal(assessment)
    if proposal is None:
        raise NotAllowed(_("There is no proposed calibration awaiting approval."))
    if calibration_id != proposal.id:
        raise ConflictError(_("The proposal changed after you opened the page: read the current proposal, "
                              "then approve it if you agree."))
    if proposal.created_by_id == actor.id:
        raise NotAllowed(_("You proposed this calibration: a second HR person must approve it."))
    check_approver(actor, proposal.created_at)
    if problem := involvement_problem(assessment, actor):
        raise NotAllowed(problem)
    previous = latest_calibration(assessment)
    # Conditional: of simultaneous approvals exactly one changes the row (and is audited); the others are told.
    taken = db.session.execute(
        sa.update(Calibration).where(Calibration.id == proposal.id, Calibration.status == "proposed")
        .values(status="approved", approved_by_id=actor.id, approved_at=utcnow())
        .execution_options(synchronize_session=False))
    if taken.rowcount != 1:
        raise ConflictError(_("Another HR person approved this proposal a moment ago; reload the page."))
    db.session.refresh(proposal)
    band = verdict_label(pinned_framework(assessment.cycle).readiness, proposal.band_id)
    record_audit("verdict.approve", proposal,
                 f"{actor.name} approved {proposal.created_by.name}'s calibration of {assessment.candidate.name} "
                 f"to {band}", actor=actor, cycle_id=assessment.cycle_id,
                 before={"status": "proposed", "calibrated_band": previous.band_id if previous else None},
                 after={"status": "approved", "calibrated_band": proposal.band_id,
                        "proposed_by": proposal.created_by.email})
    return proposal
