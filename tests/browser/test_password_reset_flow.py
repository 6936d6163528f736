"""A forgotten password in a real browser: ask for a link, use it once, see it refused the second time."""

from __future__ import annotations

import re

from assessment.extensions import db
from assessment.models import OutboxMessage
from tests.browser.conftest import screenshot, sign_in

NEW_PASSWORD = "a-brand-new-passphrase"


def test_forgot_password_round_trip_and_the_outbox(live_app, page):
    """Sign-in page → Forgot password? → the mailed link sets a new password and signs in → the link is used up; HR
    sees the mail."""
    server, make = live_app
    user = make.user("manager", name="Margaret Okafor", email="margaret@example.com")
    page.goto(f"{server.url}/login")
    page.get_by_role("link", name="Forgot password?").click()
    page.get_by_label("E-mail").fill(user.email)
    screenshot(page, "account-forgot")
    page.get_by_role("button", name="Send me a link").click()
    assert page.get_by_role("heading", name="Check your e-mail").is_visible()
    screenshot(page, "account-forgot-sent")

    with server.app.app_context():
        body = db.session.query(OutboxMessage).filter_by(kind="password_reset").one().text_body
    link = re.search(r"http://\S+/password/set/\S+", body).group(0)
    page.goto(link)
    page.locator("#password").fill(NEW_PASSWORD)
    page.locator("#repeat").fill(NEW_PASSWORD)
    screenshot(page, "account-set-password")
    page.get_by_role("button", name="Set the password").click()
    # Signed in at once (issue 19): no second sign-in after choosing the password.
    assert "Your password is set and you are signed in." in page.get_by_role("status").inner_text()
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, server.url, user.email, NEW_PASSWORD)
    assert page.get_by_role("button", name="Sign out").is_visible()
    page.get_by_role("button", name="Sign out").click()

    page.goto(link)
    assert page.get_by_role("heading", name="This link has already been used").is_visible()
    assert page.get_by_label("E-mail").input_value() == user.email
    screenshot(page, "account-link-used")

    hr = make.user("hr")
    sign_in(page, server.url, hr.email)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Outbox").click()
    row = page.locator("table.outbox tbody tr").first
    assert "margaret@example.com" in row.inner_text() and "Password reset" in row.inner_text()
    screenshot(page, "hr-outbox")
