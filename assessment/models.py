"""The database model. The schema is made by the Alembic migrations in ``migrations/`` only.

Models are singular, tables plural. Ratings are never deleted: a reopened submission starts a new
revision and the earlier one stays, as does every audit event.
"""

from __future__ import annotations

from datetime import date, datetime, timezone

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy import event
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from .extensions import db

ROLES = ("hr", "manager", "candidate")
ROLE_LABELS = {"hr": "HR", "manager": "Manager", "candidate": "Candidate"}
CYCLE_STATES = ("draft", "open", "closed", "released")
RATER_GROUPS = ("self", "manager", "peer")
ASSIGNMENT_STATUSES = ("not_started", "draft", "submitted")
#: A calibration is proposed until a second HR person approves it (two-person rule), or approved at once
#: when the move is small; only an approved calibration is in force.
CALIBRATION_STATUSES = ("proposed", "approved")
#: Granting the HR role is proposed until a second HR person approves it (two-person rule).
ROLE_GRANT_STATUSES = ("proposed", "approved", "withdrawn")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(320), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    role: Mapped[str] = mapped_column(sa.String(20))
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    is_active: Mapped[bool] = mapped_column(default=True)  # Flask-Login reads this
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    #: When the account got its present role: an approver under the two-person rule must have held HR since
    #: before the proposal (None on rows from before the rule: the account's creation counts).
    role_granted_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    #: Part of the id kept in the session cookie: raising it (sign-out, a new password) ends every session.
    session_version: Mapped[int] = mapped_column(default=1, server_default="1")
    #: The language this person reads OpsLadder in (rubrics.language); None until chosen: the browser's.
    language: Mapped[str | None] = mapped_column(sa.String(8))

    __table_args__ = (sa.CheckConstraint(_in("role", ROLES), name="role"),)

    def get_id(self) -> str:
        """What Flask-Login keeps in the session: the id and the session version ("12.3")."""
        return f"{self.id}.{self.session_version or 1}"

    def end_sessions(self) -> None:
        """Make every session cookie issued so far for this person invalid."""
        self.session_version = (self.session_version or 1) + 1

    def set_password(self, password: str) -> None:
        """Store a hash of ``password``; sessions opened with the old password end."""
        self.password_hash = generate_password_hash(password)
        if self.id is not None:
            self.end_sessions()

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[self.role]

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class LoginThrottle(db.Model):
    """Failed sign-ins per account or per address, to slow down password guessing."""

    __tablename__ = "login_throttles"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(400), unique=True)
    failures: Mapped[int] = mapped_column(default=0)
    first_failure_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    locked_until: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))


