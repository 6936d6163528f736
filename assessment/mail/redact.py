"""What HR may read of a stored message: the bodies with every personal sign-in link made unusable.

Invitations, password resets and the opening mails and reminders to people without a password carry a
``/password/set/<token>`` link; whoever holds it can choose that person's password and is signed in. The outbox
page shows stored bodies to every HR person, so the token is replaced by a visible marker before anything is shown.
"""

from __future__ import annotations

import re
from html import escape

from flask_babel import gettext as _

#: The path of the set-password page (``auth.account.set_password``) and the token after it, as it stands in a
#: text or HTML body (itsdangerous tokens: URL-safe base64 and dots; a stray %-escape is taken too).
ACCOUNT_LINK = re.compile(r"(/password/set/)[A-Za-z0-9_\-.=%]+")


def hidden_marker() -> str:
    return _("[link hidden: personal sign-in link]")


def hide_account_links(body: str, *, html: bool = False) -> str:
    """``body`` with the token of every set-password link replaced by a marker (HTML-escaped for an HTML part)."""
    marker = escape(hidden_marker()) if html else hidden_marker()
    return ACCOUNT_LINK.sub(lambda found: found.group(1) + marker, body or "")
