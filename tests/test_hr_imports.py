"""The candidate import service: reading CSV/XLSX, checking every row, all or nothing, one audit event."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from openpyxl import Workbook, load_workbook

from assessment.extensions import db
from assessment.models import Assessment, AuditEvent, RaterAssignment, User
from assessment.services import NotAllowed
from assessment.services.imports import (COLUMNS, CandidateRow, ImportRejected, add_candidate, import_candidates,
                                         read_rows, split_emails, template_csv, template_xlsx)

HEADER = ",".join(COLUMNS)


def csv_bytes(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8")


def xlsx_bytes(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def counts() -> tuple[int, int, int, int]:
    return tuple(db.session.scalar(sa.select(sa.func.count()).select_from(model))
                 for model in (User, Assessment, RaterAssignment, AuditEvent))


@pytest.fixture
def people(make):
    return {"m1": make.user("manager", email="m1@example.com"), "m2": make.user("manager", email="m2@example.com"),
            "peer": make.user("candidate", email="peer@example.com"), "hr": make.user("hr", email="hr@example.com")}


def test_split_emails_accepts_semicolons_commas_and_spaces():
    """Several addresses in one cell may be separated by ';', ',' or spaces."""
    assert split_emails(" a@x.com; b@x.com,c@x.com  d@x.com ;") == ("a@x.com", "b@x.com", "c@x.com", "d@x.com")
    assert split_emails("") == ()


def test_read_rows_csv_in_any_column_order_with_semicolon_delimiter():
    """Header names are matched whatever their order and case; a ';'-separated file is read too."""
    data = "EMAIL;Name;current role;target_role;manager_emails\r\nx@example.com;Xavier;operations_manager;" \
           "Head of Operations;m1@example.com\r\n;;;;\r\n".encode("utf-8-sig")
    rows = read_rows("c.csv", data)
    assert rows == [CandidateRow(2, "Xavier", "x@example.com", "operations_manager", "Head of Operations",
                                 ("m1@example.com",), ())]


def test_read_rows_reports_missing_and_unknown_columns():
    """A header without a required column, or with an unknown one, is refused naming each column."""
    with pytest.raises(ImportRejected) as info:
        read_rows("c.csv", csv_bytes("name,email,current_role,manager_email", "A,a@example.com,coo,m@x.com"))
    found = {(p.row, p.column) for p in info.value.problems}
    assert found == {(1, "manager_email"), (1, "target_role"), (1, "manager_emails")}


def test_read_rows_refuses_other_file_types_and_non_utf8_csv():
    """Only .csv and .xlsx are read; a CSV in another encoding gets advice instead of mojibake."""
    with pytest.raises(ImportRejected, match="Nothing was imported") as info:
        read_rows("c.txt", b"whatever")
    assert "csv or .xlsx" in info.value.problems[0].message
    with pytest.raises(ImportRejected) as info:
        read_rows("c.csv", (HEADER + "\nJosé,j@example.com,a,b,c\n").encode("latin-1"))
    assert "UTF-8" in info.value.problems[0].message
    with pytest.raises(ImportRejected) as info:
        read_rows("c.xlsx", b"not a zip file")
    assert "Excel" in info.value.problems[0].message
    with pytest.raises(ImportRejected) as info:
        read_rows("c.csv", csv_bytes(HEADER))
    assert "no candidates" in info.value.problems[0].message


def test_import_csv_with_bad_rows_reports_every_problem_and_writes_nothing(app, make, people):
    """Unknown role, wrong step, bad e-mail, duplicates, missing/unknown manager and self-rating: all reported."""
    cycle = make.cycle(state="draft")
    make.assessment(cycle=cycle, candidate=make.user("candidate", email="already@example.com"))
    before = counts()
    data = csv_bytes(
        HEADER,
        "Ann Good,ann@example.com,Operations Manager,Head of Operations,m1@example.com,peer@example.com",
        "Bob Role,bob@example.com,Operations Lead,Head of Operations,m1@example.com,",
        "Cy Step,cy@example.com,operations_manager,coo,m1@example.com,",
        "Di Mail,not-an-email,operations_manager,head_of_operations,m1@example.com,",
        "Ann Again,ANN@example.com,operations_manager,head_of_operations,m1@example.com,",
        "Ed Nomgr,ed@example.com,operations_manager,head_of_operations,,",
        "Fay Unknown,fay@example.com,operations_manager,head_of_operations,ghost@example.com,",
        "Gus Self,gus@example.com,operations_manager,head_of_operations,m1@example.com,gus@example.com",
        "Already,already@example.com,operations_manager,head_of_operations,m1@example.com,",
        "Hal Peer,hal@example.com,operations_manager,head_of_operations,peer@example.com,",
        "Ida Top,ida@example.com,coo,coo,m2@example.com,",
        "Jo Twice,jo@example.com,operations_manager,head_of_operations,m1@example.com,m1@example.com",
    )
    with pytest.raises(ImportRejected) as info:
        import_candidates(cycle, "people.csv", data, framework=make.framework, actor=people["hr"])
    db.session.rollback()
    problems = {(p.row, p.column) for p in info.value.problems}
    assert problems == {(3, "current_role"), (4, "target_role"), (5, "email"), (6, "email"), (7, "manager_emails"),
                        (8, "manager_emails"), (9, "peer_emails"), (10, "email"), (11, "manager_emails"),
                        (12, "current_role"), (13, "peer_emails")}
    messages = {(p.row, p.column): p.message for p in info.value.problems}
    assert "unknown role “Operations Lead”" in messages[(3, "current_role")]
    assert "Head of Operations" in messages[(4, "target_role")]
    assert "already in this file (row 2)" in messages[(6, "email")]
    assert "at least one manager" in messages[(7, "manager_emails")]
    assert "no account for ghost@example.com" in messages[(8, "manager_emails")]
    assert "is the candidate" in messages[(9, "peer_emails")]
    assert "already a candidate in this cycle" in messages[(10, "email")]
    assert "not a manager" in messages[(11, "manager_emails")]
    assert "top of the ladder" in messages[(12, "current_role")]
    assert "more than once" in messages[(13, "peer_emails")]
    assert str(info.value.problems[0]).startswith("Row 3, column current_role: ")
    assert counts() == before


def test_import_xlsx_with_a_bad_row_writes_nothing(app, make, people):
    """The same all-or-nothing rule holds for an Excel file; rows are the sheet's own row numbers."""
    cycle = make.cycle(state="open")
    before = counts()
    data = xlsx_bytes([COLUMNS,
                       ("Ann", "ann@example.com", "operations_manager", "head_of_operations", "m1@example.com", None),
                       (None, None, None, None, None, None),
                       ("Bob", "bob@example.com", "head_of_operations", "head_of_operations", "m1@example.com", None)])
    with pytest.raises(ImportRejected) as info:
        import_candidates(cycle, "people.xlsx", data, framework=make.framework, actor=people["hr"])
    db.session.rollback()
    assert [(p.row, p.column) for p in info.value.problems] == [(4, "target_role")]
    assert counts() == before


