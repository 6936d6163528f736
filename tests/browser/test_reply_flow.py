"""The candidate's right of reply in a real browser (issue 20, 4), at 1280 and 390 px, in English and German: the
candidate acknowledges, replies and asks for a review; HR sees the open request on the dashboard, reads the reply
on the results page, marks it read and resolves the request; the candidate reads the outcome."""

import pytest

from assessment.extensions import db
from tests.browser.conftest import browser_page, screenshot, sign_in
from tests.results_helpers import move_cycle, rated_assessment

REPLY = {"en": "I see the budget gap. The February flood recovery, which I led for three weeks, is missing.",
         "de": "Die Budgetlücke sehe ich. Es fehlt die Hochwasser-Sanierung im Februar, die ich drei Wochen "
               "geleitet habe."}
REASON = {"en": "Crisis management was rated low, but nobody who rated me saw the flood recovery I led.",
          "de": "Krisenmanagement wurde niedrig bewertet, aber niemand der Bewertenden hat die Sanierung gesehen."}
ANSWER = {"en": "The panel asked the site director about the flood recovery; the verdict stands.",
          "de": "Das Gremium hat die Standortleitung zur Sanierung befragt; die Einstufung bleibt."}
WORDS = {"en": {"ack": "It does not mean that you agree", "open": "open review request", "upheld": "Verdict upheld"},
         "de": {"ack": "nicht, dass Sie ihnen zustimmen", "open": "offener Antrag auf Überprüfung",
                "upheld": "Einstufung bestätigt"}}
SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


def _no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("lang", ["en", "de"])
@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_acknowledge_reply_review_request_and_hr_resolves(live_app, browser, lang, size):
    """The whole flow through the pages, with screenshots of each step."""
    server, make = live_app
    cycle = make.cycle(name="Spring 2026 promotion round")
    candidate = make.user(name="Zoë Müller-Šimić")
    hr = make.user("hr", name="Ingrid Halvorsen")
    for person in (candidate, hr):
        person.language = lang
    db.session.commit()
    assessment = rated_assessment(make, cycle=cycle, manager=3, self_level=3, candidate=candidate)
    move_cycle(cycle, "closed", "released")
    name = f"reply-{lang}-{size}"
    viewport = SIZES[size]

    with browser_page(browser, viewport=viewport) as page:
        sign_in(page, server.url, candidate.email)
        page.goto(f"{server.url}/me")
        page.locator("a.reply-link").click()
        page.wait_for_load_state()
        assert WORDS[lang]["ack"] in page.locator("#acknowledgement").inner_text()
        screenshot(page, f"{name}-1-candidate-page")
        page.locator("#acknowledge").click()
        page.wait_for_load_state()
        assert page.locator("#acknowledge").count() == 0
        page.locator("#text").fill(REPLY[lang])
        page.locator("#save-reply").click()
        page.wait_for_load_state()
        page.locator("#reason").fill(REASON[lang])
        page.locator("#ask-review").click()
        page.wait_for_load_state()
        assert page.locator("#ask-review").count() == 0
        _no_sideways_scroll(page)
        screenshot(page, f"{name}-2-candidate-asked")

    with browser_page(browser, viewport=viewport) as page:
        sign_in(page, server.url, hr.email)
        page.goto(f"{server.url}/hr/cycles/{cycle.id}")
        assert WORDS[lang]["open"] in page.locator(".open-reviews").inner_text()
        screenshot(page, f"{name}-3-hr-dashboard")
        page.goto(f"{server.url}/assessments/{assessment.id}/results")
        section = page.locator("#candidate-reply")
        assert REPLY[lang] in section.inner_text()
        page.locator("#mark-read").click()
        page.wait_for_load_state()
        assert page.locator("#mark-read").count() == 0
        page.locator("#resolve-link").click()
        page.wait_for_load_state()
        page.locator("#outcome-0").check()
        page.locator("#resolution").fill(ANSWER[lang])
        screenshot(page, f"{name}-4-hr-resolve")
        page.locator("#resolve").click()
        page.wait_for_load_state()
        assert WORDS[lang]["upheld"] in page.locator("#candidate-reply").inner_text()
        _no_sideways_scroll(page)
        screenshot(page, f"{name}-5-hr-resolved")

    with browser_page(browser, viewport=viewport) as page:
        sign_in(page, server.url, candidate.email)
        page.goto(f"{server.url}/me/assessments/{assessment.id}/reply")
        text = page.locator("#review").inner_text()
        assert WORDS[lang]["upheld"] in text and ANSWER[lang] in text
        assert page.locator("#save-reply").count() == 0  # HR read the reply: it stays as read
        _no_sideways_scroll(page)
        screenshot(page, f"{name}-6-candidate-outcome")
