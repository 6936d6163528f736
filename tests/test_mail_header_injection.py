"""Security review of issue 19, 2: no header injection through RFC 2047 encoded words (CPython CVE-2024-6923 folds
a decoded CR LF into the raw header on 3.11.7). The message is refused loudly; cycle names and the configured
sender name cannot hold encoded words or control characters in the first place."""

from __future__ import annotations

from datetime import datetime, timezone
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from assessment import create_app
from assessment.extensions import db
from assessment.mail.outbox import queue_message, wait_for_delivery
from assessment.mail.transport import MailConfigError, UnsafeHeader, build_email
from assessment.models import Cycle
from tests.conftest import app_config
from tests.mailbox import mailbox  # noqa: F401 - fixture

SNEAKY = "=?utf-8?q?Q4=0D=0ABcc:_spy@evil.example?= round"


def _message(**fields):
    values = {"id": 1, "subject": "S", "to_address": "a@example.com", "to_name": "A", "text_body": "t",
              "html_body": "<p>h</p>", "created_at": datetime.now(timezone.utc)}
    values.update(fields)
    return SimpleNamespace(**values)


@pytest.mark.parametrize("where, message, sender", [
    ("Subject", _message(subject=SNEAKY), ("OpsLadder", "no-reply@example.com")),
    ("From", _message(), ("=?utf-8?q?Acme=0D=0ABcc:_e@x.example?= (OpsLadder)", "no-reply@example.com")),
    ("To", _message(to_name="=?utf-8?q?Ann=0D=0ABcc:_e@x.example?="), ("OpsLadder", "no-reply@example.com")),
])
def test_a_header_that_would_break_a_line_is_refused(where, message, sender):
    """Whichever header an encoded line break hides in, build_email refuses the message and names the header;
    it never returns a message whose bytes hold a second (Bcc) header."""
    try:
        raw = bytes(build_email(message, sender))
    except UnsafeHeader as exc:
        assert f"the {where} header" in str(exc)
        return
    assert b"\nBcc:" not in raw and b"\rBcc:" not in raw, raw


def test_the_outbox_row_fails_at_once_and_says_why(app, mailbox):
    """Such a message is not sent and not retried: it is given up on the first attempt with the reason."""
    app.config.update(mailbox.config)
    message = queue_message(kind="reminder", to_address="ann@example.com", to_name="Ann", subject=SNEAKY,
                            text_body="t", html_body="<p>h</p>")
    db.session.commit()
    wait_for_delivery()
    db.session.expire_all()
    assert mailbox.messages == []
    assert message.status == "failed" and message.attempts == 1
    assert "UnsafeHeader" in message.last_error and "Subject" in message.last_error


@pytest.mark.parametrize("name, says", [(SNEAKY, "=?utf-8?q?Q4=0D=0ABcc:_spy@evil.example?="),
                                        ("Q4\x1bround", "character 3")])
def test_a_cycle_name_cannot_hold_encoded_words_or_control_characters(app, auth, make, name, says):
    """The cycle form says what is wrong with the name, beside the name; no cycle is created."""
    auth.login(make.user("hr"))
    response = auth.client.post("/hr/cycles/new", data={"name": name, "instructions": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 400, page[:500]
    assert says in page
    assert db.session.scalars(sa.select(Cycle)).first() is None


@pytest.mark.parametrize("setting, key, value", [
    ("OPSLADDER_ORGANISATION", "ORGANISATION", "=?utf-8?q?Acme=0D=0ABcc:_e@x.example?="),
    ("OPSLADDER_ORGANISATION", "ORGANISATION", "Acme\x00Corp"),
    ("MAIL_FROM", "MAIL_FROM", "Boss\r\nBcc: x@y.example <a@b.example>"),
])
def test_the_sender_settings_are_checked_at_start_up(tmp_path, setting, key, value):
    """A sender name that could break the From header stops the app at start-up, naming the setting."""
    with pytest.raises(MailConfigError, match=setting):
        create_app(app_config(f"sqlite:///{tmp_path / 'x.db'}", **{key: value}))
    assert create_app(app_config(f"sqlite:///{tmp_path / 'y.db'}", ORGANISATION="Müller & Söhne GmbH"))
