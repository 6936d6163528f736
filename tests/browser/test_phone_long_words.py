"""Phones and long words (issue 19): at 390 px no HR page scrolls sideways even with a German compound in a
cycle's name and long candidate names, in English and German; tap targets are at least 24 x 24 CSS px (WCAG 2.2
2.5.8); the sign-in page loads without a 404 (a favicon)."""

from __future__ import annotations

import pytest

from assessment.extensions import db
from tests.browser.conftest import browser_page, screenshot, sign_in
from tests.results_helpers import move_cycle, rated_assessment

PHONE = {"width": 390, "height": 844}
LONG_CYCLE = "Nachwuchsführungskräfteprogramm 2027"
LONG_NAMES = ("Maximiliane Schwarzenberg-Hohenlohe-Waldenburg", "Bartholomäus Oberwiesenthaler-Grünewaldstein")


@pytest.fixture
def phone(browser):
    with browser_page(browser, viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2) as page:
        yield page


class LongWords:
    """An open cycle and a closed one, both named with a long German compound, with long-named candidates."""

    def __init__(self, make):
        self.hr = make.user("hr", name="Ingrid Halvorsen-Schwarzenbergerova")
        closed = make.cycle(name=LONG_CYCLE)
        for name in LONG_NAMES:
            rated_assessment(make, cycle=closed, manager=4, peers=(3, 4, 4), candidate=make.user(name=name))
        move_cycle(closed, "closed")
        opened = make.cycle(name=f"{LONG_CYCLE} (Frühjahr)")
        for name in LONG_NAMES:
            make.assessment(cycle=opened, candidate=make.user(name=f"{name}-Zweite"), peers=1)
        self.opened, self.closed = opened, closed

    def pages(self):
        """(name, path) of every page the issue names."""
        return [("dashboard", f"/hr/cycles/{self.opened.id}"),
                ("close-confirmation", f"/hr/cycles/{self.opened.id}/state?to=closed"),
                ("release-confirmation", f"/hr/cycles/{self.closed.id}/state?to=released"),
                ("export-start", f"/cycles/{self.closed.id}/exports"),
                ("scores-export-start", f"/cycles/{self.closed.id}/exports/scores"),
                ("results-overview", f"/cycles/{self.closed.id}/overview"),
                ("people", "/hr/people")]


def _width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


@pytest.mark.parametrize("lang", ["en", "de"])
def test_no_hr_page_scrolls_sideways_with_long_words(live_app, phone, lang):
    """Each page's document is at most 390 px wide: headings and cells wrap, tables fit or scroll in their box."""
    server, make = live_app
    world = LongWords(make)
    world.hr.language = lang
    db.session.commit()
    sign_in(phone, server.url, world.hr.email)
    too_wide = []
    for name, path in world.pages():
        response = phone.goto(server.url + path)
        assert response.status == 200, f"{path}: {response.status}"
        screenshot(phone, f"phone-long-words-{lang}-{name}")
        if _width(phone) > PHONE["width"]:
            too_wide.append(f"{name} ({path}): {_width(phone)} px")
    assert too_wide == []


#: What a finger taps on the pages the issue names: bulk checkboxes, sort links, the heat-map's column links and
#: the <summary> toggles (selectors on the page, and where).
TAP_TARGETS = [
    ("dashboard", "table.dashboard input[type=checkbox]"),
    ("dashboard", "table.dashboard thead th a"),
    ("dashboard", "main summary"),
    ("results-overview", "table thead th.comp a"),
    ("results-overview", "table thead th a"),
]


@pytest.mark.parametrize("width", [390, 1280])
def test_tap_targets_are_at_least_24_px(live_app, browser, width):
    """Every bulk checkbox, sort link, heat-map column link and disclosure toggle is at least 24 x 24 CSS px."""
    server, make = live_app
    world = LongWords(make)
    world.opened.instructions = "Rate what you have seen since April."
    db.session.commit()
    paths = dict(world.pages())
    small, measured = [], 0
    with browser_page(browser, viewport={"width": width, "height": 900}) as page:
        sign_in(page, server.url, world.hr.email)
        for name, selector in TAP_TARGETS:
            page.goto(server.url + paths[name])
            boxes = page.locator(selector).evaluate_all(
                "els => els.filter(e => e.getClientRects().length).map(e => {const r = e.getBoundingClientRect();"
                " return [e.outerHTML.slice(0, 60), r.width, r.height]; })")
            assert boxes, f"nothing found for {selector} on {name}"
            measured += len(boxes)
            small += [f"{name} {selector}: {html} is {w:.0f} x {h:.0f}" for html, w, h in boxes if w < 24 or h < 24]
    assert measured and small == []


def test_the_sign_in_page_loads_without_a_404(live_app, page):
    """A first visit asks for nothing that is missing: the favicon is linked and served (no console 404)."""
    server, _make = live_app
    missing, errors = [], []
    page.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{server.url}/login")
    page.wait_for_load_state("networkidle")
    icon = page.locator("link[rel=icon]").get_attribute("href")
    assert icon and page.request.get(server.url + icon).status == 200
    assert missing == [] and errors == []
