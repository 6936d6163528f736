"""The cycle dashboard and cycle list with many candidates: paging, sorting, filters, and a bounded query count."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from assessment.extensions import db
from assessment.models import Assessment, RaterAssignment, User
from tests.querycount import counted_queries

N = 500


def progress_of(i: int) -> str:
    self_status = ("submitted", "draft", "not_started")[i % 3]
    manager_status = "submitted" if i % 4 == 0 else "not_started"
    if self_status == manager_status == "submitted":
        return "complete"
    if self_status == manager_status == "not_started":
        return "not_started"
    return "in_progress"


@pytest.fixture
def big_cycle(make):
    """An open cycle with 500 candidates, each with a self sheet and one of three managers, made by bulk inserts."""
    cycle = make.cycle(name="Big round", state="open")
    managers = [make.user("manager", name=f"Manager {n}") for n in range(3)]
    db.session.execute(sa.insert(User), [{"email": f"cand{i:03}@example.com", "name": f"Cand {i:03}",
                                          "role": "candidate"} for i in range(N)])
    ids = dict(db.session.execute(sa.select(User.email, User.id).where(User.role == "candidate")).all())
    db.session.execute(sa.insert(Assessment), [
        {"cycle_id": cycle.id, "candidate_id": ids[f"cand{i:03}@example.com"],
         "current_role": "head_of_operations" if i % 5 == 0 else "operations_manager",
         "target_role": "coo" if i % 5 == 0 else "head_of_operations"} for i in range(N)])
    assessments = dict(db.session.execute(sa.select(Assessment.candidate_id, Assessment.id)).all())
    rows = []
    for i in range(N):
        candidate = ids[f"cand{i:03}@example.com"]
        rows.append({"assessment_id": assessments[candidate], "rater_id": candidate, "rater_group": "self",
                     "status": ("submitted", "draft", "not_started")[i % 3]})
        rows.append({"assessment_id": assessments[candidate], "rater_id": managers[i % 3].id,
                     "rater_group": "manager", "status": "submitted" if i % 4 == 0 else "not_started"})
    db.session.execute(sa.insert(RaterAssignment), rows)
    db.session.commit()
    return cycle, managers


def candidate_names(html: str) -> list[str]:
    return re.findall(r'/hr/assessments/\d+">(Cand \d{3})</a>', html)


def test_dashboard_pages_through_500_candidates_with_few_queries(client, auth, make, big_cycle):
    """500 candidates render 50 at a time in a fixed handful of queries (no query per candidate)."""
    cycle, _ = big_cycle
    auth.login(make.user("hr"))
    with counted_queries() as statements:
        html = client.get(f"/hr/cycles/{cycle.id}").data.decode()
    assert "Showing 1–50 of 500 candidates" in html and "Page 1 of 10" in html
    assert candidate_names(html) == [f"Cand {i:03}" for i in range(50)]
    # 12 before issue 20; the cycle's open review requests (the right of reply) are one more, whatever the size.
    assert len(statements) <= 13, statements
    last = client.get(f"/hr/cycles/{cycle.id}?page=10").data.decode()
    assert candidate_names(last)[-1] == "Cand 499" and "Showing 451–500" in last
    assert "Showing 451–500" in client.get(f"/hr/cycles/{cycle.id}?page=99").data.decode()
    complete = sum(progress_of(i) == "complete" for i in range(N))
    assert f"<strong>{complete}</strong> complete" in html


def test_dashboard_filters_and_sorts(client, auth, make, big_cycle):
    """Status, target role and search filters narrow the list; completion and status sort it either way."""
    cycle, _ = big_cycle
    auth.login(make.user("hr"))
    url = f"/hr/cycles/{cycle.id}"
    expected = [f"Cand {i:03}" for i in range(N) if progress_of(i) == "complete"]
    html = client.get(f"{url}?status=complete").data.decode()
    assert f"of {len(expected)} candidates" in html and candidate_names(html) == expected
    html = client.get(f"{url}?target_role=coo&q=cand00").data.decode()
    assert candidate_names(html) == ["Cand 000", "Cand 005"]
    html = client.get(f"{url}?sort=completion&dir=desc").data.decode()
    assert candidate_names(html)[:3] == expected[:3]
    assert 'aria-sort="descending"' in html
    html = client.get(f"{url}?sort=status&dir=asc").data.decode()
    assert all(progress_of(int(name[-3:])) == "not_started" for name in candidate_names(html))
    assert "No candidate matches these filters" in client.get(f"{url}?q=nobody").data.decode()
    # Sorting links keep the filters and start again at page 1.
    assert f'href="{url}?target_role=coo&amp;sort=name&amp;dir=desc"' in \
        client.get(f"{url}?target_role=coo&page=2").data.decode()


def test_dashboard_shows_what_each_rater_owes(client, auth, make, big_cycle):
    """The rater section counts each rater's unsubmitted sheets, most owed first."""
    cycle, managers = big_cycle
    auth.login(make.user("hr"))
    html = client.get(f"/hr/cycles/{cycle.id}").data.decode()
    owed = {m.name: sum(1 for i in range(N) if i % 3 == n and i % 4 != 0) for n, m in enumerate(managers)}
    for name, count in owed.items():
        assert re.search(rf"{name}<br><small class=\"muted\">[^<]+</small></td>\s*<td>{count}</td>", html), name


def test_cycle_list_counts_candidates_and_completion(client, auth, make, big_cycle):
    """The cycle list shows each cycle's candidates and share of submitted sheets, and an empty cycle at zero."""
    make.cycle(name="Empty round", state="draft")
    auth.login(make.user("hr"))
    submitted = sum(1 for i in range(N) if i % 3 == 0) + sum(1 for i in range(N) if i % 4 == 0)
    html = client.get("/hr/cycles").data.decode()
    assert f"<td>{submitted} of {2 * N}</td>" in html and f"{round(100 * submitted / (2 * N))}%" in html
    assert "<td>0 of 0</td>" in html


def test_empty_cycle_and_empty_list_say_what_to_do(client, auth, make):
    """With no cycles, and with a cycle without candidates, the pages say what to do next."""
    auth.login(make.user("hr"))
    assert "Create the first cycle" in client.get("/hr/cycles").data.decode()
    cycle = make.cycle(state="draft")
    html = client.get(f"/hr/cycles/{cycle.id}").data.decode()
    assert "No candidates yet" in html and f"/hr/cycles/{cycle.id}/import" in html
