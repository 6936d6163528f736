"""Deactivated people keep their history and stop receiving mail (issue 21, part 3), against a real SMTP server."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from assessment.extensions import db
from assessment.mail.notify import send_reminders
from assessment.mail.outbox import deliver, wait_for_delivery
from assessment.models import OutboxMessage, RaterAssignment, utcnow
from assessment.services import ServiceError
from assessment.services.assessments import assign_rater
from assessment.services.cycles import change_state, create_cycle
from assessment.services.imports import ImportRejected, import_candidates
from assessment.services.users import deactivate_user, reactivate_user
from tests.mailbox import mailbox  # noqa: F401 - fixture


def _cycle_due_in_two_days(make):
    cycle = create_cycle("Spring review", actor=None, ends_on=utcnow().date() + timedelta(days=2))
    db.session.commit()
    assessment = make.assessment(cycle=cycle, peers=3)
    change_state(cycle, "open", actor=None, framework=make.framework)
    cycle.opened_at = utcnow() - timedelta(days=30)
    db.session.commit()
    wait_for_delivery()
    return cycle, assessment


def _rater(assessment, group):
    return next(a.rater for a in assessment.assignments if a.rater_group == group)


def test_a_deactivated_rater_gets_no_reminder_and_keeps_their_sheet(app, make, runner, mailbox):
    """`opsladder remind` mails every rater who owes a sheet but the deactivated one; their sheet stays."""
    app.config.update(mailbox.config)
    cycle, assessment = _cycle_due_in_two_days(make)
    gone = _rater(assessment, "manager")
    deactivate_user(gone, actor=None, reason="left the company")
    db.session.commit()
    mailbox.messages.clear()
    mailbox.recipients.clear()
    result = runner.invoke(args=["remind"])
    assert result.exit_code == 0, result.output
    wait_for_delivery()
    reminded = {address for rcpt in mailbox.recipients for address in rcpt}
    assert gone.email not in reminded
    assert reminded == {a.rater.email for a in assessment.assignments if a.rater_id != gone.id}
    assert db.session.scalar(sa.select(sa.func.count(RaterAssignment.id))
                             .where(RaterAssignment.rater_id == gone.id)) == 1


def test_a_message_recorded_before_deactivation_is_not_sent(app, make, mailbox):
    """Mail already waiting in the outbox when the account is deactivated is held back, with the reason."""
    app.config.update({**mailbox.config, "MAIL_DISPATCH": "off"})
    cycle = create_cycle("Autumn", actor=None)
    db.session.commit()
    assessment = make.assessment(cycle=cycle, peers=3)
    change_state(cycle, "open", actor=None, framework=make.framework)
    db.session.commit()
    gone = _rater(assessment, "peer")
    deactivate_user(gone, actor=None)
    db.session.commit()
    deliver(include_due=True)
    sent_to = {address for rcpt in mailbox.recipients for address in rcpt}
    assert gone.email not in sent_to and assessment.candidate.email in sent_to
    held = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.recipient_id == gone.id))
    assert held.status == "failed" and "deactivated" in held.last_error


def test_no_sender_records_mail_for_a_deactivated_account(app, make):
    """Opening, new sheets, reminders, release: nothing is recorded for a deactivated person; reactivated, they
    are written to again."""
    app.config["MAIL_DISPATCH"] = "off"
    cycle = create_cycle("Winter", actor=None, ends_on=utcnow().date() + timedelta(days=2))
    db.session.commit()
    assessment = make.assessment(cycle=cycle, peers=3)
    gone = _rater(assessment, "peer")
    deactivate_user(gone, actor=None)
    db.session.commit()
    change_state(cycle, "open", actor=None, framework=make.framework)
    db.session.commit()

    def to_gone():
        return db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))
                                 .where(OutboxMessage.recipient_id == gone.id))

    assert to_gone() == 0
    send_reminders(cycle, stage="now")
    assert to_gone() == 0
    reactivate_user(gone, actor=None)
    send_reminders(cycle, stage="again")
    assert to_gone() == 1


def test_a_deactivated_person_gets_no_new_sheets(app, make):
    """New assignments refuse a deactivated rater, with a clear message."""
    cycle = make.cycle(state="draft")
    assessment = make.assessment(cycle=cycle)
    gone = make.user("manager")
    deactivate_user(gone, actor=None)
    with pytest.raises(ServiceError, match="is deactivated and cannot be given new sheets"):
        assign_rater(assessment, gone, "manager", actor=None)


def test_a_deactivated_person_drops_out_of_the_people_picker(app, auth, make):
    hr = make.user("hr")
    gone = make.user("manager", name="Ravi Menon")
    make.user("manager", name="Rae Menard")
    deactivate_user(gone, actor=hr)
    db.session.commit()
    auth.login(hr)
    found = auth.client.get("/hr/people/search?q=men").get_json()["results"]
    assert [p["name"] for p in found] == ["Rae Menard"]


def test_the_candidate_import_names_a_deactivated_rater(app, make):
    """A file naming a deactivated manager is refused at that row and column; nothing is imported."""
    hr = make.user("hr")
    gone = make.user("manager", email="gone@example.com")
    deactivate_user(gone, actor=hr)
    cycle = make.cycle(state="draft")
    data = ("name,email,current_role,target_role,manager_emails\n"
            "Dana,dana@example.com,operations_manager,head_of_operations,gone@example.com\n").encode()
    with pytest.raises(ImportRejected) as info:
        import_candidates(cycle, "c.csv", data, framework=make.framework, actor=hr)
    assert [str(p) for p in info.value.problems] == [
        "Row 2, column manager_emails: gone@example.com is deactivated and cannot be given new sheets."]
