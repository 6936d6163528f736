"""Candidates into a cycle, one by one or from a CSV/XLSX file: read, check every row, then apply all or nothing.

The file has a header row with the columns in ``COLUMNS`` (any order, case and spaces ignored). Several
e-mail addresses in one cell are separated by ``;``. Row numbers in problems are the spreadsheet's own: the
header is row 1, the first candidate row 2.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

import sqlalchemy as sa

from rubrics import Framework

from ..extensions import db
from ..mail.notify import notify_new_sheets
from ..models import Assessment, Cycle, User
from . import NotAllowed, ServiceError
from .assessments import add_assessment, assign_rater, check_ladder_step
from .audit import record_audit
from .users import check_email, create_user, normalise_email

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
    first = text.split("\n", 1)[0]
    # Spreadsheets in many locales write ';' between columns; the header row tells which one this file uses.
    delimiter = max((",", ";", "\t"), key=first.count)
    return [[_cell(v) for v in row] for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def _xlsx_rows(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of error for a file that is not a workbook
        raise ImportRejected([Problem(None, None, "The file could not be read as an Excel workbook (.xlsx).")]) \
            from None
    try:
        sheet = workbook.worksheets[0]
        return [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
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
        raise ImportRejected([Problem(None, None, f"The file has {len(rows)} candidates; import at most "
                                                  f"{MAX_ROWS} at a time.")])
    return rows


# --- checking every row -------------------------------------------------------------------------------------


def resolve_role(framework: Framework, text: str) -> str | None:
    """The role id for a role given by id or by name (any case), or None."""
    key = re.sub(r"[\s_-]+", " ", (text or "").strip().lower())
    for role in framework.roles:
        if key in (role.id.replace("_", " "), role.name.lower()):
            return role.id
    return None


def _users_by_email(emails) -> dict[str, User]:
    wanted = sorted({normalise_email(e) for e in emails if e})
    found: dict[str, User] = {}
    for start in range(0, len(wanted), 500):  # keep the IN list within every database's limits
        chunk = wanted[start:start + 500]
        found.update({u.email: u for u in db.session.scalars(sa.select(User).where(User.email.in_(chunk)))})
    return found


def check_rows(cycle: Cycle, rows: list[CandidateRow], framework: Framework) -> list[Problem]:
    """Every problem in ``rows`` for adding them to ``cycle``: an empty list means all can be added."""
    users = _users_by_email([r.email for r in rows] + [e for r in rows for e in r.manager_emails + r.peer_emails])
    in_cycle = set(db.session.scalars(sa.select(User.email).join(Assessment, Assessment.candidate_id == User.id)
                                      .where(Assessment.cycle_id == cycle.id)))
    first_row: dict[str, int | None] = {}
    for r in rows:
        first_row.setdefault(normalise_email(r.email), r.row)
    new_candidates = set(first_row)
    role_names = ", ".join(role.name for role in framework.ladder)
    problems: list[Problem] = []

    for r in rows:
        def problem(column: str, message: str, r=r) -> None:
            problems.append(Problem(r.row, column, message))

        email = normalise_email(r.email)
        existing = users.get(email)
        if not r.name.strip() and existing is None:
            problem("name", "the name is missing")
        if not email:
            problem("email", "the e-mail address is missing")
        else:
            try:
                check_email(email)
            except ServiceError:
                problem("email", f"“{r.email}” is not a valid e-mail address")
            if existing is not None and existing.role != "candidate":
                problem("email", f"{email} belongs to a {existing.role_label} account, not a candidate")
            if first_row[email] != r.row:
                where = f"row {first_row[email]}" if first_row[email] else "the list"
                problem("email", f"{email} is already in this file ({where})")
            elif email in in_cycle:
                problem("email", f"{email} is already a candidate in this cycle")

        current, target = resolve_role(framework, r.current_role), resolve_role(framework, r.target_role)
        for column, text, role_id in (("current_role", r.current_role, current), ("target_role", r.target_role, target)):
            if not text.strip():
                problem(column, f"the role is missing; use one of {role_names}")
            elif role_id is None:
                problem(column, f"unknown role “{text}”; use one of {role_names}")
        if current and target:
            try:
                check_ladder_step(framework, current, target)
            except ServiceError as exc:
                problem(exc.field or "target_role", exc.message)

        if not r.manager_emails:
            problem("manager_emails", "at least one manager is required")
        seen = {email}
        for column, group in (("manager_emails", "manager"), ("peer_emails", "peer")):
            for given in getattr(r, column):
                rater = normalise_email(given)
                try:
                    check_email(rater)
                except ServiceError:
                    problem(column, f"“{given}” is not a valid e-mail address")
                    continue
                if rater == email:
                    problem(column, f"{rater} is the candidate: nobody rates themselves as a {group} "
                                    "(the self-assessment covers that)")
                elif rater in seen:
                    problem(column, f"{rater} is listed more than once for this candidate")
                elif group == "manager" and rater not in users:
                    problem(column, f"no account for {rater}; create the manager on the People page first")
                elif group == "manager" and users[rater].role not in ("manager", "hr"):
                    problem(column, f"{rater} is a {users[rater].role_label} account, not a manager")
                elif group == "peer" and rater not in users and rater not in new_candidates:
                    problem(column, f"no account for {rater}; create it on the People page, or add them "
                                    "as a candidate in this file")
                seen.add(rater)
    return problems


# --- applying ----------------------------------------------------------------------------------------------


def _apply(cycle: Cycle, rows: list[CandidateRow], framework: Framework, actor: User, audit: bool) -> list[Assessment]:
    """Add checked rows: accounts and assessments first, so that peers may be candidates of the same batch."""
    users = _users_by_email([r.email for r in rows])
    made = []
    for r in rows:
        email = normalise_email(r.email)
        candidate = users.get(email) or create_user(email, r.name, "candidate", None, actor=actor, audit=audit)
        users[email] = candidate
        made.append(add_assessment(cycle, candidate, resolve_role(framework, r.current_role),
                                   resolve_role(framework, r.target_role), framework=framework, actor=actor,
                                   audit=audit))
    raters = _users_by_email([e for r in rows for e in r.manager_emails + r.peer_emails])
    for r, assessment in zip(rows, made):
        for group, emails in (("manager", r.manager_emails), ("peer", r.peer_emails)):
            for given in emails:
                assign_rater(assessment, raters[normalise_email(given)], group, actor=actor, audit=audit)
    return made


def _check_cycle_open_for_candidates(cycle: Cycle) -> None:
    if cycle.state not in ("draft", "open"):
        raise NotAllowed(f"Candidates can only be added while a cycle is in draft or open; this one is {cycle.state}.")


def add_candidate(cycle: Cycle, row: CandidateRow, *, framework: Framework, actor: User) -> Assessment:
    """Add one candidate with their raters; ImportRejected lists every problem by field, nothing is added."""
    _check_cycle_open_for_candidates(cycle)
    problems = check_rows(cycle, [row], framework)
    if problems:
        raise ImportRejected(problems)
    return _apply(cycle, [row], framework, actor, audit=True)[0]


def import_candidates(cycle: Cycle, filename: str, data: bytes, *, framework: Framework,
                      actor: User) -> list[Assessment]:
    """Import a CSV/XLSX file of candidates, all or nothing, as one audited event; ImportRejected lists every problem."""
    _check_cycle_open_for_candidates(cycle)
    rows = read_rows(filename, data)
    problems = check_rows(cycle, rows, framework)
    if problems:
        raise ImportRejected(problems)
    known = set(_users_by_email([r.email for r in rows]))
    made = _apply(cycle, rows, framework, actor, audit=False)
    notify_new_sheets([sheet for assessment in made for sheet in assessment.assignments])
    record_audit("cycle.import", cycle, f"Imported {len(made)} candidate{'s' if len(made) != 1 else ''} "
                                        f"from {filename}", actor=actor, cycle_id=cycle.id,
                 after={"file": filename,
                        "new_accounts": sorted({a.candidate.email for a in made} - known),
                        "candidates": [{"email": a.candidate.email, "current_role": a.current_role,
                                        "target_role": a.target_role,
                                        "raters": {x.rater.email: x.rater_group for x in a.assignments
                                                   if x.rater_group != "self"}} for a in made]})
    return made


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
