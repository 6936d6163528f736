"""The list of sheets a rater owes."""

from datetime import date

from flask import url_for

from assessment.extensions import db
from tests.querycount import counted_queries
from tests.sheets import KNOWN, sheet_of, with_evidence


def _rows(page: str) -> list[str]:
    return page.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:]


def test_lists_only_my_manager_and_peer_sheets_with_status_and_due_date(client, auth, make):
    """A manager sees the candidates assigned to them, with cycle, group, status and due date, nothing else."""
    manager = make.user("manager", name="Margaret Okafor")
    cycle = make.cycle(name="Spring 2027")
    cycle.ends_on = date(2027, 4, 30)
    mine = make.assessment(cycle=cycle, candidate=make.user("candidate", name="Łukasz Nowak"), managers=0)
    from assessment.services.assessments import assign_rater

    assign_rater(mine, manager, "manager", actor=None, reason="set up by the test")
    make.assessment(cycle=cycle, candidate=make.user("candidate", name="Someone Else"))
    draft_cycle = make.cycle(name="Not yet open", state="draft")
    hidden = make.assessment(cycle=draft_cycle, managers=0)
    assign_rater(hidden, manager, "manager", actor=None, reason="set up by the test")
    db.session.commit()
    auth.login(manager)
    page = client.get("/ratings/").get_data(as_text=True)
    rows = _rows(page)
    assert len(rows) == 1
    assert all(text in rows[0] for text in ("Łukasz Nowak", "Spring 2027", "Manager", "Not started", "30 April 2027"))
    assert f'href="/ratings/{sheet_of(mine, "manager").id}">Start' in rows[0]
    assert "Someone Else" not in page and "Not yet open" not in page


def test_candidate_sees_peer_sheets_but_not_their_own_self_assessment(client, auth, make):
    """For a candidate the list holds the sheets they fill as a peer; their self-assessment lives on /me."""
    peer = make.user("candidate", name="Pat Peer")
    own = make.assessment(candidate=peer)
    other = make.assessment(cycle=own.cycle, candidate=make.user("candidate", name="Colleague Cho"), managers=1)
    from assessment.services.assessments import assign_rater

    assign_rater(other, peer, "peer", actor=None, reason="set up by the test")
    db.session.commit()
    auth.login(peer)
    rows = _rows(client.get("/ratings/").get_data(as_text=True))
    assert len(rows) == 1 and "Colleague Cho" in rows[0] and "Peer" in rows[0]


def test_list_is_sortable_and_paginated(client, auth, make, app):
    """Sorting by candidate name both ways, pages of PAGE_SIZE, links to the next page."""
    app.config["PAGE_SIZE"] = 2
    manager = make.user("manager")
    cycle = make.cycle()
    from assessment.services.assessments import assign_rater

    for name in ("Bea", "Ana", "Cem"):
        assessment = make.assessment(cycle=cycle, candidate=make.user("candidate", name=name), managers=0)
        assign_rater(assessment, manager, "manager", actor=None, reason="set up by the test")
    db.session.commit()
    auth.login(manager)
    first = client.get("/ratings/?sort=candidate&dir=asc").get_data(as_text=True)
    assert ["Ana" in r for r in _rows(first)] == [True, False] and "Bea" in _rows(first)[1]
    assert "Page 1 of 2 (3 in all)" in first and "page=2" in first and 'aria-sort="ascending"' in first
    second = client.get("/ratings/?sort=candidate&dir=asc&page=2").get_data(as_text=True)
    assert len(_rows(second)) == 1 and "Cem" in _rows(second)[0]
    desc = client.get("/ratings/?sort=candidate&dir=desc").get_data(as_text=True)
    assert "Cem" in _rows(desc)[0]
    assert client.get("/ratings/?sort=password&dir=sideways&page=-3").status_code == 200


def test_empty_list_says_so(client, auth, make):
    """With nothing assigned the page explains what will appear and when."""
    auth.login(make.user("manager"))
    page = client.get("/ratings/").get_data(as_text=True)
    assert "Nothing to rate" in page and "<table" not in page


def test_home_sends_each_role_to_its_page(client, auth, make):
    """The home page redirects managers to their ratings and candidates to their assessment; HR stays or goes to cycles."""
    auth.login(make.user("manager"))
    assert client.get("/").headers["Location"] == "/ratings/"
    auth.logout()
    auth.login(make.user("candidate"))
    assert client.get("/").headers["Location"] == "/me"
    auth.logout()
    auth.login(make.user("hr"))
    response = client.get("/")
    if "hr.list_cycles" in client.application.view_functions:
        with client.application.test_request_context():
            assert response.status_code == 302 and response.headers["Location"] == url_for("hr.list_cycles")
    else:
        assert response.status_code == 200 and "Assessment cycles" in response.get_data(as_text=True)


def test_sheets_still_owed_come_first_and_status_filters(client, auth, make):
    """By default open sheets still to do come before submitted and past ones; ?status= keeps only that status."""
    from assessment.services.assessments import assign_rater
    from assessment.services.cycles import change_state
    from assessment.services.ratings import save_sheet
    from rubrics.sheet import RatingInput

    manager = make.user("manager")
    past = make.cycle(name="Past round")
    done = make.assessment(cycle=past, candidate=make.user("candidate", name="Past Person"), managers=0)
    assign_rater(done, manager, "manager", actor=None, reason="set up by the test")
    change_state(past, "closed", actor=None)
    current = make.cycle(name="Current round")
    submitted = make.assessment(cycle=current, candidate=make.user("candidate", name="Done Dana"), managers=0)
    sheet = assign_rater(submitted, manager, "manager", actor=None, reason="set up by the test")
    save_sheet(sheet, with_evidence(sheet, [RatingInput(c.id, 3) for c in make.framework.competencies]), actor=manager,
               framework=make.framework, expected_version=sheet.version_id, submit=True, relationship=KNOWN)
    owed = make.assessment(cycle=current, candidate=make.user("candidate", name="Owed Olu"), managers=0)
    assign_rater(owed, manager, "manager", actor=None, reason="set up by the test")
    db.session.commit()
    auth.login(manager)
    rows = _rows(client.get("/ratings/").get_data(as_text=True))
    assert "Owed Olu" in rows[0] and len(rows) == 3
    only = _rows(client.get("/ratings/?status=submitted").get_data(as_text=True))
    assert len(only) == 1 and "Done Dana" in only[0]
    empty = client.get("/ratings/?status=draft").get_data(as_text=True)
    assert "No sheets with the status “Draft”" in empty and "<tbody>" not in empty


def test_list_query_count_does_not_grow_with_its_rows(client, auth, make):
    """The candidate and cycle of every row come with the list's own query, not one query per row."""
    from assessment.services.assessments import assign_rater

    manager = make.user("manager")
    cycle = make.cycle()

    def assign(n):
        for _ in range(n):
            assign_rater(make.assessment(cycle=cycle, managers=0), manager, "manager", actor=None, reason="set up by the test")
        db.session.commit()
        db.session.expire_all()

    auth.login(manager)
    assign(2)
    with counted_queries() as few:
        assert len(_rows(client.get("/ratings/").get_data(as_text=True))) == 2
    assign(8)
    with counted_queries() as many:
        assert len(_rows(client.get("/ratings/").get_data(as_text=True))) == 10
    assert len(many) == len(few)
