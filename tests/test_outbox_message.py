"""Issue 19, 3: HR reads a message's content in the outbox, safely; e-mails say which organisation sent them; the
sender defaults to no-reply@ the base URL's host."""

from __future__ import annotations

import re
from html import unescape

import pytest

from assessment.config import mail_sender
from assessment.extensions import db
from assessment.mail.outbox import queue_message, wait_for_delivery
from assessment.services.accounts import invite
from tests.mailbox import html_of, mailbox, text_of  # noqa: F401 - fixture

HOSTILE_HTML = ('<p>Hello <b>Ann</b></p><script>parent.document.title="pwned"</script>'
                '<img src="x" onerror="parent.document.title=\'pwned\'">')


@pytest.fixture
def message(app):
    message = queue_message(kind="reminder", to_address="ann@example.com", to_name="Ann <Boss> Smith",
                            subject="Reminder: Q4 & more", text_body="Hello Ann,\n\n<b>not bold</b>\nhttps://x/y",
                            html_body=HOSTILE_HTML)
    db.session.commit()
    return message


def test_hr_reads_a_message_with_its_html_part_sandboxed(app, auth, make, message):
    """Subject, recipient, sender, text (escaped) and the HTML part only inside a sandboxed frame, as an escaped
    srcdoc: no script of the message runs on the page."""
    auth.login(make.user("hr"))
    listing = auth.client.get("/hr/outbox/").get_data(as_text=True)
    assert f'href="/hr/outbox/{message.id}"' in listing
    response = auth.client.get(f"/hr/outbox/{message.id}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<h1>Reminder: Q4 &amp; more</h1>" in page
    assert "Ann &lt;Boss&gt; Smith &lt;ann@example.com&gt;" in page
    assert "&lt;b&gt;not bold&lt;/b&gt;" in page and "<b>not bold</b>" not in page
    assert "<script>parent" not in page and "onerror=" not in page.replace("onerror=&#34;", "").replace(
        "onerror=&quot;", "")
    frame = re.search(r'<iframe sandbox="" srcdoc="([^"]*)"', page)
    assert frame, "the HTML part is shown in a frame with an empty sandbox (no allow-scripts)"
    assert unescape(frame.group(1)) == HOSTILE_HTML
    assert "OpsLadder &lt;no-reply@localhost&gt;" in page


def test_only_hr_reads_messages(app, auth, make, message):
    """A manager gets 403 for a message's page."""
    auth.login(make.user("manager"))
    assert auth.client.get(f"/hr/outbox/{message.id}").status_code == 403


def test_the_organisation_names_the_sender_and_signs_the_text(app, make, mailbox):
    """With OPSLADDER_ORGANISATION and no MAIL_FROM, the mail comes from "<organisation> (OpsLadder)"
    <no-reply@base host>, and its text and HTML name the organisation (escaped in the HTML)."""
    app.config.update(mailbox.config)
    app.config.update(MAIL_FROM=None, ORGANISATION="Muster & Söhne GmbH", BASE_URL="https://opsladder.example.com/")
    invite(make.user("manager", email="nia@example.com", password=None), actor=make.user("hr"))
    db.session.commit()
    wait_for_delivery()
    [sent] = mailbox.to("nia@example.com")
    assert sent["From"].addresses[0].display_name == "Muster & Söhne GmbH (OpsLadder)"
    assert sent["From"].addresses[0].addr_spec == "no-reply@opsladder.example.com"
    assert "OpsLadder for Muster & Söhne GmbH (https://opsladder.example.com/)" in text_of(sent)
    assert "OpsLadder for Muster &amp; Söhne GmbH" in html_of(sent)


@pytest.mark.parametrize(("config", "sender"), [
    ({"BASE_URL": "https://opsladder.example.com/"}, ("OpsLadder", "no-reply@opsladder.example.com")),
    ({"BASE_URL": "http://127.0.0.1:5000/"}, ("OpsLadder", "no-reply@localhost")),
    ({"BASE_URL": "https://a.example/", "ORGANISATION": "Acme"}, ("Acme (OpsLadder)", "no-reply@a.example")),
    ({"BASE_URL": "https://a.example/", "ORGANISATION": "Acme", "MAIL_FROM": "hr@acme.example"},
     ("Acme (OpsLadder)", "hr@acme.example")),
    ({"BASE_URL": "https://a.example/", "ORGANISATION": "Acme", "MAIL_FROM": "Acme HR <hr@acme.example>"},
     ("Acme HR", "hr@acme.example")),
])
def test_the_default_sender_comes_from_the_base_url_and_the_organisation(config, sender):
    """No MAIL_FROM: no-reply@ the base URL's host (localhost for an address); a bare MAIL_FROM gets the name."""
    assert mail_sender(config) == sender
