"""The candidate import file: its columns, reading a CSV or XLSX file into rows (bounded), and the templates.

The file has a header row with the columns in ``COLUMNS`` (any order, case and spaces ignored), or their German
names in ``GERMAN_HEADERS`` (the template a German reader downloads has those); either is read. Several
e-mail addresses in one cell are separated by ``;``. Row numbers in problems are the spreadsheet's own: the
header is row 1, the first candidate row 2.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from flask_babel import gettext as _, lazy_gettext as _l, ngettext, pgettext

from rubrics import language

from ..cleaning import replace_unstorable
from . import ServiceError

COLUMNS = ("name", "email", "current_role", "target_role", "manager_emails", "peer_emails", "direct_report_emails",
           "leadership_months", "current_role_months", "language")
REQUIRED_COLUMNS = COLUMNS[:5]
#: The column names of the German template; accepted in any file, as the English ones are (case, spaces and
#: hyphens ignored, and "ae/oe/ue" for "ä/ö/ü"). Part of the file format: fixed, not from the catalogue.
GERMAN_HEADERS = {"name": "Name", "email": "E-Mail", "current_role": "Aktuelle Rolle", "target_role": "Zielrolle",
                  "manager_emails": "E-Mails Führungskräfte", "peer_emails": "E-Mails Peers",
                  "direct_report_emails": "E-Mails direkt unterstellte Mitarbeitende",
                  "leadership_months": "Monate in Führungsrollen", "current_role_months": "Monate in aktueller Rolle",
                  "language": "Sprache"}
COLUMN_HELP = {
    "name": _l("the candidate's full name"),
    "email": _l("the candidate's e-mail address; a new address creates a candidate account (HR sets its password)"),
    "current_role": _l("the role they hold now, by name or id (Operations Manager or operations_manager)"),
    "target_role": _l("the next step up the ladder from the current role"),
    "manager_emails": _l("one or more managers who rate the candidate, separated by ';' (existing manager "
                         "accounts)"),
    "peer_emails": _l("optional peers, separated by ';' (existing accounts, or candidates in the same file)"),
    "direct_report_emails": _l("optional: people who report to the candidate, separated by ';' (existing "
                               "accounts); an optional column"),
    "leadership_months": _l("optional: whole months in leadership roles, this one included (0 to 720); the "
                            "eligibility rule of the target role is checked against it"),
    "current_role_months": _l("optional: whole months in the current role (0 to 720)"),
    "language": _l("optional: the language of a new account's e-mails and pages, en (English) or de (Deutsch); "
                   "empty: your own language"),
}
MAX_ROWS = 5000
#: Rows read at most, blank ones included.
MAX_RAW_ROWS = 4 * MAX_ROWS
#: The longest cell a CSV file may hold (the csv module's own limit).
MAX_CELL = csv.field_size_limit()
#: The longest text each column may hold (the database's limits).
MAX_LENGTH = {"name": 200, "email": 320}
#: The template's example rows: the demo organisation's people (``opsladder demo``), so the template imports as it
#: is there; the managers and the peer are its accounts.
EXAMPLE_ROWS = [
    ("Aoife O'Brien", "aoife.obrien@example.com", "Operations Manager", "Head of Operations",
     "margaret.okafor@example.com", "hannah.weber@example.com", "", "38", "20", "en"),
    ("Søren Østergaard", "soren.ostergaard@example.com", "Head of Operations", "COO",
     "rafael.ortega@example.com;katrin.schaefer@example.com", "", "", "", "", "de"),
]
_SPLIT = re.compile(r"[;,\s]+")


def _header_key(text: str) -> str:
    return re.sub(r"[\s-]+", "_", text.strip().lower())


_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
#: A header as read (normalised) -> its column; English names map to themselves.
HEADER_ALIASES = {**{_header_key(h): c for c, h in GERMAN_HEADERS.items()},
                  **{_header_key(h).translate(_UMLAUTS): c for c, h in GERMAN_HEADERS.items()},
                  **{c: c for c in COLUMNS}}


def headers() -> tuple[str, ...]:
    """The column names in the reader's language: the German template's for German, else the English ids."""
    return tuple(GERMAN_HEADERS[c] for c in COLUMNS) if language.current() == "de" else COLUMNS


def column_label(column: str | None) -> str:
    """A column as named in a problem: its id in English; in German the German header with the id beside it,
    so that it is found in a file with either header row."""
    if not column or column not in GERMAN_HEADERS or language.current() != "de":
        return column or ""
    return f"{GERMAN_HEADERS[column]} ({column})"


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
    direct_report_emails: tuple[str, ...] = ()
    #: (issue 18) The track record as typed: whole months, or empty when not known.
    leadership_months: str = ""
    current_role_months: str = ""
    #: The language of a new account, as typed (a code or a language's name); empty: the importing HR person's.
    language: str = ""


@dataclass(frozen=True)
class Problem:
    """What is wrong, and where: a row number and a column name when there is one."""

    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        column = column_label(self.column)
        if self.row and self.column:
            return _("Row %(row)s, column %(column)s: %(message)s", row=self.row, column=column, message=self.message)
        if self.row:
            return _("Row %(row)s: %(message)s", row=self.row, message=self.message)
        if self.column:
            return _("Column %(column)s: %(message)s", column=column, message=self.message)
        return self.message


class ImportRejected(ServiceError):
    """Nothing was imported; ``problems`` lists every one found."""

    def __init__(self, problems: list[Problem]):
        super().__init__(ngettext("Nothing was imported: %(num)d problem to fix first.",
                                  "Nothing was imported: %(num)d problems to fix first.", len(problems)))
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
        raise ImportRejected([Problem(None, None, _("The CSV file is not UTF-8 text. In your spreadsheet, save "
                                                    "it as “CSV UTF-8”, or upload an .xlsx file."))]) from None
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
                                    _("a cell is too long (%(error)s); a cell holds at most %(max)s characters",
                                      error=exc, max=language.number(MAX_CELL, 0))))
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
            raise ImportRejected([Problem(None, None, _("The file has more than %(max)s rows, most of them blank; "
                                                        "delete the blank rows and try again.",
                                                        max=language.number(MAX_RAW_ROWS, 0)))])


#: Columns read from a workbook: enough for every known column and a few stray ones to report.
_XLSX_MAX_COLUMNS = 32
#: What a workbook may unpack to before openpyxl opens it (a decompression bomb is refused unread). An import
#: of 5,000 candidates unpacks to a few MB; openpyxl holds the shared strings and a whole row in memory, so these
#: bound what parsing can take. ``zipfile`` itself never hands out more than an entry's declared size.
XLSX_MAX_ENTRIES = 100
XLSX_MAX_ENTRY_BYTES = 25 * 2**20
XLSX_MAX_TOTAL_BYTES = 50 * 2**20
#: Spreadsheet XML compresses 5-30 times; a bomb a thousand times. Checked for entries over 1 MB.
XLSX_MAX_RATIO = 100
_RATIO_FROM_BYTES = 2**20


def _megabytes(size: int) -> str:
    return language.number(size / 2**20, 1)


def _archive_problem(data: bytes) -> str | None:
    """Why this XLSX (a ZIP archive) is refused before it is parsed, or None: too many entries, an entry or the
    whole unpacking too large, or compressed like a bomb. Reads only the archive's directory."""
    import zipfile

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return None  # not a ZIP at all: openpyxl's own refusal says so
    if len(entries) > XLSX_MAX_ENTRIES:
        return _("The workbook holds %(num)s parts; an import workbook may hold at most %(max)s. Save the candidates "
                 "alone in a new workbook.", num=language.number(len(entries), 0), max=XLSX_MAX_ENTRIES)
    total = sum(entry.file_size for entry in entries)
    largest = max(entries, key=lambda entry: entry.file_size, default=None)
    if total > XLSX_MAX_TOTAL_BYTES or (largest is not None and largest.file_size > XLSX_MAX_ENTRY_BYTES):
        return _("The workbook unpacks to %(size)s MB, more than the %(max)s MB allowed (at most %(part)s MB in one "
                 "part). Save the candidates alone in a new workbook.", size=_megabytes(total),
                 max=_megabytes(XLSX_MAX_TOTAL_BYTES), part=_megabytes(XLSX_MAX_ENTRY_BYTES))
    for entry in entries:
        ratio = entry.file_size / max(1, entry.compress_size)
        if entry.file_size > _RATIO_FROM_BYTES and ratio > XLSX_MAX_RATIO:
            return _("The part %(name)s of the workbook unpacks to %(ratio)s times its packed size; a spreadsheet "
                     "unpacks to at most %(max)s times. The file was refused unread.",
                     name=replace_unstorable(entry.filename[:100]), ratio=language.number(ratio, 0), max=XLSX_MAX_RATIO)
    try:
        return _row_problem(archive)
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError, RuntimeError):
        return None  # a damaged entry: openpyxl's own refusal says so