class RubricVersion(db.Model):
    """A pinned snapshot of the framework: what a cycle was started with, never changed afterwards."""

    __tablename__ = "rubric_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    content_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    version: Mapped[str] = mapped_column(sa.String(50))
    snapshot: Mapped[dict] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class Cycle(db.Model):
    __tablename__ = "cycles"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    instructions: Mapped[str] = mapped_column(sa.Text, default="")
    starts_on: Mapped[date | None] = mapped_column(sa.Date)
    ends_on: Mapped[date | None] = mapped_column(sa.Date)
    state: Mapped[str] = mapped_column(sa.String(20), default="draft")
    rubric_version_id: Mapped[int | None] = mapped_column(sa.ForeignKey("rubric_versions.id"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    opened_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    released_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    version_id: Mapped[int] = mapped_column(default=1)

    rubric_version: Mapped[RubricVersion | None] = relationship()
    assessments: Mapped[list[Assessment]] = relationship(back_populates="cycle", order_by="Assessment.id")

    __table_args__ = (
        sa.CheckConstraint(_in("state", CYCLE_STATES), name="state"),
        sa.CheckConstraint("state = 'draft' OR rubric_version_id IS NOT NULL", name="pinned_when_opened"),
    )
    __mapper_args__ = {"version_id_col": version_id}


class Assessment(db.Model):
    """One candidate in one cycle, assessed for the next step up from their current role."""

    __tablename__ = "assessments"

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(sa.ForeignKey("cycles.id"), index=True)
    candidate_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    current_role: Mapped[str] = mapped_column(sa.String(50))
    target_role: Mapped[str] = mapped_column(sa.String(50))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    #: HR held this candidate's results back when releasing the cycle; released later one by one.
    is_withheld: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    #: A withdrawn candidate stays in the cycle with their sheets, but nobody owes those sheets any more.
    withdrawn_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    withdrawn_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    withdrawal_reason: Mapped[str | None] = mapped_column(sa.Text)

    cycle: Mapped[Cycle] = relationship(back_populates="assessments")
    candidate: Mapped[User] = relationship(foreign_keys=[candidate_id])
    assignments: Mapped[list[RaterAssignment]] = relationship(
        back_populates="assessment", order_by="RaterAssignment.id"
    )
    calibrations: Mapped[list[Calibration]] = relationship(
        back_populates="assessment", order_by="Calibration.id"
    )

    __table_args__ = (sa.UniqueConstraint("cycle_id", "candidate_id"),)

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


#: Which assessments have results at all: a withdrawn candidate has none, anywhere (overview, panel summary, ZIP
#: of reports, scores CSV/XLSX, release mails, the candidate's own page and PDF). HR still opens the withdrawn
#: person's record and their single results page.
HAS_RESULTS = Assessment.withdrawn_at.is_(None)


class RaterAssignment(db.Model):
    """A rater's sheet for one assessment: the candidate themself (self), a manager or a peer."""

    __tablename__ = "rater_assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(sa.ForeignKey("assessments.id"), index=True)
    rater_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    rater_group: Mapped[str] = mapped_column(sa.String(20))
    status: Mapped[str] = mapped_column(sa.String(20), default="not_started")
    #: Starts at 1; a reopen starts the next revision and keeps the earlier one's ratings.
    revision: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    submitted_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    #: Optimistic lock: a save based on an older version is refused as a conflict.
    version_id: Mapped[int] = mapped_column(default=1)

    assessment: Mapped[Assessment] = relationship(back_populates="assignments")
    rater: Mapped[User] = relationship()
    ratings: Mapped[list[Rating]] = relationship(back_populates="assignment", order_by="Rating.id")
    submissions: Mapped[list[Submission]] = relationship(
        back_populates="assignment", order_by="Submission.revision"
    )

    __table_args__ = (
        sa.UniqueConstraint("assessment_id", "rater_id"),
        # Covers the per-assessment sheet counts of the dashboard and cycle list (index-only; docs/scale.md).
        sa.Index("ix_rater_assignments_assessment_id_status", "assessment_id", "status"),
        sa.CheckConstraint(_in("rater_group", RATER_GROUPS), name="rater_group"),
        sa.CheckConstraint(_in("status", ASSIGNMENT_STATUSES), name="status"),
    )
    __mapper_args__ = {"version_id_col": version_id}

    def current_ratings(self) -> list[Rating]:
        return [r for r in self.ratings if r.revision == self.revision]


class Rating(db.Model):
    """One competency on one rater's sheet, in one revision: a level or "not observed", and evidence."""

    __tablename__ = "ratings"

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(sa.ForeignKey("rater_assignments.id"), index=True)
    revision: Mapped[int] = mapped_column(default=1)
    competency_id: Mapped[str] = mapped_column(sa.String(64))
    level: Mapped[int | None] = mapped_column()
    is_not_observed: Mapped[bool] = mapped_column(default=False)
    evidence: Mapped[str] = mapped_column(sa.Text, default="")
    updated_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    assignment: Mapped[RaterAssignment] = relationship(back_populates="ratings")

    __table_args__ = (
        sa.UniqueConstraint("assignment_id", "revision", "competency_id"),
        sa.CheckConstraint("level IS NULL OR (level >= 1 AND level <= 5)", name="level_on_scale"),
        sa.CheckConstraint("NOT (is_not_observed AND level IS NOT NULL)", name="level_or_not_observed"),
    )


class Submission(db.Model):
    """One submitted revision of a rater's sheet, and its reopening by HR, if it was reopened."""

    __tablename__ = "submissions"

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(sa.ForeignKey("rater_assignments.id"), index=True)
    revision: Mapped[int] = mapped_column()
    submitted_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    submitted_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    reopened_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    reopened_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    reopen_reason: Mapped[str | None] = mapped_column(sa.Text)

    assignment: Mapped[RaterAssignment] = relationship(back_populates="submissions")

    __table_args__ = (sa.UniqueConstraint("assignment_id", "revision"),)


class Calibration(db.Model):
    """HR's calibrated verdict, with its rationale, beside the computed one; every one is kept.

    ``rationale`` is for HR and the panel only; ``candidate_note`` is what the candidate reads. A large move
    is ``proposed`` until a second HR person approves it; rows from before the two-person rule are approved.
    """

    __tablename__ = "calibrations"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(sa.ForeignKey("assessments.id"), index=True)
    band_id: Mapped[str] = mapped_column(sa.String(64))
    computed_band_id: Mapped[str] = mapped_column(sa.String(64))
    rationale: Mapped[str] = mapped_column(sa.Text)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    candidate_note: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    #: Who sat on the panel, as HR typed it (names).
    panel_members: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    status: Mapped[str] = mapped_column(sa.String(20), default="approved", server_default="approved")
    #: The second HR person, for a move that needed one; None when the move was approved with its recording.
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    approved_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    assessment: Mapped[Assessment] = relationship(back_populates="calibrations")
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])

    __table_args__ = (sa.CheckConstraint(_in("status", CALIBRATION_STATUSES), name="status"),)

    @property
    def is_approved(self) -> bool:
        return self.status == "approved"


