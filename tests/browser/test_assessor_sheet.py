"""An assessor fills an exercise sheet in a real browser: the exercise in their sheet list, the briefing once, then
only the competencies the exercise shows (the exercise x competency matrix); the sheet submits. Screenshots at
1280 px (EN, DE) and 390 px (test-artifacts/screenshots/assessor-sheet*.png)."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from rubrics.sheet import exercise_levels, sheet_competencies as matrix_competencies
from tests.browser.conftest import (browser_page, fill_needed_evidence, pass_briefing, screenshot, sheet_competencies,
                                    sign_in)
from tests.exercise_helpers import assessor, schedule
from tests.sheets import reload

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
EXERCISE = "board_presentation"


def _open_sheet(page, url: str, sheet_id: int) -> None:
    """From the sheet list to the sheet, through the rater briefing the first time."""
    page.goto(f"{url}/ratings/")
    row = page.locator("tr", has_text="Łukasz Nowak")
    expect(row).to_contain_text("Board presentation")
    row.get_by_role("link", name=re.compile("Start")).click()
    pass_briefing(page)
    expect(page).to_have_url(re.compile(rf"/ratings/{sheet_id}$"))


def test_an_assessor_fills_an_exercise_sheet(live_app, browser):
    server, make = live_app
    rules, hr = make.framework, make.user("hr")
    assessment = make.assessment(candidate=make.user("candidate", name="Łukasz Nowak"))
    ada = assessor(make, "Ada Lindqvist")
    [sheet] = schedule(assessment, EXERCISE, [ada], rules, hr)
    role = rules.role(assessment.target_role)
    shown = list(matrix_competencies(rules, role, "assessor", EXERCISE))
    with browser_page(browser) as page:
        sign_in(page, server.url, ada.email)
        _open_sheet(page, server.url, sheet.id)
        assert sheet_competencies(page) == shown and 0 < len(shown) < len(rules.competencies)
        chosen = {}
        for k, cid in enumerate(shown):  # a level the exercise can show: its highest, or one below
            levels = exercise_levels(rules, EXERCISE, cid)
            assert page.locator(f"input[name=level_{cid}]:not([value=not_observed])").evaluate_all(
                "inputs => inputs.map(i => Number(i.value))") == list(levels)  # the matrix's levels only
            chosen[cid] = levels[-1 - k % 2]
            page.locator(f"input[name=level_{cid}][value='{chosen[cid]}']").check()
        fill_needed_evidence(page, rules, role, text="In the board presentation: a costed three-year plan.")
        screenshot(page, "assessor-sheet")
        page.get_by_role("button", name="Submit…").click()
        page.get_by_role("dialog").get_by_role("button", name="Submit now").click()
        expect(page.get_by_text("Your rating was submitted.")).to_be_visible()
    stored = reload(sheet)
    assert stored.status == "submitted"
    assert {r.competency_id: r.level for r in stored.current_ratings()} == chosen
    for locale, options, name in (("de-DE", {}, "assessor-sheet-de"), ("en-GB", PHONE, "assessor-sheet-phone")):
        with browser_page(browser, locale=locale, **options) as page:
            sign_in(page, server.url, ada.email)
            page.goto(f"{server.url}/ratings/{sheet.id}")
            screenshot(page, name)
