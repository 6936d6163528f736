"""(issue 21) HR's API token page in Chromium: create a token (shown once), see it listed, revoke it; and the API
reference page; at 1280 and 390 px, English and German, with no CSP violation."""

from __future__ import annotations

import pytest

from assessment.extensions import db
from tests.browser.conftest import browser_page, screenshot, sign_in


@pytest.mark.parametrize("lang,width", [("en", 1280), ("de", 390)])
def test_create_list_and_revoke_a_token(live_app, browser, lang, width):
    server, make = live_app
    hr = make.user("hr", name="Hanna HR")
    hr.language = lang
    db.session.commit()
    with browser_page(browser, viewport={"width": width, "height": 900}) as page:
        console = []
        page.on("console", lambda message: console.append(message.text))
        sign_in(page, server.url, hr.email)
        page.goto(f"{server.url}/hr/api-tokens")
        page.locator("#name").fill("HRIS sync")
        page.locator("input[value='people:read']").check()
        page.locator("input[value='cycles:write']").check()
        page.locator("#days").fill("30")
        page.locator("form[action$='/hr/api-tokens'] button[type=submit]").click()
        page.wait_for_load_state()
        secret = page.locator("code.token-secret").inner_text()
        assert secret.startswith("olk_")
        screenshot(page, f"api-tokens-created-{lang}-{width}")
        page.goto(f"{server.url}/hr/api-tokens")
        assert secret not in page.content() and "HRIS sync" in page.content()
        page.locator("a[href*='/revoke']").click()
        page.wait_for_load_state()
        screenshot(page, f"api-tokens-revoke-{lang}-{width}")
        page.locator("form[action*='/revoke'] button[type=submit]").click()
        page.wait_for_load_state()
        screenshot(page, f"api-tokens-revoked-{lang}-{width}")
        assert page.url.endswith("/hr/api-tokens") and "HRIS sync" in page.content()
        assert page.locator("a[href*='/revoke']").count() == 0
        assert page.locator("tbody td", has_text="Widerrufen" if lang == "de" else "Revoked").count() == 1
        page.goto(f"{server.url}/api/v1/docs")
        screenshot(page, f"api-reference-{lang}-{width}")
        assert "/api/v1/people/{user_id}" in page.content()
        assert not [text for text in console if "Content Security Policy" in text]