class RoleGrant(db.Model):
    """A proposal to give an account the HR role; it takes effect when a second HR person approves it."""

    __tablename__ = "role_grants"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    role: Mapped[str] = mapped_column(sa.String(20))
    status: Mapped[str] = mapped_column(sa.String(20), default="proposed")
    proposed_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    proposed_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    approved_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    proposed_by: Mapped[User] = relationship(foreign_keys=[proposed_by_id])

    __table_args__ = (sa.CheckConstraint(_in("status", ROLE_GRANT_STATUSES), name="status"),)


class ConflictClearance(db.Model):
    """HR cleared a rater's conflict of interest on one sheet, with a reason: the sheet counts again."""

    __tablename__ = "conflict_clearances"

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(sa.ForeignKey("rater_assignments.id"), unique=True)
    reason: Mapped[str] = mapped_column(sa.Text)
    cleared_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    cleared_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    cleared_by: Mapped[User] = relationship()


class ExportJob(db.Model):
    """A long export (a cycle's reports as a ZIP, ...) with its progress, run in-process or on RQ."""

    __tablename__ = "export_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(sa.ForeignKey("cycles.id"), index=True)
    requested_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(sa.String(32))
    state: Mapped[str] = mapped_column(sa.String(20), default="queued")
    progress_done: Mapped[int] = mapped_column(default=0)
    progress_total: Mapped[int] = mapped_column(default=0)
    file_path: Mapped[str | None] = mapped_column(sa.String(1000))
    error: Mapped[str | None] = mapped_column(sa.Text)
    rq_job_id: Mapped[str | None] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    __table_args__ = (
        sa.CheckConstraint(_in("state", ("queued", "running", "done", "failed")), name="state"),
    )


class AuditEvent(db.Model):
    """Append-only trail: who did what, when, with the state before and after."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(64), index=True)
    cycle_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cycles.id"), index=True)
    subject_type: Mapped[str] = mapped_column(sa.String(64))
    subject_id: Mapped[int | None] = mapped_column()
    summary: Mapped[str] = mapped_column(sa.Text)
    before: Mapped[dict | None] = mapped_column(sa.JSON)
    after: Mapped[dict | None] = mapped_column(sa.JSON)

    actor: Mapped[User | None] = relationship()

    # The audit trail of one cycle, newest first, without walking every other cycle's events (docs/scale.md).
    __table_args__ = (sa.Index("ix_audit_events_cycle_id_occurred_at", "cycle_id", "occurred_at"),)


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _audit_is_append_only(mapper, connection, target):
    raise RuntimeError("the audit trail is append-only: audit events are never changed or deleted")


from .results.models import StoredResult  # noqa: E402,F401  (its own module; imported here for Alembic and the app)
from .mail.models import OutboxMessage  # noqa: E402,F401  (the outbox's table, for Alembic and the app)
