"""The candidate import file: its columns, reading a CSV or XLSX file into rows (bounded), and the templates.

The file has a header row with the columns in ``COLUMNS`` (any order, case and spaces ignored). Several
e-mail addresses in one cell are separated by ``;``. Row numbers in problems are the spreadsheet's own: the
header is row 1, the first candidate row 2.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from . import ServiceError

COLUMNS = ("name", "email", "current_role", "target_role", "manager_emails", "peer_emails")
REQUIRED_COLUMNS = COLUMNS[:-1]
COLUMN_HELP = {
    "name": "the candidate's full name",
    "email": "the candidate's e-mail address; a new address creates a candidate account (HR sets its password)",
    "current_role": "the role they hold now, by name or id (Operations Manager or operations_manager)",
    "target_role": "the next step up the ladder from the current role",
    "manager_emails": "one or more managers who rate the candidate, separated by ';' (existing manager accounts)",
    "peer_emails": "optional peers, separated by ';' (existing accounts, or candidates in the same file)",
}
MAX_ROWS = 5000
#: Rows read at most, blank ones included.
MAX_RAW_ROWS = 4 * MAX_ROWS
#: The longest cell a CSV file may hold (the csv module's own limit).
MAX_CELL = csv.field_size_limit()
#: The longest text each column may hold (the database's limits).
MAX_LENGTH = {"name": 200, "email": 320}
EXAMPLE_ROWS = [
    ("Aoife O'Brien", "aoife.obrien@example.com", "Operations Manager", "Head of Operations",
     "margaret.okafor@example.com", "lukasz.nowak@example.com"),
    ("Søren Østergaard", "soren.ostergaard@example.com", "Head of Operations", "COO",
     "rafael.ortega@example.com;priya.raghunathan@example.com", ""),
]
_SPLIT = re.compile(r"[;,\s]+")


@dataclass(frozen=True)
class CandidateRow:
    """One candidate as HR gave it; ``row`` is the spreadsheet row (None when typed into the form)."""

    row: int | None
    name: str
    email: str
    current_role: str
    target_role: str
    manager_emails: tuple[str, ...] = ()
    peer_emails: tuple[str, ...] = ()


@dataclass(frozen=True)
class Problem:
    """What is wrong, and where: a row number and a column name when there is one."""

    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = ", ".join(part for part in (f"Row {self.row}" if self.row else "",
                                            f"column {self.column}" if self.column else "") if part)
        return f"{where}: {self.message}" if where else self.message


class ImportRejected(ServiceError):
    """Nothing was imported; ``problems`` lists every one found."""

    def __init__(self, problems: list[Problem]):
        count = len(problems)
        super().__init__(f"Nothing was imported: {count} problem{'s' if count != 1 else ''} to fix first.")
        self.problems = problems


def split_emails(text: str | None) -> tuple[str, ...]:
    """The e-mail addresses in a cell, in order, as typed (separated by ';', ',' or spaces)."""
    return tuple(part for part in _SPLIT.split((text or "").strip()) if part)


# --- reading the file -------------------------------------------------------------------------------------


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _csv_rows(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRejected([Problem(None, None, "The CSV file is not UTF-8 text. In your spreadsheet, save "
                                                  "it as “CSV UTF-8”, or upload an .xlsx file.")]) from None
    first = text.splitlines()[0] if text else ""
    # Spreadsheets in many locales write ';' between columns; the header row tells which one this file uses.
    delimiter = max((",", ";", "\t"), key=first.count)
    # newline="": the csv module itself reads every line-ending convention (CR LF, LF, and the old
    # Macintosh CR alone) and line breaks inside quoted cells.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    table, problems = _Table(), []
    while not table.full:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            # Only a cell over the csv module's limit (131,072 characters) lands here.
            problems.append(Problem(len(table.rows) + 1, None,
                                    f"a cell is too long ({exc}); a cell holds at most {MAX_CELL:,} characters"))
            table.add(["?"])
            continue
        table.add(row)
    if problems:
        raise ImportRejected(problems)
    return table.rows


class _Table:
    """Rows as they are read, bounded: reading stops once there are more candidates than can be imported,
    and a file of mostly blank rows is refused rather than read to its end."""

    def __init__(self):
        self.rows: list[list[str]] = []
        self.filled = 0

    @property
    def full(self) -> bool:
        return self.filled > MAX_ROWS + 1  # the header and one candidate too many: enough to say so

    def add(self, values) -> None:
        row = [_cell(v) for v in values]
        self.rows.append(row)
        self.filled += any(row)
        if len(self.rows) > MAX_RAW_ROWS:
            raise ImportRejected([Problem(None, None, f"The file has more than {MAX_RAW_ROWS:,} rows, most of "
                                                      "them blank; delete the blank rows and try again.")])


#: Columns read from a workbook: enough for every known column and a few stray ones to report.
_XLSX_MAX_COLUMNS = 32


def _xlsx_rows(data: bytes) -> list[list[str]]:
    """The first sheet's rows, streamed: reading stops past the row limit, whatever size the sheet claims."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of error for a file that is not a workbook
        raise ImportRejected([Problem(None, None, "The file could not be read as an Excel workbook (.xlsx).")]) \
            from None
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # the size a file claims is not trusted: no padding to a huge width
        table = _Table()
        for row in sheet.iter_rows(values_only=True, max_col=_XLSX_MAX_COLUMNS):
            table.add(row)
            if table.full:
                break
        return table.rows
    except ImportRejected:
        raise
    except Exception:  # a damaged sheet inside a valid zip
        raise ImportRejected([Problem(None, None, "The workbook's first sheet could not be read.")]) from None
    finally:
        workbook.close()


