"""HR reading a stored message: what may be shown of it, and the audit trail of who read which."""

from __future__ import annotations

from ..mail.redact import hide_account_links
from ..models import OutboxMessage, User
from .audit import record_audit


def read_message(message: OutboxMessage, *, actor: User) -> tuple[str, str, bool]:
    """The text and HTML bodies of ``message`` as HR may see them (no usable sign-in link) and whether a link was
    hidden, recorded in the audit trail (flushes; the caller commits)."""
    record_audit("outbox.view", message, f"{actor.name} read the {message.kind} message to {message.to_address}",
                 actor=actor, after={"kind": message.kind, "email": message.to_address})
    text, html = hide_account_links(message.text_body), hide_account_links(message.html_body, html=True)
    return text, html, text != message.text_body or html != message.html_body
