"""Performance ratings imported per person from a CSV or XLSX file (issue 20): checked row by row, previewed, then
saved all or nothing as one audited event. Every rating is kept; the latest per person (by its date) counts.

The file is read by the candidate import's bounded readers (``import_files.read_table``: NUL, huge cells, XLSX
bombs refused there); the columns are ``COLUMNS`` or their German names. A person is named by e-mail or by
employee id (``User.employee_id``); a rating is a whole number on a scale of 1-3 or 1-5, mapped to the grid's
three rows by ``level``.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _, lazy_gettext as _l, ngettext

from rubrics import language

from ..cleaning import text_problem
from ..extensions import db
from ..models import PerformanceRating, User, utcnow
from .audit import record_audit
from .import_files import MAX_ROWS, ImportRejected, Problem, header_problems, read_table
from .users import normalise_email

COLUMNS = ("email", "employee_id", "rating", "scale", "source", "date")
REQUIRED_COLUMNS = ("rating", "scale", "source", "date")
#: The German template's column names, accepted in any file (part of the file format: fixed, not translated).
GERMAN_HEADERS = {"email": "E-Mail", "employee_id": "Personalnummer", "rating": "Bewertung", "scale": "Skala",
                  "source": "Quelle", "date": "Datum"}
COLUMN_HELP = {
    "email": _l("the person's e-mail address (an existing account); or give the employee id"),
    "employee_id": _l("the id the HR system knows the person by; either this or the e-mail address"),
    "rating": _l("the rating, a whole number from 1 to the scale's top"),
    "scale": _l("the scale's top: 3 (a 1-3 scale) or 5 (a 1-5 scale)"),
    "source": _l("where the rating comes from, e.g. “SAP SuccessFactors 2026 review”"),
    "date": _l("the date of the rating, as 2026-03-31 or 31.03.2026; not in the future"),
}
MAX_SOURCE = 200
#: The grid's rows: the level of a rating per scale (1 low, 2 medium, 3 high).
LEVELS = {3: {1: 1, 2: 2, 3: 3}, 5: {1: 1, 2: 1, 3: 2, 4: 3, 5: 3}}
LEVEL_LABELS = {1: _l("Low performance"), 2: _l("Medium performance"), 3: _l("High performance")}
#: How a 1-5 scale maps to the grid's rows, stated on the page.
MAPPING_TEXT = _l("On a 1-5 scale, 1-2 is low, 3 medium and 4-5 high; on a 1-3 scale, 1 is low, 2 medium and "
                  "3 high.")
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[ T]00:00(?::00)?)?")
_GERMAN = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
_DIGITS = re.compile(r"[0-9]{1,2}")


def _header_key(text: str) -> str:
    return re.sub(r"[\s-]+", "_", text.strip().lower())


HEADER_ALIASES = {**{_header_key(h): c for c, h in GERMAN_HEADERS.items()}, **{c: c for c in COLUMNS},
                  "e_mail": "email", "employee": "employee_id", "mitarbeiternummer": "employee_id"}


def headers() -> tuple[str, ...]:
    """The column names in the reader's language."""
    return tuple(GERMAN_HEADERS[c] for c in COLUMNS) if language.current() == "de" else COLUMNS


def column_label(column: str | None) -> str:
    """A column as named in a problem: the id; in German the German header with the id beside it."""
    if not column or column not in GERMAN_HEADERS or language.current() != "de":
        return column or ""
    return f"{GERMAN_HEADERS[column]} ({column})"


@dataclass(frozen=True)
class RatingRow:
    """One checked row: the person, the rating and where it comes from, and the rating it replaces (or None)."""

    row: int
    user_id: int
    name: str
    email: str
    rating: int
    scale: int
    source: str
    rated_on: date
    previous: str = ""

    @property
    def level(self) -> int:
        return LEVELS[self.scale][self.rating]


def parse_date(text: str) -> date | None:
    """A date as 2026-03-31 (an XLSX date cell reads so) or 31.03.2026; None when it is not one."""
    found, german = _ISO.fullmatch(text), _GERMAN.fullmatch(text)
    try:
        if found:
            return date(int(found[1]), int(found[2]), int(found[3]))
        if german:
            return date(int(german[3]), int(german[2]), int(german[1]))
    except ValueError:
        return None
    return None


