"""Accounts: creating users, roles and passwords (sign-in checks are in ``signin``)."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from flask_babel import gettext as _

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from werkzeug.security import check_password_hash, generate_password_hash

from rubrics import language as languages

from ..cleaning import ENCODED_WORD, text_problem
from ..extensions import db
from ..models import ROLES, ApiToken, User, utcnow
from . import NotAllowed, ServiceError
from .audit import record_audit

MIN_PASSWORD_LENGTH = 10


def role_word(role: str) -> str:
    """An account role in the reader's language, for messages (the stored id stays as it is)."""
    words = {"hr": _("HR"), "manager": _("Manager"), "candidate": _("Candidate")}
    return words.get(role, role)


def _unknown_role(role) -> ServiceError:
    return ServiceError(_("unknown role %(role)s; choose one of %(roles)s", role=repr(role), roles=", ".join(ROLES)),
                        field="role")


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def check_email(email: str) -> str:
    """The normalised address, or ServiceError when it is not a valid e-mail address."""
    email = normalise_email(email)
    problem = text_problem(email, max_length=320)
    if problem:
        raise ServiceError(_("The e-mail address %(problem)s.", problem=problem), field="email")
    try:
        valid = validate_email(email, check_deliverability=False)
    except EmailNotValidError as exc:
        raise ServiceError(_("%(email)s is not a valid e-mail address: %(reason)s", email=email or _("(empty)"),
                             reason=exc), field="email") from None
    plain = valid.normalized if not email.isascii() else email
    if unicodedata.normalize("NFKC", email) != email or plain != email:
        # E.g. a full-width "ｅ": mail goes to hr@example.com, but the stored address would be another account's
        # look-alike. The ASCII form of a domain (xn--…) is kept as it is.
        raise ServiceError(_("%(email)s is written with characters that stand for others (it means %(plain)s); "
                             "write the address in that plain form", email=email,
                             plain=unicodedata.normalize("NFKC", plain)), field="email")
    if not email.rpartition("@")[0].isascii():
        # Valid by RFC 6531, but only mail servers speaking SMTPUTF8 take it: mail to it would fail every time.
        raise ServiceError(_("%(email)s cannot receive mail from OpsLadder: the part before the @ may hold only "
                             "ASCII letters, digits and punctuation (no accents or other scripts); ask for another "
                             "address", email=email), field="email")
    return email


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a person's name (a sentence fragment, as ``text_problem`` gives), or None."""
    problem = text_problem(name, max_length=200)
    if problem:
        return problem
    found = ENCODED_WORD.search(name or "")
    if found:
        return _("contains “%(word)s”, which mail programs decode as hidden text; write the name as plain text",
                 word=found.group())
    return None


