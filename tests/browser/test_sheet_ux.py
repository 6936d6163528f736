"""The rating sheet in a real browser: live summary and evidence notes, background saving that survives a
reload, the warning before leaving, a visible conflict, one-step submit, the same sheet without JavaScript,
and focus after a POST."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from assessment.extensions import db
from tests.browser.conftest import answer_all, browser_page, fill_needed_evidence, screenshot, sign_in
from tests.sheets import reload, sheet_of


@pytest.fixture
def world(live_app):
    """A manager's not-started sheet in an open cycle; yields (server, make, sheet)."""
    server, make = live_app
    cycle = make.cycle(name="Autumn 2026 promotion round")
    cycle.ends_on = date(2026, 12, 15)
    db.session.commit()
    assessment = make.assessment(cycle=cycle, candidate=make.user("candidate", name="Łukasz Nowak"))
    return server, make, sheet_of(assessment, "manager")


def _open(page, server, sheet):
    sign_in(page, server.url, sheet.rater.email)
    page.goto(f"{server.url}/ratings/{sheet.id}")
    expect(page.get_by_role("heading", name="Rating of Łukasz Nowak")).to_be_visible()


def test_summary_jump_list_and_evidence_note_follow_the_rater(world, page):
    """Choosing 5 Expert shows the evidence note at once and counts it; typing evidence clears it."""
    server, make, sheet = world
    framework = make.framework
    total = len(framework.competencies)
    first, second = framework.competencies[:2]
    _open(page, server, sheet)
    summary = page.locator("#sheet-summary")
    expect(summary).to_have_text(f"0 of {total} rated, 0 need evidence")
    note = page.locator(f"#evidence_{first.id}-needed")
    expect(note).to_be_hidden()

    page.locator(f"#level_{first.id}-4").check()  # 5 Expert needs evidence (rubric data)
    expect(note).to_be_visible()
    expect(note).to_have_text("Evidence is required for “5 Expert”.")
    expect(summary).to_have_text(f"1 of {total} rated, 1 needs evidence")
    item = page.locator(f'.jump-list li[data-competency="{first.id}"]')
    expect(item.locator(".state")).to_have_text("5 Expert, evidence needed")
    assert page.get_by_label(f"Evidence for {first.name}").get_attribute("aria-required") == "true"
    screenshot(page, "sheet-evidence-needed", full_page=False)

    page.get_by_label(f"Evidence for {first.name}").fill("Set the five-year operations strategy with the CEO.")
    expect(summary).to_have_text(f"1 of {total} rated, 0 need evidence")
    expect(item.locator(".state")).to_have_text("5 Expert")
    page.locator(f"#level_{second.id}-2").check()  # 3 Proficient needs none
    expect(summary).to_have_text(f"2 of {total} rated, 0 need evidence")
    expect(page.locator(f"#evidence_{second.id}-needed")).to_be_hidden()

    # The jump list leads to the competency; the Save/Submit bar stays in view wherever the rater is.
    last = framework.competencies[-1]
    page.locator(f'.jump-list a[href="#level_{last.id}"]').click()
    assert page.url.endswith(f"#level_{last.id}")
    expect(page.locator(f"#level_{last.id} legend")).to_be_in_viewport()
    expect(page.get_by_role("button", name="Save draft")).to_be_in_viewport()
    page.evaluate("window.scrollTo(0, document.body.scrollHeight / 3)")
    expect(page.get_by_role("button", name="Submit")).to_be_in_viewport()
    screenshot(page, "sheet-mid-scroll", full_page=False)


def test_background_save_survives_a_reload(world, page):
    """Typed answers are saved without pressing anything, and are there after a reload."""
    server, make, sheet = world
    comp = make.framework.competencies[0]
    _open(page, server, sheet)
    page.locator(f"#level_{comp.id}-1").check()
    page.get_by_label(f"Evidence for {comp.name}").fill("Runs the weekly S&OP meeting.")
    expect(page.locator("#save-status")).to_contain_text("Draft saved automatically at")
    page.reload()
    assert page.locator(f"#level_{comp.id}-1").is_checked()
    assert page.get_by_label(f"Evidence for {comp.name}").input_value() == "Runs the weekly S&OP meeting."
    stored = reload(sheet)
    assert stored.status == "draft"
    assert [(r.level, r.evidence) for r in stored.current_ratings()] == [(2, "Runs the weekly S&OP meeting.")]


