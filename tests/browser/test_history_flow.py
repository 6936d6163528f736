"""Issue 20, part 2, in a browser at 1280 and 390 px, in English and German: the candidate's results page tells each
competency's change since the last cycle and draws the chart over all cycles without the page scrolling sideways;
their history page lists both cycles. Screenshots go to test-artifacts/screenshots/ (history-*)."""

import pytest

from assessment.extensions import db
from assessment.framework import current_framework
from assessment.services.cycles import change_state, create_cycle
from tests.browser.conftest import browser_page, screenshot, sign_in
from tests.browser.test_phone import PHONE, overflow
from tests.results_helpers import move_cycle, rated_assessment

WORDS = {"en": ("Since the last cycle", "+1 level on Crisis management since Spring 2026.",
                "−1 level on Budget authority since Spring 2026.", "Your assessments across cycles"),
         "de": ("Seit der letzten Runde", "Krisenmanagement: +1 Stufe seit Spring 2026.",
                "Budgetverantwortung: −1 Stufe seit Spring 2026.", "Ihre Bewertungen über alle Runden")}


def _two_cycles(make, lang):
    person = make.user("candidate", name="Mara Lind")
    person.language = lang
    found = []
    for name, levels in (("Spring 2026", {"crisis_management": 2, "budget_authority": 4}),
                         ("Autumn 2026", {"crisis_management": 3, "budget_authority": 3})):
        cycle = create_cycle(name, actor=None)
        change_state(cycle, "open", actor=None, framework=current_framework())
        db.session.commit()
        found.append(rated_assessment(make, cycle=cycle, manager=levels, candidate=person))
        move_cycle(cycle, "closed", "released")
    return person, found[-1]


@pytest.mark.parametrize("lang", ["en", "de"])
@pytest.mark.parametrize("width", [1280, 390])
def test_candidate_sees_the_trend_and_history(live_app, browser, lang, width):
    server, make = live_app
    person, latest = _two_cycles(make, lang)
    phone = width == 390
    options = dict(viewport=PHONE, is_mobile=True, has_touch=True) if phone else dict(viewport={"width": 1280,
                                                                                               "height": 900})
    with browser_page(browser, **options) as page:
        sign_in(page, server.url, person.email)
        page.goto(f"{server.url}/assessments/{latest.id}/results")
        trend = page.locator("#trend")
        text = trend.inner_text()
        for expected in WORDS[lang][:3]:
            assert expected in text, expected
        assert trend.locator("svg").count() == 1
        assert not phone or overflow(page) <= 0
        trend.scroll_into_view_if_needed()
        screenshot(page, f"history-trend-{lang}-{width}", full_page=False)
        page.locator("#trend a").click()
        assert WORDS[lang][3] in page.locator("h1").inner_text()
        assert "Spring 2026" in page.locator("main").inner_text()
        assert not phone or overflow(page) <= 0
        screenshot(page, f"history-page-{lang}-{width}")
