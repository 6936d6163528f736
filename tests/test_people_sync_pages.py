"""HR's people sync page (upload, preview, apply), the person page's reporting line and deactivation, the people
list's status filter, and the line manager or direct reports assigned as raters in one step."""

from __future__ import annotations

import io
import re

import pytest
import sqlalchemy as sa

from assessment import create_app
from assessment.extensions import db
from assessment.models import AuditEvent, RaterAssignment, User
from assessment.services.users import deactivate_user
from tests.conftest import app_config
from tests.test_xlsx_bombs import bomb, openpyxl_untouched  # noqa: F401 - a fixture

HEADER = "employee_id,email,name,role,language,unit,manager_employee_id,active\n"
ROWS = ("E1,boss@example.com,Berta Boss,manager,de,Hamburg,,yes\n"
        "E2,ann@example.com,Ann Lee,candidate,en,Hamburg,E1,\n")


def upload(client, text: str | bytes, name="people.csv", **extra):
    data = text.encode() if isinstance(text, str) else text
    return client.post("/hr/people/sync", data={"file": (io.BytesIO(data), name), **extra},
                       content_type="multipart/form-data")


def hidden(page: str, name: str) -> str:
    return re.search(rf'name="{name}" type="hidden" value="([^"]*)"', page).group(1)


def apply(client, page: str):
    return client.post("/hr/people/sync/apply", data={name: hidden(page, name) for name in
                                                      ("token", "fingerprint", "deactivate_missing")})


def count_users():
    return db.session.scalar(sa.select(sa.func.count(User.id)))


def test_preview_shows_each_change_then_apply_makes_them(app, auth, client, make):
    hr = make.user("hr")
    auth.login(hr)
    page = upload(client, HEADER + ROWS)
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "What the sync would change" in text
    assert "2 created, 0 updated, 0 deactivated, 0 reactivated, 0 unchanged." in text
    assert "line manager: – → Berta Boss (E1)" in text
    assert count_users() == 1  # the preview changed nothing
    done = apply(client, text)
    assert done.status_code == 302 and done.headers["Location"].endswith("/hr/people")
    assert count_users() == 3 and AuditEvent.query.filter_by(kind="people.sync").one().actor_id == hr.id
    again = apply(client, text)  # the stored upload is gone once applied
    assert again.status_code == 404


def test_apply_refuses_when_the_accounts_changed_since_the_preview(app, auth, client, make):
    auth.login(make.user("hr"))
    text = upload(client, HEADER + ROWS).get_data(as_text=True)
    make.user("manager", email="boss@example.com")  # now matched by e-mail: the plan differs
    refused = apply(client, text)
    assert refused.status_code == 409 and "changed since the preview" in refused.get_data(as_text=True)
    assert count_users() == 2


def test_problems_are_listed_by_row_and_column(app, auth, client, make):
    auth.login(make.user("hr"))
    page = upload(client, HEADER + ROWS + "E3,,X,,,,E9,\n")
    text = page.get_data(as_text=True)
    assert page.status_code == 422 and "Nothing was changed: 2 problems to fix first." in text
    assert "the e-mail address is missing" in text and "nobody has the employee id E9" in text


@pytest.mark.parametrize("name,data,expected", [
    ("people.csv", b"\x00\x00\x00", "this column is missing"),
    ("people.pdf", b"%PDF-1.4", "Upload a .csv or .xlsx file."),
    ("people.xlsx", b"PK\x03\x04 not really", "could not be read as an Excel workbook"),
    ("people.csv", ("employee_id,email,name\n" + "E1,a@example.com," + "x" * 5000 + "\n").encode(), "at most 200"),
    ("people.csv", ("employee_id,email,name\n" + "9" * 100 + ",a@example.com,A\n").encode(),
     "at most 64"),
])
def test_hostile_uploads_get_a_clear_answer(app, auth, client, make, name, data, expected):
    auth.login(make.user("hr"))
    page = upload(client, data, name=name)
    assert page.status_code in (400, 422) and expected in page.get_data(as_text=True)
    assert count_users() == 1


def test_an_xlsx_bomb_is_refused_unread(app, auth, client, make, openpyxl_untouched):
    auth.login(make.user("hr"))
    page = upload(client, bomb(5), name="people.xlsx")
    assert page.status_code == 422 and "unpacks to" in page.get_data(as_text=True)


