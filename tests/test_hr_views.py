"""HR pages through the test client: cycles, candidates, raters, reopening, people and the audit trail."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from assessment.extensions import db
from assessment.models import Assessment, AuditEvent, Cycle, RaterAssignment, Submission, User
from assessment.services.ratings import save_sheet
from rubrics.sheet import RatingInput
from tests.sheets import KNOWN, with_evidence


def submit_sheet(make, assignment):
    """Submit a complete sheet (every competency at level 3) as its rater."""
    inputs = with_evidence(assignment, [RatingInput(c.id, 3, "Seen at work.") for c in make.framework.competencies])
    save_sheet(assignment, inputs, actor=assignment.rater, framework=make.framework,
               expected_version=assignment.version_id, submit=True, relationship=KNOWN)
    db.session.commit()


def audit_kinds() -> list[str]:
    return db.session.scalars(sa.select(AuditEvent.kind).order_by(AuditEvent.id)).all()


@pytest.fixture
def hr(make, auth):
    user = make.user("hr", name="Helga HR")
    auth.login(user)
    return user


def test_hr_pages_are_for_hr_only(client, make, auth):
    """Anonymous users are sent to sign in; managers and candidates get 403 on every HR page."""
    cycle = make.cycle()
    assert client.get(f"/hr/cycles/{cycle.id}").status_code == 302
    for role in ("manager", "candidate"):
        auth.login(make.user(role))
        for url in ("/hr/cycles", f"/hr/cycles/{cycle.id}", "/hr/people", "/hr/audit", "/hr/import-template"):
            assert client.get(url).status_code == 403, url
        auth.logout()


def test_unknown_ids_give_404(client, hr):
    """Ids of things that do not exist answer 404, never an error page with details."""
    for url in ("/hr/cycles/999", "/hr/cycles/999/edit", "/hr/assessments/999", "/hr/assignments/999/reopen",
                "/hr/assignments/999/remove", "/hr/people/999", "/hr/cycles/999/import"):
        assert client.get(url).status_code == 404, url


def test_create_and_edit_a_cycle(client, hr):
    """HR creates a cycle (errors keep the input), then edits it; both are audited with before and after."""
    response = client.post("/hr/cycles/new", data={"name": "Spring", "starts_on": "2026-05-01",
                                                   "ends_on": "2026-04-01", "instructions": "Be fair."})
    assert response.status_code == 400
    assert b"the end date is before the start date" in response.data and b"Be fair." in response.data
    response = client.post("/hr/cycles/new", data={"name": "Spring", "starts_on": "2026-04-01",
                                                   "ends_on": "2026-05-01", "instructions": "Be fair."})
    cycle = db.session.scalar(sa.select(Cycle))
    assert response.headers["Location"].endswith(f"/hr/cycles/{cycle.id}")
    assert f'/hr/cycles/{cycle.id}">Spring</a>'.encode() in client.get("/hr/cycles").data
    page = client.get(f"/hr/cycles/{cycle.id}/edit")
    assert b'value="Spring"' in page.data
    response = client.post(f"/hr/cycles/{cycle.id}/edit", data={
        "name": "Spring 2026", "starts_on": "2026-04-01", "ends_on": "2026-05-01", "instructions": "Be fair.",
        "version": cycle.version_id})
    assert response.status_code == 302
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.kind == "cycle.update"))
    assert (event.before, event.after) == ({"name": "Spring"}, {"name": "Spring 2026"})


def test_editing_a_cycle_changed_meanwhile_is_a_conflict(client, hr, make):
    """An edit based on an older version of the cycle is refused, and the typed input is kept."""
    cycle = make.cycle(state="draft")
    stale = cycle.version_id
    client.post(f"/hr/cycles/{cycle.id}/edit", data={"name": "First tab", "version": stale})
    response = client.post(f"/hr/cycles/{cycle.id}/edit", data={"name": "Second tab", "version": stale})
    assert response.status_code == 400
    assert b"Someone changed this cycle" in response.data and b'value="Second tab"' in response.data
    db.session.expire_all()
    assert db.session.get(Cycle, cycle.id).name == "First tab"


@pytest.mark.parametrize("version", [None, "", "abc", "1.0"])
def test_editing_a_cycle_without_a_usable_version_is_a_conflict(client, hr, make, version):
    """A POST with a missing or non-numeric version is refused as a conflict, never a silent overwrite."""
    cycle = make.cycle(state="draft", name="Spring")
    data = {"name": "Overwritten"} | ({} if version is None else {"version": version})
    response = client.post(f"/hr/cycles/{cycle.id}/edit", data=data)
    assert response.status_code == 400 and b"Someone changed this cycle" in response.data
    db.session.expire_all()
    assert db.session.get(Cycle, cycle.id).name == "Spring"


def test_removing_a_rater_is_refused_once_the_cycle_is_closed(client, hr, make):
    """The remove page's POST is refused in a closed cycle with the reason; the rater stays."""
    assessment = make.assessment(managers=2)
    second = [a for a in assessment.assignments if a.rater_group == "manager"][1]
    client.post(f"/hr/cycles/{assessment.cycle_id}/state?to=closed")
    response = client.post(f"/hr/assignments/{second.id}/remove")
    assert response.status_code == 400 and b"cannot be removed in a closed cycle" in response.data
    db.session.expire_all()
    assert db.session.get(RaterAssignment, second.id) is not None


