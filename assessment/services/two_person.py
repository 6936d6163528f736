"""Two-person rules about people, not accounts (docs/security.md, "Two-person rules").

* An approver must have held the HR role since before the proposal was made: an account created or promoted
  after it is refused, so one HR person cannot make a second account (or promote a friend) and approve as it.
* The HR role is granted only on a second HR person's approval (``propose_hr`` then ``approve_hr``); with a
  single HR person in the organisation, only from the command line (``grant_hr_by_operator``), audited.
* The approver sees the audit of role and password changes of both people in the last days
  (``account_history``), where an account takeover shows.

State changes are conditional updates (``... WHERE status = 'proposed'``): of simultaneous approvals exactly
one is accepted and audited.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from ..extensions import db
from ..models import Assessment, AuditEvent, RaterAssignment, RoleGrant, User, utcnow
from . import ConflictError, NotAllowed, ServiceError
from .audit import record_audit

#: The audit kinds that tell of an account's role, password, address or state changing (or a link to set a
#: password being sent): what an account takeover leaves behind.
ACCOUNT_KINDS = ("user.create", "user.role_change", "user.role_grant.propose", "user.role_grant.approve",
                 "user.role_grant.operator", "user.password", "user.reset", "user.invitation", "user.invite",
                 "user.sync", "user.details", "user.deactivate", "user.reactivate")


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes (stored as UTC); make them comparable with aware ones."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment


def hr_since(user: User) -> datetime:
    """Since when ``user`` has held their present role (their account's creation on rows from before the rule)."""
    return _aware(user.role_granted_at or user.created_at)


def check_approver(actor: User, proposed_at: datetime) -> None:
    """Refuse an approver who is not HR or became HR (or got their account) at or after ``proposed_at``."""
    if actor.role != "hr":
        raise NotAllowed(_("Only an HR person can approve this."))
    if hr_since(actor) >= _aware(proposed_at):
        raise NotAllowed(_("You became HR after this was proposed (HR since %(since)s, proposed %(proposed)s): "
                           "an approver must have held the HR role before the proposal was made.",
                           since=hr_since(actor).strftime("%Y-%m-%d %H:%M:%S UTC"),
                           proposed=_aware(proposed_at).strftime("%Y-%m-%d %H:%M:%S UTC")))


def involvement_problem(assessment: Assessment, person: User) -> str | None:
    """Why ``person`` may not propose or approve a calibration of ``assessment`` (they rate the candidate, or
    are themselves a candidate for the same role in the same cycle), or None."""
    rates = db.session.scalar(sa.select(sa.func.count(RaterAssignment.id)).where(
        RaterAssignment.assessment_id == assessment.id, RaterAssignment.rater_id == person.id))
    if rates:
        return _("You rate %(candidate)s in this cycle, so you cannot propose or approve a calibration of their "
                 "verdict; another HR person must.", candidate=assessment.candidate.name)
    rival = db.session.scalar(sa.select(sa.func.count(Assessment.id)).where(
        Assessment.cycle_id == assessment.cycle_id, Assessment.candidate_id == person.id,
        Assessment.target_role == assessment.target_role, Assessment.id != assessment.id))
    if rival or assessment.candidate_id == person.id:
        return _("You are a candidate for the same role in this cycle, so you cannot propose or approve a "
                 "calibration of %(candidate)s's verdict; another HR person must.",
                 candidate=assessment.candidate.name)
    return None


def account_history(people, *, days: float | None = None) -> list[AuditEvent]:
    """The role and password changes of these accounts in the last ``days`` (TWO_PERSON_AUDIT_DAYS), newest
    first: what a second HR person needs to notice that an account was taken over or made for the occasion."""
    days = current_app.config.get("TWO_PERSON_AUDIT_DAYS", 14) if days is None else days
    ids = sorted({person.id for person in people if person is not None})
    return list(db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.subject_type == "User", AuditEvent.subject_id.in_(ids),
                                    AuditEvent.kind.in_(ACCOUNT_KINDS),
                                    AuditEvent.occurred_at >= utcnow() - timedelta(days=days))
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())))


