"""Handing a message to the world: an SMTP server (smtplib), or an .eml file when no server is configured."""

from __future__ import annotations

import logging
import smtplib
import ssl
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from datetime import timezone
from pathlib import Path

from email_validator import EmailNotValidError, validate_email

from ..models import OutboxMessage

log = logging.getLogger("opsladder.mail")

SECURITY_MODES = ("starttls", "tls", "none")


class MailConfigError(RuntimeError):
    """The mail settings cannot work (an unknown SMTP_SECURITY, ...)."""


class UndeliverableAddress(ValueError):
    """An address no SMTP server takes without SMTPUTF8 (a non-ASCII part before the @); refused at input."""


def mail_address(name: str, address: str) -> Address:
    """One address header entry, built as an object and never parsed from text: whatever the name holds
    (``<``, ``,``, ``:``, quotes, non-ASCII), it is quoted or encoded whole and cannot add a second address.
    A non-ASCII domain is written in its ASCII (IDNA) form."""
    local, _, domain = (address or "").rpartition("@")
    if not (local and domain and local.isascii()):
        raise UndeliverableAddress(f"{address!r} is not an address SMTP can carry (non-ASCII before the @, or no @)")
    if not domain.isascii():
        try:
            domain = validate_email(address, check_deliverability=False).ascii_domain
        except EmailNotValidError as exc:
            raise UndeliverableAddress(f"{address!r} is not a valid e-mail address: {exc}") from None
    ascii_address = f"{local}@{domain}"
    return Address(display_name=name or "", addr_spec=ascii_address)


def sender_address(sender: tuple[str, str]) -> Address:
    """The sender (``config.mail_sender``: display name and address) as an address object."""
    name, address = sender
    try:
        return mail_address(name, address)
    except UndeliverableAddress:
        raise MailConfigError(f"MAIL_FROM gives the address {address!r}: use the form "
                              "'Name <address@example.org>' or a bare address") from None


def build_email(message: OutboxMessage, sender: tuple[str, str]) -> EmailMessage:
    """The MIME message of an outbox row: plain text with an HTML alternative, and a stable Message-ID."""
    email = EmailMessage()
    email["Subject"] = message.subject
    email["From"] = sender_address(sender)
    email["To"] = mail_address(message.to_name, message.to_address)
    created = message.created_at
    email["Date"] = format_datetime(created if created.tzinfo else created.replace(tzinfo=timezone.utc))
    # The same Message-ID on every attempt lets a mail system drop a copy sent twice after a lost answer.
    domain = sender[1].rpartition("@")[2] or "opsladder.localhost"
    email["Message-ID"] = make_msgid(idstring=f"outbox-{message.id}", domain=domain)
    email["Auto-Submitted"] = "auto-generated"
    email.set_content(message.text_body)
    email.add_alternative(message.html_body, subtype="html")
    return email


class SmtpTransport:
    """One SMTP connection for a batch of messages (STARTTLS, implicit TLS or plain, with optional login)."""

    def __init__(self, config: dict):
        self.host, self.port = config["SMTP_HOST"], int(config["SMTP_PORT"])
        self.security = config["SMTP_SECURITY"]
        if self.security not in SECURITY_MODES:
            raise MailConfigError(f"SMTP_SECURITY is {self.security!r}; use one of {', '.join(SECURITY_MODES)}")
        self.user, self.password = config.get("SMTP_USER"), config.get("SMTP_PASSWORD")
        self.timeout = config.get("SMTP_TIMEOUT", 20)
        self.connection: smtplib.SMTP | None = None

    def describe(self) -> str:
        return f"SMTP {self.host}:{self.port} ({self.security})"

    def _connect(self) -> smtplib.SMTP:
        context = ssl.create_default_context()
        if self.security == "tls":
            conn = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        else:
            conn = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            if self.security == "starttls":
                conn.starttls(context=context)
        if self.user:
            conn.login(self.user, self.password or "")
        return conn

    def send(self, email: EmailMessage, message: OutboxMessage) -> None:
        if self.connection is None:
            self.connection = self._connect()
        self.connection.send_message(email)

    def close(self) -> None:
        if self.connection is not None:
            try:
                self.connection.quit()
            except (smtplib.SMTPException, OSError):
                pass
            self.connection = None


class FileTransport:
    """No SMTP server: each message becomes an .eml file (open it with any mail program), and the log says where."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def describe(self) -> str:
        return f".eml files in {self.folder}"

    def send(self, email: EmailMessage, message: OutboxMessage) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{message.created_at:%Y%m%d-%H%M%S}-{message.id:06d}-{message.kind}.eml"
        path.write_bytes(bytes(email))
        # A warning, so that it shows with the default log level: this mail did not leave the machine.
        log.warning("no SMTP_HOST set: mail to %s (%s) written to %s", message.to_address, message.kind, path)

    def close(self) -> None:
        pass


def transport_for(config: dict, instance_path: str):
    """SMTP when SMTP_HOST is set, else .eml files in MAIL_DIR (default: the instance folder's mail/)."""
    if config.get("SMTP_HOST"):
        return SmtpTransport(config)
    return FileTransport(Path(config.get("MAIL_DIR") or Path(instance_path) / "mail"))
