"""The outbox against a real SMTP server: sent after commit, nothing on rollback, retried when the server is down,
.eml files without a server, and reminders sent once."""

from __future__ import annotations

import email
import logging
from datetime import date, timedelta
from email.policy import default

import pytest
import sqlalchemy as sa

from assessment.extensions import db
from assessment.models import OutboxMessage
from assessment.mail.outbox import deliver, queue_message, retry_delay, wait_for_delivery
from assessment.models import utcnow
from assessment.services.cycles import change_state, create_cycle
from assessment.services.ratings import save_sheet
from rubrics.sheet import RatingInput
from tests.mailbox import Mailbox, free_port, html_of, link_in, mailbox, text_of  # noqa: F401 - fixture
from tests.sheets import sheet_of, with_evidence
from tests.test_results_exports import exports_dir, redis_app  # noqa: F401 - fixtures


def _outbox():
    db.session.expire_all()
    return db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()


def _draft_cycle_with_candidate(make, ends_on=None):
    cycle = create_cycle("Spring review", actor=None, ends_on=ends_on, instructions="Rate with evidence.")
    db.session.commit()
    # Three peers: a cycle cannot open while a candidate has 1..2 peers (issue 17, peer anonymity threshold 3).
    assessment = make.assessment(cycle=cycle, peers=3)
    return cycle, assessment


def _peer_emails(assessment):
    return [a.rater.email for a in assessment.assignments if a.rater_group == "peer"]


def test_opening_a_cycle_mails_every_rater_what_they_owe_after_commit(app, make, mailbox):
    """Opening records one message per rater in the same transaction; after commit the SMTP server receives them."""
    app.config.update(mailbox.config)
    cycle, assessment = _draft_cycle_with_candidate(make, ends_on=date(2026, 12, 18))
    manager = sheet_of(assessment, "manager").rater
    change_state(cycle, "open", actor=None, framework=make.framework)
    recorded = db.session.scalars(sa.select(OutboxMessage)).all()
    assert len(recorded) == 5 and {m.status for m in recorded} == {"pending"}
    assert mailbox.messages == []  # nothing leaves before the commit
    db.session.commit()
    wait_for_delivery()
    assert sorted(a for rcpt in mailbox.recipients for a in rcpt) == sorted(
        [assessment.candidate.email, manager.email, *_peer_emails(assessment)])
    [to_manager] = mailbox.to(manager.email)
    assert to_manager["Subject"] == "Spring review is open: 1 sheet to fill in"
    assert to_manager["From"] == "OpsLadder <opsladder@example.org>"
    body = text_of(to_manager)
    assert "Please submit by Friday, 18 December 2026." in body
    assert f"{assessment.candidate.name} (as manager)" in body
    assert link_in(to_manager, "/ratings/") == f"/ratings/{sheet_of(assessment, 'manager').id}"
    assert "Rate with evidence." in body
    assert "<strong>Spring review</strong>" in html_of(to_manager)
    assert {m.status for m in _outbox()} == {"sent"}
    assert all(m.attempts == 1 and m.sent_at is not None for m in _outbox())


def test_html_body_escapes_what_people_typed(app, make, mailbox):
    """A name with markup arrives as text in the HTML part, never as markup."""
    app.config.update(mailbox.config)
    cycle = create_cycle("<b>Q4</b> & co", actor=None)
    db.session.commit()
    make.assessment(cycle=cycle)
    change_state(cycle, "open", actor=None, framework=make.framework)
    db.session.commit()
    wait_for_delivery()
    html = html_of(mailbox.messages[0])
    assert "&lt;b&gt;Q4&lt;/b&gt; &amp; co" in html and "<b>Q4</b>" not in html


def test_a_rolled_back_change_sends_nothing(app, make, mailbox):
    """A message recorded in a transaction that rolls back leaves no row and never reaches the server."""
    app.config.update(mailbox.config)
    cycle, assessment = _draft_cycle_with_candidate(make)
    change_state(cycle, "open", actor=None, framework=make.framework)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 5
    db.session.rollback()
    # A later, unrelated commit must not send the forgotten ids either.
    make.user("hr")
    wait_for_delivery()
    assert _outbox() == []
    assert mailbox.messages == []


def _queue_one(address="someone@example.com"):
    message = queue_message(kind="invitation", to_address=address, to_name="Someone", subject="Hello",
                            text_body="plain", html_body="<p>html</p>")
    db.session.commit()
    wait_for_delivery()
    return message.id