def test_leaving_with_unsaved_changes_asks_first_and_a_failed_save_says_so(world, page):
    """With the server unreachable: a visible message that nothing was saved, and a prompt before leaving."""
    server, make, sheet = world
    comp = make.framework.competencies[0]
    _open(page, server, sheet)
    page.route(f"**/ratings/{sheet.id}", lambda route: route.abort() if route.request.method == "POST"
               else route.continue_())
    page.locator(f"#level_{comp.id}-2").check()
    page.get_by_label(f"Evidence for {comp.name}").type("Led the Lyon cut-over.")
    alert = page.locator("#save-alert")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("could not be saved automatically")
    expect(page.locator("#save-status")).to_have_text("Not saved.")
    screenshot(page, "sheet-save-failed", full_page=False)

    with page.expect_event("dialog") as prompt:
        page.close(run_before_unload=True)
    assert prompt.value.type == "beforeunload"
    prompt.value.dismiss()  # the rater stays: the page and what they typed are still there
    assert not page.is_closed()
    assert page.get_by_label(f"Evidence for {comp.name}").input_value() == "Led the Lyon cut-over."
    assert reload(sheet).current_ratings() == []


def test_no_prompt_once_everything_is_saved(world, page):
    """After the background save, leaving the page asks nothing."""
    server, make, sheet = world
    comp = make.framework.competencies[0]
    _open(page, server, sheet)
    page.locator(f"#level_{comp.id}-3").check()
    expect(page.locator("#save-status")).to_contain_text("Draft saved automatically")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.accept()))
    page.goto(f"{server.url}/ratings/")
    expect(page.get_by_role("heading", name="My ratings")).to_be_visible()
    assert dialogs == []


def test_a_background_save_from_a_stale_tab_shows_the_conflict(world, page):
    """Two tabs: the later tab's background save is refused, visibly, and overwrites nothing."""
    server, make, sheet = world
    comp = make.framework.competencies[0]
    _open(page, server, sheet)
    other = page.context.new_page()
    other.goto(f"{server.url}/ratings/{sheet.id}")
    page.locator(f"#level_{comp.id}-3").check()
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Draft saved. You can come back")).to_be_visible()

    other.locator(f"#level_{comp.id}-1").check()
    alert = other.locator("#save-alert")
    expect(alert).to_contain_text("saved in another tab or window")
    expect(alert.get_by_role("link", name="Open the saved version in a new tab")).to_be_visible()
    screenshot(other, "sheet-autosave-conflict", full_page=False)
    assert [r.level for r in reload(sheet).current_ratings()] == [4]


def test_submit_is_one_press_and_a_confirmation(world, page):
    """A complete sheet: Submit opens a dialog; Submit now submits at once. No tick box, no form error first."""
    server, make, sheet = world
    framework = make.framework
    _open(page, server, sheet)
    assert page.get_by_text("Tick this box").count() == 0
    answer_all(page, framework, 3)  # 4 Advanced: evidence on the critical competencies that require 4
    assert fill_needed_evidence(page, framework, framework.role(sheet.assessment.target_role))
    expect(page.locator("#sheet-summary")).to_have_text(f"{len(framework.competencies)} of "
                                                        f"{len(framework.competencies)} rated, 0 need evidence")
    page.get_by_role("button", name="Submit").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("heading", name="Submit your rating of Łukasz Nowak?")).to_be_visible()
    screenshot(page, "sheet-submit-dialog", full_page=False)
    dialog.get_by_role("button", name="Keep editing").click()
    expect(dialog).to_be_hidden()
    assert reload(sheet).status != "submitted"

    page.get_by_role("button", name="Submit").click()
    page.get_by_role("dialog").get_by_role("button", name="Submit now").click()
    expect(page.get_by_text("Your rating was submitted.")).to_be_visible()
    assert reload(sheet).status == "submitted"
    # Focus goes to the message after the redirect.
    assert page.evaluate("document.activeElement.classList.contains('flash')")


