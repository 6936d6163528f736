"""The release mail follows the per-candidate release (issue 19, 3): a withheld candidate is not told their results
are ready, is told when HR releases them later, and their "not released" page says their results are held back."""

from __future__ import annotations

import re

import pytest

from assessment.extensions import db
from assessment.mail.outbox import wait_for_delivery
from assessment.models import Cycle
from assessment.services import NotAllowed, ServiceError
from assessment.services.cycles import change_state
from assessment.services.release import release_assessment, release_cycle
from tests.mailbox import link_in, mailbox, text_of  # noqa: F401 - fixture


@pytest.fixture
def released(make):
    """A released cycle: Rita released, Walt withheld, Wanda withdrawn."""
    from assessment.services.withdrawals import withdraw_candidate

    cycle = make.cycle(name="Autumn round")
    hr = make.user("hr")
    told = make.assessment(cycle=cycle, candidate=make.user("candidate", name="Rita Released"))
    held = make.assessment(cycle=cycle, candidate=make.user("candidate", name="Walt Withheld"))
    gone = make.assessment(cycle=cycle, candidate=make.user("candidate", name="Wanda Withdrawn"))
    withdraw_candidate(gone, "Left the company", actor=hr)
    change_state(cycle, "closed", actor=hr)
    db.session.commit()
    return cycle, hr, told, held


def _told(mailbox) -> list[str]:
    """Who received a "results are ready" message (the sheets' opening messages, sent with them, aside)."""
    return sorted(message["To"].addresses[0].addr_spec for message in mailbox.messages
                  if message["Subject"].startswith("Your results"))


def test_the_cycle_release_mails_only_the_released_and_a_later_release_mails_the_withheld(app, make, mailbox,
                                                                                         released):
    """Released with Walt withheld: only Rita is told. Releasing Walt later tells Walt, with the link to his results."""
    app.config.update(mailbox.config)
    cycle, hr, told, held = released
    release_cycle(cycle, actor=hr, withhold=[held.id], acknowledged=True)
    db.session.commit()
    wait_for_delivery()
    assert _told(mailbox) == [told.candidate.email]

    release_assessment(held, actor=hr, acknowledged=True)
    db.session.commit()
    wait_for_delivery()
    assert _told(mailbox) == sorted([told.candidate.email, held.candidate.email])
    [to_walt] = [m for m in mailbox.to(held.candidate.email) if m["Subject"].startswith("Your results")]
    assert to_walt["Subject"] == "Your results from Autumn round are ready"
    assert link_in(to_walt, "/assessments/") == f"/assessments/{held.id}/results"
    assert "Walt Withheld" in text_of(to_walt)


def test_a_withheld_candidate_is_told_truthfully_that_their_results_are_held_back(app, auth, make, released):
    """The results page and the home page of a withheld candidate say their results are held back and that an
    e-mail will come, never that everyone's results come at the same time; no reason is given."""
    cycle, hr, told, held = released
    release_cycle(cycle, actor=hr, withhold=[held.id], acknowledged=True)
    db.session.commit()
    auth.login(held.candidate)
    page = auth.client.get(f"/assessments/{held.id}/results").get_data(as_text=True)
    assert "at the same time" not in page
    assert "held back" in page and "e-mail" in page
    home = auth.client.get("/me").get_data(as_text=True)
    assert "held back" in home and "once every rating is in and the cycle is closed" not in home


def test_before_the_release_the_page_does_not_promise_everyone_at_once(app, auth, make, released):
    """Before the release, the page says HR releases the results once the cycle is closed, and an e-mail follows."""
    _cycle, _hr, told, _held = released
    auth.login(told.candidate)
    page = auth.client.get(f"/assessments/{told.id}/results").get_data(as_text=True)
    assert "Your results are not released yet" in page
    assert "at the same time" not in page and "held back" not in page and "e-mail" in page


def test_the_release_page_of_an_open_cycle_offers_no_release_and_says_why(app, auth, make):
    """An open cycle's release page shows the reason and a disabled button, no candidates to withhold; a POST is
    still refused and the cycle stays open."""
    cycle = make.cycle(name="Still open")
    make.assessment(cycle=cycle, candidate=make.user("candidate", name="Olga Open"))
    auth.login(make.user("hr"))
    url = f"/hr/cycles/{cycle.id}/state?to=released"
    response = auth.client.get(url)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "close it first" in page
    assert re.search(r'<button type="submit"[^>]*\bdisabled\b', page)
    assert 'name="withhold"' not in page and "Olga Open" not in page
    refused = auth.client.post(url, data={"acknowledge": "y"})
    assert refused.status_code == 400 and "close it first" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Cycle, cycle.id).state == "open"
    with pytest.raises(NotAllowed, match="close it first"):  # the service refuses on its own too
        release_cycle(db.session.get(Cycle, cycle.id), actor=make.user("hr"), acknowledged=True)


def test_a_withdrawn_candidate_is_not_offered_for_withholding(app, auth, make, released):
    """The release page lists the candidates who can be withheld: not Wanda, who was withdrawn; the service refuses
    to withhold her."""
    cycle, hr, told, held = released
    auth.login(hr)
    page = auth.client.get(f"/hr/cycles/{cycle.id}/state?to=released").get_data(as_text=True)
    withhold = re.search(r'<fieldset id="withhold".*?</fieldset>', page, re.S).group(0)
    assert "Rita Released" in withhold and "Walt Withheld" in withhold and "Wanda Withdrawn" not in withhold
    gone = next(a for a in cycle.assessments if a.is_withdrawn)
    with pytest.raises(ServiceError, match="withdrawn"):
        release_cycle(cycle, actor=hr, withhold=[gone.id], acknowledged=True)
