"""People kept in sync with the HR system: plan what an export would change, then apply the plan whole.

``plan_sync(rows)`` checks every row against the accounts and returns a ``SyncPlan`` (created, updated with each
field from -> to, deactivated, reactivated, unchanged), or raises ``SyncRejected`` naming every problem by row and
column; it changes nothing, so it is the dry run. ``apply_sync(plan, actor=...)`` makes the changes (flushes; the
caller commits once or rolls back) and audits one sync event plus one event per account. Accounts are matched on
the employee id; an account without one is matched once by its e-mail address and gets the id. The HR role is
never given or taken by a sync (two-person rule), and no HR account is deactivated by it.
"""

from __future__ import annotations

import hashlib
import uuid
from collections import Counter
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _

from ..cleaning import text_problem
from ..extensions import db
from ..models import User, utcnow
from . import ServiceError
from .audit import record_audit
from .import_files import Problem
from .imports import resolve_language
from .people_file import MAX_LENGTH, PersonRow, SyncRejected, parse_active, problem
from .sso import break_glass_account
from .users import check_email, create_user, deactivate_user, name_problem, normalise_email, reactivate_user

#: The fields a sync sets, in the order a change lists them.
FIELDS = ("employee_id", "email", "name", "role", "language", "unit", "manager")
_ROLE_WORDS = {"candidate": "candidate", "kandidat": "candidate", "kandidatin": "candidate", "manager": "manager",
               "managerin": "manager", "fuehrungskraft": "manager", "führungskraft": "manager", "hr": "hr"}


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: str | None
    after: str | None


@dataclass(frozen=True)
class PersonChange:
    """What the sync does to one person: ``action`` is create, update, deactivate or reactivate."""

    action: str
    employee_id: str | None
    email: str
    name: str
    row: int | None = None
    user_id: int | None = None
    changes: tuple[FieldChange, ...] = ()
    #: The values the account ends with (create and update): field -> value.
    values: tuple[tuple[str, str | None], ...] = ()


@dataclass(frozen=True)
class SyncPlan:
    changes: tuple[PersonChange, ...]
    unchanged: int
    #: HR accounts missing from the file: never deactivated by a sync (their e-mail addresses).
    kept_hr: tuple[str, ...] = ()
    #: Active accounts without an employee id that the file does not name: left as they are.
    untracked: int = 0
    deactivate_missing: bool = False
    filename: str = ""
    counts: dict = field(default_factory=dict)

    @property
    def fingerprint(self) -> str:
        """A short hash of the changes: a preview applied later must still describe what would change."""
        return hashlib.sha256(repr((self.changes, self.deactivate_missing)).encode()).hexdigest()[:32]


def _users(where) -> list[User]:
    return list(db.session.scalars(sa.select(User).where(where)))


def _role(text: str) -> str | None:
    return _ROLE_WORDS.get((text or "").strip().lower().replace("ä", "ae").replace("ü", "ue").replace("ö", "oe"),
                           _ROLE_WORDS.get((text or "").strip().lower()))


def _manager_label(user: User | None) -> str | None:
    return None if user is None else f"{user.name} ({user.employee_id or user.email})"


def _cell_problems(rows: list[PersonRow]) -> list[Problem]:
    found = []
    for r in rows:
        for column, limit in MAX_LENGTH.items():
            if wrong := text_problem(getattr(r, column), max_length=limit):
                found.append(problem(r.row, column, _("the cell %(problem)s", problem=wrong)))
        for column in ("role", "language", "active"):
            if wrong := text_problem(getattr(r, column), max_length=40):
                found.append(problem(r.row, column, _("the cell %(problem)s", problem=wrong)))
    return found