def test_an_incomplete_submit_lists_the_problems_and_takes_the_focus(world, page):
    """Submit on a partly answered sheet posts it; the error summary comes back and has the focus."""
    server, make, sheet = world
    framework = make.framework
    _open(page, server, sheet)
    page.locator(f"#level_{framework.competencies[0].id}-2").check()
    page.get_by_role("button", name="Submit").click()
    summary = page.get_by_role("alert").filter(has_text="problems")
    expect(summary).to_contain_text(f"There are {len(framework.competencies) - 1} problems")
    expect(page.locator("#error-summary")).to_be_focused()  # waits: the page's scripts run after the paint
    # The answers sent back are not lost: the page saves them as a draft in the background.
    expect(page.locator("#save-status")).to_contain_text("Draft saved automatically")
    assert reload(sheet).status == "draft"
    assert [r.level for r in reload(sheet).current_ratings()] == [3]


def test_the_sheet_works_without_javascript(world, browser):
    """No script: Save draft, then Submit leads to the confirmation page, whose button submits."""
    server, make, sheet = world
    framework = make.framework
    with browser_page(browser, java_script_enabled=False) as page:
        _submit_without_javascript(page, server, sheet, framework)


def _submit_without_javascript(page, server, sheet, framework):
    _open(page, server, sheet)
    first = framework.competencies[0]
    page.locator(f"#level_{first.id}-4").check()
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Draft saved. You can come back")).to_be_visible()
    answer_all(page, framework, 3)
    # Without a script the server names what is missing: 4 meets a critical requirement of the target role.
    page.get_by_role("button", name="Submit").click()
    role = framework.role(sheet.assessment.target_role)
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text(f"Evidence for {first.name}: Written evidence is required for a level at or "
                                    f"above the {role.name} requirement (4) on a critical competency.")
    assert page.locator(f"#level_{first.id}-3").is_checked()  # what was chosen is still there
    screenshot(page, "sheet-critical-evidence-nojs")
    assert fill_needed_evidence(page, framework, role)
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_role("heading", name="Submit your rating of Łukasz Nowak?")).to_be_visible()
    assert reload(sheet).status == "draft"
    screenshot(page, "sheet-confirm-page-nojs")
    page.get_by_role("button", name="Submit now").click()
    expect(page.get_by_text("Your rating was submitted.")).to_be_visible()
    assert reload(sheet).status == "submitted"


def test_the_evidence_note_follows_the_critical_and_own_average_rules(world, page):
    """Issue 17: the hint on a critical competency, the note at its requirement, and far from the own average."""
    server, make, sheet = world
    framework = make.framework
    role = framework.role(sheet.assessment.target_role)
    critical = next(r for r in role.requirements if r.is_critical)
    comp = framework.competency(critical.competency_id)
    _open(page, server, sheet)
    rule = page.locator(f"#rule-{comp.id}")
    expect(rule).to_have_text(f"Written evidence needed at level {critical.required} and above "
                              f"(critical for {role.name}).")
    box = page.get_by_label(f"Evidence for {comp.name}")
    assert f"rule-{comp.id}" in box.get_attribute("aria-describedby").split()
    note = page.locator(f"#evidence_{comp.id}-needed")
    page.locator(f"#level_{comp.id}-{critical.required - 2}").check()  # below the requirement: nothing needed
    expect(note).to_be_hidden()
    page.locator(f"#level_{comp.id}-{critical.required - 1}").check()  # at the requirement
    expect(note).to_have_text(f"Written evidence is required for a level at or above the {role.name} "
                              f"requirement ({critical.required}) on a critical competency.")
    expect(page.locator("#sheet-summary")).to_contain_text("1 needs evidence")
    assert box.get_attribute("aria-required") == "true"
    screenshot(page, "sheet-critical-evidence", full_page=False)

    # A 2 among 5s is 2 or more levels from the rater's own average: the note says so, with the average.
    others = [c for c in framework.competencies if c.id != comp.id]
    for other in others[:-1]:
        page.locator(f"#level_{other.id}-4").check()
    low = others[-1]
    page.locator(f"#level_{low.id}-1").check()
    low_note = page.locator(f"#evidence_{low.id}-needed")
    expect(low_note).to_have_text(re.compile(r"Written evidence is required for a level 2 or more levels from your "
                                             r"own average \(4\.\d+\)\."))
    filled = fill_needed_evidence(page, framework, role)
    assert low.id in filled and comp.id in filled
    expect(page.locator("#sheet-summary")).to_contain_text(f"{len(framework.competencies)} rated, 0 need evidence")
    page.get_by_role("button", name="Submit").click()
    page.get_by_role("dialog").get_by_role("button", name="Submit now").click()
    expect(page.get_by_text("Your rating was submitted.")).to_be_visible()