def test_cycle_state_changes_confirm_first(client, hr, make):
    """GET shows what the change means; only the POST opens (pinning the rubric), closes and releases."""
    cycle = make.cycle(state="draft")
    page = client.get(f"/hr/cycles/{cycle.id}/state")
    assert b"is pinned to the cycle" in page.data and b"Open the cycle" in page.data
    db.session.expire_all()
    assert db.session.get(Cycle, cycle.id).state == "draft"
    for state in ("open", "closed", "released"):
        assert client.post(f"/hr/cycles/{cycle.id}/state?to={state}").status_code == 302
    db.session.expire_all()
    cycle = db.session.get(Cycle, cycle.id)
    assert cycle.state == "released" and cycle.rubric_version is not None
    assert audit_kinds()[-3:] == ["cycle.open", "cycle.closed", "cycle.released"]
    response = client.post(f"/hr/cycles/{cycle.id}/state?to=open")
    assert response.status_code == 400 and b"cannot be moved to open" in response.data
    assert client.get(f"/hr/cycles/{cycle.id}/state?to=deleted").status_code == 404
    assert client.get(f"/hr/cycles/{cycle.id}/state").headers["Location"].endswith(f"/hr/cycles/{cycle.id}")


def test_closing_warns_about_reopened_sheets_not_resubmitted(client, hr, make):
    """The close confirmation lists reopened sheets not resubmitted: their previous submission will count."""
    assessment = make.assessment(candidate=make.user("candidate", name="Cora Candidate"), managers=2)
    reopened, resubmitted = [a for a in assessment.assignments if a.rater_group == "manager"]
    for sheet in (reopened, resubmitted):
        submit_sheet(make, sheet)
    url = f"/hr/cycles/{assessment.cycle_id}/state?to=closed"
    assert b"reopened sheet" not in client.get(url).data
    for sheet in (reopened, resubmitted):
        client.post(f"/hr/assignments/{sheet.id}/reopen", data={"reason": "Add evidence."})
    db.session.expire_all()
    submit_sheet(make, db.session.get(RaterAssignment, resubmitted.id))
    page = client.get(url).data.decode()
    assert "1 reopened sheet was not resubmitted" in page
    assert "previous submission will count" in page and "can no longer be changed after closing" in page
    assert f"{reopened.rater.name} (manager) for Cora Candidate" in page
    assert f"{resubmitted.rater.name} (manager)" not in page
    # The release confirmation lists them too (issue 7, section 5: before close and before release), once the
    # cycle is closed (issue 19: an open cycle's release page offers no release).
    assert client.post(url).status_code == 302
    assert b"1 reopened sheet was not resubmitted" in client.get(f"/hr/cycles/{assessment.cycle_id}/state?to=released").data


