"""Issue 19, 3: a rater who gets several sheets in one action gets one message listing them all, in their language,
not one message per sheet."""

from __future__ import annotations

import sqlalchemy as sa

from assessment.extensions import db
from assessment.mail.outbox import wait_for_delivery
from assessment.models import OutboxMessage
from assessment.services.assessments import add_assessment, assign_rater
from assessment.services.cycles import change_state, create_cycle
from tests.mailbox import mailbox, text_of  # noqa: F401 - fixture


def _to(address: str) -> list[OutboxMessage]:
    db.session.expire_all()
    return db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.to_address == address)
                              .order_by(OutboxMessage.id)).all()


def _add(make, cycle, candidate, manager, hr):
    target = make.framework.next_role("operations_manager").id
    assessment = add_assessment(cycle, candidate, "operations_manager", target, framework=make.framework, actor=hr)
    assign_rater(assessment, manager, "manager", actor=hr, initial=True)
    return assessment


def test_a_rater_added_to_several_candidates_at_once_gets_one_message_in_their_language(app, make, mailbox):
    """Two candidates added to an open cycle in one transaction, both rated by a German-speaking manager: after
    commit the manager receives one German message that lists both sheets."""
    app.config.update(mailbox.config)
    cycle = make.cycle(name="Herbstrunde")
    hr = make.user("hr")
    manager = make.user("manager", name="Max Meier")
    manager.language = "de"
    people = [make.user("candidate", name=name) for name in ("Ada Alpha", "Bo Beta")]
    db.session.commit()
    target = make.framework.next_role("operations_manager").id
    for candidate in people:
        assessment = add_assessment(cycle, candidate, "operations_manager", target, framework=make.framework,
                                    actor=hr)
        assign_rater(assessment, manager, "manager", actor=hr, reason="Max leads both teams")
    db.session.commit()
    wait_for_delivery()
    [message] = mailbox.to(manager.email)
    assert message["Subject"] == "Herbstrunde: 2 neue Bögen für Sie"
    body = text_of(message)
    assert "Sie haben 2 neue Bögen in der laufenden Beurteilungsrunde „Herbstrunde“." in body
    assert "Ada Alpha" in body and "Bo Beta" in body
    assert len(_to(manager.email)) == 1


def test_opening_a_cycle_and_adding_candidates_in_one_go_sends_each_rater_one_message(app, make):
    """A cycle opened and then filled in the same transaction (as the demo does): the opening message of each rater
    lists every sheet they owe, and no separate "new sheet" message follows."""
    hr = make.user("hr")
    manager = make.user("manager")
    cleo, dan = make.user("candidate", name="Cleo Draft"), make.user("candidate", name="Dan Later")
    cycle = create_cycle("Winter round", actor=hr)
    _add(make, cycle, cleo, manager, hr)
    db.session.commit()
    change_state(cycle, "open", actor=hr, framework=make.framework)
    later = _add(make, cycle, dan, manager, hr)
    db.session.commit()
    [message] = _to(manager.email)
    assert message.subject == "Winter round is open: 2 sheets to fill in"
    assert "Cleo Draft" in message.text_body and "Dan Later" in message.text_body
    assert len(_to(later.candidate.email)) == 1


def test_separate_actions_still_tell_the_rater_each_time(app, make):
    """A sheet added in a later action is a new message: the first one may already have left."""
    cycle = make.cycle(name="Spring round")
    hr = make.user("hr")
    manager = make.user("manager")
    _add(make, cycle, make.user("candidate", name="Eve First"), manager, hr)
    db.session.commit()
    _add(make, cycle, make.user("candidate", name="Finn Second"), manager, hr)
    db.session.commit()
    first, second = _to(manager.email)
    assert "Eve First" in first.text_body and "Finn Second" not in first.text_body
    assert "Finn Second" in second.text_body and "Eve First" not in second.text_body
