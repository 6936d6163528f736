"""HR's cycle overview: the heat-map, verdict counts, target-role filter, sorting and paging."""

import re
import sys

import pytest

from assessment import framework as framework_module
from tests.results_helpers import rated_assessment


@pytest.fixture(autouse=True)
def _verdicts_while_open(app):
    """These tests read results of open cycles: with HIDE_VERDICTS_WHILE_OPEN off, as before the setting
    (tests/test_governance_hidden_verdicts.py tests it on)."""
    app.config["HIDE_VERDICTS_WHILE_OPEN"] = False


@pytest.fixture
def overview_cycle(make):
    """Three candidates for Head of Operations (strong, middling, weak) and one for COO."""
    cycle = make.cycle(name="Autumn round")
    ids = [c.id for c in make.framework.competencies]

    def varied(level):
        """``level`` on two competencies in three, one above on the rest: one flat level everywhere is
        straight-lining since rubric 2026.12.3 and would send every verdict to Panel review."""
        return {i: level if k % 3 else level + 1 for k, i in enumerate(ids)}

    # Two raters, one a manager: since rubric 2026.12 the best band never rests on one sheet (issue 7).
    strong = rated_assessment(make, cycle=cycle, manager=5, peers=(5,), candidate=make.user(name="Ada Strong"))
    middling = rated_assessment(make, cycle=cycle, manager=varied(3), candidate=make.user(name="Ben Middling"))
    weak = rated_assessment(make, cycle=cycle, manager=varied(1), candidate=make.user(name="Cleo Weak"))
    coo = rated_assessment(make, cycle=cycle, manager=varied(4), current_role="head_of_operations",
                           candidate=make.user(name="Dev Toptier"))
    return cycle, strong, middling, weak, coo


def _names(html):
    return re.findall(r'<th scope="row"><a href="/assessments/\d+/results">([^<]+)</a>', html)


def test_overview_shows_a_heat_map_with_values_classes_and_a_legend(client, auth, make, overview_cycle):
    """Every cell carries the score and gap as text and a class by gap; the legend explains the colours."""
    cycle, strong, middling, weak, coo = overview_cycle
    auth.login(make.user("hr"))
    html = client.get(f"/cycles/{cycle.id}/overview").get_data(as_text=True)
    assert _names(html) == ["Ada Strong", "Ben Middling", "Cleo Weak", "Dev Toptier"]
    assert re.search(r'class="num heat meets"[^>]*>5<small> \(\+1\)</small>', html), "strong: 5 vs 4 required"
    assert re.search(r'class="num heat far"[^>]*>1<small> \(−3\)</small>', html), "weak: 1 vs 4 required"
    for words in ("At or above the required level", "Up to one level short", "More than one level short"):
        assert words in html
    for comp in make.framework.competencies:
        assert comp.name in html


def test_overview_counts_verdicts_and_filters_by_target_role(client, auth, make, overview_cycle):
    """The verdict counts follow the filter; filtering to COO leaves one candidate."""
    cycle, *_ = overview_cycle
    auth.login(make.user("hr"))
    html = client.get(f"/cycles/{cycle.id}/overview").get_data(as_text=True)
    counts = {label: int(n) for n, label in re.findall(r'<li class="band-[a-z_0-9]+"><strong>(\d+)</strong> ([^<]+)</li>',
                                                     html)}
    assert sum(counts.values()) == 4 and counts["Ready now"] >= 1 and counts["Not yet ready"] >= 1
    coo = client.get(f"/cycles/{cycle.id}/overview?role=coo").get_data(as_text=True)
    assert _names(coo) == ["Dev Toptier"]
    coo_counts = re.findall(r'<li class="band-[a-z_0-9]+"><strong>(\d+)</strong>', coo)
    assert sum(map(int, coo_counts)) == 1
    empty = client.get(f"/cycles/{cycle.id}/overview?role=operations_manager").get_data(as_text=True)
    assert _names(empty) == [] and "No candidate in this cycle is assessed for Operations Manager" in empty


def test_overview_sorts_by_verdict_attainment_and_competency(client, auth, make, overview_cycle):
    """Sorting by attainment (descending) puts the strongest first; by a competency ascending the weakest."""
    cycle, *_ = overview_cycle
    auth.login(make.user("hr"))
    by_attainment = client.get(f"/cycles/{cycle.id}/overview?sort=attainment&dir=desc").get_data(as_text=True)
    assert _names(by_attainment)[0] in ("Ada Strong", "Dev Toptier") and _names(by_attainment)[-1] == "Cleo Weak"
    by_verdict = _names(client.get(f"/cycles/{cycle.id}/overview?sort=verdict").get_data(as_text=True))
    assert by_verdict[-1] == "Cleo Weak"
    by_comp = _names(client.get(f"/cycles/{cycle.id}/overview?sort=c:strategic_planning").get_data(as_text=True))
    assert by_comp[0] == "Cleo Weak"
    nonsense = client.get(f"/cycles/{cycle.id}/overview?sort=drop+table&page=abc")
    assert nonsense.status_code == 200 and _names(nonsense.get_data(as_text=True))[0] == "Ada Strong"


