"""Assessor exercises in a real browser: HR marks two managers as trained assessors and schedules the case analysis
with both; once their sheets are in, an assessor opens the wash-up from their sheet list, is refused a consensus
nobody saw and a missing resolution (what was typed stays), resolves the disagreement and saves. Screenshots of
the scheduling and wash-up pages at 1280 and 390 px, in English and German (test-artifacts/screenshots/)."""

from __future__ import annotations

from assessment.extensions import db
from assessment.models import AssessorConsensus, ExerciseSession, RaterAssignment
from tests.browser.conftest import browser_page, screenshot, sign_in
from tests.exercise_helpers import submit_exercise_sheet

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def no_overflow(page) -> list[str]:
    """Elements wider than the window (outside the scrolling tables)."""
    return page.evaluate("""() => [...document.querySelectorAll('main *')]
        .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1
                     && !e.closest('.table-scroll, .overflow-auto'))
        .map(e => e.tagName + ': ' + e.textContent.trim().slice(0, 40))""")


def _mark_and_schedule(page, url, people, assessment) -> None:
    for person in people:
        page.goto(f"{url}/hr/people/{person.id}")
        page.get_by_label("Trained assessor: may be scheduled for assessment-centre exercises").check()
        page.locator("#assessor").get_by_role("button", name="Save").click()
        assert "is now marked as a trained assessor" in page.get_by_role("status").inner_text()
    page.goto(f"{url}/hr/assessments/{assessment.id}")
    page.get_by_role("link", name="Schedule an exercise…").click()
    page.locator("#exercise_id").select_option("case_analysis")
    page.get_by_label("Date (optional)").fill("2026-12-14")
    page.get_by_role("button", name="Schedule").click()  # no assessor chosen, no reason
    assert "Name at least one assessor" in page.get_by_role("alert").inner_text()
    assert page.locator("#exercise_id").input_value() == "case_analysis"
    for person in people:
        page.get_by_label(person.name).check()
    page.get_by_label("Reason for changing the raters").fill("Exercise day added after the panel asked for it.")
    page.get_by_role("button", name="Schedule").click()
    assert "Case analysis scheduled for" in page.get_by_role("status").inner_text()


def test_hr_schedules_and_the_assessors_resolve_a_disagreement(live_app, browser):
    server, make = live_app
    hr = make.user("hr", name="Ingrid Halvorsen")
    ada, ben = make.user("manager", name="Ada Lindqvist"), make.user("manager", name="Ben Okafor")
    assessment = make.assessment()  # an open cycle
    with browser_page(browser) as page:
        sign_in(page, server.url, hr.email)
        _mark_and_schedule(page, server.url, [ada, ben], assessment)
        screenshot(page, "exercises-schedule")
        with browser_page(browser, **PHONE) as phone:
            sign_in(phone, server.url, hr.email)
            phone.goto(page.url)
            assert no_overflow(phone) == []
            screenshot(phone, "exercises-schedule-phone")
    assert db.session.query(ExerciseSession).count() == 1
    sheets = db.session.query(RaterAssignment).filter_by(rater_group="assessor").order_by(RaterAssignment.id).all()
    for sheet, level in zip(sheets, (3, 5)):
        submit_exercise_sheet(sheet, {"performance_metrics": (level, f"{sheet.rater.name}: built a KPI tree."),
                                      "decision_making": 4})
    with browser_page(browser) as page:
        sign_in(page, server.url, ada.email)
        page.goto(f"{server.url}/ratings/")
        assert "Case analysis" in page.locator("table").inner_text()
        page.get_by_role("link", name="Wash-up").click()
        assert page.get_by_text("Ben Okafor: built a KPI tree.").is_visible()
        assert page.get_by_text("2 levels apart: a resolution is required").is_visible()
        page.locator("#level_performance_metrics").select_option("2")
        page.locator("#reason_performance_metrics").fill("A sound KPI tree, thin on targets.")
        page.locator("#level_decision_making").select_option("4")
        page.locator("#reason_decision_making").fill("Chose under time pressure with the data at hand.")
        page.get_by_role("button", name="Save the consensus").click()
        alert = page.get_by_role("alert").inner_text()
        assert "Level 2 was given by no assessor" in alert and "write how the disagreement was resolved" in alert
        assert page.locator("#reason_performance_metrics").input_value() == "A sound KPI tree, thin on targets."
        screenshot(page, "wash-up-refused")
        page.locator("#level_performance_metrics").select_option("4")
        page.locator("#resolution_performance_metrics").fill(
            "Ben's 5 rested on the final answer alone; both agree the tree shows level 4 behaviour throughout.")
        page.get_by_role("button", name="Save the consensus").click()
        assert "consensus for" in page.get_by_role("status").inner_text()
        assert page.get_by_text("Agreed by Ada Lindqvist").first.is_visible()
        screenshot(page, "wash-up")
    db.session.expire_all()
    assert {r.competency_id: r.level for r in db.session.query(AssessorConsensus)} == {
        "performance_metrics": 4, "decision_making": 4}
    _screenshots_elsewhere(browser, server.url, hr, ada, assessment)


def _screenshots_elsewhere(browser, url, hr, ada, assessment) -> None:
    """The wash-up on a phone (EN, DE) and both pages in German at 1280 px."""
    for locale, suffix in (("en-GB", ""), ("de-DE", "-de")):
        with browser_page(browser, locale=locale, **PHONE) as phone:
            sign_in(phone, url, ada.email)
            phone.goto(f"{url}/wash-up/{assessment.id}")
            assert no_overflow(phone) == []
            screenshot(phone, f"wash-up-phone{suffix}")
    with browser_page(browser, locale="de-DE") as page:
        sign_in(page, url, ada.email)
        page.goto(f"{url}/wash-up/{assessment.id}")
        assert page.get_by_role("heading", name="Integrations", exact=False).is_visible()
        screenshot(page, "wash-up-de")
    with browser_page(browser, locale="de-DE") as page:
        sign_in(page, url, hr.email)
        page.goto(f"{url}/hr/assessments/{assessment.id}/exercises")
        assert page.get_by_role("heading", name="Eine Übung planen").is_visible()
        screenshot(page, "exercises-schedule-de")
        with browser_page(browser, locale="de-DE", **PHONE) as phone:
            sign_in(phone, url, hr.email)
            phone.goto(page.url)
            assert no_overflow(phone) == []
            screenshot(phone, "exercises-schedule-phone-de")