class _Checker:
    """Every row's problems, and the account each row is matched with."""

    def __init__(self, rows: list[PersonRow]):
        self.rows = rows
        self.problems: list[Problem] = []
        self.by_eid = {u.employee_id: u for u in _users(User.employee_id.is_not(None))}
        emails = sorted({normalise_email(r.email) for r in rows if r.email})
        self.by_email = {u.email: u for start in range(0, len(emails), 500)
                         for u in _users(User.email.in_(emails[start:start + 500]))}
        self.file_eids = Counter(r.employee_id.strip() for r in rows)
        self.file_emails = Counter(normalise_email(r.email) for r in rows)
        self.matched: dict[int, User | None] = {}
        self.break_glass = break_glass_account()

    def add(self, r: PersonRow, column: str | None, message: str) -> None:
        self.problems.append(problem(r.row, column, message))

    def check(self) -> None:
        for r in self.rows:
            self._identity(r)
            self._fields(r)
        self._cycles()

    def _identity(self, r: PersonRow) -> None:
        eid, email = r.employee_id.strip(), normalise_email(r.email)
        if not eid:
            self.add(r, "employee_id", _("the employee id is missing"))
        elif self.file_eids[eid] > 1:
            self.add(r, "employee_id", _("the employee id %(id)s is in the file more than once", id=eid))
        if not email:
            self.add(r, "email", _("the e-mail address is missing"))
            return
        try:
            check_email(email)
        except ServiceError as exc:
            self.add(r, "email", exc.message)
            return
        if self.file_emails[email] > 1:
            self.add(r, "email", _("%(email)s is in the file more than once", email=email))
        user = self.by_eid.get(eid)
        holder = self.by_email.get(email)
        if user is None and holder is not None and holder.employee_id is None:
            user = holder  # an account made by hand before the first sync: it gets the employee id
        self.matched[r.row] = user
        if holder is not None and holder is not user and self._keeps_email(holder, email):
            self.add(r, "email", _("%(email)s belongs to another person (employee id %(id)s, %(name)s); the sync "
                                   "never moves an address from one person to another",
                                   email=email, id=holder.employee_id or _("none"), name=holder.name))

    def _keeps_email(self, holder: User, email: str) -> bool:
        """Whether ``holder`` still has ``email`` after the sync (their own row may give them another)."""
        own = next((r for r in self.rows if holder.employee_id and r.employee_id.strip() == holder.employee_id),
                   None)
        return own is None or normalise_email(own.email) == email

    def _fields(self, r: PersonRow) -> None:
        user = self.matched.get(r.row)
        if not r.name.strip():
            self.add(r, "name", _("the name is missing"))
        elif wrong := name_problem(r.name.strip()):
            self.add(r, "name", _("the name %(problem)s", problem=wrong))
        role = _role(r.role)
        if r.role.strip() and role is None:
            self.add(r, "role", _("unknown role “%(role)s”; use candidate or manager", role=r.role))
        elif user is not None and user.role == "hr" and role not in (None, "hr"):
            self.add(r, "role", _("%(email)s has the HR role; an HR account's role is changed on its person page, "
                                  "never by a sync", email=user.email))
        elif role == "hr" and (user is None or user.role != "hr"):
            self.add(r, "role", _("the HR role is never given by a sync: it needs a second HR person's approval "
                                  "on the person's page"))
        if r.language.strip() and resolve_language(r.language) is None:
            self.add(r, "language", _("unknown language “%(language)s”; use en or de", language=r.language))
        self._protected(r, user)
        active = parse_active(r.active)
        if active is None:
            self.add(r, "active", _("“%(value)s” is neither yes nor no", value=r.active))
        elif not active and user is not None and user.role == "hr" and user.is_active:
            self.add(r, "active", _("%(email)s has the HR role; HR accounts are deactivated on their person page, "
                                    "never by a sync", email=user.email))
        elif active and user is not None and user.role == "hr" and not user.is_active:
            self.add(r, "active", _("%(email)s is a deactivated HR account; HR accounts are reactivated on their "
                                    "person page, never by a sync", email=user.email))
        boss = r.manager_employee_id.strip()
        if boss and boss == r.employee_id.strip():
            self.add(r, "manager_employee_id", _("a person cannot be their own line manager"))
        elif boss and boss not in self.file_eids and boss not in self.by_eid:
            self.add(r, "manager_employee_id", _("nobody has the employee id %(id)s, in the file or in OpsLadder",
                                                 id=boss))

    def _protected(self, r: PersonRow, user: User | None) -> None:
        """An HR account's address (and the break-glass account's) is never changed by a sync: whoever controls
        the address can reset the password, so moving it would hand the account to someone else."""
        email = normalise_email(r.email)
        if user is None or not email or email == user.email:
            return
        if user.role == "hr":
            self.add(r, "email", _("%(email)s has the HR role; a sync never changes an HR account's e-mail address "
                                   "(it would give the account to whoever reads the new one)", email=user.email))
        elif self.break_glass is not None and user.id == self.break_glass.id:
            self.add(r, "email", _("%(email)s is the break-glass account for password sign-in; a sync never "
                                   "changes its e-mail address", email=user.email))

    def _cycles(self) -> None:
        """A reporting line that leads back to where it started (A manages B manages A) is refused."""
        eid_of = dict(db.session.execute(sa.select(User.id, User.employee_id)).all())
        boss_of: dict[str, str | None] = {eid: eid_of.get(u.manager_id) for eid, u in self.by_eid.items()}
        for r in self.rows:
            if "manager_employee_id" in r.present:
                boss_of[r.employee_id.strip()] = r.manager_employee_id.strip() or None
        first_row = {}
        for r in self.rows:
            first_row.setdefault(r.employee_id.strip(), r)
        # One pass (each person is walked once): a walk stops at anyone already walked; if it meets itself, the
        # part from that person on is a circle, reported once, at the circle's first row in the file.
        walked: set[str] = set()
        for r in self.rows:
            path, at, eid = [], {}, r.employee_id.strip()
            while eid is not None and eid not in walked and eid not in at:
                at[eid] = len(path)
                path.append(eid)
                eid = boss_of.get(eid)
            walked.update(path)
            if eid is None or eid not in at:
                continue
            circle = path[at[eid]:]
            in_file = [first_row[e] for e in circle if e in first_row]
            if in_file:
                row = min(in_file, key=lambda found: found.row)
                start = circle.index(row.employee_id.strip())
                chain = circle[start:] + circle[:start]
                self.add(row, "manager_employee_id", _("the reporting lines go round in a circle: %(chain)s",
                                                       chain=" → ".join(chain + [chain[0]])))