def hr_count() -> int:
    """Active HR accounts in the organisation."""
    return db.session.scalar(sa.select(sa.func.count(User.id)).where(User.role == "hr", User.is_active))


def pending_grant(user: User) -> RoleGrant | None:
    """The HR-role grant of ``user`` awaiting approval, or None."""
    return db.session.scalar(sa.select(RoleGrant).where(RoleGrant.user_id == user.id,
                                                        RoleGrant.status == "proposed"))


def _give_hr(user: User, kind: str, summary: str, *, actor: User | None, grant: RoleGrant | None) -> None:
    before = {"role": user.role}
    user.role, user.role_granted_at = "hr", utcnow()
    db.session.flush()
    record_audit(kind, user, summary, actor=actor, before=before,
                 after={"role": "hr", "grant": grant.id if grant else None,
                        "proposed_by": grant.proposed_by.email if grant else None})


def propose_hr(user: User, *, actor: User) -> RoleGrant:
    """Propose giving ``user`` the HR role; it takes effect once a second HR person approves (audited)."""
    if user.role == "hr":
        raise ServiceError(_("%(name)s already has the role HR.", name=user.name), field="role")
    if user.id == actor.id:
        raise ServiceError(_("You cannot change your own role; ask another HR user."), field="role")
    if not user.is_active:
        raise ServiceError(_("%(email)s is deactivated.", email=user.email), field="role")
    if hr_count() < 2:
        raise NotAllowed(_("You are the only HR person, so nobody can approve a second one here. The operator "
                           "grants the HR role from the command line: opsladder users grant-hr --email %(email)s "
                           "(recorded in the audit trail).", email=user.email))
    if pending_grant(user) is not None:
        raise ConflictError(_("The HR role for %(name)s is already proposed and awaits a second HR person.",
                              name=user.name))
    grant = RoleGrant(user=user, role="hr", status="proposed", proposed_by_id=actor.id, proposed_at=utcnow())
    db.session.add(grant)
    db.session.flush()
    record_audit("user.role_grant.propose", user,
                 f"{actor.name} proposed to give {user.email} the role hr; it needs a second HR person's approval",
                 actor=actor, before={"role": user.role}, after={"role": "hr", "grant": grant.id})
    return grant


def approve_hr(grant_id: int | None, user: User, *, actor: User) -> RoleGrant:
    """A second HR person (not the proposer, not the person promoted, HR since before the proposal) approves."""
    # A forged id beyond the database's integers is no proposal (not a database error).
    grant = db.session.get(RoleGrant, grant_id) if grant_id and 0 < grant_id < 2 ** 31 else None
    if grant is None or grant.user_id != user.id or grant.status != "proposed":
        raise ConflictError(_("There is no HR-role proposal for %(name)s awaiting approval; reload the page.",
                              name=user.name))
    if user.role == "hr":
        raise ConflictError(_("%(name)s already has the role HR.", name=user.name))
    if actor.id in (grant.proposed_by_id, grant.user_id):
        raise NotAllowed(_("A second HR person must approve this: neither the proposer nor the person being "
                           "promoted can."))
    check_approver(actor, grant.proposed_at)
    now = utcnow()
    taken = db.session.execute(
        sa.update(RoleGrant).where(RoleGrant.id == grant.id, RoleGrant.status == "proposed")
        .values(status="approved", approved_by_id=actor.id, approved_at=now)
        .execution_options(synchronize_session=False))
    if taken.rowcount != 1:
        raise ConflictError(_("Someone else approved or withdrew this proposal a moment ago; reload the page."))
    db.session.refresh(grant)
    _give_hr(user, "user.role_grant.approve",
             f"{actor.name} approved {grant.proposed_by.name}'s proposal: {user.email} is now hr",
             actor=actor, grant=grant)
    return grant


def grant_hr_by_operator(user: User) -> User:
    """The command line's way, for an organisation with a single HR person (or none): audited, no web actor."""
    if user.role == "hr":
        raise ServiceError(_("%(name)s already has the role HR.", name=user.name))
    _give_hr(user, "user.role_grant.operator", f"The operator gave {user.email} the role hr from the command line",
             actor=None, grant=None)
    return user
