"""Writing messages from templates (templates/mail/<name>.txt and .html) and the absolute links they carry."""

from __future__ import annotations

from flask import current_app
from flask_babel.speaklater import LazyString

from ..i18n import speaking
from ..models import User
from ..models import OutboxMessage
from .outbox import queue_message


def base_url() -> str:
    """OPSLADDER_BASE_URL (checked at start-up), never the request's address: a forged Host header must not
    decide where the links in a password-reset mail point."""
    configured = current_app.config.get("BASE_URL")
    if not configured:
        raise RuntimeError("OPSLADDER_BASE_URL is not set: mail links cannot be built (see README: Configuration)")
    return configured.rstrip("/") + "/"


def external_url(endpoint: str, **values) -> str:
    """An absolute link for an e-mail, also outside a request (``opsladder remind`` runs from cron)."""
    adapter = current_app.url_map.bind("localhost")
    return base_url().rstrip("/") + adapter.build(endpoint, values)


def recipient_language(user: User) -> str | None:
    """The language a person's e-mails are written in: their account's, else English (never the sender's)."""
    return getattr(user, "language", None)


def receives_mail(user: User) -> bool:
    """Whether OpsLadder may write to ``user``: not to a deactivated account."""
    return user.is_active is not False


def render_message(template: str, **context) -> tuple[str, str]:
    """The plain-text and HTML bodies of one message."""
    # Straight from the Jinja environment: mail is written outside requests too (cron, workers), where the
    # pages' context processors (the signed-in user, ...) have nothing to say. HTML templates autoescape.
    context.setdefault("app_url", base_url())
    env = current_app.jinja_env
    return tuple(env.get_template(f"mail/{template}.{ext}").render(config=current_app.config, **context)
                 for ext in ("txt", "html"))


def _written(user: User, subject, template: str, context: dict) -> tuple[str, str, str]:
    """Subject, text and HTML of a message to ``user``, in their language."""
    with speaking(recipient_language(user)):
        subject = str(subject)
        context = {key: str(value) if isinstance(value, LazyString) else value for key, value in context.items()}
        text, html = render_message(template, user=user, subject=subject, **context)
    return subject, text, html


def send_to(user: User, kind: str, subject, template: str, *, cycle_id: int | None = None,
            dedupe_key: str | None = None, **context) -> OutboxMessage | None:
    """Render a message for ``user`` in their language and record it in the outbox (sent after commit); None, and
    nothing recorded, for a deactivated account: every message OpsLadder sends a person passes here, so this is
    the one guard that keeps mail from people who left (their history stays; ``users.deactivate_user``).

    ``subject`` is a lazy string (``lazy_gettext``), made into text in the recipient's language here; so are any
    lazy strings in ``context``. Callers that build more text for the message do it inside ``speaking(user)``.
    """
    if not receives_mail(user):
        return None
    subject, text, html = _written(user, subject, template, context)
    return queue_message(kind=kind, to_address=user.email, to_name=user.name, subject=subject, text_body=text,
                         html_body=html, recipient_id=user.id, cycle_id=cycle_id, dedupe_key=dedupe_key)


def rewrite(message: OutboxMessage, user: User, subject, template: str, **context) -> OutboxMessage:
    """Write a message recorded in this transaction (not yet committed, so not yet sent) afresh, as ``send_to``
    would: a message that gathers what one action gives a person (``notify``'s sheet messages)."""
    message.subject, message.text_body, message.html_body = _written(user, subject, template, context)
    return message
