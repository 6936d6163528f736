"""Mail reaches exactly the person (issue 15.9): what no mail server can deliver is refused when it is typed, and
the To: header a real SMTP server receives names that one person, whatever their name holds."""

from __future__ import annotations

import re
from email.utils import getaddresses

import pytest
import sqlalchemy as sa

from assessment.extensions import db
from assessment.mail.compose import send_to
from assessment.models import OutboxMessage
from assessment.mail.outbox import queue_message, wait_for_delivery
from assessment.models import User
from assessment.services import ServiceError
from assessment.services.imports import ImportRejected, import_candidates
from assessment.services.users import create_user
from tests.mailbox import mailbox  # noqa: F401 - fixture
from tests.test_hr_imports import HEADER, csv_bytes

ENCODED_WORD = re.compile(r"=\?[^?]+\?[bBqQ]\?[^?]*\?=")
QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"')

HOSTILE_NAMES = [
    "Eve <x@evil.example>, Bob",
    "Jörg <x@evil.example>, Bob",
    "Jörg, x@evil.example",
    "Jürgen: x@evil.example, y",
    "Ærø: x@evil.example;",
    "Zoë <x@evil.example>",
    "Müller, Eve",
    'Zoë "q" \\ <x@evil.example>',
    "Ann (x@evil.example) Lee",
]
UNDELIVERABLE_NAMES = [
    "=?utf-8?q?Eve=0D=0ABcc:_x@evil.example?=",
    "Bob =?UTF-8?B?DQpCY2M6IHhAZXZpbC5leGFtcGxl?=",
    "Ann\u2028Bcc: x@evil.example",
    "Ann\u2029x@evil.example",
    "Ann\r\nBcc: x@evil.example",
]


def _received_to(mailbox, address: str):
    [message] = [m for m in mailbox.messages if address in str(m["To"])]
    return message


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_the_to_header_received_is_exactly_the_person(app, make, mailbox, name):
    """Whatever the name holds, the server receives one recipient and a To: that parses to that one person, both
    by a standard parser and by a careless one that reads encoded words as plain words (reply-all)."""
    app.config.update(mailbox.config)
    user = make.user("candidate", name=name, email="bob@example.com")
    send_to(user, "invitation", "Hello", "invitation", link="http://localhost/x", days=14)
    db.session.commit()
    wait_for_delivery()
    assert mailbox.recipients == [["bob@example.com"]]
    message = _received_to(mailbox, "bob@example.com")
    [address] = message["To"].addresses
    assert (address.display_name, address.addr_spec) == (name, "bob@example.com")
    raw = _raw_header(message, "To")
    careless = getaddresses([ENCODED_WORD.sub("X", raw)])
    assert [addr for _, addr in careless] == ["bob@example.com"], raw
    # Outside encoded words and quoted strings nothing of the planted address is left to see.
    assert "evil.example" not in QUOTED.sub("", ENCODED_WORD.sub("", raw)), raw


def _raw_header(message, name: str) -> str:
    """The header as it travelled (unfolded), before any decoding."""
    raw = message.as_bytes().decode("ascii", "replace")
    match = re.search(rf"^{name}: (.*?)\r?\n(?![ \t])", raw, re.M | re.S)
    return re.sub(r"\r?\n[ \t]", " ", match.group(1))


def test_a_non_ascii_domain_is_sent_in_its_ascii_form(app, make, mailbox):
    """An internationalised domain is fine: the envelope and To: carry its IDNA form, which every server takes."""
    app.config.update(mailbox.config)
    user = make.user("candidate", name="Anna Bücher", email="anna@bücher.example")
    send_to(user, "invitation", "Hello", "invitation", link="http://localhost/x", days=14)
    db.session.commit()
    wait_for_delivery()
    assert mailbox.recipients == [["anna@xn--bcher-kva.example"]]
    [address] = mailbox.messages[0]["To"].addresses
    assert (address.display_name, address.addr_spec) == ("Anna Bücher", "anna@xn--bcher-kva.example")


