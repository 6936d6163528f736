"""The talent grid (issue 20): readiness band in force against the performance rating or the trend, counted and
paged in SQL, candidates outside the bands listed beside it, a move opening the calibration form, and the plain
data for the panel pack's cover."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from assessment.extensions import db
from assessment.models import Calibration, PerformanceRating
from assessment.services import talent_grid
from assessment.services.calibrations import calibrate_verdict
from tests.results_helpers import move_cycle, rated_assessment


def _rate(user, rating, scale=5, on="2026-03-31"):
    from datetime import date
    db.session.add(PerformanceRating(user_id=user.id, rating=rating, scale=scale,
                                     level={3: {1: 1, 2: 2, 3: 3}, 5: {1: 1, 2: 1, 3: 2, 4: 3, 5: 3}}[scale][rating],
                                     source="SAP SuccessFactors 2026 review", rated_on=date.fromisoformat(on)))
    db.session.commit()


@pytest.fixture
def world(make):
    """A closed cycle for Head of Operations: two ready now (one rated high, one unrated), one not yet ready
    (rated low), one without a manager's sheet (insufficient evidence)."""
    cycle = make.cycle("Spring 2027")
    strong = rated_assessment(make, cycle=cycle, manager=5, candidate=make.user("candidate", "Ada Strong"))
    unrated = rated_assessment(make, cycle=cycle, manager=5, candidate=make.user("candidate", "Bea Unrated"))
    weak = rated_assessment(make, cycle=cycle, manager=1, candidate=make.user("candidate", "Cem Weak"))
    thin = make.assessment(cycle=cycle, candidate=make.user("candidate", "Dov Thin"))
    move_cycle(cycle, "closed")
    _rate(strong.candidate, 2, on="2025-03-31")
    _rate(strong.candidate, 5)  # the latest counts
    _rate(weak.candidate, 1, scale=3)
    return {"cycle": cycle, "strong": strong, "unrated": unrated, "weak": weak, "thin": thin}


def _grid(make, world, axis="performance", **extra):
    from functools import partial
    from assessment.framework import pinned_framework
    from assessment.services import readiness, results_store
    cycle = world["cycle"]
    framework = pinned_framework(cycle)
    results_store.refresh_cycle(cycle, partial(readiness.compute_results, framework=framework))
    return talent_grid.build_grid(framework, talent_grid.GridQuery("head_of_operations", (cycle.id,), axis, **extra))


def _names(cell):
    return [p.name for p in cell.people]


def test_grid_places_people_by_band_and_latest_rating(make, world):
    """Each person lands in the cell of their band in force and their latest rating; the rest beside, not hidden."""
    grid = _grid(make, world)
    by_key = {cell.key: cell for row in grid.rows for cell in row}
    bands = {p.name: p.band_id for row in grid.rows for c in row for p in c.people}
    assert bands == {"Ada Strong": "ready_1_2_years"}
    assert _names(by_key["ready_1_2_years.3"]) == ["Ada Strong"]
    assert sum(cell.count for cell in by_key.values()) == 1
    beside = {cell.key: cell for cell in grid.beside}
    assert _names(beside["none"]) == ["Bea Unrated"]
    assert _names(beside["panel_review"]) == ["Cem Weak"]  # rated low, but listed under its outcome
    assert _names(beside["insufficient_evidence"]) == ["Dov Thin"]
    assert grid.total == 4


def test_grid_reads_the_calibration_in_force(make, world):
    """An approved calibration moves the person to its band; the stored computed verdict is not what counts."""
    strong = world["strong"]
    hr = make.user("hr")
    calibrate_verdict(strong, "not_yet_ready", "The panel weighed new evidence from the project review carefully "
                      "and agreed on this band.", actor=hr, reason_code="additional_evidence")
    db.session.commit()
    assert db.session.get(Calibration, strong.calibrations[-1].id).status == "approved"
    grid = _grid(make, world)
    by_key = {cell.key: cell for row in grid.rows for cell in row}
    assert _names(by_key["not_yet_ready.3"]) == ["Ada Strong"]
    assert by_key["ready_1_2_years.3"].count == 0


def test_grid_cells_are_paged(make, world):
    """A cell shows one page of its people, counted in full; a page past the end shows the last."""
    grid = _grid(make, world, per_cell=1, pages={"none": 5, "ready_now.3": 2})
    beside = {cell.key: cell for cell in grid.beside}
    assert beside["none"].count == 1 and beside["none"].pages == 1 and beside["none"].page == 1
    assert _names(beside["none"]) == ["Bea Unrated"]
    assert grid.total == 4


def test_trend_compares_with_the_previous_released_assessment(make):
    """Improved / same / declined against the same person's previous released assessment for the role;
    a first assessment is listed beside."""
    first = make.cycle("Autumn 2026")
    returning = make.user("candidate", "Eli Returning")
    newcomer = make.user("candidate", "Fay New")
    earlier = rated_assessment(make, cycle=first, manager=5, candidate=returning)
    move_cycle(first, "closed")
    # The verdict in force then was the calibrated one, a band lower than computed.
    calibrate_verdict(earlier, "not_yet_ready", "The panel weighed new evidence from the project review carefully "
                      "and agreed on this band.", actor=make.user("hr"), reason_code="additional_evidence")
    move_cycle(first, "released")
    second = make.cycle("Spring 2027")
    rated_assessment(make, cycle=second, manager=5, candidate=returning)
    rated_assessment(make, cycle=second, manager=5, candidate=newcomer)
    move_cycle(second, "closed")
    from functools import partial
    from assessment.framework import pinned_framework
    from assessment.services import readiness, results_store
    for cycle in (first, second):
        results_store.refresh_cycle(cycle, partial(readiness.compute_results, framework=pinned_framework(cycle)))
    grid = talent_grid.build_grid(pinned_framework(second),
                                  talent_grid.GridQuery("head_of_operations", (second.id,), "trend"))
    by_key = {cell.key: cell for row in grid.rows for cell in row}
    assert _names(by_key["ready_1_2_years.improved"]) == ["Eli Returning"]
    assert _names({c.key: c for c in grid.beside}["first"]) == ["Fay New"]


