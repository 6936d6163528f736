"""German in a real browser: a manager rates, a candidate self-assesses and reads their released results, and
the header's language switch works with the keyboard on a phone. Screenshots: test-artifacts/screenshots/*-de.png."""

from __future__ import annotations

from datetime import date

from playwright.sync_api import expect

from assessment.extensions import db
from tests.browser.conftest import browser_page, fill_needed_evidence, screenshot
from tests.factories import Factory
from tests.results_helpers import move_cycle, submit_sheet
from tests.sheets import sheet_of

GERMAN = {"locale": "de-DE"}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def _world(make):
    cycle = make.cycle(name="Herbstrunde 2026")
    cycle.instructions = "Bitte bewerten Sie, was Sie seit April beobachtet haben."
    cycle.ends_on = date(2026, 12, 15)
    db.session.commit()
    return make.assessment(cycle=cycle, candidate=make.user("candidate", name="Łukasz Nowak"))


def _anmelden(page, base_url: str, email: str) -> None:
    page.goto(f"{base_url}/login")
    expect(page.get_by_role("heading", name="Anmelden")).to_be_visible()
    page.get_by_label("E-Mail").fill(email)
    page.get_by_label("Passwort").fill(Factory.PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_load_state()


def test_a_german_manager_fills_in_and_submits_a_rating_sheet(live_app, browser):
    """Sign in, the list, an incomplete submit (German problems, typed text kept), a background save, then submit."""
    server, make = live_app
    framework = make.framework
    assessment = _world(make)
    manager = sheet_of(assessment, "manager").rater
    first, second = framework.competencies[:2]
    with browser_page(browser, **GERMAN) as page:
        _anmelden(page, server.url, manager.email)
        expect(page.get_by_role("heading", name="Meine Bewertungen")).to_be_visible()
        expect(page.get_by_role("cell", name="Nicht begonnen")).to_be_visible()
        screenshot(page, "rating-my-sheets-de")
        link = page.locator("td.card-action a")
        assert link.text_content() == "Beginnen: Bewertung von Łukasz Nowak", link.text_content()
        link.click()
        expect(page.get_by_role("heading", name="Bewertung von Łukasz Nowak")).to_be_visible()
        expect(page.get_by_text("Zu einer Kompetenz springen")).to_be_visible()

        page.locator(f"#level_{first.id}-4").check()  # 5: needs evidence
        expect(page.locator(f"#evidence_{first.id}-needed")).to_contain_text("ist ein Beleg erforderlich")
        page.locator(f"#evidence_{second.id}").fill("Leitet die wöchentliche S&OP-Runde.")
        expect(page.locator("#save-status")).to_contain_text("Entwurf automatisch gespeichert", timeout=15_000)
        page.get_by_role("button", name="Abgeben …").click()
        summary = page.get_by_role("alert").first
        expect(summary).to_contain_text(f"Es gibt {len(framework.competencies)} Probleme")
        assert page.locator(f"#evidence_{second.id}").input_value() == "Leitet die wöchentliche S&OP-Runde."
        screenshot(page, "rating-sheet-errors-de")

        for comp in framework.competencies:
            page.locator(f"#level_{comp.id}-3").check()  # 4 everywhere: evidence where 4 meets a critical requirement
        role = framework.role(assessment.target_role)
        critical = next(r.competency_id for r in role.requirements if r.is_critical and r.required == 4)
        expect(page.locator(f"#evidence_{critical}-needed")).to_contain_text(
            "braucht bei einer kritischen Kompetenz einen schriftlichen Beleg")
        expect(page.locator(f"#rule-{critical}")).to_contain_text("Schriftlicher Beleg erforderlich ab Stufe 4")
        assert fill_needed_evidence(page, framework, role, "Im dritten Quartal beobachtet.")
        page.get_by_role("button", name="Abgeben …").click()
        dialog = page.get_by_role("dialog")
        expect(dialog).to_contain_text("Alle Kompetenzen sind beantwortet.")
        screenshot(page, "rating-sheet-dialog-de", full_page=False)
        dialog.get_by_role("button", name="Jetzt abgeben").click()
        expect(page.get_by_text("Ihre Bewertung wurde abgegeben.")).to_be_visible()
        expect(page.get_by_text("Dieser Bogen ist gesperrt")).to_be_visible()
        assert page.locator("input[type=radio], textarea").count() == 0
        screenshot(page, "rating-sheet-submitted-de")


def test_a_german_candidate_self_assesses_then_reads_the_released_results(live_app, browser):
    """The self-assessment in German (with an example where it asks for one), then the results once released."""
    server, make = live_app
    framework = make.framework
    assessment = _world(make)
    submit_sheet(sheet_of(assessment, "manager"), 4)
    first = framework.competencies[0]
    with browser_page(browser, **GERMAN) as page:
        _anmelden(page, server.url, assessment.candidate.email)
        expect(page.get_by_role("heading", name="Meine Beurteilung")).to_be_visible()
        expect(page.get_by_text("Ergebnisse noch nicht freigegeben.")).to_be_visible()
        screenshot(page, "candidate-home-de")
        page.get_by_role("link", name="Selbsteinschätzung beginnen").click()
        expect(page.get_by_role("heading", name="Ihre Selbsteinschätzung")).to_be_visible()
        expect(page.get_by_text("Wie sehen Sie sich selbst?")).to_be_visible()
        for comp in framework.competencies:
            page.locator(f"#level_{comp.id}-3").check()
        page.locator(f"#level_{first.id}-5").check()  # not observed: an example is needed
        expect(page.locator(f"#evidence_{first.id}-needed")).to_contain_text("ist ein Beispiel aus Ihrer Arbeit nötig")
        screenshot(page, "self-assessment-de")
        page.locator(f"#evidence_{first.id}").fill("Seit Juni neu in der Rolle.")
        fill_needed_evidence(page, framework, framework.role(assessment.target_role), "Im dritten Quartal gezeigt.")
        page.get_by_role("button", name="Meine Selbsteinschätzung abgeben …").click()
        page.get_by_role("dialog").get_by_role("button", name="Jetzt abgeben").click()
        expect(page.get_by_text("Ihre Selbsteinschätzung wurde abgegeben.")).to_be_visible()

        move_cycle(assessment.cycle, "closed", "released")
        page.goto(f"{server.url}/me")
        expect(page.get_by_text("Ihre Ergebnisse wurden freigegeben.")).to_be_visible()
        screenshot(page, "candidate-home-released-de")
        page.get_by_role("link", name="Ergebnisse und Bericht ansehen").click()
        page.wait_for_load_state()
        assert page.locator("html").get_attribute("lang") == "de"
        screenshot(page, "candidate-results-de")


def test_the_language_switch_works_with_the_keyboard_on_a_phone(live_app, browser):
    """On a 390 px phone, signed out: Tab to the switch, Enter, the page is German and does not scroll sideways;
    after signing in the account keeps German, and the switch goes back to English."""
    server, make = live_app
    user = make.user("manager")
    with browser_page(browser, locale="en-GB", **PHONE) as page:
        page.goto(f"{server.url}/password/forgot")
        expect(page.get_by_role("heading", name="Forgot your password?")).to_be_visible()
        switch = page.get_by_role("button", name="Language: Deutsch")
        for _ in range(30):
            page.keyboard.press("Tab")
            if switch.evaluate("el => el === document.activeElement"):
                break
        else:
            raise AssertionError("Tab never reached the language switch")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        expect(page.get_by_role("heading", name="Passwort vergessen?")).to_be_visible()
        assert page.evaluate("Math.max(document.scrollingElement.scrollWidth, window.innerWidth)") <= 390
        screenshot(page, "forgot-password-phone-de")
        _anmelden(page, server.url, user.email)
        expect(page.get_by_role("heading", name="Meine Bewertungen")).to_be_visible()
        assert page.evaluate("Math.max(document.scrollingElement.scrollWidth, window.innerWidth)") <= 390
        screenshot(page, "my-ratings-phone-de")
        page.get_by_role("button", name="Sprache: English").click()
        expect(page.get_by_role("heading", name="My ratings")).to_be_visible()
    db.session.refresh(user)
    assert user.language == "en"