def find_user(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def language_problem(code: str | None) -> str | None:
    """Why ``code`` is not a language OpsLadder writes in (a sentence fragment), or None; empty is allowed."""
    if not code or code in languages.LANGUAGES:
        return None
    return _("unknown language “%(language)s”; use one of %(languages)s", language=code,
             languages=", ".join(f"{c} ({languages.LANGUAGE_NAMES[c]})" for c in languages.LANGUAGES))


def create_user(email: str, name: str, role: str, password: str | None = None, *, actor: User | None = None,
                audit: bool = True, language: str | None = None) -> User:
    """Create an account; the password (when given) is stored only as a hash. ``language`` (``en``, ``de``) is
    the one their e-mails and pages are written in; None: the browser's, once they sign in (e-mails: English).

    ``audit=False`` is for callers that record one event for a whole batch (the candidate import). An HR
    person (``actor``) cannot create an HR account: the HR role needs a second HR person (``two_person``);
    the operator's command line (no actor) can.
    """
    email = check_email(email)
    if role not in ROLES:
        raise _unknown_role(role)
    if role == "hr" and actor is not None:
        raise ServiceError(_("An HR account needs a second HR person's approval: create the account as manager "
                             "or candidate, then propose the HR role on their page."), field="role")
    if not (name or "").strip():
        raise ServiceError(_("a name is required"), field="name")
    if problem := name_problem(name.strip()):
        raise ServiceError(_("The name %(problem)s.", problem=problem), field="name")
    if problem := language_problem(language):
        raise ServiceError(problem, field="language")
    if find_user(email) is not None:
        raise ServiceError(_("an account for %(email)s already exists", email=email), field="email")
    user = User(email=email, name=name.strip(), role=role, language=language or None)
    if password is not None:
        set_password(user, password)
    db.session.add(user)
    db.session.flush()
    if audit:
        record_audit("user.create", user, f"Created {role} account {email}", actor=actor,
                     after={"email": email, "name": user.name, "role": role, "language": user.language})
    return user


def change_role(user: User, role: str, *, actor: User) -> User:
    """Give an account another role; nobody changes their own, so HR cannot lock itself out. The HR role is
    never given here: it is proposed and approved by a second HR person (``two_person``)."""
    if role not in ROLES:
        raise _unknown_role(role)
    if role == "hr" and user.role != "hr":
        raise ServiceError(_("The HR role needs a second HR person's approval: propose it instead."), field="role")
    if user.id == actor.id:
        raise ServiceError(_("You cannot change your own role; ask another HR user."), field="role")
    if role == user.role:
        raise ServiceError(_("%(name)s already has the role %(role)s.", name=user.name, role=role_word(user.role)),
                           field="role")
    before, after = {"role": user.role}, {"role": role}
    if role == "candidate" and user.is_assessor:  # a candidate never assesses others
        before["is_assessor"], after["is_assessor"] = True, False
        user.is_assessor = False
    was_hr = user.role == "hr"
    user.role, user.role_granted_at = role, utcnow()
    db.session.flush()
    record_audit("user.role_change", user, f"Changed the role of {user.email}: {before['role']} -> {role}",
                 actor=actor, before=before, after=after)
    if was_hr:
        revoke_tokens_of(user, actor=actor, why="its creator is no longer HR")
    return user


def revoke_tokens_of(user: User, *, actor: User | None, why: str) -> int:
    """Revoke for good every API token ``user`` created that is not revoked yet (audited, one row each), so that
    none works again when the account is reactivated or made HR again; returns how many.

    Here rather than in ``api_tokens`` (which builds on this module): deactivation and losing HR revoke them."""
    tokens = list(db.session.scalars(sa.select(ApiToken).where(ApiToken.created_by_id == user.id,
                                                               ApiToken.revoked_at.is_(None))))
    for token in tokens:
        token.revoked_at = utcnow()
        db.session.flush()
        record_audit("api_token.revoke", token, f"Revoked API token {token.name}: {why}", actor=actor,
                     before={"name": token.name}, after={"revoked": True, "reason": why})
    return len(tokens)


def change_password(user: User, password: str, *, actor: User) -> User:
    """Set a new password for one's own account; the audit trail says that it changed, never what to.

    Nobody sets another person's password (two-person rule: HR could otherwise sign in as a second HR
    person); they send a link with which the person sets it (``accounts.invite``)."""
    if actor.id != user.id:
        raise NotAllowed(_("Nobody sets another person's password; send them a link to set it themselves."))
    had_password = bool(user.password_hash)
    set_password(user, password)
    db.session.flush()
    record_audit("user.password", user, f"Set a new password for {user.email}", actor=actor,
                 before={"has_password": had_password}, after={"has_password": True})
    return user


def change_own_password(user: User, current: str, password: str) -> User:
    """A person sets a new password, giving their current one; every other session of theirs ends."""
    if not verify_password(user.password_hash, current or ""):
        raise ServiceError(_("This is not your current password."), field="current_password")
    if current == password:
        raise ServiceError(_("The new password is the same as the current one."), field="password")
    return change_password(user, password, actor=user)


def check_new_password(password: str) -> None:
    """ServiceError (on the password field) unless ``password`` is long enough."""
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise ServiceError(_("the password must have at least %(num)d characters", num=MIN_PASSWORD_LENGTH),
                           field="password")


def set_password(user: User, password: str) -> None:
    check_new_password(password)
    user.set_password(password)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    # Made with the same method as real hashes, so checking it costs what checking a real one does.
    return generate_password_hash("no account has this password")


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches; a missing hash is checked against a dummy so that it costs the same."""
    matches = check_password_hash(password_hash or _dummy_hash(), password)
    return matches and password_hash is not None


def deactivate_user(user: User, *, actor: User | None, reason: str = "") -> User:
    """Deactivate an account: no sign-in, no mail, every session ends; its history (sheets, results, audit) stays.
    Nobody deactivates their own account, and the last active HR account is never deactivated."""
    if not user.is_active:
        raise ServiceError(_("%(email)s is already deactivated.", email=user.email))
    if actor is not None and user.id == actor.id:
        raise ServiceError(_("You cannot deactivate your own account; ask another HR user."))
    if user.role == "hr" and db.session.scalar(
            sa.select(sa.func.count(User.id)).where(User.role == "hr", User.is_active)) <= 1:
        raise ServiceError(_("%(email)s is the last active HR account and stays active.", email=user.email))
    user.is_active, user.deactivated_at = False, utcnow()
    user.end_sessions()
    db.session.flush()
    record_audit("user.deactivate", user, f"Deactivated {user.email}" + (f": {reason}" if reason else ""),
                 actor=actor, before={"active": True}, after={"active": False, "reason": reason or None})
    revoke_tokens_of(user, actor=actor, why="its creator was deactivated")
    return user


def reactivate_user(user: User, *, actor: User | None) -> User:
    """Let a deactivated account sign in and receive mail again (audited)."""
    if user.is_active:
        raise ServiceError(_("%(email)s is active.", email=user.email))
    user.is_active, user.deactivated_at = True, None
    db.session.flush()
    record_audit("user.reactivate", user, f"Reactivated {user.email}", actor=actor,
                 before={"active": False}, after={"active": True})
    return user