def _wanted(r: PersonRow, user: User | None) -> dict[str, str | None]:
    """The values an account has after the sync; a column the file lacks keeps the account's own."""
    def keep(column, value, current):
        return value if column in r.present else current

    return {"employee_id": r.employee_id.strip(), "email": normalise_email(r.email), "name": r.name.strip(),
            "role": _role(r.role) or (user.role if user else "candidate"),
            "language": keep("language", resolve_language(r.language), user.language if user else None),
            "unit": keep("unit", r.unit.strip() or None, user.unit if user else None),
            "manager": keep("manager_employee_id", r.manager_employee_id.strip() or None,
                            user.manager.employee_id if user and user.manager else None)}


def _current(user: User) -> dict[str, str | None]:
    return {"employee_id": user.employee_id, "email": user.email, "name": user.name, "role": user.role,
            "language": user.language, "unit": user.unit,
            "manager": user.manager.employee_id if user.manager else None}


def _shown(name: str, value: str | None, by_eid: dict, names: dict) -> str | None:
    if name == "manager" and value is not None:
        return names.get(value) or _manager_label(by_eid.get(value))
    return value


def plan_sync(rows: list[PersonRow], *, deactivate_missing: bool = False, filename: str = "") -> SyncPlan:
    """What applying ``rows`` would change (nothing is changed); SyncRejected lists every problem."""
    if unstorable := _cell_problems(rows):  # alone: such text must not reach a query
        raise SyncRejected(unstorable)
    checker = _Checker(rows)
    checker.check()
    if checker.problems:
        raise SyncRejected(checker.problems)
    names = {r.employee_id.strip(): f"{r.name.strip()} ({r.employee_id.strip()})" for r in rows}
    changes, unchanged, seen = [], 0, set()
    for r in rows:
        user = checker.matched.get(r.row)
        wanted, active = _wanted(r, user), parse_active(r.active)
        values = tuple(wanted.items())
        if user is None:
            changes.append(PersonChange("create", wanted["employee_id"], wanted["email"], wanted["name"], r.row,
                                        changes=tuple(FieldChange(f, None, _shown(f, wanted[f], checker.by_eid, names))
                                                      for f in FIELDS if wanted[f] is not None),
                                        values=values))
            continue
        seen.add(user.id)
        before = _current(user)
        diff = tuple(FieldChange(f, _shown(f, before[f], checker.by_eid, names),
                                 _shown(f, wanted[f], checker.by_eid, names)) for f in FIELDS if before[f] != wanted[f])
        action = ("deactivate" if user.is_active and not active else "reactivate" if active and not user.is_active
                  else "update" if diff else None)
        if action is None:
            unchanged += 1
        else:
            changes.append(PersonChange(action, wanted["employee_id"], wanted["email"], wanted["name"], r.row,
                                        user.id, diff, values))
    kept_hr, untracked = _missing(changes, seen, deactivate_missing)
    counts = Counter(c.action for c in changes)
    return SyncPlan(tuple(changes), unchanged, kept_hr, untracked, deactivate_missing, filename,
                    {a: counts.get(a, 0) for a in ("create", "update", "deactivate", "reactivate")})


