"""Phones (390 x 844): no main page scrolls sideways, for any role; lists are cards with their action in view;
the results table leads with decision, requirement and gap, and the radar gives way to the table."""

from datetime import date

import pytest
from playwright.sync_api import expect

from assessment.extensions import db
from tests.browser.conftest import browser_page, screenshot, show_competency, sign_in
from tests.results_helpers import move_cycle, rated_assessment, save_draft
from tests.sheets import sheet_of

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser):
    with browser_page(browser, viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2) as page:
        yield page


def phone_shot(page, name: str) -> None:
    """What the phone shows first (the viewport), and the whole page, under test-artifacts/screenshots/."""
    screenshot(page, f"phone-{name}", full_page=False)
    screenshot(page, f"phone-{name}-full")


def overflow(page) -> int:
    """How many pixels the page is wider than the phone (0 or less: no sideways scrolling).

    On a phone a page wider than the screen is zoomed out, which widens ``innerWidth`` with it: the page is
    measured against the phone's own width too, not only against ``innerWidth``."""
    return page.evaluate(f"Math.max(document.scrollingElement.scrollWidth, window.innerWidth) - {PHONE['width']}")


class PhoneWorld:
    """An open cycle with sheets to fill in and a released one with results, for HR, a manager and a candidate."""

    def __init__(self, make):
        self.hr = make.user("hr", name="Ingrid Halvorsen")
        self.candidate = make.user("candidate", name="Łukasz Nowak-Wiśniewski")
        spring = make.cycle(name="Spring 2026 promotion round of the northern operations division")
        self.released = rated_assessment(make, cycle=spring, manager=3, self_level=4, peers=(3, 4, 4),
                                         candidate=self.candidate)
        rated_assessment(make, cycle=spring, manager=5, candidate=make.user(name="Zoë Müller-Šimić"))
        move_cycle(spring, "closed", "released")
        autumn = make.cycle(name="Autumn 2026 promotion round")
        autumn.ends_on = date(2026, 12, 15)
        autumn.instructions = "Rate what you have seen since April; evidence for the extremes, please."
        db.session.commit()
        self.open = make.assessment(cycle=autumn, candidate=self.candidate, peers=1)
        for name in ("Aoife O'Brien", "Søren Østergaard-Kristiansen"):
            make.assessment(cycle=autumn, candidate=make.user(name=name))  # more rows in the lists
        self.manager_sheet = sheet_of(self.open, "manager")
        save_draft(sheet_of(self.open, "self"), 3)
        self.autumn, self.spring = autumn, spring

    def pages(self):
        """(who, page name, path) for every main page."""
        a, r = self.open, self.released
        return [
            (self.hr, "hr-cycles", "/hr/cycles"),
            (self.hr, "hr-dashboard", f"/hr/cycles/{self.autumn.id}"),
            (self.hr, "hr-assessment", f"/hr/assessments/{a.id}"),
            (self.hr, "hr-people", "/hr/people"),
            (self.hr, "hr-audit", "/hr/audit"),
            (self.hr, "hr-person", f"/hr/people/{self.candidate.id}"),
            (self.hr, "hr-add-candidate", f"/hr/cycles/{self.autumn.id}/candidates/new"),
            (self.hr, "hr-new-cycle", "/hr/cycles/new"),
            (self.hr, "results-overview", f"/cycles/{self.spring.id}/overview"),
            (self.hr, "results-hr", f"/assessments/{r.id}/results"),
            (self.hr, "sheet-read-only", f"/ratings/{sheet_of(r, 'manager').id}"),
            (self.manager_sheet.rater, "my-ratings", "/ratings/"),
            (self.manager_sheet.rater, "sheet", f"/ratings/{self.manager_sheet.id}"),
            (self.candidate, "candidate-home", "/me"),
            (self.candidate, "self-assessment", f"/ratings/{sheet_of(a, 'self').id}"),
            (self.candidate, "self-confirm", f"/ratings/{sheet_of(a, 'self').id}/submit"),
            (self.candidate, "results-candidate", f"/assessments/{r.id}/results"),
            (sheet_of(a, "peer").rater, "peer-ratings", "/ratings/"),
        ]


def test_no_main_page_scrolls_sideways_on_a_phone(live_app, phone):
    """Every main page of every role fits 390 px: scrollWidth never exceeds the viewport's width."""
    server, make = live_app
    world = PhoneWorld(make)
    signed_in, too_wide = None, []
    for user, name, path in world.pages():
        if user is not signed_in:
            phone.context.clear_cookies()
            sign_in(phone, server.url, user.email)
            signed_in = user
        response = phone.goto(server.url + path)
        assert response.status == 200, f"{path}: {response.status}"
        phone_shot(phone, name)
        if overflow(phone) > 0:
            too_wide.append(f"{name} ({path}): {overflow(phone)} px too wide")
    assert too_wide == []


