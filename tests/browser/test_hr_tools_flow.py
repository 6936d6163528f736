"""HR's everyday tools in a real browser: the people picker, bulk reminders, and withdrawing a candidate."""

from __future__ import annotations

from assessment.extensions import db
from assessment.models import OutboxMessage
from tests.browser.conftest import screenshot, sign_in


def suggestions(page, field, typed: str, list_id: str) -> list[str]:
    """Type like a person would, and return the values the picker then offers in the field's datalist."""
    field.press_sequentially(typed, delay=20)
    options = page.locator(f"#{list_id} option")
    options.first.wait_for(state="attached")
    return [options.nth(i).get_attribute("value") for i in range(options.count())]


def test_hr_picks_raters_by_name_reminds_and_withdraws(live_app, page):
    """Typing part of a name offers the matching people; bulk remind records reminders; withdraw asks for a reason."""
    server, make = live_app
    hr = make.user("hr", name="Ingrid Halvorsen")
    make.user("manager", name="Margaret Okafor", email="margaret@example.com")
    make.user("manager", name="Rafael Ortega", email="rafael@example.com")
    make.user("candidate", name="Priya Peer", email="priya@example.com")
    cycle = make.cycle(name="Spring promotion round")
    first = make.assessment(cycle=cycle)
    second = make.assessment(cycle=cycle)
    sign_in(page, server.url, hr.email)

    page.goto(f"{server.url}/hr/assessments/{first.id}")
    field = page.get_by_label("Rater's e-mail")
    assert suggestions(page, field, "okaf", "email-options") == ["margaret@example.com"]
    assert page.locator("#email-matches").inner_text() == "1 person matches “okaf”."
    screenshot(page, "hr-people-picker")
    field.fill("")
    field.press_sequentially("nobody-here", delay=20)
    page.get_by_text("Nobody matches “nobody-here”").wait_for()
    assert "email=" not in (page.get_by_role("link", name="Not in the list? Create the person").get_attribute("href"))
    screenshot(page, "hr-people-picker-no-match")
    field.fill("margaret@example.com")  # what choosing the suggestion puts in the field
    page.get_by_label("Rates as").select_option("manager")
    page.get_by_label("Reason for changing the raters").fill("Margaret took over the site in November")
    page.get_by_role("button", name="Assign").click()
    assert "Margaret Okafor will rate" in page.get_by_role("status").inner_text()

    page.goto(f"{server.url}/hr/cycles/{cycle.id}")
    page.get_by_role("checkbox", name=f"Select the self-assessment of {second.candidate.name}").check()
    page.get_by_role("button", name="Remind their raters now").click()
    assert "Reminder sent to 1 rater." in page.get_by_role("status").inner_text()
    with server.app.app_context():
        assert [m.to_address for m in db.session.query(OutboxMessage).filter_by(kind="reminder")] == [
            second.candidate.email]
    screenshot(page, "hr-dashboard-bulk")

    page.goto(f"{server.url}/hr/assessments/{second.id}")
    page.get_by_role("link", name=f"Withdraw {second.candidate.name}…").click()
    page.get_by_role("button", name=f"Withdraw {second.candidate.name}").click()
    assert page.get_by_role("alert").is_visible()  # no reason given: the form says so, nothing changes
    screenshot(page, "hr-withdraw-error")
    page.get_by_label("Reason for withdrawing").fill("Added to this cycle by mistake")
    screenshot(page, "hr-withdraw-confirm")
    page.get_by_role("button", name=f"Withdraw {second.candidate.name}").click()
    assert "is withdrawn from Spring promotion round" in page.get_by_role("status").inner_text()
    row = page.locator("tr.withdrawn")
    assert "Withdrawn" in row.inner_text() and "Added to this cycle by mistake" in row.inner_text()
    assert row.get_by_role("checkbox").count() == 0
    screenshot(page, "hr-dashboard-withdrawn")


def test_candidate_form_picker_completes_the_last_of_several_addresses(live_app, page):
    """In a field of addresses separated by ';' the picker looks up and completes only the last one."""
    server, make = live_app
    hr = make.user("hr")
    make.user("manager", name="Margaret Okafor", email="margaret@example.com")
    make.user("manager", name="Rafael Ortega", email="rafael@example.com")
    make.user("candidate", name="Rafaela Candidate", email="rafaela@example.com")
    cycle = make.cycle(name="Autumn")
    sign_in(page, server.url, hr.email)
    page.goto(f"{server.url}/hr/cycles/{cycle.id}/candidates/new")
    field = page.get_by_label("Manager e-mails")
    # Managers only: the candidate called Rafaela is not offered for a manager slot.
    assert suggestions(page, field, "margaret@example.com; rafa", "manager_emails-options") == [
        "margaret@example.com; rafael@example.com"]
    screenshot(page, "hr-candidate-form-picker")
