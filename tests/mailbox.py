"""A real SMTP server for the tests (aiosmtpd on a free loopback port) that keeps what it receives."""

from __future__ import annotations

import email
import re
import socket
from email.message import EmailMessage
from email.policy import default

import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Mailbox:
    """What the server received: parsed messages, with their envelope recipients."""

    def __init__(self, port: int, credentials: tuple[str, str] | None = None):
        self.port = port
        self.credentials = credentials
        self.messages: list[EmailMessage] = []
        self.recipients: list[list[str]] = []
        self.controller = None

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(email.message_from_bytes(envelope.original_content or envelope.content, policy=default))
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"

    def start(self):
        from aiosmtpd.controller import Controller

        options = {}
        if self.credentials:  # AUTH without TLS: the test server has no certificate; smtplib's login is the same
            options = {"authenticator": self._authenticate, "auth_required": True, "auth_require_tls": False}
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port, **options)
        self.controller.start()
        return self

    def _authenticate(self, server, session, envelope, mechanism, auth_data):
        from aiosmtpd.smtp import AuthResult, LoginPassword

        ok = isinstance(auth_data, LoginPassword) and (auth_data.login.decode(), auth_data.password.decode()) \
            == self.credentials
        return AuthResult(success=ok, handled=False)

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address in m["To"]]

    @property
    def config(self) -> dict:
        return {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": self.port, "SMTP_SECURITY": "none", "MAIL_DISPATCH": "thread",
                "MAIL_FROM": "OpsLadder <opsladder@example.org>", "SMTP_TIMEOUT": 5}


def text_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def link_in(message: EmailMessage, path: str) -> str:
    """The first link in the plain text that contains ``path``, as a local path for the test client."""
    match = re.search(r"https?://[^/\s]+(" + re.escape(path) + r"[^\s]*)", text_of(message))
    assert match, f"no link to {path} in: {text_of(message)}"
    return match.group(1)


@pytest.fixture
def mailbox():
    box = Mailbox(free_port()).start()
    yield box
    box.stop()
