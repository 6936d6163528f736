"""HR in a real browser: create a cycle, import candidates, assign raters, open the cycle, reopen a rating."""

from __future__ import annotations

from assessment.extensions import db
from assessment.models import Assessment, RaterAssignment
from assessment.services.ratings import save_sheet
from rubrics.sheet import RatingInput
from tests.browser.conftest import screenshot, sign_in
from tests.sheets import with_evidence

HEADER = "name,email,current_role,target_role,manager_emails,peer_emails"


def csv_file(*rows: str) -> dict:
    return {"name": "candidates.csv", "mimeType": "text/csv", "buffer": "\n".join((HEADER, *rows)).encode()}


def test_hr_sets_up_a_cycle_in_the_browser(live_app, page):
    """HR creates a cycle, fixes a refused import, assigns a peer, opens the cycle and looks at every page."""
    server, make = live_app
    hr = make.user("hr", name="Ingrid Halvorsen")
    make.user("manager", name="Margaret Okafor", email="margaret@example.com")
    make.user("manager", name="Rafael Ortega", email="rafael@example.com")
    make.user("candidate", name="Priya Peer", email="priya@example.com")
    sign_in(page, server.url, hr.email)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Cycles").click()
    screenshot(page, "hr-cycles-empty")
    page.get_by_role("button", name="New cycle").click()
    page.get_by_label("Name").fill("Spring promotion round")
    page.get_by_label("Starts on").fill("2026-04-01")
    page.get_by_label("Ends on").fill("2026-05-15")
    page.get_by_label("Instructions to raters").fill("Rate what you have seen in the last twelve months.")
    page.get_by_role("button", name="Create the cycle").click()
    assert page.get_by_role("heading", name="No candidates yet").is_visible()

    page.get_by_role("button", name="Import candidates").first.click()
    page.get_by_label("Candidates file (.csv or .xlsx)").set_input_files(csv_file(
        "Łukasz Nowak,lukasz@example.com,Operations Manager,Head of Operations,margaret@example.com,",
        "Zoë Müller,zoe@example.com,Operations Manager,COO,ghost@example.com,zoe@example.com"))
    page.get_by_role("button", name="Import").click()
    assert "Nothing was imported: 3 problems" in page.get_by_role("alert").inner_text()
    problems = page.locator("section.problems tbody tr").all_inner_texts()
    assert [p.split("\t")[:2] for p in problems] == [["3", "target_role"], ["3", "manager_emails"],
                                                     ["3", "peer_emails"]]
    screenshot(page, "hr-import-errors")
    page.get_by_label("Candidates file (.csv or .xlsx)").set_input_files(csv_file(
        "Łukasz Nowak,lukasz@example.com,Operations Manager,Head of Operations,margaret@example.com,",
        "Zoë Müller,zoe@example.com,Head of Operations,COO,rafael@example.com;margaret@example.com,"))
    page.get_by_role("button", name="Import").click()
    assert "Imported 2 candidates" in page.get_by_role("status").inner_text()

    page.get_by_role("link", name="Zoë Müller").click()
    page.get_by_label("Rater's e-mail").fill("priya@example.com")
    page.get_by_label("Rates as").select_option("peer")
    page.get_by_role("button", name="Assign").click()
    assert "Priya Peer will rate Zoë Müller as peer" in page.get_by_role("status").inner_text()
    assert page.get_by_role("cell", name="Peer", exact=True).is_visible()
    screenshot(page, "hr-assign-raters")

    page.get_by_role("link", name="Spring promotion round").click()
    # One peer is fewer than the anonymity threshold: the open step names Zoë and refuses (issue 17, 4).
    page.get_by_role("button", name="Open the cycle").click()
    assert "Zoë Müller: 1 of the 3 peers needed" in page.locator("article").inner_text()
    screenshot(page, "hr-confirm-open-short-peer-group")
    page.get_by_role("button", name="Open the cycle").click()
    assert "cannot open yet" in page.locator("#error-summary").inner_text()
    page.get_by_role("link", name="Cancel").click()
    page.get_by_role("link", name="Zoë Müller").click()
    page.get_by_role("link", name="Remove Priya Peer").click()
    page.get_by_role("button", name="Remove the rater").click()
    assert "Priya Peer no longer rates Zoë Müller" in page.get_by_role("status").inner_text()
    page.goto(page.url.split("/hr/")[0] + "/hr/cycles")
    page.get_by_role("link", name="Spring promotion round").click()
    page.get_by_role("button", name="Open the cycle").click()
    assert "is pinned to the cycle" in page.locator("article").inner_text()
    screenshot(page, "hr-confirm-open")
    page.get_by_role("button", name="Open the cycle").click()
    assert "is now open" in page.get_by_role("status").inner_text()
    assert page.locator("h1 .status").inner_text() == "Open"
    screenshot(page, "hr-cycle-dashboard")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "hr-cycle-dashboard-phone")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Cycles").click()
    assert page.get_by_role("link", name="Spring promotion round").is_visible()
    screenshot(page, "hr-cycles")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="People").click()
    assert page.get_by_role("cell", name="No password yet").count() == 2
    screenshot(page, "hr-people")


def test_hr_reopens_a_submitted_rating_in_the_browser(live_app, page):
    """HR reopens a manager's submitted sheet: a missing reason is refused, then the reason shows in the audit trail."""
    server, make = live_app
    hr = make.user("hr", name="Ingrid Halvorsen")
    assessment = make.assessment(managers=1, peers=1)
    sheet = next(a for a in assessment.assignments if a.rater_group == "manager")
    save_sheet(sheet, with_evidence(sheet, [RatingInput(c.id, 4, "") for c in make.framework.competencies]), actor=sheet.rater,
               framework=make.framework, expected_version=sheet.version_id, submit=True)
    db.session.commit()
    sign_in(page, server.url, hr.email)
    page.goto(f"{server.url}/hr/assessments/{assessment.id}")
    page.get_by_role("link", name=f"Reopen the sheet of {sheet.rater.name}").click()
    screenshot(page, "hr-reopen")
    page.get_by_role("button", name="Reopen the rating").click()
    assert page.get_by_role("alert").is_visible()
    page.get_by_role("alert").get_by_role("link").click()
    assert page.evaluate("document.activeElement.id") == "reason"
    page.keyboard.type("The budget evidence refers to last year's plan; please update it.")
    page.get_by_role("button", name="Reopen the rating").click()
    assert "is open again as a draft" in page.get_by_role("status").inner_text()
    assert "Reopened: The budget evidence" in page.locator("table").inner_text()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Audit trail").click()
    page.get_by_label("Kind").select_option("rating.reopen")
    page.get_by_role("button", name="Filter").click()
    rows = page.locator("table.audit tbody tr")
    assert rows.count() == 1 and "The budget evidence refers" in rows.first.inner_text()
    page.get_by_role("link", name="Clear").click()
    screenshot(page, "hr-audit-trail")
    db.session.expire_all()
    reopened = db.session.get(RaterAssignment, sheet.id)
    assert (reopened.status, reopened.revision) == ("draft", 2)
    assert db.session.get(Assessment, assessment.id) is not None