def test_add_a_candidate_through_the_form(client, hr, make):
    """Errors land on their fields with everything kept; a good candidate gets an account, self sheet and raters."""
    cycle = make.cycle(state="draft")
    manager = make.user("manager", email="boss@example.com")
    data = {"name": "Nia", "email": "nia@example.com", "current_role": "operations_manager", "target_role": "coo",
            "manager_emails": "nobody@example.com", "peer_emails": ""}
    response = client.post(f"/hr/cycles/{cycle.id}/candidates/new", data=data)
    assert response.status_code == 400
    html = response.data.decode()
    assert 'href="#target_role"' in html and 'href="#manager_emails"' in html
    assert "no account for nobody@example.com" in html and 'value="nobody@example.com"' in html
    data.update(target_role="head_of_operations", manager_emails=manager.email)
    response = client.post(f"/hr/cycles/{cycle.id}/candidates/new", data=data)
    assessment = db.session.scalar(sa.select(Assessment))
    assert response.headers["Location"].endswith(f"/hr/assessments/{assessment.id}")
    assert {(a.rater.email, a.rater_group) for a in assessment.assignments} == {
        ("nia@example.com", "self"), ("boss@example.com", "manager")}


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_import_page_lists_every_problem_and_imports_nothing(client, hr, make, kind):
    """A bad upload answers with a table of row/column problems; nothing is written, not even accounts."""
    from tests.test_hr_imports import COLUMNS, xlsx_bytes

    cycle = make.cycle(state="draft")
    make.user("manager", email="boss@example.com")
    rows = [COLUMNS, ("Ok", "ok@example.com", "operations_manager", "head_of_operations", "boss@example.com", ""),
            ("Bad", "bad@", "chief", "head_of_operations", "", "")]
    data = xlsx_bytes(rows) if kind == "xlsx" else "\n".join(",".join(r) for r in rows).encode()
    users_before = db.session.scalar(sa.select(sa.func.count()).select_from(User))
    response = client.post(f"/hr/cycles/{cycle.id}/import",
                           data={"file": (io.BytesIO(data), f"people.{kind}")}, content_type="multipart/form-data")
    assert response.status_code == 400
    html = response.data.decode()
    assert "Nothing was imported: 3 problems" in html
    for column in ("email", "current_role", "manager_emails"):
        assert f"<td>3</td><td>{column}</td>" in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == users_before
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Assessment)) == 0
    rows[2] = ("Fine", "fine@example.com", "operations_manager", "head_of_operations", "boss@example.com", "")
    data = xlsx_bytes(rows) if kind == "xlsx" else "\n".join(",".join(r) for r in rows).encode()
    response = client.post(f"/hr/cycles/{cycle.id}/import",
                           data={"file": (io.BytesIO(data), f"people.{kind}")}, content_type="multipart/form-data")
    assert response.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Assessment)) == 2
    assert audit_kinds()[-1] == "cycle.import"


def test_import_page_refuses_a_missing_file_and_offers_templates(client, hr, make):
    """No file is a field error; the page documents the columns and links both templates, which download."""
    cycle = make.cycle(state="draft")
    response = client.post(f"/hr/cycles/{cycle.id}/import", data={}, content_type="multipart/form-data")
    assert response.status_code == 400 and b"Choose a file to import." in response.data
    page = client.get(f"/hr/cycles/{cycle.id}/import").data.decode()
    assert "manager_emails" in page and "format=xlsx" in page
    csv = client.get("/hr/import-template?format=csv")
    assert csv.mimetype == "text/csv" and b"name,email,current_role" in csv.data
    xlsx = client.get("/hr/import-template?format=xlsx")
    assert xlsx.data[:2] == b"PK" and "attachment" in xlsx.headers["Content-Disposition"]


