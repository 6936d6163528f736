"""The talent grid in a real browser (issue 20): HR at 1280 px in English imports performance ratings (preview, then
save), reads the grid and proposes a move with the keyboard alone (the calibration form opens with the band chosen);
at 390 px in German the grid is a list of cells with nothing wider than the screen.
Screenshots: test-artifacts/screenshots/talent-grid-*.png."""

from __future__ import annotations

from playwright.sync_api import expect

from assessment.extensions import db
from tests.browser.conftest import browser_page, screenshot, sign_in
from tests.results_helpers import move_cycle, rated_assessment

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
GERMAN = {"locale": "de-DE"}


def _world(make):
    cycle = make.cycle("Spring 2027 promotion round")
    people = []
    for name, unit, level in (("Łukasz Nowak", "Hamburg site", 5), ("Zoë Müller-Šimić", "Munich site", 5),
                              ("Aoife O'Brien", "Dublin site", 1)):
        a = rated_assessment(make, cycle=cycle, manager=level, candidate=make.user("candidate", name))
        a.candidate.unit = unit
        people.append(a)
    make.assessment(cycle=cycle, candidate=make.user("candidate", "Mehmet Yılmaz"))
    db.session.commit()
    move_cycle(cycle, "closed")
    return cycle, people


def _ratings_file(tmp_path, people) -> str:
    path = tmp_path / "ratings.csv"
    path.write_text("email,rating,scale,source,date\n"
                    f"{people[0].candidate.email},5,5,SAP SuccessFactors 2026 review,2026-03-31\n"
                    f"{people[1].candidate.email},2,3,SAP SuccessFactors 2026 review,31.03.2026\n")
    return str(path)


def test_hr_imports_ratings_and_proposes_a_move_by_keyboard(live_app, browser, tmp_path):
    server, make = live_app
    cycle, people = _world(make)
    hr = make.user("hr", "Ingrid Halvorsen")
    with browser_page(browser) as page:
        sign_in(page, server.url, hr.email)
        page.goto(f"{server.url}/hr/performance-ratings")
        page.locator("#file").set_input_files(_ratings_file(tmp_path, people))
        page.get_by_role("button", name="Check the file").click()
        expect(page.get_by_role("heading", name="Preview: nothing is saved yet")).to_be_visible()
        screenshot(page, "talent-grid-ratings-preview")
        page.get_by_role("button", name="Save these ratings").click()
        expect(page.get_by_text("Saved 2 performance ratings.")).to_be_visible()

        page.goto(f"{server.url}/hr/grid?role=head_of_operations&cycle={cycle.id}")
        expect(page.get_by_role("heading", name="Talent grid: Head of Operations")).to_be_visible()
        expect(page.get_by_text("On a 1-5 scale, 1-2 is low")).to_be_visible()
        strong = page.locator("section.grid-cell", has=page.get_by_text("Łukasz Nowak"))
        expect(strong.get_by_role("heading")).to_contain_text("High performance")
        expect(page.get_by_text("Nobody in this cell.").first).to_be_visible()
        beside = page.locator("section[aria-labelledby=beside-heading]")
        expect(beside).to_contain_text("Mehmet Yılmaz")
        screenshot(page, "talent-grid-1280-en")

        # The keyboard alone: focus the move control, open it, choose a band, open the calibration form.
        summary = strong.locator("summary").first
        summary.focus()
        page.keyboard.press("Enter")
        select = strong.locator("select").first
        select.focus()
        select.select_option("not_yet_ready")
        page.keyboard.press("Tab")
        expect(strong.get_by_role("button", name="Open the calibration form").first).to_be_focused()
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert "#calibration" in page.url and "band_id=not_yet_ready" in page.url
        expect(page.locator("input[name=band_id][value=not_yet_ready]")).to_be_checked()
        screenshot(page, "talent-grid-move-calibration-form")


def test_the_grid_on_a_phone_in_german(live_app, browser, tmp_path):
    server, make = live_app
    cycle, people = _world(make)
    hr = make.user("hr", "Ingrid Halvorsen")
    hr.language = "de"
    db.session.commit()
    with browser_page(browser, **PHONE, **GERMAN) as page:
        sign_in(page, server.url, hr.email)
        page.goto(f"{server.url}/hr/grid?role=head_of_operations&cycle={cycle.id}&axis=trend")
        expect(page.get_by_role("heading", name="Talentraster: Head of Operations")).to_be_visible()
        expect(page.get_by_text("Erste Beurteilung für diese Rolle").first).to_be_visible()
        expect(page.get_by_text("Niemand in diesem Feld.").first).to_be_visible()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, width
        screenshot(page, "talent-grid-390-de")
        page.goto(f"{server.url}/hr/grid?role=head_of_operations&cycle={cycle.id}")
        expect(page.get_by_text("Keine Leistungsbewertung").first).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390

        # A German file with a mistake: the problem names its row and column, in German, nothing saved.
        path = tmp_path / "bewertungen.csv"
        path.write_text("E-Mail;Bewertung;Skala;Quelle;Datum\n"
                        f"{people[0].candidate.email};7;5;Jahresgespräch 2026;31.03.2026\n", encoding="utf-8")
        page.goto(f"{server.url}/hr/performance-ratings")
        page.locator("#file").set_input_files(str(path))
        page.get_by_role("button", name="Datei prüfen").click()
        problems = page.locator("section.problems")
        expect(problems).to_contain_text("Bewertung (rating)")
        expect(problems).to_contain_text("von 1 bis 5")
        screenshot(page, "talent-grid-ratings-problems-390-de")
