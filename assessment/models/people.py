"""People: accounts with their role and language, proposals to grant the HR role, and the sign-in throttle."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from .base import _in, utcnow

ROLES = ("hr", "manager", "candidate")
ROLE_LABELS = {"hr": "HR", "manager": "Manager", "candidate": "Candidate"}
#: Granting the HR role is proposed until a second HR person approves it (two-person rule).
ROLE_GRANT_STATUSES = ("proposed", "approved", "withdrawn")


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
    #: (issue 18) A trained assessor: HR may schedule them for assessment-centre exercises.
    is_assessor: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    #: (issues 20, 21) The site or department, free text as the HR system names it; None: not known.
    unit: Mapped[str | None] = mapped_column(sa.String(120), index=True)
    #: The id the company's HR system knows this person by (people sync matches on it); unique when set.
    employee_id: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    #: The line manager (reporting line), kept when the manager's account is deleted as None.
    manager_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    #: When the account was deactivated (is_active false): history kept, no sign-in, no mail.
    deactivated_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    manager: Mapped[User | None] = relationship(remote_side=[id], foreign_keys=[manager_id])

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