def read_rows(filename: str, data: bytes) -> list[CandidateRow]:
    """The candidate rows of a CSV or XLSX file; ImportRejected when its shape (type, header, size) is wrong."""
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if suffix == "csv":
        table = _csv_rows(data)
    elif suffix == "xlsx":
        table = _xlsx_rows(data)
    else:
        raise ImportRejected([Problem(None, None, "Upload a .csv or .xlsx file.")])
    if not table or not any(table[0]):
        raise ImportRejected([Problem(1, None, "The file is empty: the first row must hold the column names "
                                               f"({', '.join(COLUMNS)}).")])
    header = [re.sub(r"[\s-]+", "_", h.strip().lower()) for h in table[0]]
    # A nameless column is only a problem when it holds data (spreadsheets often carry empty trailing columns).
    problems = [Problem(1, h or f"#{i + 1}", f"unknown column; the columns are {', '.join(COLUMNS)}")
                for i, h in enumerate(header)
                if h not in COLUMNS and (h or any(len(r) > i and r[i] for r in table[1:]))]
    problems += [Problem(1, name, "this column appears twice") for name in COLUMNS if header.count(name) > 1]
    problems += [Problem(1, name, "this column is missing") for name in REQUIRED_COLUMNS if name not in header]
    if problems:
        raise ImportRejected(problems)
    rows = []
    for number, values in enumerate(table[1:], start=2):
        if not any(values):
            continue
        cell = {name: (values[header.index(name)] if name in header and header.index(name) < len(values) else "")
                for name in COLUMNS}
        rows.append(CandidateRow(number, cell["name"], cell["email"], cell["current_role"], cell["target_role"],
                                 split_emails(cell["manager_emails"]), split_emails(cell["peer_emails"])))
    if not rows:
        raise ImportRejected([Problem(None, None, "The file has a header row but no candidates.")])
    if len(rows) > MAX_ROWS:
        raise ImportRejected([Problem(None, None, f"The file has more than {MAX_ROWS:,} candidates; import at "
                                                  f"most {MAX_ROWS:,} at a time.")])
    return rows


# --- templates ---------------------------------------------------------------------------------------------


def template_csv() -> bytes:
    """A CSV template: the header and two example rows (UTF-8 with a BOM, so Excel reads accents right)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(EXAMPLE_ROWS)
    return out.getvalue().encode("utf-8-sig")


def template_xlsx() -> bytes:
    """An XLSX template: the header and two example rows on the first sheet, the column guide on the second."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Candidates"
    sheet.append(COLUMNS)
    for row in EXAMPLE_ROWS:
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCDEF", (24, 32, 22, 22, 48, 40)):
        sheet.column_dimensions[letter].width = width
    guide = workbook.create_sheet("Columns")
    guide.append(("column", "required", "meaning"))
    for name in COLUMNS:
        guide.append((name, "yes" if name in REQUIRED_COLUMNS else "no", COLUMN_HELP[name]))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
