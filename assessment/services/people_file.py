"""The people sync's file: its columns (English ids or German headers), and its rows read from CSV or XLSX.

Reading and its limits (size, decompression bombs, encodings) are the candidate import's (``import_files``);
this module only knows the columns of an HR system's export. Row numbers are the spreadsheet's own: the header
is row 1, the first person row 2.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _, lazy_gettext as _l, ngettext

from rubrics import language

from . import ServiceError
from .import_files import MAX_ROWS, ImportRejected, Problem, body_rows, header_key, read_header, read_table

COLUMNS = ("employee_id", "email", "name", "role", "language", "unit", "manager_employee_id", "active")
REQUIRED_COLUMNS = ("employee_id", "email", "name")
#: The German column names, accepted in any file as the English ids are (case, spaces, hyphens and umlaut
#: spellings ignored); part of the file format: fixed, not from the catalogue.
GERMAN_HEADERS = {"employee_id": "Personalnummer", "email": "E-Mail", "name": "Name", "role": "Rolle",
                  "language": "Sprache", "unit": "Einheit", "manager_employee_id": "Personalnummer Führungskraft",
                  "active": "Aktiv"}
COLUMN_HELP = {
    "employee_id": _l("the id the HR system knows the person by; the sync matches accounts on it"),
    "email": _l("the person's e-mail address (unique)"),
    "name": _l("the person's full name"),
    "role": _l("optional: candidate or manager (new accounts: candidate); HR is never given by the sync"),
    "language": _l("optional: en or de, the language of their e-mails and pages"),
    "unit": _l("optional: site or department"),
    "manager_employee_id": _l("optional: the line manager's employee id (in the file or already in OpsLadder)"),
    "active": _l("optional: yes or no (empty: yes); no deactivates the account, history kept"),
}
#: A sync's fields and actions in words, for the dry run and the preview page.
FIELD_WORDS = {"employee_id": _l("employee id"), "email": _l("e-mail"), "name": _l("name"), "role": _l("role"),
               "language": _l("language"), "unit": _l("unit"), "manager": _l("line manager")}
ACTION_WORDS = {"create": _l("created"), "update": _l("updated"), "deactivate": _l("deactivated"),
                "reactivate": _l("reactivated")}
MAX_LENGTH = {"employee_id": 64, "email": 320, "name": 200, "unit": 120, "manager_employee_id": 64}
_ALIASES = {**{header_key(h): c for c, h in GERMAN_HEADERS.items()}, **{c: c for c in COLUMNS},
            # The spellings an HR system's export is likely to use besides ours.
            "e_mail": "email", "mitarbeiternummer": "employee_id", "abteilung": "unit",
            "fuehrungskraft": "manager_employee_id", "manager_id": "manager_employee_id"}
_YES = {"", "yes", "y", "true", "1", "x", "active", "ja", "j", "wahr", "aktiv"}
_NO = {"no", "n", "false", "0", "inactive", "nein", "falsch", "inaktiv", "deactivated", "deaktiviert"}


class SyncRejected(ServiceError):
    """Nothing was changed; ``problems`` lists every one found, by row and column."""

    def __init__(self, problems: list[Problem]):
        super().__init__(ngettext("Nothing was changed: %(num)d problem to fix first.",
                                  "Nothing was changed: %(num)d problems to fix first.", len(problems)))
        self.problems = problems


@dataclass(frozen=True)
class PersonRow:
    """One person as the HR system's export gives them; ``present`` names the optional columns the file has
    (a column the file lacks leaves that field as it is)."""

    row: int
    employee_id: str
    email: str
    name: str
    role: str = ""
    language: str = ""
    unit: str = ""
    manager_employee_id: str = ""
    active: str = ""
    present: frozenset[str] = frozenset(COLUMNS)


def headers() -> tuple[str, ...]:
    """The column names in the reader's language."""
    return tuple(GERMAN_HEADERS[c] for c in COLUMNS) if language.current() == "de" else COLUMNS


def column_label(column: str | None) -> str | None:
    """A column as a problem names it: the id; in German the German header with the id beside it."""
    if not column or column not in GERMAN_HEADERS or language.current() != "de":
        return column
    return f"{GERMAN_HEADERS[column]} ({column})"


def problem(row: int | None, column: str | None, message: str) -> Problem:
    return Problem(row, column_label(column), message)


def column_id(label: str | None) -> str | None:
    """The column id behind a problem's column label (``column_label`` undone): "E-Mail (email)" -> "email"."""
    if not label or label in COLUMNS:
        return label
    return next((c for c in COLUMNS if label == f"{GERMAN_HEADERS[c]} ({c})"), label)


def parse_active(text: str) -> bool | None:
    """True/False for the active cell (yes/no, ja/nein, 1/0, ...; empty is yes), None when not understood."""
    key = (text or "").strip().lower()
    return True if key in _YES else False if key in _NO else None


def read_people(filename: str, data: bytes) -> list[PersonRow]:
    """The person rows of a CSV or XLSX export; SyncRejected naming every problem of its shape."""
    try:
        table = read_table(filename, data)
        header = read_header(table, aliases=_ALIASES, columns=COLUMNS, required=REQUIRED_COLUMNS,
                             names=", ".join(headers()), label=column_label)
    except ImportRejected as exc:
        raise SyncRejected(exc.problems) from None
    present = frozenset(name for name in COLUMNS if name in header)
    rows = [PersonRow(number, present=present, **cell) for number, cell in body_rows(table, header, COLUMNS)]
    if not rows:
        raise SyncRejected([problem(None, None, _("The file has a header row but no people."))])
    if len(rows) > MAX_ROWS:
        raise SyncRejected([problem(None, None, _("The file has more than %(max)s people; split it.",
                                                  max=language.number(MAX_ROWS, 0)))])
    return rows


def _record_text(value) -> str:
    """A JSON value as the file's cell would hold it: true/false as yes/no, null as empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def rows_from_records(records: list[dict]) -> list[PersonRow]:
    """The person rows of a list of JSON objects with the file's columns as keys (the API's sync). A row's number
    is its position in the list counted from 1 (its index + 1); a key an object lacks leaves that field of its
    account as it is, as a column the file lacks does; null or "" clears it, as an empty cell does."""
    if not records:
        raise SyncRejected([problem(None, None, _("The list names no people."))])
    if len(records) > MAX_ROWS:
        raise SyncRejected([problem(None, None, _("The list has more than %(max)s people; split it.",
                                                  max=language.number(MAX_ROWS, 0)))])
    return [PersonRow(number, present=frozenset(c for c in COLUMNS if c in record),
                      **{c: _record_text(record.get(c)) for c in COLUMNS})
            for number, record in enumerate(records, start=1)]