def test_a_forged_token_finds_nothing(app, auth, client, make):
    auth.login(make.user("hr"))
    forged = client.post("/hr/people/sync/apply", data={"token": "0" * 32, "fingerprint": "0" * 32})
    assert forged.status_code == 404
    bad = client.post("/hr/people/sync/apply", data={"token": "../../etc/passwd", "fingerprint": "x"})
    assert bad.status_code == 400


def test_another_hr_person_cannot_apply_my_upload(app, auth, client, make):
    auth.login(make.user("hr"))
    text = upload(client, HEADER + ROWS).get_data(as_text=True)
    auth.logout()
    auth.login(make.user("hr"))
    assert apply(client, text).status_code == 404 and count_users() == 2


def test_only_hr_reaches_the_sync(app, auth, client, make):
    for role in ("manager", "candidate"):
        auth.login(make.user(role))
        assert client.get("/hr/people/sync").status_code == 403
        assert upload(client, HEADER + ROWS).status_code == 403
        auth.logout()
    assert client.get("/hr/people/sync").status_code == 302


def test_the_sync_needs_the_csrf_token(database_url, make):
    app = create_app(app_config(database_url, WTF_CSRF_ENABLED=True))
    with app.app_context():
        hr = make.user("hr")
        client = app.test_client()
        token_of = lambda page: page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]  # noqa: E731
        client.post("/login", data={"email": hr.email, "password": make.PASSWORD,
                                    "csrf_token": token_of(client.get("/login").get_data(as_text=True))})
        refused = upload(client, HEADER + ROWS)
        assert refused.status_code == 400 and "What the sync would change" not in refused.get_data(as_text=True)
        token = token_of(client.get("/hr/people/sync").get_data(as_text=True))
        page = upload(client, HEADER + ROWS, csrf_token=token).get_data(as_text=True)
        assert "What the sync would change" in page
        assert client.post("/hr/people/sync/apply", data={n: hidden(page, n) for n in ("token", "fingerprint")}) \
            .status_code == 400
        assert count_users() == 1


def test_people_list_filters_deactivated(app, auth, client, make):
    hr = make.user("hr")
    gone = make.user("candidate", name="Gone Person")
    make.user("candidate", name="Still Here")
    deactivate_user(gone, actor=hr)
    db.session.commit()
    auth.login(hr)
    page = client.get("/hr/people?status=deactivated").get_data(as_text=True)
    assert "Gone Person" in page and "Still Here" not in page and "Deactivated" in page
    page = client.get("/hr/people?status=active").get_data(as_text=True)
    assert "Gone Person" not in page and "Still Here" in page
    assert client.get("/hr/people?status=%00").status_code in (200, 400)


def test_person_page_deactivates_and_reactivates_with_audit(app, auth, client, make):
    hr = make.user("hr")
    person = make.user("manager")
    auth.login(hr)
    done = client.post(f"/hr/people/{person.id}/deactivate", data={"reason": "left the company"})
    assert done.status_code == 302
    db.session.expire_all()
    assert not db.session.get(User, person.id).is_active
    page = client.get(f"/hr/people/{person.id}").get_data(as_text=True)
    assert "Deactivated on" in page and "Reactivate" in page
    assert client.post(f"/hr/people/{person.id}/reactivate").status_code == 302
    db.session.expire_all()
    assert db.session.get(User, person.id).is_active
    assert [e.kind for e in AuditEvent.query.filter(AuditEvent.subject_id == person.id,
                                                    AuditEvent.kind.like("user.%activate"))] == \
        ["user.deactivate", "user.reactivate"]
    own = client.post(f"/hr/people/{hr.id}/deactivate", data={})
    assert own.status_code == 400 and "cannot deactivate your own account" in own.get_data(as_text=True)


