"""Results in a real browser: HR reads and calibrates a verdict, exports a cycle; a candidate reads theirs."""

import io
import zipfile

from assessment.extensions import db
from assessment.models import ExportJob
from tests.browser.conftest import screenshot, sign_in
from tests.results_helpers import move_cycle, rated_assessment


def _varied(make, level):
    """``level`` and the level above it in turn: a sheet that is not straight-lined (rubric 2026.12.3 flags a sheet
    with >= 90% identical levels below 5, and a verdict resting on it goes to Panel review)."""
    return {c.id: min(level + i % 2, 5) for i, c in enumerate(make.framework.competencies)}


def _released_cycle(make):
    cycle = make.cycle(name="Spring 2026 promotion round")
    people = [("Łukasz Nowak", 5, 4, (4, 5, 4)), ("Zoë Müller-Šimić", 3, 5, (3,)), ("Aoife O'Brien", 2, 2, ()),
              ("Søren Østergaard", 4, 3, ())]
    assessments = []
    for name, manager, self_level, peers in people:
        role = "head_of_operations" if name.startswith("Søren") else "operations_manager"
        manager, self_level = _varied(make, manager), _varied(make, self_level)
        peers = tuple(_varied(make, level) for level in peers)
        assessments.append(rated_assessment(make, cycle=cycle, manager=manager, self_level=self_level, peers=peers,
                                            candidate=make.user(name=name), current_role=role))
    move_cycle(cycle, "closed", "released")
    return cycle, assessments


def test_hr_calibrates_and_exports_and_the_candidate_reads_their_results(live_app, page, browser):
    """HR: overview -> results -> calibrate -> export with progress -> ZIP; the candidate sees chart and table."""
    server, make = live_app
    cycle, assessments = _released_cycle(make)
    hr = make.user("hr", name="Ingrid Halvorsen")
    sign_in(page, server.url, hr.email)

    page.goto(f"{server.url}/cycles/{cycle.id}/overview")
    assert page.get_by_role("heading", name="Spring 2026 promotion round: overview").is_visible()
    assert page.locator("table.heatmap tbody tr").count() == 4
    screenshot(page, "results-overview-heatmap")

    page.get_by_role("link", name="Zoë Müller-Šimić").click()
    assert page.get_by_role("heading", name="Zoë Müller-Šimić").is_visible()
    assert page.locator(".radar svg").count() == 1
    page.get_by_role("button", name="Record calibrated verdict").click()
    assert page.get_by_role("alert").is_visible()  # the error summary: nothing chosen, no rationale
    page.get_by_label("Rationale").fill("Too short")
    page.get_by_role("button", name="Record calibrated verdict").click()
    assert page.get_by_label("Rationale").input_value() == "Too short"
    # The middle band: at most one band from any computed band, so it is in force at once (no second approver).
    middle = make.framework.readiness.bands[1].label
    page.get_by_label(middle).check()
    page.get_by_role("group", name="Panel members present").get_by_role("checkbox").first.check()
    page.get_by_label("Additional evidence presented to the panel").check()
    rationale = "The panel weighed her lead role in the Q3 supplier crisis more than the ratings show."
    page.get_by_label("Rationale").fill(rationale)
    page.get_by_role("button", name="Record calibrated verdict").click()
    assert page.locator("#calibrated-verdict .verdict-label").inner_text() == middle
    assert rationale in page.locator("#calibrated-verdict").inner_text()
    screenshot(page, "results-page-hr")

    page.goto(f"{server.url}/cycles/{cycle.id}/overview")
    page.get_by_role("button", name="Export all reports (ZIP)…").click()
    assert page.get_by_text("4 candidates").is_visible()
    page.get_by_role("button", name="Start the export").click()
    assert page.locator("progress#export-progress").count() == 1
    download_link = page.get_by_role("button", name="Download the ZIP")
    download_link.wait_for(timeout=60_000)
    screenshot(page, "results-export-done")
    with page.expect_download() as info:
        download_link.click()
    archive = zipfile.ZipFile(io.BytesIO(open(info.value.path(), "rb").read()))
    assert len([n for n in archive.namelist() if n.endswith(".pdf")]) == 5

    # The progress page mid-way, as it looks while a large export runs (a job row left at 7 of 12).
    running = ExportJob(cycle_id=cycle.id, requested_by_id=hr.id, kind="cycle_reports", state="running",
                        progress_done=7, progress_total=12)
    db.session.add(running)
    db.session.commit()
    page.goto(f"{server.url}/exports/{running.id}")
    assert page.get_by_text("Making the reports: 7 of 12 files.").is_visible()
    screenshot(page, "results-export-progress")
    running.state = "failed"  # stop it refreshing; nothing runs this row
    db.session.commit()

    candidate_page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(candidate_page, server.url, assessments[0].candidate.email)
    candidate_page.goto(f"{server.url}/assessments/{assessments[0].id}/results")
    assert candidate_page.get_by_role("heading", name="Your readiness results").is_visible()
    assert candidate_page.locator(".radar svg").is_visible()
    assert candidate_page.get_by_role("heading", name="Development priorities").is_visible()
    assert candidate_page.get_by_role("button", name="Record calibrated verdict").count() == 0
    screenshot(candidate_page, "results-candidate-released")
    candidate_page.context.close()


