"""(issue 21) Personal access tokens for the JSON API: HR creates them with scopes and an expiry; only a hash of
the token is stored (the token itself is shown once, when it is created)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import utcnow
from .people import User

#: What a token may do; each API operation needs one of them.
API_SCOPES = ("people:read", "people:write", "cycles:read", "cycles:write", "results:read")


class ApiToken(db.Model):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    #: SHA-256 of the token (hex): tokens are long random strings, so a fast hash is enough; never the token.
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    #: The scopes, separated by spaces (API_SCOPES).
    scopes: Mapped[str] = mapped_column(sa.String(200))
    expires_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])

    @property
    def scope_list(self) -> list[str]:
        return [scope for scope in (self.scopes or "").split() if scope in API_SCOPES]

    def __repr__(self) -> str:
        return f"<ApiToken {self.id} {self.name!r}>"