def _table(filename: str, data: bytes) -> list[tuple[int, dict[str, str]]]:
    """(row number, cells by column) of the file's non-blank rows; ImportRejected when its shape is wrong."""
    table = read_table(filename, data)
    header, problems = header_problems(table, aliases=HEADER_ALIASES, columns=COLUMNS, required=REQUIRED_COLUMNS,
                                       names=", ".join(headers()))
    if "email" not in header and "employee_id" not in header:
        problems.append(Problem(1, "email", _("name the people by e-mail or by employee id: one of the two "
                                              "columns is needed")))
    if problems:
        raise ImportRejected(problems)
    rows = [(number, {name: values[header.index(name)] if name in header and header.index(name) < len(values)
                      else "" for name in COLUMNS})
            for number, values in enumerate(table[1:], start=2) if any(values)]
    if not rows:
        raise ImportRejected([Problem(None, None, _("The file has a header row but no ratings."))])
    if len(rows) > MAX_ROWS:
        raise ImportRejected([Problem(None, None, _("The file has more than %(max)s ratings; import at most "
                                                    "%(max)s at a time.", max=language.number(MAX_ROWS, 0)))])
    return rows


def _people(rows) -> tuple[dict[str, User], dict[str, User]]:
    """The accounts the rows name, by e-mail and by employee id (queries of at most 500 names each)."""
    emails = sorted({normalise_email(cells["email"]) for _n, cells in rows if cells["email"]})
    ids = sorted({cells["employee_id"] for _n, cells in rows if cells["employee_id"]})
    by_email: dict[str, User] = {}
    by_id: dict[str, User] = {}
    for start in range(0, max(len(emails), len(ids)), 500):
        if emails[start:start + 500]:
            by_email.update({u.email: u for u in db.session.scalars(
                sa.select(User).where(User.email.in_(emails[start:start + 500])))})
        if ids[start:start + 500]:
            by_id.update({u.employee_id: u for u in db.session.scalars(
                sa.select(User).where(User.employee_id.in_(ids[start:start + 500])))})
    return by_email, by_id


def _person(cells: dict[str, str], by_email, by_id, problem) -> User | None:
    email, employee_id = normalise_email(cells["email"]), cells["employee_id"]
    if not email and not employee_id:
        problem("email", _("give the person's e-mail address or employee id"))
        return None
    user = by_email.get(email) if email else None
    if email and user is None:
        problem("email", _("no account for %(email)s", email=email))
        return None
    other = by_id.get(employee_id) if employee_id else None
    if employee_id and other is None:
        problem("employee_id", _("no account has the employee id %(id)s", id=employee_id))
        return None
    if user is not None and other is not None and user.id != other.id:
        problem("employee_id", _("the employee id %(id)s belongs to %(other)s, not to %(email)s", id=employee_id,
                                 other=other.email, email=email))
        return None
    person = user or other
    column = "email" if user is not None else "employee_id"
    if person.role == "hr":
        problem(column, _("%(name)s has an HR account: performance ratings are kept for candidates only",
                          name=person.email))
        return None
    if not person.is_active:
        problem(column, _("the account of %(name)s is deactivated: no ratings are kept for people who have left",
                          name=person.email))
        return None
    return person


def _numbers(cells: dict[str, str], problem) -> tuple[int | None, int | None]:
    """The scale (3 or 5) and the rating on it, each None (and a problem) when wrong."""
    scale = int(cells["scale"]) if _DIGITS.fullmatch(cells["scale"]) else None
    if scale not in LEVELS:
        problem("scale", _("“%(value)s” is not a scale; give 3 (a 1-3 scale) or 5 (a 1-5 scale)",
                           value=cells["scale"][:40]))
        scale = None
    rating = int(cells["rating"]) if _DIGITS.fullmatch(cells["rating"]) else None
    top = scale or 5
    if rating is None or not 1 <= rating <= top:
        problem("rating", _("“%(value)s” is not a rating on this scale; give a whole number from 1 to %(top)s",
                            value=cells["rating"][:40], top=top))
        rating = None
    return scale, rating


