"""Focus after a POST, on any form: to the error summary when it failed, to the message when it succeeded, with
and without the page script (the error summary is also marked autofocus by the server)."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import browser_page, screenshot, sign_in


@pytest.mark.parametrize("script", [True, False], ids=["with-js", "without-js"])
def test_focus_goes_to_the_error_summary_then_to_the_message(live_app, browser, script):
    """New cycle without a name: the summary has the focus; with a name: the success message has it (script)."""
    server, make = live_app
    with browser_page(browser, java_script_enabled=script) as page:
        _create_a_cycle(page, server, make, script)


def _create_a_cycle(page, server, make, script):
    sign_in(page, server.url, make.user("hr").email)
    page.goto(f"{server.url}/hr/cycles/new")
    page.get_by_role("button", name="Create").click()
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.locator("#error-summary")).to_be_focused()  # waits: autofocus lands after the paint
    if script:
        screenshot(page, "focus-error-summary")
        page.get_by_label("Name").fill("Winter 2027 promotion round")
        page.get_by_role("button", name="Create").click()
        message = page.locator("main > .flash")
        expect(message).to_contain_text("created in draft")
        expect(message).to_be_focused()
        assert message.get_attribute("tabindex") == "-1"
