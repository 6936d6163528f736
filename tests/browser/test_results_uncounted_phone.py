"""Issue 17 on a phone (390 px), in English and German: HR's results page lists the sheet that does not count and
marks borderline competencies with their standard error, the overview counts the sheet, and neither page scrolls
sideways. Screenshots go to test-artifacts/screenshots/ (phone-uncounted-*)."""

import pytest

from assessment.framework import current_framework
from tests.browser.conftest import browser_page, screenshot, sign_in
from tests.browser.test_phone import PHONE, overflow
from tests.results_helpers import NOT_OBSERVED, move_cycle, sheet, submit_sheet


@pytest.fixture
def phone(browser):
    with browser_page(browser, viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2) as page:
        yield page


def _closed_cycle(make):
    """A candidate with peers 4, 4, 3 who count and a fourth peer who rated 4 of 15 competencies; cycle closed."""
    cycle = make.cycle(name="Winter 2026 promotion round of the northern operations division")
    assessment = make.assessment(cycle=cycle, candidate=make.user(name="Łukasz Nowak-Wiśniewski"), managers=1,
                                 peers=4)
    few = {c.id: (4 if i < 4 else NOT_OBSERVED) for i, c in enumerate(current_framework().competencies)}
    submit_sheet(sheet(assessment, "manager"), 4)
    for index, levels in enumerate((4, 4, 3, few)):
        submit_sheet(sheet(assessment, "peer", index), levels)
    submit_sheet(sheet(assessment, "self"), 4)
    move_cycle(cycle, "closed")
    return cycle, assessment


@pytest.mark.parametrize("lang, words", [("en", ("Sheets that do not count", "Peer: rated 4 of 15 competencies",
                                                 "borderline ± 0.3", "1 sheet not counted")),
                                         ("de", ("Bögen, die nicht zählen", "Peer: ", "Grenzfall ± 0,3",
                                                 "1 Bogen nicht gezählt"))])
def test_hr_sees_uncounted_sheets_and_borderline_on_a_phone(live_app, phone, lang, words):
    server, make = live_app
    hr = make.user("hr", name="Ingrid Halvorsen")
    hr.language = lang
    cycle, assessment = _closed_cycle(make)
    sign_in(phone, server.url, hr.email)
    phone.goto(f"{server.url}/assessments/{assessment.id}/results")
    text = phone.locator("main").inner_text()
    for expected in words[:3]:
        assert expected in text, expected
    assert overflow(phone) <= 0
    phone.locator("#uncounted-sheets").scroll_into_view_if_needed()
    screenshot(phone, f"phone-uncounted-results-{lang}", full_page=False)
    phone.locator("table.competencies").scroll_into_view_if_needed()
    screenshot(phone, f"phone-uncounted-table-{lang}", full_page=False)
    phone.goto(f"{server.url}/cycles/{cycle.id}/overview")
    phone.locator("details.not-counted summary").click()
    assert words[3] in phone.locator("main").inner_text()
    assert "4 of 15" in phone.locator("details.not-counted").inner_text() or lang == "de"
    assert overflow(phone) <= 0
    phone.locator("details.not-counted").scroll_into_view_if_needed()
    screenshot(phone, f"phone-uncounted-overview-{lang}", full_page=False)
