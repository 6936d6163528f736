"""Single sign-on (issue 21; docs/sso.md): who an OpenID Connect sign-in is, just-in-time accounts for allowed
domains, and password sign-in turned off for everyone but one break-glass HR account.

The ID token has been verified before ``sign_in_from_claims`` runs (signature, issuer, audience, expiry and nonce:
Authlib, in ``sso/views.py``); this module decides whom the verified claims name, and whether that person may in.

Two-person rule: none of these settings needs a second HR person's approval. Turning password sign-in off, naming
the break-glass account or allowing a domain gives nobody a power they did not have: just-in-time accounts are
candidates or managers, never HR (the HR role stays a two-person grant, ``two_person``); the break-glass account
must already be HR. The worst a single HR person can do is lock colleagues out of *password* sign-in, which any
other HR person undoes at once (the break-glass account always can), and every change is in the audit trail.
Requiring a second approver would instead delay turning passwords off after a leak, which is when it is needed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import idna
import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from ..cleaning import text_problem
from ..extensions import db
from ..models import JIT_ROLES, JitDomain, SignInSettings, User, utcnow
from . import NotAllowed, ServiceError
from .audit import record_audit
from .users import check_email, create_user, find_user, name_problem, normalise_email

#: The longest domain name DNS allows.
MAX_DOMAIN_LENGTH = 253
_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")


class SsoRefused(ServiceError):
    """A single sign-on that does not let the person in; ``reason`` picks the page's heading and advice."""

    def __init__(self, message: str, reason: str):
        super().__init__(message)
        self.reason = reason


def sso_configured() -> bool:
    """Whether single sign-on is configured on this app (sso.views.init_app registered the provider's client)."""
    return "opsladder.oidc" in current_app.extensions


def provider_name() -> str:
    """The name on the button: OPSLADDER_OIDC_NAME, else "your company account"."""
    return current_app.config.get("OIDC_NAME") or _("your company account")


@dataclass(frozen=True)
class PasswordPolicy:
    """Whether password sign-in is on, and which account keeps it when it is off."""

    password_sign_in: bool
    break_glass: User | None

    def allows(self, user: User | None) -> bool:
        """Whether ``user`` may sign in with (or set) a password."""
        if self.password_sign_in:
            return True
        # The break-glass account keeps it only while it is HR (a demoted account loses it with the role).
        return (user is not None and self.break_glass is not None and user.id == self.break_glass.id
                and user.role == "hr")


def _settings() -> SignInSettings | None:
    return db.session.get(SignInSettings, 1)


def break_glass_account() -> User | None:
    """The account named to keep password sign-in when it is off (whether or not SSO is configured now)."""
    row = _settings()
    return row.break_glass_user if row is not None else None


def password_policy() -> PasswordPolicy:
    """The policy in force. Password sign-in is on for everyone without a settings row, and whenever single
    sign-on is not configured (else a provider taken out of the configuration would lock everyone out)."""
    if not sso_configured():
        return PasswordPolicy(True, None)
    row = _settings()
    if row is None:
        return PasswordPolicy(True, None)
    return PasswordPolicy(bool(row.password_sign_in), row.break_glass_user)


def password_allowed(email_or_user) -> bool:
    """Whether this account (or the account with this address) may sign in with a password now."""
    policy = password_policy()
    if policy.password_sign_in:
        return True
    user = email_or_user if isinstance(email_or_user, User) else find_user(email_or_user or "")
    return policy.allows(user)


def password_off_message() -> str:
    return _("Password sign-in is turned off for your account. Sign in with %(provider)s instead.",
             provider=provider_name())


def password_refused_message() -> str:
    """A failed password sign-in, the same for every address: while password sign-in is off, the answer must not
    tell the break-glass account (whose password may be wrong) from the others (refused whatever the password)."""
    if password_policy().password_sign_in:
        return _("The e-mail address or the password is not right.")
    return _("The e-mail address or the password is not right, or password sign-in is turned off for this "
             "account (then sign in with %(provider)s).", provider=provider_name())


def set_password_sign_in(enabled: bool, break_glass: User | None, *, actor: User) -> None:
    """Turn password sign-in on, or off for everyone but ``break_glass`` (an active HR account); audited."""
    if not enabled:
        if not sso_configured():
            raise NotAllowed(_("Single sign-on is not configured, so password sign-in cannot be turned off: "
                               "nobody could sign in. See docs/sso.md."), field="password_sign_in")
        if break_glass is None or break_glass.role != "hr" or not break_glass.is_active:
            raise ServiceError(_("Choose an active HR account as the break-glass account: it keeps password "
                                 "sign-in in case the single sign-on provider fails."), field="break_glass")
    row = _settings()
    before = None if row is None else {"password_sign_in": row.password_sign_in,
                                       "break_glass": row.break_glass_user.email if row.break_glass_user else None}
    if row is None:
        row = SignInSettings(id=1)
        db.session.add(row)
    row.password_sign_in = enabled
    row.break_glass_user_id = None if enabled else break_glass.id
    row.updated_at, row.updated_by_id = utcnow(), actor.id
    db.session.flush()
    db.session.refresh(row)
    after = {"password_sign_in": enabled, "break_glass": None if enabled else break_glass.email}
    summary = ("Turned password sign-in on for everyone" if enabled else
               f"Turned password sign-in off for everyone but the break-glass account {break_glass.email}")
    record_audit("sso.password_sign_in", row, summary, actor=actor, before=before, after=after)


