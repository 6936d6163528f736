"""Issue 19, 3: HR opens a message in the outbox and reads its HTML part in a real browser; a script in the
message never runs (sandboxed frame), and the page stays within a phone's width."""

from __future__ import annotations

from assessment.extensions import db
from assessment.mail.outbox import queue_message
from tests.browser.conftest import browser_page, screenshot, sign_in

HOSTILE_HTML = ('<p>Hello <b>Ann</b>, your sheet waits: https://opsladder.example.com/ratings/12345678901234567890</p>'
                '<script>parent.document.title="pwned"; document.body.append("script ran")</script>'
                '<img src="x" onerror="parent.document.title=\'pwned\'">')


def test_the_html_part_shows_in_a_sandbox_and_its_scripts_never_run(live_app, browser):
    """The HTML part renders (its text is visible in the frame); neither its script nor an onerror handler runs,
    on a laptop and on a phone, where the page does not scroll sideways."""
    server, make = live_app
    hr = make.user("hr")
    message = queue_message(kind="reminder", to_address="ann@example.com", to_name="Ann Smith",
                            subject="Reminder: Autumn round, 1 sheet still to submit",
                            text_body="Hello Ann,\n\nhttps://opsladder.example.com/ratings/12345678901234567890",
                            html_body=HOSTILE_HTML)
    db.session.commit()
    for width, name in ((1280, "laptop"), (390, "phone")):
        with browser_page(browser, viewport={"width": width, "height": 900}) as page:
            dialogs = []
            page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
            sign_in(page, server.url, hr.email)
            page.goto(f"{server.url}/hr/outbox/")
            page.get_by_role("link", name=message.subject).click()
            page.wait_for_load_state("networkidle")
            frame = page.frame_locator("iframe[sandbox]")
            assert "Hello Ann" in frame.locator("body").inner_text()
            assert "script ran" not in frame.locator("body").inner_text()
            assert "pwned" not in page.title() and dialogs == []
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            screenshot(page, f"outbox-message-{name}")