def test_assign_and_remove_raters(client, hr, make):
    """HR assigns a peer and a manager; the candidate cannot rate themselves; a rater is removed only unstarted."""
    assessment = make.assessment(managers=1)
    manager = make.user("manager")
    peer = make.user("candidate")
    url = f"/hr/assessments/{assessment.id}"
    response = client.post(url, data={"email": assessment.candidate.email, "rater_group": "peer"})
    assert response.status_code == 400 and b"cannot rate themselves" in response.data
    response = client.post(url, data={"email": "ghost@example.com", "rater_group": "peer"})
    assert response.status_code == 400 and b"no account for ghost@example.com" in response.data
    response = client.post(url, data={"email": peer.email, "rater_group": "manager"})
    assert response.status_code == 400 and b"not a manager account" in response.data
    # The cycle is open: each change needs a reason (tests/test_governance_rater_list.py attacks that).
    reason = "Replaces a peer who moved to another site"
    assert client.post(url, data={"email": peer.email, "rater_group": "peer", "reason": reason}).status_code == 302
    assert client.post(url, data={"email": manager.email, "rater_group": "manager",
                                  "reason": reason}).status_code == 302
    first_manager = next(a for a in assessment.assignments if a.rater_group == "manager")
    submit_sheet(make, first_manager)
    second = db.session.scalar(sa.select(RaterAssignment).where(RaterAssignment.rater_id == manager.id))
    page = client.get(url).data.decode()
    assert f"/hr/assignments/{second.id}/remove" in page
    assert f"/hr/assignments/{first_manager.id}/remove" not in page
    assert b"Remove the rater" in client.get(f"/hr/assignments/{second.id}/remove").data
    assert client.post(f"/hr/assignments/{second.id}/remove", data={"reason": reason}).status_code == 302
    assert db.session.get(RaterAssignment, second.id) is None
    response = client.post(f"/hr/assignments/{first_manager.id}/remove", data={"reason": reason})
    assert response.status_code == 400 and b"never deleted" in response.data
    assert audit_kinds().count("assessment.rater_change") == 3


def test_reopen_needs_a_reason_and_keeps_the_submitted_version(client, hr, make):
    """Reopening without a reason is refused; with one, revision 1 stays submitted and revision 2 is a draft."""
    assessment = make.assessment(managers=1)
    sheet = next(a for a in assessment.assignments if a.rater_group == "manager")
    submit_sheet(make, sheet)
    url = f"/hr/assignments/{sheet.id}/reopen"
    page = client.get(url)
    assert b"Reopen the rating" in page.data and b"Reason for reopening" in page.data
    response = client.post(url, data={"reason": "   "})
    assert response.status_code == 400 and b'href="#reason"' in response.data
    assert client.post(url, data={"reason": "Evidence for crisis management is missing."}).status_code == 302
    db.session.expire_all()
    sheet = db.session.get(RaterAssignment, sheet.id)
    assert (sheet.status, sheet.revision) == ("draft", 2)
    submission = db.session.scalar(sa.select(Submission).where(Submission.assignment_id == sheet.id))
    assert submission.revision == 1 and submission.reopen_reason == "Evidence for crisis management is missing."
    assert {r.revision for r in sheet.ratings} == {1, 2}
    assert b"Evidence for crisis management is missing." in client.get(f"/hr/assessments/{assessment.id}").data
    assert client.post(url, data={"reason": "again"}).status_code == 400


def test_people_create_role_change_with_confirmation_and_no_password_setting(client, hr, make):
    """HR creates an account and changes its role after confirming; HR never sets its password (issue 15)."""
    response = client.post("/hr/people/new", data={"name": "Omar", "email": "omar@example.com", "role": "candidate",
                                                   "password": "a-long-secret-1"})
    omar = db.session.scalar(sa.select(User).where(User.email == "omar@example.com"))
    assert response.headers["Location"].endswith(f"/hr/people/{omar.id}")
    assert b"No password yet" in client.get("/hr/people?q=omar").data
    confirm = client.post(f"/hr/people/{omar.id}/role", data={"role": "manager"})
    assert confirm.status_code == 200 and b"Make Omar Manager?" in confirm.data
    db.session.expire_all()
    assert db.session.get(User, omar.id).role == "candidate"
    client.post(f"/hr/people/{omar.id}/role", data={"role": "manager", "confirmed": "yes"})
    response = client.post(f"/hr/people/{omar.id}/password", data={"password": "a-long-secret-1",
                                                                    "repeat": "a-long-secret-1"})
    assert response.status_code == 404
    db.session.expire_all()
    omar = db.session.get(User, omar.id)
    assert omar.role == "manager" and not omar.password_hash
    role_event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.kind == "user.role_change"))
    assert (role_event.before, role_event.after, role_event.actor_id) == ({"role": "candidate"}, {"role": "manager"},
                                                                         hr.id)
    assert "user.password" not in audit_kinds()
    own = client.post(f"/hr/people/{hr.id}/role", data={"role": "manager", "confirmed": "yes"})
    assert own.status_code == 400 and b"cannot change your own role" in own.data