def test_a_server_that_is_down_loses_nothing_and_send_pending_delivers_later(app, runner):
    """With the server down the message stays pending with the error and a later try; once up, it is sent."""
    box = Mailbox(free_port())  # not started: connections are refused
    app.config.update(box.config)
    message_id = _queue_one()
    [message] = _outbox()
    assert (message.status, message.attempts) == ("pending", 1)
    assert "Connection refused" in message.last_error or "ConnectionRefused" in message.last_error
    assert message.next_attempt_at.replace(tzinfo=None) > utcnow().replace(tzinfo=None)
    box.start()
    try:
        result = runner.invoke(args=["mail", "send-pending"])
        assert "Sent 0 message(s); 1 waiting" in result.output  # not due yet: the delay is respected
        db.session.execute(sa.update(OutboxMessage).values(next_attempt_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
        result = runner.invoke(args=["mail", "send-pending"])
        assert result.exit_code == 0, result.output
        assert "Sent 1 message(s); 0 waiting" in result.output
    finally:
        box.stop()
    [message] = _outbox()
    assert (message.id, message.status, message.attempts, message.last_error) == (message_id, "sent", 2, None)
    assert [m["Subject"] for m in box.messages] == ["Hello"]


def test_delivery_gives_up_after_the_last_attempt_and_hr_can_retry(app, auth, make):
    """After MAIL_MAX_ATTEMPTS failures the message is 'failed'; HR's retry makes it pending and due again."""
    box = Mailbox(free_port())
    app.config.update(box.config, MAIL_MAX_ATTEMPTS=2)
    _queue_one()
    db.session.execute(sa.update(OutboxMessage).values(next_attempt_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert deliver() == 0
    [message] = _outbox()
    assert (message.status, message.attempts) == ("failed", 2)
    app.config["MAIL_DISPATCH"] = "off"
    auth.login(make.user("hr"))
    page = auth.client.get("/hr/outbox/?status=failed").get_data(as_text=True)
    assert "Gave up" in page and "someone@example.com" in page and "Try again now" in page
    assert auth.client.post(f"/hr/outbox/{message.id}/retry").status_code == 302
    [message] = _outbox()
    assert message.status == "pending" and message.next_attempt_at.replace(tzinfo=None) <= utcnow().replace(tzinfo=None)


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_smtp_login_uses_the_configured_credentials(app):
    """With SMTP_USER/SMTP_PASSWORD the server's AUTH is used: a wrong password is an error kept, the right one sends."""
    box = Mailbox(free_port(), credentials=("opsladder", "s3cret-relay")).start()
    try:
        app.config.update(box.config, SMTP_USER="opsladder", SMTP_PASSWORD="wrong")
        _queue_one()
        [message] = _outbox()
        assert message.status == "pending" and "SMTPAuthenticationError" in message.last_error
        app.config["SMTP_PASSWORD"] = "s3cret-relay"
        db.session.execute(sa.update(OutboxMessage).values(next_attempt_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
        assert deliver() == 1
    finally:
        box.stop()
    assert [m["Subject"] for m in box.messages] == ["Hello"] and _outbox()[0].status == "sent"


def test_retry_delays_grow_and_are_capped():
    """Each failed try waits longer: 1, 2, 4 minutes ..., never more than 6 hours."""
    assert [retry_delay(n).total_seconds() / 60 for n in (1, 2, 3, 4)] == [1, 2, 4, 8]
    assert retry_delay(30) == timedelta(hours=6)


def test_without_smtp_each_message_is_an_eml_file_and_the_log_says_where(app, tmp_path, caplog):
    """No SMTP_HOST: the message is written to MAIL_DIR as a readable .eml file; the log names the file."""
    app.config.update(SMTP_HOST=None, MAIL_DIR=str(tmp_path / "mail"), MAIL_DISPATCH="thread")
    with caplog.at_level(logging.INFO, logger="opsladder.mail"):
        _queue_one("reader@example.com")
    [path] = list((tmp_path / "mail").glob("*.eml"))
    assert str(path) in caplog.text
    parsed = email.message_from_bytes(path.read_bytes(), policy=default)
    assert parsed["To"] == "Someone <reader@example.com>" and parsed["Subject"] == "Hello"
    assert text_of(parsed).strip() == "plain" and html_of(parsed).strip() == "<p>html</p>"
    assert _outbox()[0].status == "sent"


def _open_cycle_due(make, days_ahead: int, opened_days_ago: int = 30):
    cycle, assessment = _draft_cycle_with_candidate(make, ends_on=utcnow().date() + timedelta(days=days_ahead))
    change_state(cycle, "open", actor=None, framework=make.framework)
    cycle.opened_at = utcnow() - timedelta(days=opened_days_ago)
    db.session.commit()
    db.session.execute(sa.delete(OutboxMessage))  # the opening messages are not what these tests look at
    db.session.commit()
    return cycle, assessment


def _reminders():
    return [m for m in _outbox() if m.kind == "reminder"]


def test_remind_sends_each_due_reminder_once_and_only_to_those_who_owe(app, make, runner):
    """Two days before the due date: the raters who owe get one reminder; a second run (cron) sends no more."""
    cycle, assessment = _open_cycle_due(make, days_ahead=2)
    manager_sheet = sheet_of(assessment, "manager")
    inputs = with_evidence(manager_sheet, [RatingInput(c.id, 3) for c in make.framework.competencies])
    save_sheet(manager_sheet, inputs, actor=manager_sheet.rater, framework=make.framework,
               expected_version=manager_sheet.version_id, submit=True)
    db.session.commit()
    first = runner.invoke(args=["remind"])
    assert first.exit_code == 0, first.output
    assert "before-2: 4 reminders recorded" in first.output
    owed = {assessment.candidate.email, *_peer_emails(assessment)}
    assert {m.to_address for m in _reminders()} == owed  # not the manager, who submitted
    assert all(m.subject == "Reminder: Spring review, 1 sheet still to submit" for m in _reminders())
    assert "(in 2 days)" in _reminders()[0].text_body
    second = runner.invoke(args=["remind"])
    assert "0 reminders recorded, 4 already sent before" in second.output
    assert len(_reminders()) == 4


def test_reminder_stages_before_and_after_the_due_date(app, make, runner):
    """Seven days before, two days before and overdue are three reminders; days between send nothing."""
    cycle, assessment = _open_cycle_due(make, days_ahead=10)
    due = cycle.ends_on
    # Five people owe a sheet (self, manager, three peers): each stage records five reminders.
    for day, expected in ((due - timedelta(days=9), 0), (due - timedelta(days=7), 5), (due - timedelta(days=5), 5),
                          (due - timedelta(days=2), 10), (due, 10), (due + timedelta(days=1), 15),
                          (due + timedelta(days=3), 15)):
        runner.invoke(args=["remind", "--today", day.isoformat()])
        assert len(_reminders()) == expected, day
    overdue = [m for m in _reminders() if m.subject.startswith("Overdue")]
    assert len(overdue) == 5 and "are overdue" in overdue[0].text_body


def test_a_cycle_opened_inside_a_reminder_window_skips_that_reminder(app, make, runner):
    """Opened three days before the due date, nobody gets the 'seven days before' reminder on top of the opening."""
    _open_cycle_due(make, days_ahead=3, opened_days_ago=0)
    result = runner.invoke(args=["remind"])
    assert "No reminders due." in result.output and _reminders() == []


@pytest.mark.parametrize("stage_day", [0])
def test_withdrawn_candidates_sheets_get_no_reminders(app, make, runner, stage_day):
    """A withdrawn candidate's raters owe nothing for them, so no reminder goes out about them."""
    from assessment.services.withdrawals import withdraw_candidate

    cycle, assessment = _open_cycle_due(make, days_ahead=stage_day)
    withdraw_candidate(assessment, "Left the company", actor=make.user("hr"))
    db.session.commit()
    runner.invoke(args=["remind"])
    assert _reminders() == []


@pytest.fixture
def mail_queue(redis_app):
    """The app's RQ queue on the test Redis (the export tests' fixture: a queue of its own, removed after)."""
    from assessment import jobs

    return jobs.rq_queue(redis_app)


def test_with_redis_the_mail_is_sent_by_an_rq_worker(app, mailbox, mail_queue):
    """With REDIS_URL a committed message is enqueued, not sent by the web process; an RQ worker sends it."""
    from rq import SimpleWorker

    app.config.update({**mailbox.config, "REDIS_URL": app.config["REDIS_URL"], "RQ_QUEUE": app.config["RQ_QUEUE"]})
    _queue_one("queued@example.com")
    assert mailbox.messages == [] and len(mail_queue.job_ids) == 1
    assert _outbox()[0].status == "pending"
    SimpleWorker([mail_queue], connection=mail_queue.connection).work(burst=True)
    assert [m["To"] for m in mailbox.messages] == ["Someone <queued@example.com>"]
    assert _outbox()[0].status == "sent"
