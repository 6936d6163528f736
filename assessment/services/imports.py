"""Candidates into a cycle, one by one or from a CSV/XLSX file: read, check every row, then apply all or nothing.

Reading the file (and its format) is in ``import_files``.
"""

from __future__ import annotations

from flask_babel import gettext as _
import re

import sqlalchemy as sa

from rubrics import Framework, language as languages

from ..cleaning import text_problem
from ..extensions import db
from ..labels import group_word
from ..mail.notify import notify_new_sheets
from ..models import Assessment, Cycle, User
from . import NotAllowed, ServiceError
from .assessments import add_assessment, assign_rater, check_ladder_step, group_problem
from .audit import record_audit
from .cycles import state_word
from .import_files import (COLUMN_HELP, COLUMNS, MAX_LENGTH, MAX_ROWS, REQUIRED_COLUMNS, CandidateRow,  # noqa: F401
                           ImportRejected, Problem, column_label, headers, read_rows, split_emails, template_csv,
                           template_xlsx)
from .track_record import months_problem, parse_months
from .users import check_email, create_user, name_problem, normalise_email, role_word


#: The columns naming raters, and the group each assigns.
RATER_COLUMNS = (("manager_emails", "manager"), ("peer_emails", "peer"), ("direct_report_emails", "direct_report"))


#: Language names a cell may hold besides the codes: each language's own name, and its English and German names.
_LANGUAGE_WORDS = {**{name.lower(): code for code, name in languages.LANGUAGE_NAMES.items()},
                   "german": "de", "englisch": "en"}


# --- checking every row -------------------------------------------------------------------------------------


def resolve_language(text: str) -> str | None:
    """The language code for a cell (``de``, ``DE-at``, ``Deutsch``, ``German``), or None (empty or unknown)."""
    key = (text or "").strip().lower()
    return languages.normalise(key) or _LANGUAGE_WORDS.get(key)


def _language_problem(r: CandidateRow, problem) -> None:
    if r.language.strip() and resolve_language(r.language) is None:
        problem("language", _("unknown language “%(language)s”; use %(languages)s, or leave it empty for your own "
                              "language", language=r.language, languages=" / ".join(
                                  f"{code} ({name})" for code, name in languages.LANGUAGE_NAMES.items())))


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


def text_problems(rows: list[CandidateRow]) -> list[Problem]:
    """Cells that cannot be stored as they are (control characters, too long), by row and column."""
    problems = []
    for r in rows:
        for column in COLUMNS:
            value = getattr(r, column)
            for text in (value if isinstance(value, tuple) else (value,)):
                problem = text_problem(text, max_length=MAX_LENGTH.get(column, 320))
                if problem:
                    problems.append(Problem(r.row, column, _("the cell %(problem)s", problem=problem)))
                    break
    return problems


def check_rows(cycle: Cycle, rows: list[CandidateRow], framework: Framework) -> list[Problem]:
    """Every problem in ``rows`` for adding them to ``cycle``: an empty list means all can be added."""
    unstorable = text_problems(rows)
    if unstorable:  # reported alone: such text must not reach a database query
        return unstorable
    users = _users_by_email([r.email for r in rows] + [e for r in rows for column, _group in RATER_COLUMNS
                                                      for e in getattr(r, column)])
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

        _person_problems(r, users.get(normalise_email(r.email)), first_row, in_cycle, problem)
        _role_problems(framework, r, role_names, problem)
        _rater_problems(r, users, new_candidates, problem)
        _language_problem(r, problem)
        if r.direct_report_emails and (wrong := group_problem(framework, "direct_report")):
            problem("direct_report_emails", wrong)
        for column in ("leadership_months", "current_role_months"):
            if wrong := months_problem(getattr(r, column)):
                problem(column, wrong)
    return problems


def _person_problems(r: CandidateRow, existing: User | None, first_row: dict[str, int | None], in_cycle: set[str],
                     problem) -> None:
    """The candidate's name and e-mail: present, valid, a candidate's account, once in the file and the cycle."""
    email = normalise_email(r.email)
    if not r.name.strip() and existing is None:
        problem("name", _("the name is missing"))
    elif existing is None and (wrong := name_problem(r.name.strip())):
        problem("name", _("the name %(problem)s", problem=wrong))
    if not email:
        problem("email", _("the e-mail address is missing"))
    else:
        try:
            check_email(email)
        except ServiceError:
            problem("email", _("“%(email)s” is not a valid e-mail address", email=r.email))
        if existing is not None and existing.role != "candidate":
            problem("email", _("%(email)s belongs to an account with the role %(role)s, not a candidate",
                               email=email, role=role_word(existing.role)))
        if first_row[email] != r.row:
            problem("email", _("%(email)s is already in this file (row %(row)s)", email=email, row=first_row[email])
                    if first_row[email] else _("%(email)s is already in the list", email=email))
        elif email in in_cycle:
            problem("email", _("%(email)s is already a candidate in this cycle", email=email))