def test_grid_summary_is_plain_data(make, world):
    """The panel pack's cover gets titles, labels and names per cell, nothing of the database."""
    _grid(make, world)
    from assessment.framework import pinned_framework
    summary = talent_grid.grid_summary(pinned_framework(world["cycle"]), "head_of_operations", [world["cycle"].id])
    assert summary.title == "Head of Operations"
    assert summary.x_labels[0] and len(summary.x_labels) == 3 and len(summary.y_labels) == 3
    assert summary.cells[0][1] == (("Ada Strong",), 1) and summary.cells[1][1] == ((), 0)
    assert ("Dov Thin",) in [names for _label, names, _count in summary.beside]
    assert "1-5" in summary.note


def test_grid_page_shows_cells_and_moves(make, world, client, auth):
    """HR sees every cell (empty ones say so), the groups beside it, and a move control per person that opens
    the calibration form with the band chosen."""
    hr = make.user("hr")
    auth.login(hr)
    page = client.get(f"/hr/grid?role=head_of_operations&cycle={world['cycle'].id}").get_data(as_text=True)
    assert "Ada Strong" in page and "Dov Thin" in page and "Bea Unrated" in page
    assert page.count("Nobody in this cell.") == 8
    assert "On a 1-5 scale, 1-2 is low, 3 medium and 4-5 high" in page
    weak = world["strong"]
    assert f'action="/assessments/{weak.id}/results#calibration"' in page
    form = client.get(f"/assessments/{weak.id}/results?band_id=not_yet_ready").get_data(as_text=True)
    assert re.search(r'<input[^>]*checked[^>]*value="not_yet_ready"|<input[^>]*value="not_yet_ready"[^>]*checked',
                     form)
    trend = client.get(f"/hr/grid?role=head_of_operations&axis=trend&cycle={world['cycle'].id}")
    assert trend.status_code == 200 and "First assessment" in trend.get_data(as_text=True)


@pytest.mark.parametrize("query, status", [
    ("role=%00", 400), ("axis=x&cycle=99999999999999999999", 200), ("unit=" + "x" * 5000, 400),
    ("unit=" + "x" * 300, 200), ("p.ready_now.3=-1&cycle=abc&role=coo", 200), ("cycle=%00&p.none=99999999999999", 400),
    ("p.none=99999999999999&axis=trend", 200)])
def test_grid_hostile_queries(make, world, client, auth, query, status):
    """Unknown or hostile arguments fall back to the defaults; control characters and overlong text get the app's
    clear 400; never a 500."""
    auth.login(make.user("hr"))
    response = client.get(f"/hr/grid?{query}")
    assert response.status_code == status
    if status == 400:
        assert "The address is not usable" in response.get_data(as_text=True)


@pytest.mark.parametrize("role", ["manager", "candidate"])
def test_grid_is_for_hr_only(make, client, auth, role):
    auth.login(make.user(role))
    assert client.get("/hr/grid").status_code == 403
    assert client.get("/hr/performance-ratings").status_code == 403


def test_a_cell_is_paged_on_the_page(make, world, client, auth, app):
    """A cell longer than a page has its own pager; its links keep the other arguments (the cycles too)."""
    app.config["GRID_PER_CELL"] = 1
    second = make.cycle("Autumn 2027")
    rated_assessment(make, cycle=second, manager=5, candidate=make.user("candidate", "Gus Second"))
    move_cycle(second, "closed")
    auth.login(make.user("hr"))
    cycle = world["cycle"]
    url = f"/hr/grid?role=head_of_operations&cycle={cycle.id}&cycle={second.id}"
    page = client.get(url).get_data(as_text=True)
    assert "Page 1 of 2" in page and "Bea Unrated" in page and "Gus Second" not in page
    link = re.search(r'href="([^"]*p\.none=2[^"]*)" rel="next"', page).group(1).replace("&amp;", "&")
    assert f"cycle={cycle.id}" in link and f"cycle={second.id}" in link
    page = client.get(link).get_data(as_text=True)
    assert "Page 2 of 2" in page and "Gus Second" in page and "Bea Unrated" not in page


def test_the_panel_pack_cover_carries_the_grid(make, world):
    """The pack's cover draws the grid of its cycles: against the performance rating when anyone placed has one."""
    from assessment.services.talent_pack import panel_pack_data
    _grid(make, world)  # stores the cycle's results
    pack = panel_pack_data({"role": "head_of_operations", "cycles": [world["cycle"].id], "unit": ""})
    assert pack.grid is not None and len(pack.grid.y_labels) == 3 and len(pack.grid.x_labels) == 3
    assert [names for names in pack.grid.cells.values()] == [["Ada Strong"]]
    db.session.execute(sa.delete(PerformanceRating))  # nobody rated: the cover falls back to the trend
    pack = panel_pack_data({"role": "head_of_operations", "cycles": [world["cycle"].id], "unit": ""})
    assert pack.grid.y_labels == ("Improved", "Same", "Declined") and pack.grid.cells == {}  # all first assessments