def test_person_page_sets_and_shows_the_reporting_line(app, auth, client, make):
    hr = make.user("hr")
    boss, person = make.user("manager", name="Berta Boss"), make.user("candidate", name="Ann Lee")
    auth.login(hr)
    done = client.post(f"/hr/people/{person.id}/reporting-line",
                       data={"unit": "Hamburg", "employee_id": "E2", "manager": boss.email})
    assert done.status_code == 302
    assert "Ann Lee" in client.get(f"/hr/people/{boss.id}").get_data(as_text=True)  # a direct report
    page = client.get(f"/hr/people/{person.id}").get_data(as_text=True)
    assert "Berta Boss" in page and "Hamburg" in page
    circle = client.post(f"/hr/people/{boss.id}/reporting-line", data={"manager": "E2"})
    assert circle.status_code == 400 and "go round in a circle" in circle.get_data(as_text=True)
    taken = client.post(f"/hr/people/{boss.id}/reporting-line", data={"employee_id": "E2"})
    assert "belongs to Ann Lee" in taken.get_data(as_text=True)
    hostile = client.post(f"/hr/people/{boss.id}/reporting-line", data={"unit": "a\x00b", "manager": "x" * 5000})
    assert hostile.status_code == 400


def test_line_manager_is_assigned_as_rater_in_one_step(app, auth, client, make):
    hr = make.user("hr")
    cycle = make.cycle(state="draft")
    assessment = make.assessment(cycle=cycle)
    boss = make.user("manager", name="Berta Boss")
    assessment.candidate.manager = boss
    db.session.commit()
    auth.login(hr)
    page = client.get(f"/hr/assessments/{assessment.id}").get_data(as_text=True)
    assert "Add line manager Berta Boss as manager rater" in page
    done = client.post(f"/hr/assessments/{assessment.id}/line-manager")
    assert done.status_code == 302
    assert db.session.scalar(sa.select(RaterAssignment).where(RaterAssignment.rater_id == boss.id)).rater_group \
        == "manager"
    page = client.get(f"/hr/assessments/{assessment.id}").get_data(as_text=True)
    assert "Add line manager" not in page and "already rates" in page
    assert client.post(f"/hr/assessments/{assessment.id}/line-manager").status_code == 400


def test_an_open_cycle_needs_a_reason_and_direct_reports_come_in_one_step(app, auth, client, make):
    hr = make.user("hr")
    assessment = make.assessment()  # an open cycle
    candidate = assessment.candidate
    reports = [make.user("candidate", name=f"Report {n}") for n in range(3)]
    gone = make.user("candidate", name="Report Gone")
    for person in (*reports, gone):
        person.manager = candidate
    deactivate_user(gone, actor=hr)
    db.session.commit()
    auth.login(hr)
    assert "Add 3 direct reports as raters" in client.get(f"/hr/assessments/{assessment.id}").get_data(as_text=True)
    refused = client.post(f"/hr/assessments/{assessment.id}/direct-reports")
    assert refused.status_code == 400 and "give the reason" in refused.get_data(as_text=True)
    done = client.post(f"/hr/assessments/{assessment.id}/direct-reports",
                       data={"line-reason": "Their team can see how they lead."})
    assert done.status_code == 302
    groups = {a.rater.name: a.rater_group for a in db.session.scalars(
        sa.select(RaterAssignment).where(RaterAssignment.assessment_id == assessment.id))}
    assert {name for name, group in groups.items() if group == "direct_report"} == {"Report 0", "Report 1",
                                                                                   "Report 2"}


def test_pages_speak_german(app, auth, client, make):
    hr = make.user("hr")
    hr.language = "de"
    db.session.commit()
    auth.login(hr)
    page = client.get("/hr/people/sync").get_data(as_text=True)
    assert "Personalnummer" in page and "Datei prüfen" in page


def test_a_new_account_gets_its_unit_employee_id_and_line_manager(app, auth, client, make):
    hr = make.user("hr")
    boss = make.user("manager", name="Berta Boss")
    boss.employee_id = "E1"
    db.session.commit()
    auth.login(hr)
    form = {"name": "New Person", "email": "new@example.com", "role": "candidate", "language": "en",
            "unit": "Köln", "employee_id": "E7", "manager": "E1"}
    assert client.post("/hr/people/new", data=form).status_code == 302
    person = db.session.scalar(sa.select(User).where(User.email == "new@example.com"))
    assert (person.unit, person.employee_id, person.manager) == ("Köln", "E7", boss)
    taken = client.post("/hr/people/new", data={**form, "email": "other@example.com", "employee_id": "E1"})
    assert taken.status_code == 400 and "belongs to Berta Boss" in taken.get_data(as_text=True)
    assert db.session.scalar(sa.select(User).where(User.email == "other@example.com")) is None
