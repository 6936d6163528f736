"""The demo's talent review (issue 20, 1): the demo candidates get a site, so the review can be filtered by unit."""

from __future__ import annotations

import sqlalchemy as sa

from .extensions import db
from .models import User

#: Demo candidate e-mail -> unit (site or department, free text as an HR system sends it).
UNITS = {
    "lukasz.nowak@example.com": "Rotterdam DC", "zoe.muller-simic@example.com": "Hamburg Hub",
    "aoife.obrien@example.com": "Rotterdam DC", "mehmet.yilmaz@example.com": "Hamburg Hub",
    "nguyen.thi.lan@example.com": "Lyon Plant", "soren.ostergaard@example.com": "Group Operations",
    "jose.alvarez@example.com": "Group Operations", "ayse.demir@example.com": "Lyon Plant",
    "bjorn.thorsson@example.com": "Hamburg Hub",
}


def give_units() -> None:
    """Set each demo candidate's unit where none is set (an HR import's value is never overwritten)."""
    for user in db.session.scalars(sa.select(User).where(User.email.in_(list(UNITS)), User.unit.is_(None))):
        user.unit = UNITS[user.email]