def test_hr_reads_panel_review_and_rater_quality_and_the_candidate_a_withheld_copy(live_app, page, browser):
    """HR: the overview with a Panel review and a flagged rater; the Panel review page. The candidate: a page
    where numbers resting on hidden peers are not shown."""
    from tests.results_helpers import NOT_OBSERVED, sheet, submit_sheet

    server, make = live_app
    cycle = make.cycle(name="Autumn 2026 promotion round")
    contested = rated_assessment(make, cycle=cycle, manager=5, peers=(1, 1, 1), self_level=4,
                                 candidate=make.user(name="Zoë Müller-Šimić"))
    ids = [c.id for c in make.framework.competencies]
    varied = [{i: (4, 3, 4, 5)[(k + shift) % 4] for k, i in enumerate(ids)} for shift in range(3)]
    # Rubric 2026.12.3: leniency is judged against the other raters of the same group, so Lenny (4 on every
    # competency: straight-lining, as 5s no longer are) shares ten competencies with a stricter second manager.
    # No peers here, so the verdict rests mainly on Lenny (two thirds of its decision weight).
    lenient = make.assessment(cycle=cycle, managers=2, peers=0, candidate=make.user(name="Łukasz Nowak"))
    submit_sheet(sheet(lenient, "manager", 0), 4)
    submit_sheet(sheet(lenient, "manager", 1),
                 {i: (2, 3)[k % 2] if k < 10 else NOT_OBSERVED for k, i in enumerate(ids)})
    submit_sheet(sheet(lenient, "self"), varied[0])
    sheet(lenient, "manager").rater.name = "Lenny Lenient"
    thin = make.assessment(cycle=cycle, managers=1, peers=3, candidate=make.user(name="Aoife O'Brien"))
    submit_sheet(sheet(thin, "manager"), {i: (4, 5)[k % 2] for k, i in enumerate(ids)})  # not straight-lined
    submit_sheet(sheet(thin, "self"), 4)
    # One peer alone on performance metrics (withheld from the candidate); at 3, not 1: three levels from the
    # manager's 4 would be a disagreement that sends the verdict to Panel review (rubric 2026.12.3).
    submit_sheet(sheet(thin, "peer", 0), {i: 4 for i in ids} | {"performance_metrics": 3})
    for index in (1, 2):
        submit_sheet(sheet(thin, "peer", index), {i: 4 for i in ids} | {"performance_metrics": NOT_OBSERVED})
    db.session.commit()
    move_cycle(cycle, "closed", "released")
    sign_in(page, server.url, make.user("hr", name="Ingrid Halvorsen").email)

    page.goto(f"{server.url}/cycles/{cycle.id}/overview")
    assert page.get_by_role("heading", name="Rater quality").is_visible()
    assert page.locator(".flagged-raters").get_by_text("Lenny Lenient").is_visible()
    assert page.get_by_text("⚑ Rests mainly on a flagged rater (Lenny Lenient: lenient and straight-lining)").is_visible()
    # Two Panel reviews: Zoë's (managers and peers disagree) and, from rubric 2026.12.3, Łukasz's, whose verdict
    # rests for half or more of its decision weight on flagged raters.
    assert page.locator(".verdict-tag.band-panel_review").count() == 2
    lukasz_row = page.locator("table.heatmap tbody tr", has_text="Łukasz Nowak")
    assert lukasz_row.locator(".verdict-tag.band-panel_review").count() == 1
    screenshot(page, "results-overview-panel-review-rater-quality")

    page.get_by_role("link", name="Zoë Müller-Šimić").click()
    assert page.locator("#computed-verdict").get_by_text("Provisional band:").is_visible()
    assert page.locator(".panel-reasons li").count() >= 1
    screenshot(page, "results-page-panel-review-hr")

    candidate_page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(candidate_page, server.url, thin.candidate.email)
    candidate_page.goto(f"{server.url}/assessments/{thin.id}/results")
    assert candidate_page.locator("td.withheld").count() == 2
    assert candidate_page.locator(".withheld-note").is_visible()
    assert candidate_page.get_by_text("Rater quality").count() == 0
    screenshot(candidate_page, "results-candidate-withheld")
    candidate_page.context.close()
