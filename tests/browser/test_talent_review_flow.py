"""The talent review in a real browser (issue 20, 1): HR filters and sorts with the keyboard, opens a card's
"Propose a different verdict" and lands on the calibration form; on a 390 px phone the columns stack and nothing
scrolls sideways; in English and German. Screenshots: test-artifacts/screenshots/talent-review-*.png."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from assessment.extensions import db
from tests.browser.conftest import browser_page, screenshot, sign_in
from tests.results_helpers import move_cycle, rated_assessment

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
PEOPLE = [("Łukasz Nowak", 5, "Rotterdam DC"), ("Zoë Müller-Šimić", 3, "Hamburg Hub"),
          ("Aoife O'Brien", 1, "Rotterdam DC"), ("Søren Østergaard-Christiansen", 5, "Hamburg Hub")]


def _world(make, lang: str):
    cycle = make.cycle("Spring 2026 promotion round")
    for name, level, unit in PEOPLE:
        candidate = make.user("candidate", name=name)
        candidate.unit = unit
        sheet = {c.id: min(5, level + i % 2) for i, c in enumerate(make.framework.competencies)}
        rated_assessment(make, cycle=cycle, manager=sheet, peers=(sheet, sheet), candidate=candidate)
    db.session.commit()
    move_cycle(cycle, "closed", "released")
    hr = make.user("hr", name="Ingrid Halvorsen")
    hr.language = lang
    db.session.commit()
    return hr


@pytest.mark.parametrize("lang", ["en", "de"])
def test_hr_reviews_a_role_with_the_keyboard(live_app, browser, lang):
    """From the header to the review; filter by unit and sort by keyboard; a card leads to the calibration form."""
    server, make = live_app
    hr = _world(make, lang)
    words = {"en": ("Talent review", "Ready now", "Propose a different verdict", "Calibrate the verdict"),
             "de": ("Talentüberprüfung", "Jetzt bereit", "Andere Einstufung vorschlagen", "Einstufung kalibrieren")}[lang]
    with browser_page(browser) as page:
        sign_in(page, server.url, hr.email)
        page.locator("header details.nav-group > summary").first.focus()  # the header's "Talent" group, by keyboard
        page.keyboard.press("Enter")
        page.get_by_role("link", name=words[0], exact=True).first.click()
        page.locator("#talent-roles a").first.click()
        expect(page.locator("#column-ready_now h3")).to_contain_text(words[1])
        expect(page.locator("#column-ready_now .talent-card")).to_have_count(2)
        screenshot(page, f"talent-review-{lang}")
        # Keyboard only: choose a unit, sort by attainment, submit with Enter.
        page.locator("#unit").focus()
        page.keyboard.press("ArrowDown")  # first unit: Hamburg Hub
        page.locator("#sort").focus()
        page.locator("#sort").select_option("score")
        page.locator("#dir").focus()
        page.locator("#dir").press("Enter")
        page.wait_for_load_state()
        if "unit=" not in page.url:  # a select that does not submit on Enter: the Show button, by keyboard
            page.get_by_role("button", name={"en": "Show", "de": "Anzeigen"}[lang]).press("Enter")
            page.wait_for_load_state()
        assert "unit=Hamburg" in page.url and "sort=score" in page.url, page.url
        cards = page.locator(".talent-card h4")
        expect(cards).to_have_count(2)
        expect(page.locator("#board")).not_to_contain_text("Rotterdam DC")
        # Tab to a card's proposal link and follow it with Enter: the results page's calibration form.
        link = page.get_by_role("link", name=words[2]).first
        link.focus()
        expect(link).to_be_focused()
        link.press("Enter")
        page.wait_for_load_state()
        assert page.url.endswith("#calibration")
        expect(page.locator("#calibration-heading")).to_have_text(words[3])


@pytest.mark.parametrize("lang", ["en", "de"])
def test_the_columns_stack_on_a_phone(live_app, browser, lang):
    """At 390 px the columns stack one under another, every card is readable, nothing scrolls sideways."""
    server, make = live_app
    hr = _world(make, lang)
    with browser_page(browser, **PHONE) as page:
        sign_in(page, server.url, hr.email)
        page.goto(f"{server.url}/hr/talent/head_of_operations")
        columns = page.locator(".talent-column")
        first, second = columns.nth(0).bounding_box(), columns.nth(1).bounding_box()
        assert abs(first["x"] - second["x"]) < 2 and second["y"] > first["y"] + first["height"] - 1
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        expect(page.locator(".talent-card").first).to_be_visible()
        screenshot(page, f"talent-review-phone-{lang}")
