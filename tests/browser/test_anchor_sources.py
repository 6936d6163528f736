"""The rating sheet in a real browser: under each competency, the source quotes its anchors rest on, behind one
disclosure ("What the sources say"), listed by level; the anchors themselves stay in view."""

from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS, screenshot, sign_in
from tests.sheets import sheet_of


def test_anchor_source_quotes_open_under_their_competency(live_app, page):
    """Closed at first; opened, level 4 of strategic planning lists its English quote, level 5 its German one
    (lang="de"), level 1 none; the anchors were in view all along."""
    server, make = live_app
    assessment = make.assessment(candidate=make.user("candidate", name="Łukasz Nowak"))
    sign_in(page, server.url, sheet_of(assessment, "manager").rater.email)
    page.goto(f"{server.url}/ratings/{sheet_of(assessment, 'manager').id}")
    comp = make.framework.competency("strategic_planning")
    fieldset = page.locator("fieldset#level_strategic_planning")
    expect(fieldset.locator("label[for='level_strategic_planning-3'] .anchor")).to_have_text(comp.anchor(4))
    sources = fieldset.locator("details.sources")
    quotes = sources.locator("q")
    expect(quotes.first).to_be_hidden()
    sources.locator("summary").click()
    expect(sources.locator("summary")).to_have_text("What the sources say: 7 quotes")
    level_four = sources.locator("dt", has_text="4 Advanced")
    expect(level_four).to_be_visible()
    expect(quotes.filter(has_text=comp.anchor_citations(4)[0].quote)).to_be_visible()
    expect(sources.locator("q[lang='de']").first).to_contain_text("Er sorgt dafür")
    expect(sources.locator("dt", has_text="1 Emerging")).to_have_count(0)
    # The quotes sit below the levels, inside the competency's box.
    assert sources.bounding_box()["y"] > fieldset.locator(".levels").bounding_box()["y"]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    fieldset.screenshot(path=str(SCREENSHOTS / "rating-sheet-anchor-sources.png"))
    page.set_viewport_size({"width": 390, "height": 844})
    page.locator(".sheet-pager [data-page=all]").click()  # a phone shows one competency per screen: all of them
    budget = page.locator("fieldset#level_budget_authority")
    budget.locator("details.sources summary").click()
    budget.screenshot(path=str(SCREENSHOTS / "rating-sheet-anchor-sources-phone.png"))
    screenshot(page, "rating-sheet-full")
