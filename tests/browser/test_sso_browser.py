"""Single sign-on in a real browser, English and German, 1280 and 390 px: the sign-in page's button, the provider's
page (oidc-provider-mock, served here), back signed in; a refusal page; HR's sign-in settings. Screenshots in
test-artifacts/screenshots/sso-*.png."""

from __future__ import annotations

import pytest
from flask_migrate import upgrade

from assessment import create_app
from assessment.extensions import db
from assessment.services.sso import add_jit_domain
from tests.browser.conftest import LiveServer, browser_page, screenshot, sign_in
from tests.conftest import app_config
from tests.factories import Factory
from tests.sso_provider import running_provider

pytestmark = pytest.mark.browser

WORDS = {
    "en": {"button": "Sign in with Contoso Login", "refused": "Single sign-on did not sign you in",
           "settings": "Sign-in settings", "save": "Save sign-in settings", "locale": "en-GB"},
    "de": {"button": "Anmelden mit Contoso Login", "refused": "Die Anmeldung per Single Sign-on ist nicht gelungen",
           "settings": "Anmeldeeinstellungen", "save": "Anmeldeeinstellungen speichern", "locale": "de-DE"},
}


@pytest.fixture(scope="module")
def provider():
    with running_provider() as provider:
        yield provider


@pytest.fixture
def sso_live(tmp_path, provider):
    app = create_app(app_config(f"sqlite:///{tmp_path / 'e2e.db'}", WTF_CSRF_ENABLED=True,
                                OIDC_ISSUER=provider.url, OIDC_CLIENT_ID="opsladder", OIDC_CLIENT_SECRET="s3cret",
                                OIDC_NAME="Contoso Login"))
    with app.app_context():
        upgrade()
        with LiveServer(app) as server:
            yield server, Factory(app)
        db.session.remove()
        db.engine.dispose()


def through_provider(page, words, sub: str) -> None:
    """Press the button on OpsLadder's sign-in page, sign in at the provider as ``sub``, come back."""
    page.get_by_role("button", name=words["button"]).click()
    page.wait_for_load_state()
    page.locator("input[name=sub]").fill(sub)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_load_state()


@pytest.mark.parametrize("lang", ["en", "de"])
@pytest.mark.parametrize("width", [1280, 390])
def test_sso_in_the_browser(browser, sso_live, provider, lang, width):
    """Sign in through the provider; an unverified address is refused with a page; HR's settings page."""
    server, make = sso_live
    words = WORDS[lang]
    hr = make.user("hr", email=f"hr-{lang}-{width}@example.com", name="Hanna HR")
    add_jit_domain("example.org", "candidate", actor=hr)
    db.session.commit()
    ok = provider.user(f"ok-{lang}-{width}", email=hr.email, email_verified=True)
    bad = provider.user(f"bad-{lang}-{width}", email=f"someone-{lang}-{width}@example.com", email_verified=False)
    options = {"viewport": {"width": width, "height": 900}, "locale": words["locale"]}
    name = f"sso-{lang}-{width}"
    with browser_page(browser, **options) as page:
        page.goto(f"{server.url}/login")
        assert page.get_by_role("button", name=words["button"]).is_visible()
        screenshot(page, f"{name}-login")
        through_provider(page, words, bad)
        assert page.url.startswith(f"{server.url}/sso/callback")
        assert page.get_by_role("heading", name=words["refused"]).is_visible()
        screenshot(page, f"{name}-refused")
        page.goto(f"{server.url}/login")
        through_provider(page, words, ok)
        assert page.url == f"{server.url}/" or page.url.startswith(f"{server.url}/hr")
        page.goto(f"{server.url}/hr/sign-in")
        assert page.get_by_role("heading", name=words["settings"], exact=True).is_visible()
        page.locator("#password_sign_in").select_option("off")
        page.locator("#break_glass").select_option(str(hr.id))
        page.get_by_role("button", name=words["save"]).click()
        page.wait_for_load_state()
        assert "example.org" in page.content()
        screenshot(page, f"{name}-settings")


def test_password_form_gone_when_off(browser, sso_live):
    """Off: the sign-in page shows the button and the break-glass link, no password field; the link shows it."""
    server, make = sso_live
    hr = make.user("hr", email="keeper@example.com")
    with browser_page(browser) as page:
        sign_in(page, server.url, hr.email)
        page.goto(f"{server.url}/hr/sign-in")
        page.locator("#password_sign_in").select_option("off")
        page.locator("#break_glass").select_option(str(hr.id))
        page.get_by_role("button", name="Save sign-in settings").click()
        page.wait_for_load_state()
    with browser_page(browser) as page:
        page.goto(f"{server.url}/login")
        assert page.locator("#password").count() == 0
        screenshot(page, "sso-en-1280-login-password-off")
        page.get_by_role("link", name="Sign in with a password (break-glass account only)").click()
        page.locator("#email").fill(hr.email)
        page.locator("#password").fill(Factory.PASSWORD)
        page.locator("#password").press("Enter")
        page.wait_for_load_state()
        assert "/login" not in page.url
