"""Issue 18 on the demo's real results (no enrichment): HR opens the results of the candidate rated by their direct
reports, in English and German, on a laptop and a phone, and the one with an exercise day; the table shows the
direct reports' and the assessors' columns and fits, nothing scrolls sideways on the phone. Screenshots: test-artifacts/screenshots/demo-sources-*."""

import pytest
import sqlalchemy as sa

from assessment.demo import DEMO_PASSWORD, build_demo
from assessment.demo_exercises import WITH_EXERCISE_DAY
from assessment.demo_sources import WITH_DIRECT_REPORTS
from assessment.extensions import db
from assessment.framework import current_framework
from assessment.models import Assessment, Cycle, User
from tests.browser.conftest import browser_page, screenshot, sign_in
from tests.browser.test_phone import PHONE, overflow
from tests.browser.test_results_evidence_flow import shoot, table_overflow

WORDS = {"en": ("Direct reports", "Evidence behind the levels", "Short acquaintance:", "(rwg "),
         "de": ("Direkt unterstellte Mitarbeitende", "Worauf die Stufen beruhen", "Kurze Zusammenarbeit:", "(rwg ")}


@pytest.mark.parametrize("lang", ["en", "de"])
def test_hr_reads_the_demo_candidate_with_direct_reports(live_app, browser, lang):
    server, make = live_app
    build_demo(current_framework())
    db.session.commit()
    hr = db.session.scalar(sa.select(User).where(User.role == "hr"))
    hr.language = lang
    db.session.commit()
    released = db.session.scalar(sa.select(Cycle).where(Cycle.state == "released"))
    assessment = next(a for a in db.session.scalars(sa.select(Assessment).where(Assessment.cycle_id == released.id))
                      if a.candidate.email == WITH_DIRECT_REPORTS)
    for width in (1280, 390):
        options = dict(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2) if width == 390 else {}
        with browser_page(browser, **options) as page:
            sign_in(page, server.url, hr.email, DEMO_PASSWORD)
            page.goto(f"{server.url}/assessments/{assessment.id}/results")
            text = page.locator("main").inner_text()
            for expected in WORDS[lang]:
                assert expected in text, expected
            assert (overflow(page) if width == 390 else table_overflow(page)) <= 0
            screenshot(page, f"demo-sources-{lang}-{width}-results", full_page=False)
            shoot(page, f"demo-sources-{lang}-{width}", table="table.competencies", situations="#situations")


def test_hr_reads_the_demo_exercise_day_on_a_laptop(live_app, browser):
    server, make = live_app
    build_demo(current_framework())
    db.session.commit()
    hr = db.session.scalar(sa.select(User).where(User.role == "hr"))
    released = db.session.scalar(sa.select(Cycle).where(Cycle.state == "released"))
    assessment = next(a for a in db.session.scalars(sa.select(Assessment).where(Assessment.cycle_id == released.id))
                      if a.candidate.email == WITH_EXERCISE_DAY)
    with browser_page(browser) as page:
        sign_in(page, server.url, hr.email, DEMO_PASSWORD)
        page.goto(f"{server.url}/assessments/{assessment.id}/results")
        text = page.locator("main").inner_text()
        assert "Assessors" in text and "exercise" in text
        assert table_overflow(page) <= 0
        shoot(page, "demo-exercise-day-en-1280", table="table.competencies", situations="#situations")
