"""Performance ratings imported per person (issue 20, the grid's second axis): CSV and XLSX, English and German
headers, e-mail or employee id, a preview before anything is saved, every problem by row and column, all or
nothing, audited; history kept, the latest by date counts."""

from __future__ import annotations

import io
import re

import pytest
import sqlalchemy as sa

from assessment.extensions import db
from assessment.hr.labels import AUDIT_KINDS
from assessment.models import AuditEvent, PerformanceRating
from assessment.services import performance
from assessment.services.import_files import XLSX_MAX_TOTAL_BYTES, ImportRejected
from tests.test_hr_imports import xlsx_bytes
from tests.test_xlsx_bombs import bomb, openpyxl_untouched  # noqa: F401 (a fixture)

HEADER = "email,employee_id,rating,scale,source,date"


def csv_bytes(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8")


@pytest.fixture
def people(make):
    ada = make.user("candidate", "Ada Lovelace", "ada@example.com")
    bob = make.user("candidate", "Bob Brown", "bob@example.com")
    bob.employee_id = "E-1002"
    db.session.commit()
    return {"ada": ada, "bob": bob, "hr": make.user("hr", "Hanna HR", "hanna@example.com")}


def _count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(PerformanceRating))


def test_import_saves_all_and_is_audited(people):
    """E-mail or employee id, 1-3 and 1-5 scales, ISO and German dates; one audit event with a label."""
    data = csv_bytes(HEADER, "ada@example.com,,4,5,SAP SuccessFactors 2026 review,2026-03-31",
                     ",E-1002,2,3,SAP SuccessFactors 2026 review,31.03.2026")
    made = performance.import_ratings("ratings.csv", data, actor=people["hr"])
    db.session.commit()
    assert [(r.user_id, r.rating, r.scale, r.level) for r in made] == [
        (people["ada"].id, 4, 5, 3), (people["bob"].id, 2, 3, 2)]
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.kind == "performance.import")).one()
    assert event.after["ratings"] == ["ada@example.com: 4/5, 2026-03-31, SAP SuccessFactors 2026 review",
                                     "bob@example.com: 2/3, 2026-03-31, SAP SuccessFactors 2026 review"]
    assert "performance.import" in AUDIT_KINDS


def test_history_is_kept_and_the_latest_counts(people):
    performance.import_ratings("a.csv", csv_bytes(HEADER, "ada@example.com,,5,5,Review 2026,2026-03-31"),
                               actor=people["hr"])
    performance.import_ratings("b.csv", csv_bytes(HEADER, "ada@example.com,,2,5,Review 2025,2025-03-31"),
                               actor=people["hr"])
    db.session.commit()
    assert _count() == 2
    assert performance.latest_ratings([people["ada"].id])[people["ada"].id].source == "Review 2026"
    preview = performance.check_file("c.csv", csv_bytes(HEADER, "ada@example.com,,3,5,Review 2027,2026-06-30"))
    assert preview[0].previous.startswith("5 of 5 (Review 2026")


def test_german_headers_and_xlsx(people):
    data = xlsx_bytes([["E-Mail", "Personalnummer", "Bewertung", "Skala", "Quelle", "Datum"],
                       ["ada@example.com", None, 3, 3, "Jahresgespräch 2026", "2026-02-01"]])
    rows = performance.check_file("bewertungen.xlsx", data)
    assert [(r.email, r.rating, r.scale, r.level) for r in rows] == [("ada@example.com", 3, 3, 3)]


@pytest.mark.parametrize("line, column, words", [
    ("ada@example.com,,7,5,Review,2026-03-31", "rating", "from 1 to 5"),
    ("ada@example.com,,4,3,Review,2026-03-31", "rating", "from 1 to 3"),
    ("ada@example.com,,99999999999999999999999,5,Review,2026-03-31", "rating", "not a rating"),
    ("ada@example.com,,3,4,Review,2026-03-31", "scale", "not a scale"),
    ("ada@example.com,,3,5,Review,2026-02-30", "date", "not a date"),
    ("ada@example.com,,3,5,Review,2999-01-01", "date", "in the future"),
    ("ada@example.com,,3,5,,2026-03-31", "source", "where the rating comes from"),
    ("ada@example.com,,3,5,Rev\x00iew,2026-03-31", "source", "NUL"),
    ("ada@example.com,,3,5," + "x" * 201 + ",2026-03-31", "source", "at most 200"),
    ("nobody@example.com,,3,5,Review,2026-03-31", "email", "no account"),
    ("ada@example.com,E-1002,3,5,Review,2026-03-31", "employee_id", "belongs to bob@example.com"),
    (",,3,5,Review,2026-03-31", "email", "e-mail address or employee id"),
])
def test_bad_rows_are_refused_by_row_and_column(people, line, column, words):
    """Every problem names its row and column; nothing is saved."""
    with pytest.raises(ImportRejected) as info:
        performance.import_ratings("r.csv", csv_bytes(HEADER, "bob@example.com,,3,5,Review,2026-03-31", line),
                                   actor=people["hr"])
    db.session.rollback()
    assert [(p.row, p.column) for p in info.value.problems] == [(3, column)]
    assert words in info.value.problems[0].message
    assert _count() == 0


