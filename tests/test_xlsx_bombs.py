"""XLSX decompression bombs (issue 15, finding 4), on SQLite and PostgreSQL: a workbook that would unpack far
beyond any real import (a 3.1 MB file took a worker to 5.5 GB) is refused with a message naming the rule,
from the archive's directory alone: openpyxl never opens it. Real large imports still read (the 100,000-row
test in tests/test_hostile_imports.py, the templates in tests/test_hr_imports.py)."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest

from assessment.extensions import db
from assessment.services.import_files import (XLSX_MAX_ENTRIES, XLSX_MAX_RATIO, XLSX_MAX_TOTAL_BYTES,
                                              ImportRejected, read_rows)
from assessment.services.imports import COLUMNS
from tests.test_hostile_imports import _upload, hr_client  # noqa: F401 (a fixture)
from tests.test_hostile_input import table_counts
from tests.test_hr_imports import xlsx_bytes

SHEET = "xl/worksheets/sheet1.xml"
ROW = ["Dana", "dana@example.com", "Operations Manager", "Head of Operations", "boss@example.com", ""]


def bomb(padding_mb: int, *, extra_entries: int = 0) -> bytes:
    """A valid workbook (header and one candidate) whose sheet XML carries ``padding_mb`` MB of blank space
    between its rows: huge unpacked, tiny packed. Written in chunks, so the test itself stays small."""
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes([list(COLUMNS), ROW])))
    head, _, tail = source.read(SHEET).partition(b"</row>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename != SHEET:
                target.writestr(item.filename, source.read(item.filename))
                continue
            with target.open(SHEET, "w", force_zip64=True) as sheet:
                sheet.write(head + b"</row>")
                chunk = b" " * 2**20
                for _ in range(padding_mb):
                    sheet.write(chunk)
                sheet.write(tail)
        for n in range(extra_entries):
            target.writestr(f"xl/media/extra{n}.bin", b"x")
    return out.getvalue()


@pytest.fixture
def openpyxl_untouched(monkeypatch):
    """Fail the test if openpyxl is asked to open the file: the refusal must come before any parsing."""
    def refuse(*args, **kwargs):
        raise AssertionError("openpyxl opened a file that should have been refused unread")
    monkeypatch.setattr(openpyxl, "load_workbook", refuse)


def test_a_workbook_that_unpacks_too_far_is_refused_unread(openpyxl_untouched):
    data = bomb(XLSX_MAX_TOTAL_BYTES // 2**20 + 10)
    assert len(data) < 200_000
    with pytest.raises(ImportRejected) as info:
        read_rows("bomb.xlsx", data)
    message = str(info.value.problems[0])
    assert "The workbook unpacks to 60.0 MB, more than the 50.0 MB allowed" in message


def test_a_workbook_compressed_like_a_bomb_is_refused_unread(openpyxl_untouched):
    data = bomb(5)  # under the size limits, but a thousand times smaller packed
    with pytest.raises(ImportRejected) as info:
        read_rows("bomb.xlsx", data)
    message = str(info.value.problems[0])
    assert f"The part {SHEET} of the workbook unpacks to" in message
    assert f"a spreadsheet unpacks to at most {XLSX_MAX_RATIO} times" in message


def test_a_workbook_of_too_many_parts_is_refused_unread(openpyxl_untouched):
    with pytest.raises(ImportRejected) as info:
        read_rows("parts.xlsx", bomb(0, extra_entries=XLSX_MAX_ENTRIES))
    assert f"may hold at most {XLSX_MAX_ENTRIES}" in str(info.value.problems[0])


def test_the_import_page_refuses_a_bomb_with_the_rule_and_imports_nothing(hr_client):
    client, cycle, _ = hr_client
    before = table_counts()
    response = _upload(client, cycle, "bomb.xlsx", bomb(60))
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "unpacks to 60.0 MB, more than the 50.0 MB allowed" in body
    db.session.rollback()
    assert table_counts() == before


def test_an_ordinary_workbook_still_imports(hr_client):
    client, cycle, _ = hr_client
    assert read_rows("ok.xlsx", bomb(0))[0].name == "Dana"
    assert _upload(client, cycle, "ok.xlsx", xlsx_bytes([list(COLUMNS), ROW])).status_code == 302


@pytest.mark.parametrize("sheet_part", [SHEET, "xl/s1.xml"])
def test_a_row_of_too_many_cells_is_refused_unread(openpyxl_untouched, sheet_part):
    """A row of 20,000 cells (under every size limit, and not compressed like a bomb: random text) would be
    built whole in memory by openpyxl; the scan of the unpacked XML refuses it first, also when the sheet lies
    outside xl/worksheets/ (openpyxl follows the workbook's relations to wherever they point)."""
    import random

    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes([list(COLUMNS), ROW])))
    head, _, tail = source.read(SHEET).partition(b"</row>")
    rng = random.Random(15)
    cells = "".join(f'<c r="A2" t="inlineStr"><is><t>{rng.getrandbits(64):x}</t></is></c>' for _ in range(20_000))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == SHEET:
                data = head + b'</row><row r="2">' + cells.encode() + b"</row>" + tail.split(b"</row>", 1)[-1]
            moved = sheet_part.removeprefix("xl/").encode()
            data = data.replace(b"worksheets/sheet1.xml", moved)  # the relations and content types follow
            target.writestr(sheet_part if item.filename == SHEET else item.filename, data)
    with pytest.raises(ImportRejected) as info:
        read_rows("wide.xlsx", out.getvalue())
    assert "Row 2 of the workbook holds more than 1,000 cells" in str(info.value.problems[0])