def check_file(filename: str, data: bytes, *, read_as: str | None = None) -> list[RatingRow]:
    """The checked rows of a ratings file, each with the rating it replaces; ImportRejected lists every problem.
    ``read_as``: "csv" for the preview's own text, whatever the original file's name."""
    rows = _table(f"preview.{read_as}" if read_as else filename, data)
    problems: list[Problem] = []
    for number, cells in rows:
        for column in COLUMNS:
            if wrong := text_problem(cells[column], max_length=MAX_SOURCE if column == "source" else 320):
                problems.append(Problem(number, column, _("the cell %(problem)s", problem=wrong)))
    if problems:  # reported alone: such text must not reach a database query
        raise ImportRejected(problems)
    by_email, by_id = _people(rows)
    checked, first_row = [], {}
    for number, cells in rows:
        def problem(column: str, message: str, number=number) -> None:
            problems.append(Problem(number, column, message))

        user = _person(cells, by_email, by_id, problem)
        scale, rating = _numbers(cells, problem)
        rated_on = parse_date(cells["date"])
        if rated_on is None:
            problem("date", _("“%(value)s” is not a date; write it as 2026-03-31 or 31.03.2026",
                              value=cells["date"][:40]))
        elif rated_on > date.today():
            problem("date", _("%(date)s is in the future", date=language.long_date(rated_on)))
        if not cells["source"]:
            problem("source", _("say where the rating comes from"))
        if user is not None and user.id in first_row:
            problem("email", _("%(email)s is in the file twice (row %(row)s too)", email=user.email,
                               row=first_row[user.id]))
        if user is not None:
            first_row.setdefault(user.id, number)
        if user is not None and scale and rating and rated_on and cells["source"]:
            checked.append(RatingRow(number, user.id, user.name, user.email, rating, scale, cells["source"],
                                     rated_on))
    if problems:
        raise ImportRejected(problems)
    previous = latest_ratings([r.user_id for r in checked])
    return [RatingRow(**{**r.__dict__, "previous": rating_text(previous[r.user_id]) if r.user_id in previous
                         else ""}) for r in checked]


def rating_text(rating: PerformanceRating) -> str:
    """ "4 of 5 (SAP SuccessFactors 2026 review, 31 Mar 2026)"."""
    return _("%(rating)s of %(scale)s (%(source)s, %(date)s)", rating=rating.rating, scale=rating.scale,
             source=rating.source, date=language.long_date(rating.rated_on))


def latest_ratings(user_ids) -> dict[int, PerformanceRating]:
    """The rating that counts per person (latest date, then latest import)."""
    found: dict[int, PerformanceRating] = {}
    ids = sorted(set(user_ids))
    for start in range(0, len(ids), 500):
        for rating in db.session.scalars(sa.select(PerformanceRating).where(
                PerformanceRating.user_id.in_(ids[start:start + 500]))
                .order_by(PerformanceRating.rated_on, PerformanceRating.id)):
            found[rating.user_id] = rating
    return found


def canonical_csv(rows: list[RatingRow]) -> str:
    """The checked rows as a CSV text the preview carries to the save (checked again there)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows((r.email, "", r.rating, r.scale, r.source, r.rated_on.isoformat()) for r in rows)
    return out.getvalue()


def import_ratings(filename: str, data: bytes, *, actor: User, read_as: str | None = None
                   ) -> list[PerformanceRating]:
    """Check the file (or the preview's text: ``read_as``) again and save every rating, all or nothing, as one
    audited event."""
    rows = check_file(filename, data, read_as=read_as)
    now = utcnow()
    made = [PerformanceRating(user_id=r.user_id, rating=r.rating, scale=r.scale, level=r.level, source=r.source,
                              rated_on=r.rated_on, imported_by_id=actor.id, imported_at=now) for r in rows]
    db.session.add_all(made)
    db.session.flush()
    record_audit("performance.import", actor, f"Imported {len(made)} performance rating"
                                              f"{'s' if len(made) != 1 else ''} from {filename}", actor=actor,
                 # One line per rating, numbers and data only: the audit page shows it in either language.
                 after={"file": filename, "ratings": [f"{r.email}: {r.rating}/{r.scale}, {r.rated_on.isoformat()}, "
                                                      f"{r.source}" for r in rows]})
    return made


def imported_message(count: int) -> str:
    return ngettext("Saved %(num)d performance rating.", "Saved %(num)d performance ratings.", count)