def _role_problems(framework: Framework, r: CandidateRow, role_names: str, problem) -> None:
    """The current and target roles: known, and one step up the ladder."""
    current, target = resolve_role(framework, r.current_role), resolve_role(framework, r.target_role)
    for column, text, role_id in (("current_role", r.current_role, current), ("target_role", r.target_role, target)):
        if not text.strip():
            problem(column, _("the role is missing; use one of %(roles)s", roles=role_names))
        elif role_id is None:
            problem(column, _("unknown role “%(role)s”; use one of %(roles)s", role=text, roles=role_names))
    if current and target:
        try:
            check_ladder_step(framework, current, target)
        except ServiceError as exc:
            problem(exc.field or "target_role", exc.message)


def _rater_problems(r: CandidateRow, users: dict[str, User], new_candidates: set[str], problem) -> None:
    """The managers, peers and direct reports: valid addresses, not the candidate, once each; managers with a
    manager's account, peers with an account or a candidate of this file, direct reports with an account."""
    email = normalise_email(r.email)
    if not r.manager_emails:
        problem("manager_emails", _("at least one manager is required"))
    seen = {email}
    for column, group in RATER_COLUMNS:
        for given in getattr(r, column):
            rater = normalise_email(given)
            try:
                check_email(rater)
            except ServiceError:
                problem(column, _("“%(email)s” is not a valid e-mail address", email=given))
                continue
            if rater == email:
                problem(column, _("%(email)s is the candidate: nobody rates themselves as a %(group)s (the "
                                  "self-assessment covers that)", email=rater, group=group_word(group)))
            elif rater in seen:
                problem(column, _("%(email)s is listed more than once for this candidate", email=rater))
            elif rater in users and not users[rater].is_active:
                problem(column, _("%(email)s is deactivated and cannot be given new sheets.", email=rater))
            elif group == "manager" and rater not in users:
                problem(column, _("no account for %(email)s; create the manager on the People page first",
                                  email=rater))
            elif group == "manager" and users[rater].role not in ("manager", "hr"):
                problem(column, _("%(email)s is an account with the role %(role)s, not a manager", email=rater,
                                  role=role_word(users[rater].role)))
            elif group == "peer" and rater not in users and rater not in new_candidates:
                problem(column, _("no account for %(email)s; create it on the People page, or add them as a "
                                  "candidate in this file", email=rater))
            elif group == "direct_report" and rater not in users:
                problem(column, _("no account for %(email)s; create it on the People page first", email=rater))
            seen.add(rater)


# --- applying ----------------------------------------------------------------------------------------------


def _apply(cycle: Cycle, rows: list[CandidateRow], framework: Framework, actor: User, audit: bool) -> list[Assessment]:
    """Add checked rows: accounts and assessments first, so that peers may be candidates of the same batch."""
    users = _users_by_email([r.email for r in rows])
    made = []
    # A new account without a language reads what the HR person adding it reads (their setting, else this page's).
    default_language = languages.normalise(actor.language) or languages.current()
    for r in rows:
        email = normalise_email(r.email)
        candidate = users.get(email) or create_user(email, r.name, "candidate", None, actor=actor, audit=audit,
                                                    language=resolve_language(r.language) or default_language)
        users[email] = candidate
        made.append(add_assessment(cycle, candidate, resolve_role(framework, r.current_role),
                                   resolve_role(framework, r.target_role), framework=framework, actor=actor,
                                   audit=audit))
        made[-1].leadership_months = parse_months(r.leadership_months)
        made[-1].current_role_months = parse_months(r.current_role_months)
    raters = _users_by_email([e for r in rows for column, _group in RATER_COLUMNS for e in getattr(r, column)])
    for r, assessment in zip(rows, made):
        for column, group in RATER_COLUMNS:
            for given in getattr(r, column):
                assign_rater(assessment, raters[normalise_email(given)], group, actor=actor, audit=audit,
                             initial=True)
    return made


def _check_cycle_open_for_candidates(cycle: Cycle) -> None:
    if cycle.state not in ("draft", "open"):
        raise NotAllowed(_("Candidates can only be added while a cycle is in draft or open; this one is %(state)s.",
                           state=state_word(cycle.state)))


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
                                        "target_role": a.target_role, "leadership_months": a.leadership_months,
                                        "current_role_months": a.current_role_months,
                                        "language": a.candidate.language,
                                        "raters": {x.rater.email: x.rater_group for x in a.assignments
                                                   if x.rater_group != "self"}} for a in made]})
    return made
