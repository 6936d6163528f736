"""Hostile and careless import files and over-size requests, on SQLite and PostgreSQL: a 4xx page that says
what is wrong and where, nothing imported, never a 500; every line-ending convention is read."""

from __future__ import annotations

import io
import zipfile

import pytest
import sqlalchemy as sa

from assessment.extensions import db
from assessment.models import User
from assessment.services import import_files
from assessment.services.import_files import MAX_ROWS, read_rows
from assessment.services.imports import COLUMNS
from tests.test_hostile_input import table_counts
from tests.test_hr_imports import xlsx_bytes

HEADER = ",".join(COLUMNS)


@pytest.fixture
def hr_client(client, auth, make):
    """A signed-in HR client, an open cycle and a manager account; (client, cycle, manager)."""
    auth.login(make.user("hr"))
    return client, make.cycle(), make.user("manager", email="boss@example.com")


def _upload(client, cycle, name: str, data: bytes):
    return client.post(f"/hr/cycles/{cycle.id}/import", data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def _row(name="Dana", email="dana@example.com"):
    return f"{name},{email},Operations Manager,Head of Operations,boss@example.com,"


def _xlsx_with_raw_cell(text_xml: str) -> bytes:
    """A workbook whose first cell of row 2 is ``text_xml`` written into the XML as is (openpyxl refuses to
    write control characters, so a hostile file is made by hand)."""
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes([list(COLUMNS), ["PLACEHOLDER", "x@example.com",
                                                                   "Operations Manager", "COO", "", ""]])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/"):
                data = data.replace(b"PLACEHOLDER", text_xml.encode())
            target.writestr(item, data)
    return out.getvalue()


HOSTILE_FILES = [
    ("nul-in-name.csv", (HEADER + "\n" + _row("Da\x00na") + "\n").encode(), "NUL byte"),
    ("bell-in-email.csv", (HEADER + "\n" + _row(email="da\x07na@example.com") + "\n").encode(), "U+0007"),
    ("long-name.csv", f"{HEADER}\n{_row('N' * 300)}\n".encode(), "at most 200"),
    ("huge-cell.csv", f"{HEADER}\n{_row('N' * 131_073)}\n".encode(), "a cell is too long"),
    ("latin1.csv", f"{HEADER}\n{_row('Søren')}\n".encode("latin-1"), "not UTF-8"),
    ("binary.csv", bytes(range(256)) * 4, "not UTF-8"),
    ("empty.csv", b"\xef\xbb\xbf", "empty"),
    ("header-only.csv", f"{HEADER}\n".encode(), "no candidates"),
    ("not-a-workbook.xlsx", b"PK\x03\x04 garbage", "could not be read"),
    ("zip-not-workbook.xlsx", b"PK\x05\x06" + b"\0" * 18, "could not be read"),
    ("control-char.xlsx", _xlsx_with_raw_cell("Da&#x7;na"), "could not be read"),
    ("nul-ref.xlsx", _xlsx_with_raw_cell("Da&#0;na"), "could not be read"),
    ("no-extension", b"name\n", "Upload a .csv or .xlsx file"),
]


@pytest.mark.parametrize("name, data, expected", HOSTILE_FILES, ids=[f[0] for f in HOSTILE_FILES])
def test_a_hostile_import_file_is_refused_with_a_message_and_imports_nothing(hr_client, name, data, expected):
    """Each malformed file: 400, the problem named (with its row where there is one), no row stored."""
    client, cycle, _ = hr_client
    before = table_counts()
    response = _upload(client, cycle, name, data)
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert expected in body, body[body.find("problem"):][:600]
    db.session.rollback()
    assert table_counts() == before


def test_a_huge_cell_is_reported_as_a_row_problem():
    """A cell over the csv module's limit is a problem of its row, with the row number; other rows read on."""
    data = f"{HEADER}\n{_row()}\n{_row('N' * 140_000, 'n@example.com')}\n{_row('Eve', 'eve@example.com')}\n"
    with pytest.raises(import_files.ImportRejected) as info:
        read_rows("c.csv", data.encode())
    assert [(p.row, "too long" in p.message) for p in info.value.problems] == [(3, True)]


@pytest.mark.parametrize("newline", ["\r\n", "\n", "\r"], ids=["crlf", "lf", "cr-only"])
def test_every_line_ending_convention_is_imported(hr_client, newline):
    """Windows, Unix and old Macintosh ("CSV (Macintosh)", CR only) files import alike."""
    client, cycle, _ = hr_client
    text = newline.join([HEADER, _row("Dana Levi"), _row('"Ana, Ruiz"', "ana@example.com"), ""])
    response = _upload(client, cycle, "c.csv", text.encode("utf-8-sig"))
    assert response.status_code == 302
    names = set(db.session.scalars(sa.select(User.name).where(User.role == "candidate")))
    assert names == {"Dana Levi", "Ana, Ruiz"}


def test_right_to_left_and_emoji_names_import_as_typed(hr_client):
    """Hebrew, Arabic and emoji names from a file are stored exactly."""
    client, cycle, _ = hr_client
    rows = [list(COLUMNS), ["דנה לוי", "dana@example.com", "Operations Manager", "Head of Operations",
                            "boss@example.com", ""],
            ["ليلى حداد 👍", "layla@example.com", "Operations Manager", "Head of Operations", "boss@example.com", ""]]
    assert _upload(client, cycle, "c.xlsx", xlsx_bytes(rows)).status_code == 302
    assert set(db.session.scalars(sa.select(User.name).where(User.role == "candidate"))) == {"דנה לוי",
                                                                                            "ليلى حداد 👍"}


def _many_rows_xlsx(count: int) -> bytes:
    """A small workbook with ``count`` one-cell rows, written directly (it compresses to almost nothing)."""
    rows = "".join(f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>x</t></is></c></row>' for n in range(2, count + 2))
    header = "".join(f'<c r="{"ABCDEFGHIJ"[k]}1" t="inlineStr"><is><t>{name}</t></is></c>' for k, name in enumerate(COLUMNS))
    sheet = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
             'spreadsheetml/2006/main"><dimension ref="A1:XFD1048576"/><sheetData>'
             f'<row r="1">{header}</row>{rows}</sheetData></worksheet>')
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes([["name"]])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = sheet.encode() if item.filename == "xl/worksheets/sheet1.xml" else source.read(item.filename)
            target.writestr(item.filename, data, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def test_xlsx_import_stops_reading_at_the_row_limit(monkeypatch):
    """A sheet of 100,000 rows (claiming 16,384 columns) is refused after reading just past the limit."""
    read = []
    original = import_files._Table.add
    monkeypatch.setattr(import_files._Table, "add", lambda self, row: (read.append(len(row)), original(self, row)))
    data = _many_rows_xlsx(100_000)
    assert len(data) < 1_000_000
    with pytest.raises(import_files.ImportRejected) as info:
        read_rows("big.xlsx", data)
    assert f"more than {MAX_ROWS:,} candidates" in info.value.message + str(info.value.problems[0])
    assert len(read) == MAX_ROWS + 2 and max(read) <= 32


def test_oversize_requests_get_the_413_page_for_signed_in_users_too(hr_client):
    """A 6 MB import or sheet POST from a signed-in user: 413 with the page, not a bare server error."""
    client, cycle, _ = hr_client
    big = f"{HEADER}\n".encode() + b"x" * (6 * 1024 * 1024)
    response = _upload(client, cycle, "big.csv", big)
    body = response.get_data(as_text=True)
    assert response.status_code == 413 and "larger than the 5 MB" in body and "Sign out" in body
    response = client.post("/hr/cycles/new", data={"name": "Big", "instructions": "y" * (6 * 1024 * 1024)})
    assert response.status_code == 413