def normalise_domain(text: str | None) -> str:
    """An e-mail domain as stored and compared: lower case, IDNA ASCII form (``xn--...``); ServiceError else."""
    raw = (text or "").strip()
    problem = text_problem(raw, max_length=MAX_DOMAIN_LENGTH)
    if problem:
        raise ServiceError(_("The domain %(problem)s.", problem=problem), field="domain")
    if not raw:
        raise ServiceError(_("Enter a domain, like example.com."), field="domain")
    if "@" in raw or "\uff20" in raw or "\ufe6b" in raw:
        raise ServiceError(_("Enter the domain only, the part after the @ (like example.com), not an address."),
                           field="domain")
    if any(unicodedata.category(ch) in ("Cf", "Zs", "Zl", "Zp", "Mn") for ch in raw):
        # Zero-width, bidirectional or other invisible characters: what HR sees would not be what is matched.
        raise ServiceError(_("The domain holds an invisible or formatting character; type it again by hand."),
                           field="domain")
    try:
        domain = idna.encode(raw.rstrip("."), uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError):
        raise ServiceError(_("%(domain)s is not a domain name.", domain=raw), field="domain") from None
    labels = domain.split(".")
    if len(labels) < 2 or len(domain) > MAX_DOMAIN_LENGTH or not all(_LABEL.fullmatch(label) for label in labels):
        raise ServiceError(_("%(domain)s is not a domain name.", domain=raw), field="domain")
    return domain


def email_domain(email: str) -> str | None:
    """The IDNA ASCII domain of an address, or None when it has none that normalises."""
    try:
        return normalise_domain(normalise_email(email).rpartition("@")[2])
    except ServiceError:
        return None


def jit_domains() -> list[JitDomain]:
    return list(db.session.scalars(sa.select(JitDomain).order_by(JitDomain.domain)))


def add_jit_domain(text: str, role: str, *, actor: User) -> JitDomain:
    """Allow just-in-time accounts with ``role`` (candidate or manager, never HR) for a domain; audited."""
    domain = normalise_domain(text)
    if role not in JIT_ROLES:
        raise ServiceError(_("New accounts can be candidates or managers; the HR role needs a second HR person."),
                           field="role")
    if db.session.scalar(sa.select(JitDomain).where(JitDomain.domain == domain)) is not None:
        raise ServiceError(_("%(domain)s is already allowed.", domain=domain), field="domain")
    row = JitDomain(domain=domain, role=role, created_by_id=actor.id)
    db.session.add(row)
    db.session.flush()
    record_audit("sso.jit_domain.add", row, f"Allowed just-in-time accounts for {domain} as {role}", actor=actor,
                 after={"domain": domain, "role": role})
    return row


def remove_jit_domain(domain_id: int | None, *, actor: User) -> str:
    """Stop just-in-time accounts for a domain (accounts made so far stay); audited. Returns the domain."""
    row = db.session.get(JitDomain, domain_id) if domain_id else None
    if row is None:
        raise ServiceError(_("That domain is no longer on the list; reload the page."))
    domain, role = row.domain, row.role
    record_audit("sso.jit_domain.remove", row, f"Stopped just-in-time accounts for {domain}", actor=actor,
                 before={"domain": domain, "role": role})
    db.session.delete(row)
    db.session.flush()
    return domain


def _verified_email(claims: dict) -> str:
    email = claims.get("email")
    if not isinstance(email, str) or not email.strip():
        raise SsoRefused(_("The sign-in service did not tell OpsLadder your e-mail address, so your account cannot "
                           "be found. Ask your IT department to release the e-mail address to OpsLadder."), "no_email")
    verified = claims.get("email_verified")
    if verified is not True and not (isinstance(verified, str) and verified.lower() == "true"):
        raise SsoRefused(_("The sign-in service has not verified your e-mail address, so OpsLadder cannot tell it "
                           "is yours. Verify it with the sign-in service (or ask your IT department), then try "
                           "again."), "unverified")
    try:
        return check_email(email)
    except ServiceError:
        raise SsoRefused(_("The e-mail address the sign-in service gave is not one OpsLadder can use."),
                         "no_email") from None


def _jit_name(claims: dict, email: str) -> str:
    for candidate in (claims.get("name"), " ".join(str(claims.get(k) or "") for k in ("given_name", "family_name"))):
        if isinstance(candidate, str) and candidate.strip() and name_problem(" ".join(candidate.split())) is None:
            return " ".join(candidate.split())
    return email.partition("@")[0]


def _create_just_in_time(email: str, claims: dict) -> User:
    domain = email_domain(email)
    allowed = db.session.scalar(sa.select(JitDomain).where(JitDomain.domain == domain)) if domain else None
    if allowed is None:
        raise SsoRefused(_("There is no OpsLadder account for %(email)s. Ask your HR department to add you; "
                           "signing in creates no account for this address.", email=email), "unknown")
    user = create_user(email, _jit_name(claims, email), allowed.role, audit=False)
    record_audit("user.sso_create", user,
                 f"Created {allowed.role} account {email} at its first single sign-on (domain {domain} allowed)",
                 actor=None, after={"email": email, "name": user.name, "role": allowed.role, "domain": domain})
    return user


def sign_in_from_claims(claims: dict) -> tuple[User, bool]:
    """The active account the verified ID token's claims name (created just in time for an allowed domain), and
    whether it was created now; ``last_login_at`` is set. SsoRefused says why not."""
    email = _verified_email(claims)
    user = find_user(email)
    created = user is None
    if user is None:
        user = _create_just_in_time(email, claims)
    elif not user.is_active:
        raise SsoRefused(_("The account for %(email)s is deactivated. Ask your HR department if you need it again.",
                           email=email), "deactivated")
    user.last_login_at = utcnow()
    db.session.flush()
    return user, created