#: Cells one row of a sheet may hold: openpyxl builds a whole row in memory before it yields its first cells.
XLSX_MAX_CELLS_PER_ROW = 1000
_SHEET_TAGS = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c)[\s/>]")


def _row_problem(archive) -> str | None:
    """A row with more than ``XLSX_MAX_CELLS_PER_ROW`` cells in any sheet, found by scanning the unpacked XML a
    megabyte at a time (flat memory; the archive's sizes were checked first), or None."""
    # Every part, whatever its name: openpyxl opens the sheet the workbook's relations name, wherever it lies.
    for entry in archive.infolist():
        cells, carry, row = 0, b"", 0
        with archive.open(entry) as stream:
            while chunk := stream.read(2**20):
                text, cut = carry + chunk, (carry + chunk).rfind(b"<")
                # A tag cut by the chunk's end is read with the next chunk.
                text, carry = (text[:cut], text[cut:]) if cut > len(text) - 64 else (text, b"")
                for tag in _SHEET_TAGS.finditer(text):
                    row, cells = (row + 1, 0) if tag.group(1) == b"row" else (row, cells + 1)
                    if cells > XLSX_MAX_CELLS_PER_ROW:
                        return _("Row %(row)s of the workbook holds more than %(max)s cells; an import row holds "
                                 "%(columns)s. The file was refused unread.", row=language.number(row, 0),
                                 max=language.number(XLSX_MAX_CELLS_PER_ROW, 0), columns=len(COLUMNS))
    return None


