"""Issue 18 on the results page, in English and German, on a laptop (1280 px) and a phone (390 px): HR reads the
eligibility rule beside the verdict, the overall and per-competency agreement, the short acquaintance and what
the levels rest on; the candidate reads the rule but no agreement; nothing scrolls sideways on the phone.
Screenshots go to test-artifacts/screenshots/ (evidence-*). The result is enriched as in
tests/test_results_evidence.py."""

import pytest

from assessment.extensions import db
from tests.browser.conftest import browser_page, screenshot, sign_in
from tests.browser.test_phone import PHONE, overflow
from tests.test_results_evidence import SITUATION, released_with_evidence

RULE = "At least 60 months in leadership roles: 48, not met."
WORDS = {"en": ("Eligibility (track record):", RULE, "Raters partly agree: mean rwg 0.64",
                "Short acquaintance:", "Evidence behind the levels", "Direct reports"),
         "de": ("Zulassung (Werdegang):", RULE, "Bewertende sind sich teilweise einig",
                "Kurze Zusammenarbeit:", "Worauf die Stufen beruhen", "Direkt unterstellte Mitarbeitende")}


def table_overflow(page) -> int:
    """How many pixels the competency table is wider than its frame (0 or less: every column on screen)."""
    return page.evaluate("(() => { const w = document.querySelector('.table-wrap');"
                         " return w.scrollWidth - w.clientWidth; })()")


def shoot(page, name: str, **sections) -> None:
    """A screenshot of the window at each section: ``<name>-<key>.png`` scrolled to the key's selector."""
    for key, selector in sections.items():
        page.locator(selector).scroll_into_view_if_needed()
        screenshot(page, f"{name}-{key}", full_page=False)


@pytest.fixture
def evidence_result(live_app, monkeypatch):
    server, make = live_app
    assessment = released_with_evidence(make, monkeypatch, candidate=make.user(name="Zoë Müller-Šimić"))
    return server, make, assessment


@pytest.mark.parametrize("lang", ["en", "de"])
@pytest.mark.parametrize("width", [1280, 390])
def test_hr_reads_the_evidence_on_laptop_and_phone(browser, evidence_result, lang, width):
    server, make, assessment = evidence_result
    hr = make.user("hr", name="Ingrid Halvorsen")
    hr.language = lang
    db.session.commit()
    phone = width == 390
    options = dict(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2) if phone else {}
    with browser_page(browser, **options) as page:
        sign_in(page, server.url, hr.email)
        page.goto(f"{server.url}/assessments/{assessment.id}/results")
        text = page.locator("main").inner_text()
        for expected in WORDS[lang]:
            assert expected in text, expected
        assert SITUATION in text
        # On a phone nothing scrolls sideways; on a laptop every column is on screen.
        assert (overflow(page) if phone else table_overflow(page)) <= 0
        shoot(page, f"evidence-results-{lang}-{width}", verdict="#eligibility", table="table.competencies",
              situations="#situations")


def test_the_candidate_reads_the_rule_but_no_agreement_on_a_phone(browser, evidence_result):
    server, make, assessment = evidence_result
    with browser_page(browser, viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2) as page:
        sign_in(page, server.url, assessment.candidate.email)
        page.goto(f"{server.url}/assessments/{assessment.id}/results")
        text = page.locator("main").inner_text()
        assert "Eligibility (track record):" in text and "rwg" not in text and "Short acquaintance" not in text
        assert overflow(page) <= 0
        page.locator("#eligibility").scroll_into_view_if_needed()
        screenshot(page, "evidence-results-candidate-390", full_page=False)