def test_a_person_twice_and_a_bad_header(people):
    with pytest.raises(ImportRejected) as info:
        performance.check_file("r.csv", csv_bytes(HEADER, "ada@example.com,,3,5,R,2026-03-31",
                                                  "ADA@example.com,,4,5,R,2026-03-31"))
    assert [(p.row, p.column) for p in info.value.problems] == [(3, "email")]
    with pytest.raises(ImportRejected) as info:
        performance.check_file("r.csv", csv_bytes("name,rating,scale,source,date", "Ada,3,5,R,2026-03-31"))
    assert {p.column for p in info.value.problems} == {"name", "email"}


def test_an_xlsx_bomb_is_refused_unread(people, openpyxl_untouched):  # noqa: F811
    with pytest.raises(ImportRejected) as info:
        performance.check_file("bomb.xlsx", bomb(XLSX_MAX_TOTAL_BYTES // 2**20 + 10))
    assert "unpacks to" in info.value.problems[0].message


def _upload(client, data: bytes, name: str = "ratings.csv"):
    return client.post("/hr/performance-ratings", data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def test_the_page_previews_then_saves(people, client, auth):
    """The upload shows a preview and saves nothing; the save checks again, saves, and says so."""
    auth.login(people["hr"])
    page = _upload(client, csv_bytes(HEADER, "ada@example.com,,4,5,SAP SuccessFactors 2026 review,2026-03-31"))
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Preview: nothing is saved yet" in html and "Ada Lovelace" in html
    assert _count() == 0
    rows = re.search(r'name="rows" type="hidden" value="([^"]*)"', html) or re.search(
        r'id="rows" name="rows" type="hidden" value="([^"]*)"', html)
    import html as html_lib
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    data = {"rows": html_lib.unescape(rows.group(1)), "filename": "ratings.csv"}
    if token:
        data["csrf_token"] = token.group(1)
    saved = client.post("/hr/performance-ratings/save", data=data)
    assert saved.status_code == 302 and _count() == 1


def test_the_page_lists_problems(people, client, auth):
    auth.login(people["hr"])
    page = _upload(client, csv_bytes(HEADER, "ada@example.com,,7,5,Review,2026-03-31"))
    html = page.get_data(as_text=True)
    assert page.status_code == 400 and "Problems in the file" in html and "from 1 to 5" in html
    assert _count() == 0
    import base64
    for rows in (base64.b64encode((HEADER + "\nada@example.com,,9,5,R,2026-01-01").encode()).decode(), "%%not base64",
                 "\x00", "A" * 3_000_000):
        tampered = client.post("/hr/performance-ratings/save", data={"rows": rows, "filename": "x.csv"})
        assert tampered.status_code == 400 and _count() == 0


def test_a_row_naming_an_hr_person_or_a_deactivated_account_is_refused_by_row_and_column(people, make):
    """Ratings are kept for candidates: a row naming an HR colleague or someone whose account is deactivated is a
    problem of that row's e-mail (or employee id) column, and nothing is stored."""
    colleague = make.user("hr", "Holger HR", "holger@example.com")
    colleague.employee_id = "E-9001"
    gone = make.user("candidate", "Gina Gone", "gina@example.com")
    gone.is_active = False
    db.session.commit()
    data = csv_bytes(HEADER, "ada@example.com,,4,5,Review,2026-03-31", "holger@example.com,,3,5,Review,2026-03-31",
                     ",E-9001,3,5,Review,2026-03-31", "gina@example.com,,2,5,Review,2026-03-31")
    with pytest.raises(ImportRejected) as refused:
        performance.import_ratings("r.csv", data, actor=people["hr"])
    db.session.rollback()
    problems = [(p.row, p.column) for p in refused.value.problems]
    assert problems == [(3, "email"), (4, "employee_id"), (5, "email")]
    assert "HR account" in refused.value.problems[0].message and "deactivated" in refused.value.problems[2].message
    assert _count() == 0
