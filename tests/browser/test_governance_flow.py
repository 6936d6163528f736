"""Governance in a real browser: focus moves to the calibration's message (error and success), a second HR
person approves a proposal, and a release with a candidate without a band verdict needs the box ticked."""

from tests.browser.conftest import pass_briefing, screenshot, sign_in
from tests.results_helpers import move_cycle, rated_assessment

RATIONALE = "The panel weighed his lead role in the winter depot consolidation, which the ratings missed."


def _varied(make, level):
    """``level`` and the level above it in turn: a sheet that is not straight-lined (rubric 2026.12.3 flags a sheet
    with >= 90% identical levels, and a verdict resting on it goes to the panel, onto the release's flagged list)."""
    return {c.id: min(level + i % 2, 5) for i, c in enumerate(make.framework.competencies)}


def _focused(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def test_calibration_focus_and_release_acknowledgement(live_app, page, browser):
    """Errors and success take focus; the proposal waits for a second HR person; release asks to acknowledge."""
    server, make = live_app
    cycle = make.cycle(name="Winter 2026 promotion round")
    rated_assessment(make, cycle=cycle, manager=_varied(make, 4), self_level=_varied(make, 4),
                     candidate=make.user(name="Aoife O'Brien"))
    thin = make.assessment(cycle=cycle, candidate=make.user(name="Tomasz Wiśniewski"))
    move_cycle(cycle, "closed")
    first = make.user("hr", name="Ingrid Halvorsen")
    second = make.user("hr", name="Rafael Ortega")
    make.user("manager", name="Priya Raghunathan")  # sits on the panel

    sign_in(page, server.url, first.email)
    page.goto(f"{server.url}/assessments/{thin.id}/results")
    best = make.framework.readiness.bands[0].label
    page.get_by_label(best).check()
    page.get_by_label("Priya Raghunathan").check()  # the panel, chosen from accounts
    page.get_by_label("Additional evidence presented to the panel").check()
    page.get_by_label("Rationale").fill("x" * 20)
    page.get_by_label("Note to the candidate").fill("The panel took the depot consolidation into account.")
    page.get_by_role("button", name="Record calibrated verdict").click()
    page.wait_for_load_state()
    assert _focused(page) == "error-summary"
    assert "this has 0 real words" in page.locator("#error-summary").inner_text()
    assert page.get_by_label("Note to the candidate").input_value().startswith("The panel took")
    screenshot(page, "governance-calibration-error")

    page.get_by_label("Rationale").fill(RATIONALE)
    page.get_by_role("button", name="Record calibrated verdict").click()
    page.wait_for_load_state()
    assert _focused(page) == "calibration-message"
    assert "recorded as a proposal" in page.locator("#calibration-message").inner_text()
    assert "No calibrated verdict is in force" in page.locator("#calibrated-verdict").inner_text()
    assert page.get_by_role("button", name="Approve this calibration").count() == 0
    screenshot(page, "governance-calibration-proposed")

    other = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(other, server.url, second.email)
    other.goto(f"{server.url}/assessments/{thin.id}/results")
    other.get_by_role("button", name="Approve this calibration").click()
    other.wait_for_load_state()
    assert _focused(other) == "calibration-message"
    verdict = other.locator("#calibrated-verdict").inner_text()
    assert best in verdict and "Rafael Ortega" in verdict and "Panel: Priya Raghunathan" in verdict
    assert "Reason: Additional evidence presented to the panel" in verdict
    screenshot(other, "governance-calibration-approved")
    other.context.close()

    # With the calibration approved, Tomasz has a verdict in force: the release lists nobody without a band.
    page.goto(f"{server.url}/hr/cycles/{cycle.id}/state?to=released")
    assert page.locator("#flagged-list").count() == 0
    screenshot(page, "governance-release-confirm-clear")


def test_release_needs_the_acknowledgement_in_the_browser(live_app, page):
    """Release with a candidate without a band verdict: the box is required; ticking it releases the cycle."""
    server, make = live_app
    cycle = make.cycle(name="Autumn 2026 promotion round")
    rated_assessment(make, cycle=cycle, manager=4, candidate=make.user(name="Aoife O'Brien"))
    make.assessment(cycle=cycle, candidate=make.user(name="Tomasz Wiśniewski"))
    move_cycle(cycle, "closed")
    sign_in(page, server.url, make.user("hr").email)
    page.goto(f"{server.url}/hr/cycles/{cycle.id}/state?to=released")
    assert "Tomasz Wiśniewski: Insufficient evidence" in page.locator("#flagged-list").inner_text()
    page.get_by_role("button", name="Release results of the cycle").click()
    page.wait_for_load_state()
    assert _focused(page) == "error-summary"
    assert page.locator("#acknowledge-error").is_visible()
    screenshot(page, "governance-release-acknowledge-error")
    page.get_by_label("I have read the list").check()
    page.get_by_role("button", name="Release results of the cycle").click()
    page.wait_for_load_state()
    assert "is now released" in page.locator(".flash").first.inner_text()
    assert page.get_by_role("heading", name="Never submitted").is_visible()
    screenshot(page, "governance-dashboard-released")


def test_conflict_warning_and_peer_notice_in_the_browser(live_app, page, browser):
    """HR assigns a rival candidate as peer: warned and marked; the peer's sheet says who sees the answers."""
    server, make = live_app
    cycle = make.cycle(name="Spring 2027 promotion round")
    anna = make.assessment(cycle=cycle, candidate=make.user(name="Anna Lindqvist"))
    ben = make.assessment(cycle=cycle, candidate=make.user(name="Ben Okoye"))
    sign_in(page, server.url, make.user("hr").email)
    page.goto(f"{server.url}/hr/assessments/{anna.id}")
    page.get_by_label("Rater's e-mail").fill(ben.candidate.email)
    page.get_by_label("Rates as").select_option("peer")
    page.get_by_label("Reason for changing the raters").fill("Ben worked with Anna on the depot project")
    page.get_by_role("button", name="Assign").click()
    page.wait_for_load_state()
    assert "Ben Okoye is also a candidate for Head of Operations" in page.locator(".flash.warning").inner_text()
    assert page.locator("strong.tag.conflict").count() == 1
    screenshot(page, "governance-conflict-of-interest")

    peer_page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(peer_page, server.url, ben.candidate.email)
    peer_sheet = next(a for a in anna.assignments if a.rater_id == ben.candidate_id)
    peer_page.goto(f"{server.url}/ratings/{peer_sheet.id}")
    pass_briefing(peer_page)
    notice = peer_page.locator("#peer-notice").inner_text()
    assert "audit trail" in notice and "at least 3 peers" in notice
    screenshot(peer_page, "governance-peer-notice")
    peer_page.context.close()
