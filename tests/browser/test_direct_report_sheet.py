"""Issue 18 in the browser: a direct report on a phone reads the rater briefing (with its practice item), then rates
only the competencies direct reports can judge; where and how long a level was seen appears for a level at the
requirement and goes for a lower one; the sheet submits. Screenshots at 1280 and 390 px, in English and German."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import browser_page, fill_needed_evidence, screenshot, sheet_competencies, \
    show_competency, sign_in
from tests.sheets import reload, sheet_of

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
LAPTOP = {"viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def world(live_app):
    """The shipped rubric (2026.12.4 or later: its own German texts in the German screenshots)."""
    server, make = live_app
    cycle = make.cycle(name="Autumn 2026 promotion round")
    rules = make.framework
    assessment = make.assessment(cycle=cycle, candidate=make.user("candidate", name="Łukasz Nowak"),
                                 direct_reports=3, briefed=False)
    return server, rules, assessment


def _width(page) -> int:
    return page.evaluate("Math.max(document.scrollingElement.scrollWidth, window.innerWidth)")


def test_a_direct_report_reads_the_briefing_and_rates_on_a_phone(browser, world):
    server, rules, assessment = world
    sheet = sheet_of(assessment, "direct_report")
    role = rules.role(assessment.target_role)
    with browser_page(browser, **PHONE) as page:
        sign_in(page, server.url, sheet.rater.email)
        page.goto(f"{server.url}/ratings/{sheet.id}")
        expect(page).to_have_url(re.compile(rf"/ratings/{sheet.id}/briefing$"))
        page.locator("#answer-4").check()  # level 5: too high
        page.get_by_role("button", name="Check my answer").click()
        expect(page.locator("#practice-feedback")).to_contain_text("Level 5 is too high")
        page.locator("#answer-2").check()
        page.get_by_role("button", name="Check my answer").click()
        expect(page.locator("#practice-feedback")).to_contain_text("Yes. Level 3 fits best")
        assert _width(page) <= 390, "the briefing scrolls sideways on a phone"
        screenshot(page, "phone-briefing-practice")
        page.get_by_role("button", name="I have read the briefing: go to my sheet").click()
        expect(page).to_have_url(re.compile(rf"/ratings/{sheet.id}$"))

        judged = rules.readiness.group_competencies["direct_report"]
        assert sheet_competencies(page) == [c.id for c in rules.competencies if c.id in judged]
        assert 0 < len(judged) < len(rules.competencies)
        expect(page.locator("#peer-notice")).to_contain_text("direct reports are shown to the candidate only as a group")
        required = role.requirement("people_leadership").required
        situation = page.locator("#situation-people_leadership")
        show_competency(page, "people_leadership")  # one competency per screen: the rater turns to it
        expect(situation).to_be_hidden()
        page.locator(f"#level_people_leadership-{required - 1}").check()  # at the requirement
        expect(situation).to_be_visible()
        page.locator(f"#level_people_leadership-{required - 2}").check()  # below it
        expect(situation).to_be_hidden()
        for k, cid in enumerate(sheet_competencies(page)):  # one competency per screen: the rater turns to each
            show_competency(page, cid)
            page.locator(f"#level_{cid}-{1 + k % 2}").check()  # levels 2 and 3
        show_competency(page, "people_leadership")
        page.locator(f"#level_people_leadership-{required - 1}").check()
        page.locator("#evidence_people_leadership").fill("Ran our shift handovers for a year; fair rotas.")
        page.locator("#seen_in_people_leadership").select_option("role")
        page.locator("#seen_for_people_leadership").fill("14")
        page.locator("#seen_unit_people_leadership").select_option("months")
        fill_needed_evidence(page, rules, role)
        assert _width(page) <= 390, "the sheet scrolls sideways on a phone"
        situation.scroll_into_view_if_needed()
        screenshot(page, "phone-direct-report-sheet-situation", full_page=False)
        screenshot(page, "phone-direct-report-sheet")
        page.get_by_role("button", name="Submit…").click()
        page.get_by_role("dialog").get_by_role("button", name="Submit now").click()
        expect(page.get_by_text("Your rating was submitted.")).to_be_visible()
    stored = reload(sheet)
    rows = {r.competency_id: r for r in stored.current_ratings()}
    assert stored.status == "submitted" and set(rows) == set(rules.readiness.group_competencies["direct_report"])
    assert (rows["people_leadership"].seen_in, rows["people_leadership"].seen_weeks) == ("role", 61)
    assert (stored.known_for, stored.closeness) == ("1_to_3_years", "weekly")


@pytest.mark.parametrize("language", ["en", "de"])
def test_screenshots_of_the_briefing_and_the_sheet_with_situations(browser, world, language):
    """For a human to look at: the briefing and a manager's sheet with a level at the requirement, 1280 and 390 px."""
    server, rules, assessment = world
    sheet = sheet_of(assessment, "manager")
    locale = {"locale": "de-DE"} if language == "de" else {}
    for name, options in (("laptop", LAPTOP), ("phone", PHONE)):
        with browser_page(browser, **options, **locale) as page:
            sign_in(page, server.url, sheet.rater.email)
            page.goto(f"{server.url}/ratings/{sheet.id}/briefing")
            page.locator("#answer-3").check()
            page.locator("button[value=practice]").click()
            expect(page.locator("#practice-feedback")).to_be_visible()
            assert _width(page) <= options["viewport"]["width"]
            screenshot(page, f"briefing-{name}-{language}")
            page.locator("button[value=confirm]").click()
            expect(page).to_have_url(re.compile(rf"/ratings/{sheet.id}$"))
            show_competency(page, "people_leadership")  # on the phone, one competency per screen
            page.locator("#level_people_leadership-3").check()
            page.locator("#seen_in_people_leadership").select_option("acting_up")
            page.locator("#seen_for_people_leadership").fill("6")
            page.locator("#known_for").select_option("over_3_years")
            assert _width(page) <= options["viewport"]["width"]
            page.locator("#relationship").scroll_into_view_if_needed()
            screenshot(page, f"sheet-relationship-{name}-{language}", full_page=False)
            page.locator("#situation-people_leadership").scroll_into_view_if_needed()
            screenshot(page, f"sheet-situation-{name}-{language}", full_page=False)