def test_people_list_filters_and_paginates(client, hr, make, app):
    """The people list filters by role and search text and pages through long lists."""
    app.config["PAGE_SIZE"] = 2
    for n in range(3):
        make.user("manager", name=f"Mgr {n}")
    page = client.get("/hr/people?role=manager").data.decode()
    assert "Page 1 of 2" in page and ">Helga HR</a>" not in page
    assert "Mgr 2" in client.get("/hr/people?role=manager&page=2").data.decode()
    assert "Nobody matches" in client.get("/hr/people?q=zzz").data.decode()


def test_audit_trail_filters_by_cycle_user_and_kind(client, hr, make):
    """Events show who, when, kind, summary and before/after; the filters narrow them."""
    first, second = make.cycle(name="Alpha", state="draft"), make.cycle(name="Beta", state="draft")
    client.post(f"/hr/cycles/{first.id}/state?to=open")
    client.post(f"/hr/cycles/{second.id}/edit", data={"name": "Beta two", "version": second.version_id})
    everything = client.get("/hr/audit").data.decode()
    assert "Cycle Alpha: draft -&gt; open" in everything and "Edited cycle Beta two" in everything
    assert "<del>draft</del>" in everything and "<ins>open</ins>" in everything
    only_alpha = client.get(f"/hr/audit?cycle_id={first.id}").data.decode()
    assert "Edited cycle Beta two" not in only_alpha and "Cycle Alpha" in only_alpha
    by_hr = client.get(f"/hr/audit?user_id={hr.id}").data.decode()
    assert "Created cycle Alpha" not in by_hr and "Edited cycle Beta two" in by_hr
    kind = client.get("/hr/audit?kind=cycle.update").data.decode()
    assert "Edited cycle Beta two" in kind and "Cycle Alpha: draft" not in kind


def test_a_database_error_while_reopening_changes_nothing_and_says_so(client, hr, make, monkeypatch):
    """If the commit fails, the sheet stays submitted, the typed reason is kept and the user is told."""
    from sqlalchemy.exc import OperationalError

    assessment = make.assessment(managers=1)
    sheet = next(a for a in assessment.assignments if a.rater_group == "manager")
    submit_sheet(make, sheet)

    def broken_commit():
        raise OperationalError("COMMIT", {}, Exception("database is locked"))

    monkeypatch.setattr(db.session, "commit", broken_commit)
    response = client.post(f"/hr/assignments/{sheet.id}/reopen", data={"reason": "Typed with care."})
    monkeypatch.undo()
    assert response.status_code == 400
    assert b"could not save this change, so nothing was changed" in response.data
    assert b"Typed with care." in response.data
    db.session.expire_all()
    sheet = db.session.get(RaterAssignment, sheet.id)
    assert (sheet.status, sheet.revision) == ("submitted", 1)
    assert "rating.reopen" not in audit_kinds()


def test_cycles_are_listed_by_their_start_date_newest_first(client, hr, make):
    """A cycle created later for an earlier period (history brought in afterwards) sits below the newer periods;
    a draft without dates comes first."""
    from datetime import date
    spring, autumn, earlier, draft = (make.cycle(name) for name in ("Spring 2026", "Autumn 2026", "Autumn 2025",
                                                                    "Next round"))
    spring.starts_on, autumn.starts_on, earlier.starts_on = date(2026, 3, 1), date(2026, 10, 1), date(2025, 10, 1)
    db.session.commit()
    page = client.get("/hr/cycles").get_data(as_text=True)
    positions = [page.index(name) for name in ("Next round", "Autumn 2026", "Spring 2026", "Autumn 2025")]
    assert positions == sorted(positions)