def test_my_ratings_are_cards_with_their_action_in_view(live_app, phone):
    """On a phone each sheet is a card, its action link visible without scrolling sideways."""
    server, make = live_app
    world = PhoneWorld(make)
    sign_in(phone, server.url, world.manager_sheet.rater.email)
    phone.goto(f"{server.url}/ratings/")
    link = phone.get_by_role("link", name="Start the rating of Łukasz Nowak-Wiśniewski")
    expect(link).to_be_in_viewport()
    box = link.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    row = phone.locator("table.cards tbody tr").first
    assert row.evaluate("el => getComputedStyle(el).display") == "block"
    expect(row.locator("td").nth(1)).to_have_attribute("data-label", "Cycle")
    phone_shot(phone, "my-ratings-cards")


def test_dashboard_rows_are_cards_on_a_phone(live_app, phone):
    """HR's dashboard lists each candidate as a labelled card; the candidate's link is in view."""
    server, make = live_app
    world = PhoneWorld(make)
    sign_in(phone, server.url, world.hr.email)
    phone.goto(f"{server.url}/hr/cycles/{world.autumn.id}")
    first = phone.locator("table.dashboard tbody tr").first
    assert first.evaluate("el => getComputedStyle(el).display") == "block"
    expect(first.locator("td").nth(1)).to_have_attribute("data-label", "Target role")
    link = first.get_by_role("link").first
    link.scroll_into_view_if_needed()
    box = link.bounding_box()
    assert box["x"] + box["width"] <= PHONE["width"]


def test_results_on_a_phone_lead_with_decision_required_and_gap(live_app, phone):
    """The competency table starts with decision score, required level and gap; the small radar is left out."""
    server, make = live_app
    world = PhoneWorld(make)
    sign_in(phone, server.url, world.candidate.email)
    phone.goto(f"{server.url}/assessments/{world.released.id}/results")
    headers = phone.locator("table.competencies thead th").all_inner_texts()
    assert headers[:4] == ["Competency", "Decision score", "Required", "Gap"]
    expect(phone.locator(".chart-section")).to_be_hidden()
    card = phone.locator("table.competencies tbody tr").first
    card.scroll_into_view_if_needed()
    cells = card.locator("td")
    assert [cells.nth(i).get_attribute("data-label") for i in range(3)] == ["Decision score", "Required", "Gap"]
    for i in range(3):
        box = cells.nth(i).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    phone_shot(phone, "results-table-cards")
    # On a wide screen the radar is there.
    phone.set_viewport_size({"width": 1280, "height": 900})
    expect(phone.locator(".chart-section svg")).to_be_visible()


def test_the_sheet_on_a_phone_keeps_its_summary_and_save_bar(live_app, phone):
    """On a phone the summary is at the top, the jump list folded, and the Save/Submit bar in view."""
    server, make = live_app
    world = PhoneWorld(make)
    sign_in(phone, server.url, world.manager_sheet.rater.email)
    phone.goto(f"{server.url}/ratings/{world.manager_sheet.id}")
    expect(phone.locator("#sheet-summary")).to_be_visible()
    assert phone.locator("details.jump").evaluate("el => el.open") is False
    expect(phone.get_by_role("button", name="Save draft")).to_be_in_viewport()
    comp = make.framework.competencies[5]
    show_competency(phone, comp.id)  # one competency per screen (issue 19): through the jump list
    phone.locator(f"#level_{comp.id}-0").check()
    expect(phone.locator(f"#evidence_{comp.id}-needed")).to_be_visible()
    expect(phone.get_by_role("button", name="Submit")).to_be_in_viewport()
    phone_shot(phone, "sheet-evidence-note")
    assert overflow(phone) <= 0
    # Issue 17: a critical competency says from which level evidence is needed, and the note says why.
    role = make.framework.role(world.manager_sheet.assessment.target_role)
    critical = next(r for r in role.requirements if r.is_critical)
    show_competency(phone, critical.competency_id)
    expect(phone.locator(f"#rule-{critical.competency_id}")).to_be_visible()
    phone.locator(f"#level_{critical.competency_id}-{critical.required - 1}").check()
    note = phone.locator(f"#evidence_{critical.competency_id}-needed")
    expect(note).to_contain_text("on a critical competency")
    note.scroll_into_view_if_needed()
    screenshot(phone, "phone-sheet-critical-evidence-note", full_page=False)
    assert overflow(phone) <= 0