def _xlsx_rows(data: bytes) -> list[list[str]]:
    """The first sheet's rows, streamed: reading stops past the row limit, whatever size the sheet claims;
    an archive that would unpack too far (``_archive_problem``) is refused before it is opened."""
    from openpyxl import load_workbook

    problem = _archive_problem(data)
    if problem:
        raise ImportRejected([Problem(None, None, problem)])
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of error for a file that is not a workbook
        raise ImportRejected([Problem(None, None, _("The file could not be read as an Excel workbook (.xlsx)."))]) \
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
        raise ImportRejected([Problem(None, None, _("The workbook's first sheet could not be read."))]) from None
    finally:
        workbook.close()


def read_table(filename: str, data: bytes) -> list[list[str]]:
    """The rows of a CSV or XLSX file as text cells, bounded as above (also the performance ratings' import);
    ImportRejected when it is neither, or cannot be read safely."""
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if suffix == "csv":
        return _csv_rows(data)
    if suffix == "xlsx":
        return _xlsx_rows(data)
    raise ImportRejected([Problem(None, None, _("Upload a .csv or .xlsx file."))])


def header_key(text: str) -> str:
    """A column name as compared: case, spaces and hyphens ignored, "ä/ö/ü/ß" as "ae/oe/ue/ss"."""
    return _header_key(text).translate(_UMLAUTS)