@pytest.mark.parametrize("email", ["jörg@example.com", "пётр@example.com", "ü@bücher.example"])
def test_an_address_with_non_ascii_before_the_at_is_refused_when_typed(app, make, email):
    """RFC 6531 allows it, but no mail to it can leave without SMTPUTF8: refused with a reason, not stored."""
    with pytest.raises(ServiceError) as info:
        create_user(email, "Jörg", "candidate")
    assert info.value.field == "email" and "part before the @" in info.value.message
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


@pytest.mark.parametrize("name", UNDELIVERABLE_NAMES)
def test_a_name_a_mail_header_cannot_carry_is_refused_when_typed(app, name):
    with pytest.raises(ServiceError) as info:
        create_user("eve@example.com", name, "candidate")
    assert info.value.field == "name"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_the_person_form_says_what_is_wrong_beside_the_field(client, make, auth):
    """The HR form: 400 with the reason beside the field, for the name and for the address; nothing stored."""
    auth.login(make.user("hr"))
    before = db.session.scalar(sa.select(sa.func.count()).select_from(User))
    name = client.post("/hr/people/new", data={"name": "Eve =?utf-8?q?=0D=0A?=", "email": "eve@example.com",
                                               "role": "candidate"})
    assert name.status_code == 400 and "decode as hidden text" in name.get_data(as_text=True)
    separator = client.post("/hr/people/new", data={"name": "Eve\u2028Bcc", "email": "eve@example.com",
                                                    "role": "candidate"})
    assert separator.status_code == 400 and "line separator (U+2028)" in separator.get_data(as_text=True)
    address = client.post("/hr/people/new", data={"name": "Jörg", "email": "jörg@example.com", "role": "candidate"})
    assert address.status_code == 400 and "part before the @" in address.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == before


def test_the_import_names_the_row_and_column_of_an_undeliverable_person(app, make):
    """A candidate import: each such row is a problem of its column; nobody is imported."""
    manager, hr = make.user("manager", email="m1@example.com"), make.user("hr")
    cycle = make.cycle(state="draft")
    data = csv_bytes(HEADER,
                     "=?utf-8?b?RXZlDQpCY2M6IHhAZXZpbC5leGFtcGxl?=,eve@example.com,operations_manager,"
                     "head_of_operations,m1@example.com,",
                     "Jörg,jörg@example.com,operations_manager,head_of_operations,m1@example.com,",
                     "Ann\u2028Lee,ann@example.com,operations_manager,head_of_operations,m1@example.com,")
    with pytest.raises(ImportRejected) as info:
        import_candidates(cycle, "people.csv", data, framework=make.framework, actor=hr)
    db.session.rollback()
    problems = {(p.row, p.column): p.message for p in info.value.problems}
    assert set(problems) == {(4, "name")}  # the line separator is refused alone, before anything else is checked
    assert "line separator (U+2028)" in problems[(4, "name")]
    data = csv_bytes(*[line for line in data.decode().split("\n") if line and "\u2028" not in line])
    with pytest.raises(ImportRejected) as info:
        import_candidates(cycle, "people.csv", data, framework=make.framework, actor=hr)
    db.session.rollback()
    problems = {(p.row, p.column): p.message for p in info.value.problems}
    assert set(problems) == {(2, "name"), (3, "email")}
    assert "decode as hidden text" in problems[(2, "name")]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User).where(User.id != manager.id,
                                                                                User.id != hr.id)) == 0


def test_mail_to_an_address_stored_before_the_check_fails_with_a_reason(app, mailbox):
    """An address stored before input was checked is not sent into silence: the outbox row says why it failed."""
    app.config.update(mailbox.config)
    message = queue_message(kind="invitation", to_address="jörg@example.com", to_name="Jörg", subject="Hello",
                            text_body="plain", html_body="<p>html</p>")
    db.session.commit()
    wait_for_delivery()
    db.session.expire_all()
    stored = db.session.get(OutboxMessage, message.id)
    assert stored.status == "pending" and "non-ASCII before the @" in stored.last_error
    assert mailbox.messages == []
