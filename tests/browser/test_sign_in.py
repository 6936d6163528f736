"""Sign-in in a real browser."""

from tests.browser.conftest import screenshot, sign_in


def test_sign_in_and_out_in_the_browser(live_app, page):
    """A manager signs in with the keyboard-labelled form (CSRF on), sees the home page, and signs out."""
    server, make = live_app
    user = make.user("manager", name="Zoë Müller-Šimić")
    page.goto(f"{server.url}/login")
    screenshot(page, "login")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("alert").inner_text().count("not right") == 1
    assert page.get_by_label("E-mail").input_value() == user.email
    sign_in(page, server.url, user.email)
    assert page.get_by_text("Zoë Müller-Šimić · Manager").is_visible()
    assert page.get_by_role("heading", name="My ratings").is_visible()
    page.get_by_role("button", name="Sign out").click()
    assert page.url.endswith("/login")