def test_overview_is_paginated(client, auth, make, app, overview_cycle):
    """With a page size of 2, four candidates take two pages with links between them."""
    cycle, *_ = overview_cycle
    app.config["PAGE_SIZE"] = 2
    auth.login(make.user("hr"))
    first = client.get(f"/cycles/{cycle.id}/overview").get_data(as_text=True)
    assert _names(first) == ["Ada Strong", "Ben Middling"] and "Page 1 of 2" in first and 'rel="next"' in first
    second = client.get(f"/cycles/{cycle.id}/overview?page=2").get_data(as_text=True)
    assert _names(second) == ["Cleo Weak", "Dev Toptier"] and 'rel="prev"' in second


def test_overview_of_an_empty_cycle_says_so(client, auth, make):
    """A cycle without candidates shows an empty state, not an empty table."""
    cycle = make.cycle()
    auth.login(make.user("hr"))
    html = client.get(f"/cycles/{cycle.id}/overview").get_data(as_text=True)
    assert "This cycle has no candidates yet." in html and "<table" not in html


@pytest.mark.parametrize("role", ["manager", "candidate"])
def test_only_hr_sees_the_overview(client, auth, make, overview_cycle, role):
    """Managers and candidates are refused."""
    cycle, *_ = overview_cycle
    auth.login(make.user(role))
    assert client.get(f"/cycles/{cycle.id}/overview").status_code == 403


def test_overview_of_a_missing_cycle_is_404(client, auth, make):
    """An unknown cycle id gives 404."""
    auth.login(make.user("hr"))
    assert client.get("/cycles/999999/overview").status_code == 404


def test_overview_page_costs_the_same_whatever_the_cycle_size(client, auth, make, app, overview_cycle, monkeypatch):
    """Once results are stored, a page runs the same queries and decodes only its own rows, for 4 or 8 candidates."""
    from assessment.services import result_codec
    from tests.querycount import counted_queries

    cycle, *_ = overview_cycle
    app.config["PAGE_SIZE"] = 2
    auth.login(make.user("hr"))
    decoded = []
    loads = result_codec.loads
    monkeypatch.setattr(result_codec, "loads", lambda cls, text: decoded.append(1) or loads(cls, text))

    def cost(url):
        client.get(url)  # computes and stores what is missing
        decoded.clear()
        with counted_queries() as statements:
            assert client.get(url).status_code == 200
        return len(statements), len(decoded)

    small = cost(f"/cycles/{cycle.id}/overview?sort=c:strategic_planning")
    for level in (2, 3, 4, 5):
        rated_assessment(make, cycle=cycle, manager=level)
    assert cost(f"/cycles/{cycle.id}/overview?sort=c:strategic_planning") == small
    assert small[1] == 2


def test_an_overview_with_many_results_to_compute_sends_them_to_a_job(client, auth, make, app, overview_cycle):
    """Above RESULTS_INLINE_MAX missing results the overview starts a job instead of computing, shows its
    progress page, and once it is done every result is stored and the overview is served."""
    import sqlalchemy as sa

    from assessment import jobs
    from assessment.extensions import db
    from assessment.models import ExportJob
    from assessment.models import StoredResult

    cycle, *_ = overview_cycle
    app.config["RESULTS_INLINE_MAX"] = 1
    db.session.execute(sa.delete(StoredResult))
    db.session.commit()
    auth.login(make.user("hr"))
    first = client.get(f"/cycles/{cycle.id}/overview")
    assert first.status_code == 302 and "/exports/" in first.headers["Location"]
    jobs.wait_for_threads()
    job = db.session.scalar(sa.select(ExportJob))
    db.session.refresh(job)
    assert job.kind == "results" and job.state == "done" and job.progress_done == 4
    assert "Open the overview" in client.get(first.headers["Location"]).get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StoredResult)) == 4
    page = client.get(f"/cycles/{cycle.id}/overview")
    assert page.status_code == 200 and _names(page.get_data(as_text=True))[0] == "Ada Strong"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ExportJob)) == 1


def test_the_overview_looks_up_the_pinned_framework_once_and_hands_it_down(client, auth, make, overview_cycle,
                                                                           monkeypatch):
    """Building the overview loads the cycle's pinned framework once; results storage, rater flags and rater
    quality get it handed down (they used to look it up again: six times for one page)."""
    real = framework_module.pinned_framework
    calls = []

    def counting(cycle):
        calls.append(cycle.id)
        return real(cycle)

    for name, module in list(sys.modules.items()):
        if name.startswith("assessment.") and getattr(module, "pinned_framework", None) is real:
            monkeypatch.setattr(module, "pinned_framework", counting)
    cycle, *_ = overview_cycle
    auth.login(make.user("hr"))
    assert client.get(f"/cycles/{cycle.id}/overview").status_code == 200  # computes and stores the results
    assert calls == [cycle.id]
    calls.clear()
    assert client.get(f"/cycles/{cycle.id}/overview?sort=verdict").status_code == 200  # reads the stored ones
    assert calls == [cycle.id]
