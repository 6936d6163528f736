"""The rating sheet in a real browser shows, under an anchor, the source quote it rests on."""

from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS, screenshot, sign_in
from tests.sheets import sheet_of


def test_anchor_source_quotes_show_under_their_anchor(live_app, page):
    """Level 4 of strategic planning shows its English quote, level 5 its German one (lang="de"), level 1 none."""
    server, make = live_app
    assessment = make.assessment(candidate=make.user("candidate", name="Łukasz Nowak"))
    sign_in(page, server.url, sheet_of(assessment, "manager").rater.email)
    page.goto(f"{server.url}/ratings/{sheet_of(assessment, 'manager').id}")
    fieldset = page.locator("fieldset#level_strategic_planning")
    four = fieldset.locator("label[for='level_strategic_planning-3']")
    expect(four.locator(".anchor-source")).to_contain_text("From the source:")
    expect(four.locator(".anchor-source q")).to_have_text(
        [c.quote for c in make.framework.competency("strategic_planning").anchor_citations(4)])
    five = fieldset.locator("label[for='level_strategic_planning-4'] .anchor-source q[lang='de']")
    expect(five.first).to_contain_text("Er sorgt dafür")
    expect(fieldset.locator("label[for='level_strategic_planning-0'] .anchor-source")).to_have_count(0)
    # The quote sits below the anchor text, inside the level's box, and is quieter than it.
    anchor_box = four.locator(".anchor").bounding_box()
    quote_box = four.locator(".anchor-source").bounding_box()
    assert quote_box["y"] > anchor_box["y"] and quote_box["x"] >= anchor_box["x"] - 1
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    fieldset.screenshot(path=str(SCREENSHOTS / "rating-sheet-anchor-sources.png"))
    page.set_viewport_size({"width": 390, "height": 844})
    page.locator("fieldset#level_budget_authority").screenshot(
        path=str(SCREENSHOTS / "rating-sheet-anchor-sources-phone.png"))
    screenshot(page, "rating-sheet-full")