def test_import_xlsx_adds_everyone_with_raters_as_one_audit_event(app, make, people):
    """A good file creates accounts, assessments with self sheets and raters; peers may be fellow candidates."""
    cycle = make.cycle(state="draft")
    existing = make.user("candidate", email="kim@example.com", name="Kim Existing")
    data = xlsx_bytes([COLUMNS,
                       ("Ann Nowak", "Ann@Example.com", "Operations Manager", "Head of Operations",
                        "m1@example.com; m2@example.com", "kim@example.com"),
                       ("Kim", "kim@example.com", "head_of_operations", "COO", "m2@example.com", "ann@example.com")])
    events_before = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    made = import_candidates(cycle, "people.xlsx", data, framework=make.framework, actor=people["hr"])
    db.session.commit()
    assert [a.candidate.email for a in made] == ["ann@example.com", "kim@example.com"]
    ann, kim = made
    assert ann.candidate.password_hash is None and ann.candidate.role == "candidate"
    assert kim.candidate.id == existing.id and kim.candidate.name == "Kim Existing"
    assert kim.target_role == "coo"
    assert sorted((a.rater.email, a.rater_group) for a in ann.assignments) == [
        ("ann@example.com", "self"), ("kim@example.com", "peer"), ("m1@example.com", "manager"),
        ("m2@example.com", "manager")]
    assert sorted((a.rater.email, a.rater_group) for a in kim.assignments) == [
        ("ann@example.com", "peer"), ("kim@example.com", "self"), ("m2@example.com", "manager")]
    events = db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id)).all()[events_before:]
    assert [e.kind for e in events] == ["cycle.import"]
    assert events[0].actor_id == people["hr"].id and events[0].cycle_id == cycle.id
    assert events[0].after["new_accounts"] == ["ann@example.com"]
    assert events[0].after["candidates"][0]["raters"] == {"m1@example.com": "manager", "m2@example.com": "manager",
                                                         "kim@example.com": "peer"}


def test_import_refused_in_a_closed_cycle(app, make, people):
    """Candidates cannot join a closed cycle."""
    cycle = make.cycle(state="closed")
    with pytest.raises(NotAllowed):
        import_candidates(cycle, "c.csv", csv_bytes(HEADER), framework=make.framework, actor=people["hr"])


def test_add_candidate_audits_each_step_and_maps_problems_to_fields(app, make, people):
    """Adding one candidate uses the same checks, naming form fields, and audits the account, assessment and raters."""
    cycle = make.cycle(state="open")
    bad = CandidateRow(None, "", "zed@example.com", "operations_manager", "coo", (), ("zed@example.com",))
    with pytest.raises(ImportRejected) as info:
        add_candidate(cycle, bad, framework=make.framework, actor=people["hr"])
    db.session.rollback()
    assert {p.column for p in info.value.problems} == {"name", "target_role", "manager_emails", "peer_emails"}
    assert all(p.row is None for p in info.value.problems)
    good = CandidateRow(None, "Zed", "zed@example.com", "operations_manager", "head_of_operations",
                        ("m1@example.com",), ("peer@example.com",))
    assessment = add_candidate(cycle, good, framework=make.framework, actor=people["hr"])
    db.session.commit()
    kinds = db.session.scalars(sa.select(AuditEvent.kind).where(AuditEvent.actor_id == people["hr"].id)
                               .order_by(AuditEvent.id)).all()
    assert kinds == ["user.create", "assessment.create", "assignment.create", "assignment.create"]
    assert len(assessment.assignments) == 3


def test_templates_are_importable_as_they_are(app, make):
    """The downloadable CSV and XLSX templates hold the documented columns and read back as two candidates."""
    assert template_csv().startswith(b"\xef\xbb\xbf" + HEADER.encode())
    for name, data in (("t.csv", template_csv()), ("t.xlsx", template_xlsx())):
        rows = read_rows(name, data)
        assert [r.email for r in rows] == ["aoife.obrien@example.com", "soren.ostergaard@example.com"]
        assert rows[1].manager_emails == ("rafael.ortega@example.com", "katrin.schaefer@example.com")
    workbook = load_workbook(io.BytesIO(template_xlsx()))
    assert [c.value for c in workbook["Columns"]["A"]][1:] == list(COLUMNS)
