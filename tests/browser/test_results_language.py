"""The results area in German in a real browser: HR's results page, the candidate's, and the overview on a phone."""

from assessment.extensions import db
from tests.browser.conftest import browser_page, screenshot, sign_in
from tests.results_helpers import move_cycle, rated_assessment

PHONE = {"width": 390, "height": 844}


def _german(*users) -> None:
    """These people read OpsLadder in German (their account setting, as the header switch stores it)."""
    for user in users:
        user.language = "de"
    db.session.commit()


def _overflow(page) -> int:
    return page.evaluate(f"Math.max(document.scrollingElement.scrollWidth, window.innerWidth) - {PHONE['width']}")


def test_results_in_german_for_hr_the_candidate_and_on_a_phone(live_app, browser):
    """HR reads a German results page and overview (the overview also on a 390 px phone, without sideways
    scrolling); the released candidate reads their own results in German."""
    server, make = live_app
    cycle = make.cycle(name="Beförderungsrunde Frühjahr 2026")
    people = [("Łukasz Nowak", 5, 4, (4, 5, 4)), ("Zoë Müller-Šimić", 3, 5, (3, 4, 4)), ("Aoife O'Brien", 2, 2, ())]
    assessments = [rated_assessment(make, cycle=cycle, manager=manager, self_level=own, peers=peers,
                                    candidate=make.user(name=name)) for name, manager, own, peers in people]
    move_cycle(cycle, "closed", "released")
    hr = make.user("hr", name="Ingrid Halvorsen")
    candidate = assessments[1].candidate
    _german(hr, candidate)

    with browser_page(browser, locale="de-DE") as page:
        sign_in(page, server.url, hr.email)
        page.goto(f"{server.url}/assessments/{assessments[1].id}/results")
        assert page.get_by_role("heading", name="Warum diese Einstufung").is_visible()
        assert page.get_by_role("heading", name="Kompetenzen", exact=True).is_visible()
        assert page.locator("#computed-verdict header").text_content().strip() == "Berechnete Einstufung"
        assert page.get_by_role("button", name="Kalibrierte Einstufung speichern").is_visible()
        assert "3,67" in page.locator("table.competencies").inner_text()
        screenshot(page, "results-page-hr-de")

    with browser_page(browser, locale="de-DE") as page:
        sign_in(page, server.url, candidate.email)
        page.goto(f"{server.url}/assessments/{assessments[1].id}/results")
        assert page.get_by_role("heading", name="Ihre Ergebnisse zur Beförderungsreife").is_visible()
        assert page.get_by_role("heading", name="Entwicklungsschwerpunkte").is_visible()
        assert page.get_by_role("button", name="Kalibrierte Einstufung speichern").count() == 0
        screenshot(page, "results-candidate-de")

    with browser_page(browser, locale="de-DE", viewport=PHONE, is_mobile=True, has_touch=True,
                      device_scale_factor=2) as phone:
        sign_in(phone, server.url, hr.email)
        phone.goto(f"{server.url}/cycles/{cycle.id}/overview")
        assert phone.get_by_role("heading", name="Beförderungsrunde Frühjahr 2026: Ergebnisübersicht").is_visible()
        assert phone.get_by_text("3 Kandidat:innen").is_visible()
        assert _overflow(phone) <= 0, "the German overview scrolls sideways on a phone"
        screenshot(phone, "results-overview-phone-de")
        phone.goto(f"{server.url}/assessments/{assessments[1].id}/results")
        assert _overflow(phone) <= 0, "the German results page scrolls sideways on a phone"
        screenshot(phone, "results-page-phone-de")
