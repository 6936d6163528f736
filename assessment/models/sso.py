"""Single sign-on settings (issue 21): whether password sign-in is on, the break-glass account, and the e-mail
domains whose unknown people get an account at their first single sign-on (just-in-time creation)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import _in, utcnow

#: The roles a just-in-time account may get: never HR (HR is granted by two people, services.two_person).
JIT_ROLES = ("candidate", "manager")


class SignInSettings(db.Model):
    """One row (id 1): how people sign in. No row: password sign-in is on for everyone."""

    __tablename__ = "sign_in_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    password_sign_in: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    #: The one HR account that keeps password sign-in while it is off for everyone else.
    break_glass_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    break_glass_user: Mapped[User | None] = relationship(foreign_keys=[break_glass_user_id])  # noqa: F821


class JitDomain(db.Model):
    """An e-mail domain (IDNA ASCII form) whose unknown people get an account with ``role`` at their first SSO."""

    __tablename__ = "sso_jit_domains"

    id: Mapped[int] = mapped_column(primary_key=True)
    domain: Mapped[str] = mapped_column(sa.String(253), unique=True)
    role: Mapped[str] = mapped_column(sa.String(20))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    __table_args__ = (sa.CheckConstraint(_in("role", JIT_ROLES), name="role"),)