def header_problems(table: list[list[str]], *, aliases: dict, columns: tuple[str, ...], required: tuple[str, ...],
                    names: str, label=lambda column: column) -> tuple[list[str], list[Problem]]:
    """The header row's columns, each cell as its column id (``aliases``: a header as written, lower case, or its
    ``header_key`` -> the id), and its problems: unknown, repeated and missing columns (``names``: the columns as the
    reader knows them; ``label``: a column as named). ImportRejected when the file is empty."""
    if not table or not any(table[0]):
        raise ImportRejected([Problem(1, None, _("The file is empty: the first row must hold the column names "
                                                 "(%(columns)s).", columns=names))])
    header = [aliases.get(_header_key(h)) or aliases.get(header_key(h), header_key(h)) for h in table[0]]
    # A nameless column is only a problem when it holds data (spreadsheets often carry empty trailing columns).
    problems = [Problem(1, label(h) or f"#{i + 1}", _("unknown column; the columns are %(columns)s", columns=names))
                for i, h in enumerate(header)
                if h not in columns and (h or any(len(r) > i and r[i] for r in table[1:]))]
    problems += [Problem(1, label(name), _("this column appears twice")) for name in columns
                 if header.count(name) > 1]
    problems += [Problem(1, label(name), _("this column is missing")) for name in required if name not in header]
    return header, problems


def read_header(table: list[list[str]], **how) -> list[str]:
    """The header row's columns as ``header_problems`` reads them; ImportRejected naming every problem of it."""
    header, problems = header_problems(table, **how)
    if problems:
        raise ImportRejected(problems)
    return header


def body_rows(table: list[list[str]], header: list[str], columns: tuple[str, ...]):
    """(row number, {column: cell}) for every row after the header that is not blank; a missing column is ""."""
    where = {name: header.index(name) for name in columns if name in header}
    for number, values in enumerate(table[1:], start=2):
        if any(values):
            yield number, {name: (values[where[name]] if name in where and where[name] < len(values) else "")
                           for name in columns}


def read_rows(filename: str, data: bytes) -> list[CandidateRow]:
    """The candidate rows of a CSV or XLSX file; ImportRejected when its shape (type, header, size) is wrong."""
    table = read_table(filename, data)
    header = read_header(table, aliases=HEADER_ALIASES, columns=COLUMNS, required=REQUIRED_COLUMNS,
                         names=", ".join(headers()))
    rows = []
    for number, cell in body_rows(table, header, COLUMNS):
        rows.append(CandidateRow(number, cell["name"], cell["email"], cell["current_role"], cell["target_role"],
                                 split_emails(cell["manager_emails"]), split_emails(cell["peer_emails"]),
                                 split_emails(cell["direct_report_emails"]),
                                 leadership_months=cell["leadership_months"],
                                 current_role_months=cell["current_role_months"], language=cell["language"]))
    if not rows:
        raise ImportRejected([Problem(None, None, _("The file has a header row but no candidates."))])
    if len(rows) > MAX_ROWS:
        raise ImportRejected([Problem(None, None, _("The file has more than %(max)s candidates; import at most "
                                                    "%(max)s at a time.", max=language.number(MAX_ROWS, 0)))])
    return rows


# --- templates ---------------------------------------------------------------------------------------------


def template_csv() -> bytes:
    """A CSV template: the header (in the reader's language) and two example rows (UTF-8 with a BOM, so Excel
    reads accents right); in German with ``;`` between columns, as a German spreadsheet writes and reads CSV."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n", delimiter=";" if language.current() == "de" else ",")
    writer.writerow(headers())
    writer.writerows(EXAMPLE_ROWS)
    return out.getvalue().encode("utf-8-sig")


def template_xlsx() -> bytes:
    """An XLSX template: the header and two example rows on the first sheet, the column guide on the second."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = pgettext("the name of a worksheet: at most 31 characters, no colon", "Candidates")
    sheet.append(headers())
    for row in EXAMPLE_ROWS:
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCDEFGHIJ", (24, 32, 22, 22, 48, 40, 40, 24, 24, 12)):
        sheet.column_dimensions[letter].width = width
    guide = workbook.create_sheet(_("Columns"))
    guide.append((_("column"), _("required"), _("meaning")))
    for name, header in zip(COLUMNS, headers()):
        guide.append((header, _("yes") if name in REQUIRED_COLUMNS else _("no"), str(COLUMN_HELP[name])))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