def _missing(changes: list, seen: set, deactivate_missing: bool) -> tuple[tuple[str, ...], int]:
    """Active accounts the file does not name: deactivated with ``deactivate_missing`` when they have an employee
    id and are not HR (appended to ``changes``); returns the HR accounts kept and the count without an id."""
    missing = [u for u in _users(User.is_active.is_(True)) if u.id not in seen]
    kept_hr = tuple(sorted(u.email for u in missing if u.employee_id and u.role == "hr"))
    untracked = sum(1 for u in missing if not u.employee_id)
    if deactivate_missing:
        changes.extend(PersonChange("deactivate", u.employee_id, u.email, u.name, None, u.id)
                       for u in sorted(missing, key=lambda u: u.employee_id or "")
                       if u.employee_id and u.role != "hr")
    return kept_hr, untracked


# --- applying ----------------------------------------------------------------------------------------------


def apply_sync(plan: SyncPlan, *, actor: User | None) -> SyncPlan:
    """Make the plan's changes (flushes; the caller commits once, or rolls back on ServiceError): accounts first,
    then reporting lines, then (re)activation; audited per account and as one sync event."""
    with_values = [c for c in plan.changes if c.values]
    users: dict[str, User] = {}
    # Addresses that move are parked first, so that two people who swap addresses never collide on the way.
    moving = [c for c in with_values if c.user_id and any(f.field == "email" for f in c.changes)]
    for c in moving:
        db.session.get(User, c.user_id).email = f"sync-{uuid.uuid4().hex}@sync.invalid"
    db.session.flush()
    for c in with_values:
        values = dict(c.values)
        users[values["employee_id"]] = _create(values, actor) if c.user_id is None else \
            _update(db.session.get(User, c.user_id), values, c, actor)
    by_eid = {u.employee_id: u for u in _users(User.employee_id.is_not(None))}
    for c in with_values:
        if c.user_id is None or any(f.field == "manager" for f in c.changes):
            boss = dict(c.values)["manager"]
            users[c.employee_id].manager = by_eid[boss] if boss else None
    db.session.flush()
    for c in plan.changes:
        user = users.get(c.employee_id) or db.session.get(User, c.user_id)
        if c.action == "deactivate":
            deactivate_user(user, actor=actor, reason="inactive in the HR system's export" if c.row
                            else "not in the HR system's export")
        elif c.action == "reactivate":
            reactivate_user(user, actor=actor)
    record_audit("people.sync", plan, f"People sync from {plan.filename or 'a file'}: "
                 + ", ".join(f"{n} {a}" for a, n in plan.counts.items()) + f", {plan.unchanged} unchanged",
                 actor=actor, after={"file": plan.filename, **{f"{action}d": n for action, n in plan.counts.items()},
                                     "unchanged": plan.unchanged, "deactivate_missing": plan.deactivate_missing})
    return plan


def _create(values: dict, actor: User | None) -> User:
    user = create_user(values["email"], values["name"], values["role"], None, actor=actor, audit=False,
                       language=values["language"])
    user.employee_id, user.unit = values["employee_id"], values["unit"]
    db.session.flush()
    record_audit("user.create", user, f"Created {user.role} account {user.email} from the people sync", actor=actor,
                 after={k: v for k, v in values.items() if v is not None})
    return user


def _update(user: User, values: dict, change: PersonChange, actor: User | None) -> User:
    if values["role"] != user.role:
        user.role_granted_at = utcnow()
        if values["role"] == "candidate":
            user.is_assessor = False  # a candidate never assesses others
    user.employee_id, user.email, user.name, user.role = (values["employee_id"], values["email"], values["name"],
                                                          values["role"])
    user.language, user.unit = values["language"], values["unit"]
    if any(f.field == "email" for f in change.changes):
        user.end_sessions()  # the old address's sessions end; open password links stop working (mail.tokens)
    db.session.flush()
    if change.changes:
        record_audit("user.sync", user, f"Updated {user.email} from the people sync", actor=actor,
                     before={f.field: f.before for f in change.changes},
                     after={f.field: f.after for f in change.changes})
    return user
