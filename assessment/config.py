"""Configuration from environment variables, with safe defaults.

| variable                 | default                                  | meaning                                     |
|--------------------------|------------------------------------------|---------------------------------------------|
| DATABASE_URL             | sqlite:///<instance>/opsladder.db        | SQLAlchemy URL; postgres:// is accepted     |
| SECRET_KEY               | generated once into <instance>/secret_key| signs sessions and CSRF tokens              |
| REDIS_URL                | (unset: jobs run in-process)             | run long exports on RQ workers              |
| OPSLADDER_RUBRIC         | rubrics/data/framework.yaml              | the competency framework file               |
| OPSLADDER_SOURCES_DIR    | ../shared/seeds beside the project       | the documents the rubric quotes             |
| OPSLADDER_BEHIND_PROXY   | 0                                        | trust X-Forwarded-* from one proxy          |
| OPSLADDER_BASE_URL       | required (tests/debug: 127.0.0.1:5000)   | start of mail links; its host is trusted    |
| OPSLADDER_TRUSTED_HOSTS  | (only the base URL's host)               | more host names requests may name           |
| LOGIN_MAX_FAILURES       | 5                                        | failed sign-ins, one account from one address |
| LOGIN_MAX_FAILURES_PER_ADDRESS | 20                                 | failed sign-ins from one address, any account |
| LOGIN_MAX_FAILURES_PER_ACCOUNT | 100                                | failed sign-ins on one account, all addresses |
| LOGIN_LOCK_MINUTES       | 15                                       | how long the lock lasts                     |
| SESSION_IDLE_MINUTES     | 120                                      | a session ends after this long unused       |
| EXPORTS_DIR              | <instance>/exports                       | where bulk exports are written              |
| EXPORT_WORKERS           | 1                                        | processes rendering one bulk export         |
| EXPORT_JOB_TIMEOUT       | 3600                                     | seconds before a running job counts stalled |
| EXPORT_RETENTION_HOURS   | 168                                      | finished exports are deleted after this     |
| SCORES_XLSX_INLINE_MAX   | 1000                                     | larger cycles get their XLSX from a job     |
| RESULTS_INLINE_MAX       | 300                                      | more missing results: computed by a job     |
| RQ_QUEUE                 | opsladder                                | the RQ queue name (with REDIS_URL)          |
| API_RATE_LIMIT           | 300 per minute                           | API calls per token (Redis with REDIS_URL)  |
| SMTP_HOST                | (unset: mail is written to MAIL_DIR)     | the SMTP server for outgoing mail           |
| SMTP_PORT                | 587 (465 with SMTP_SECURITY=tls)         | its port                                    |
| SMTP_SECURITY            | starttls                                 | starttls, tls (implicit) or none            |
| SMTP_USER / SMTP_PASSWORD| (unset: no login)                        | SMTP credentials                            |
| SMTP_TIMEOUT             | 20                                       | seconds before an SMTP connection gives up  |
| OPSLADDER_ORGANISATION   | (unset)                                  | who sends the mail: sender name and text    |
| MAIL_FROM                | <org> (OpsLadder) <no-reply@base host>   | the sender of every message (mail_sender)   |
| MAIL_DIR                 | <instance>/mail                          | where .eml files go without SMTP_HOST       |
| MAIL_DISPATCH            | thread                                   | thread: send after commit; off: cron only   |
| MAIL_MAX_ATTEMPTS        | 8                                        | tries before a message is given up          |
| REMINDER_DAYS            | 7,2                                      | reminders this many days before the due date|
| PLAN_REMINDER_DAYS       | 7                                        | plan actions: reminders N days before due   |
| PASSWORD_RESET_HOURS     | 2                                        | how long a password-reset link works        |
| INVITATION_DAYS          | 14                                       | how long an invitation link works           |
| TWO_PERSON_AUDIT_DAYS    | 14                                       | account changes an approver is shown        |
| OPSLADDER_HIDE_VERDICTS_WHILE_OPEN | 1                              | HR sees completion, not verdicts, while open|
| OPSLADDER_OIDC_ISSUER    | (unset: no single sign-on)               | the OpenID provider's issuer URL (docs/sso.md) |
| OPSLADDER_OIDC_CLIENT_ID / _CLIENT_SECRET | (unset)                 | OpsLadder's client at that provider         |
| OPSLADDER_OIDC_NAME      | "your company account"                   | the button: "Sign in with <name>"           |
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import urlsplit


def _bool(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def normalise_database_url(url: str) -> str:
    """Use the psycopg 3 driver for PostgreSQL URLs given in the common short forms."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def instance_secret_key(instance_path: str) -> str:
    """The secret key kept in the instance folder, generated once with owner-only permissions."""
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(key + "\n")
    return key


class ConfigError(RuntimeError):
    """A setting the app cannot start without, or one that cannot work; the message names it and the fix."""


#: The development server's address: the base URL of tests and ``--debug`` runs when none is configured.
DEVELOPMENT_BASE_URL = "http://127.0.0.1:5000/"


def host_list(value: str | None) -> tuple[str, ...]:
    """``OPSLADDER_TRUSTED_HOSTS``: host names separated by commas or spaces (a leading dot: every subdomain)."""
    return tuple(part.strip().lower() for part in (value or "").replace(",", " ").split() if part.strip())


def checked_base_url(config: dict) -> str:
    """The configured base URL of every link in mail, ending in ``/``; never taken from a request.

    Unset, tests and ``--debug`` runs use the development server's address; anything else refuses to start,
    because a link built from the request's Host header can be pointed at an attacker's site.
    """
    url = config.get("BASE_URL")
    if not url:
        if config.get("TESTING") or config.get("DEBUG"):
            return DEVELOPMENT_BASE_URL
        raise ConfigError("OPSLADDER_BASE_URL is not set. Set it to the address people open OpsLadder at, e.g. "
                          "https://opsladder.example.com (for a trial on this machine: http://127.0.0.1:5000). Links "
                          "in e-mails start with it, and only its host (plus OPSLADDER_TRUSTED_HOSTS) is answered.")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment \
            or parts.username or parts.password:
        raise ConfigError(f"OPSLADDER_BASE_URL is {url!r}: use the form https://host[:port][/path], without user, "
                          "query or fragment.")
    return url.rstrip("/") + "/"


def trusted_hosts(config: dict) -> list[str]:
    """Flask's TRUSTED_HOSTS: the base URL's host and OPSLADDER_TRUSTED_HOSTS; requests naming another get 400."""
    hosts = [urlsplit(config["BASE_URL"]).hostname]
    hosts += [host for host in config.get("EXTRA_TRUSTED_HOSTS") or () if host not in hosts]
    return hosts


def sender_domain(base_url: str | None) -> str:
    """The domain of the default sender: the base URL's host name; ``localhost`` for an IP address or none."""
    host = urlsplit(base_url or "").hostname or "localhost"
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return host
    return "localhost"


def mail_sender(config: dict) -> tuple[str, str]:
    """The sender of every message as (display name, address).

    MAIL_FROM when set; otherwise ``no-reply@`` the host of OPSLADDER_BASE_URL. Without a name of its own (unset,
    or a bare address), the name says who sends: "<OPSLADDER_ORGANISATION> (OpsLadder)", or "OpsLadder".
    """
    name, address = parseaddr(config.get("MAIL_FROM") or "")
    if not config.get("MAIL_FROM"):
        address = f"no-reply@{sender_domain(config.get('BASE_URL'))}"
    organisation = config.get("ORGANISATION")
    return name or (f"{organisation} (OpsLadder)" if organisation else "OpsLadder"), address


def _days(value: str) -> tuple[int, ...]:
    return tuple(sorted({int(part) for part in value.replace(";", ",").split(",") if part.strip().isdigit()},
                        reverse=True))


def mail_config(env) -> dict:
    """Outgoing mail: SMTP when SMTP_HOST is set, else .eml files in MAIL_DIR (see docs/mail.md)."""
    security = (env.get("SMTP_SECURITY") or "starttls").strip().lower()
    return {
        "SMTP_HOST": env.get("SMTP_HOST") or None,
        "SMTP_PORT": int(env.get("SMTP_PORT") or (465 if security == "tls" else 587)),
        "SMTP_SECURITY": security,
        "SMTP_USER": env.get("SMTP_USER") or None,
        "SMTP_PASSWORD": env.get("SMTP_PASSWORD") or None,
        "SMTP_TIMEOUT": float(env.get("SMTP_TIMEOUT") or 20),
        "MAIL_FROM": (env.get("MAIL_FROM") or "").strip() or None,  # unset: mail_sender() derives it
        "ORGANISATION": " ".join((env.get("OPSLADDER_ORGANISATION") or "").split()) or None,
        "MAIL_DIR": env.get("MAIL_DIR") or None,
        "MAIL_DISPATCH": (env.get("MAIL_DISPATCH") or "thread").strip().lower(),
        "MAIL_MAX_ATTEMPTS": int(env.get("MAIL_MAX_ATTEMPTS") or 8),
        "BASE_URL": (env.get("OPSLADDER_BASE_URL") or "").strip() or None,
        "REMINDER_DAYS": _days(env.get("REMINDER_DAYS") or "7,2"),
        "PLAN_REMINDER_DAYS": _days(env.get("PLAN_REMINDER_DAYS") or "7"),
        "PASSWORD_RESET_HOURS": float(env.get("PASSWORD_RESET_HOURS") or 2),
        "INVITATION_DAYS": float(env.get("INVITATION_DAYS") or 14),
        "TWO_PERSON_AUDIT_DAYS": float(env.get("TWO_PERSON_AUDIT_DAYS") or 14),
    }


def oidc_config(env) -> dict:
    """Single sign-on with OpenID Connect (docs/sso.md); checked at start-up by ``checked_oidc``."""
    return {
        "OIDC_ISSUER": (env.get("OPSLADDER_OIDC_ISSUER") or "").strip() or None,
        "OIDC_CLIENT_ID": (env.get("OPSLADDER_OIDC_CLIENT_ID") or "").strip() or None,
        "OIDC_CLIENT_SECRET": (env.get("OPSLADDER_OIDC_CLIENT_SECRET") or "").strip() or None,
        "OIDC_NAME": " ".join((env.get("OPSLADDER_OIDC_NAME") or "").split()) or None,
    }


#: Hosts an issuer may be reached at over plain http (a provider on this machine, as in the tests).
_LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")


def checked_oidc(config: dict) -> bool:
    """Whether single sign-on is configured; ConfigError naming the variable when it is half set or unsafe."""
    names = {"OIDC_ISSUER": "OPSLADDER_OIDC_ISSUER", "OIDC_CLIENT_ID": "OPSLADDER_OIDC_CLIENT_ID",
             "OIDC_CLIENT_SECRET": "OPSLADDER_OIDC_CLIENT_SECRET"}
    given = [key for key in names if config.get(key)]
    if not given:
        return False
    missing = [names[key] for key in names if key not in given]
    if missing:
        raise ConfigError(f"Single sign-on is half configured: {', '.join(missing)} is not set. Set "
                          "OPSLADDER_OIDC_ISSUER, OPSLADDER_OIDC_CLIENT_ID and OPSLADDER_OIDC_CLIENT_SECRET together "
                          "(docs/sso.md), or none of them to sign in with passwords only.")
    issuer = config["OIDC_ISSUER"]
    parts = urlsplit(issuer)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment \
            or parts.username or parts.password:
        raise ConfigError(f"OPSLADDER_OIDC_ISSUER is {issuer!r}: use the provider's issuer URL, e.g. "
                          "https://login.example.com/realms/staff, without user, query or fragment. OpsLadder reads "
                          "<issuer>/.well-known/openid-configuration.")
    if parts.scheme != "https" and parts.hostname not in _LOCAL_HOSTS:
        raise ConfigError(f"OPSLADDER_OIDC_ISSUER is {issuer!r}: an issuer must be reached over https (plain http "
                          "only on this machine: localhost or 127.0.0.1), or anyone on the way could sign in as "
                          "anybody.")
    name = config.get("OIDC_NAME") or ""
    if len(name) > 60 or any(ord(ch) < 32 for ch in name):
        raise ConfigError("OPSLADDER_OIDC_NAME is too long or holds a control character: give the provider's "
                          "name as people know it, at most 60 characters (e.g. Contoso Login).")
    return True


def build_config(instance_path: str, overrides: dict | None = None) -> dict:
    """The app's configuration: defaults, then environment variables, then ``overrides`` (tests)."""
    env = os.environ
    overrides = dict(overrides or {})
    config = {
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(
            env.get("DATABASE_URL") or f"sqlite:///{Path(instance_path) / 'opsladder.db'}"
        ),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "REDIS_URL": env.get("REDIS_URL") or None,
        "RUBRIC_PATH": env.get("OPSLADDER_RUBRIC") or None,
        "SOURCES_DIR": env.get("OPSLADDER_SOURCES_DIR") or None,
        "BEHIND_PROXY": _bool(env.get("OPSLADDER_BEHIND_PROXY")),
        "EXTRA_TRUSTED_HOSTS": host_list(env.get("OPSLADDER_TRUSTED_HOSTS")),
        "LOGIN_MAX_FAILURES": int(env.get("LOGIN_MAX_FAILURES", 5)),
        "LOGIN_MAX_FAILURES_PER_ADDRESS": int(env.get("LOGIN_MAX_FAILURES_PER_ADDRESS", 20)),
        "LOGIN_MAX_FAILURES_PER_ACCOUNT": int(env.get("LOGIN_MAX_FAILURES_PER_ACCOUNT", 100)),
        "SESSION_IDLE_MINUTES": int(env.get("SESSION_IDLE_MINUTES", 120)),
        "LOGIN_LOCK_MINUTES": int(env.get("LOGIN_LOCK_MINUTES", 15)),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session: long forms are not lost
        "MAX_CONTENT_LENGTH": 5 * 1024 * 1024,
        "PAGE_SIZE": 50,
        "EXPORTS_DIR": env.get("EXPORTS_DIR") or None,
        "EXPORT_WORKERS": int(env.get("EXPORT_WORKERS", 1)),
        "EXPORT_JOB_TIMEOUT": int(env.get("EXPORT_JOB_TIMEOUT", 3600)),
        "EXPORT_RETENTION_HOURS": int(env.get("EXPORT_RETENTION_HOURS", 168)),
        "SCORES_XLSX_INLINE_MAX": int(env.get("SCORES_XLSX_INLINE_MAX", 1000)),
        "RESULTS_INLINE_MAX": int(env.get("RESULTS_INLINE_MAX", 300)),
        "RQ_QUEUE": env.get("RQ_QUEUE") or None,
        "API_RATE_LIMIT": env.get("API_RATE_LIMIT") or "300 per minute",  # Flask-Limiter's notation (docs/api.md)
        # Issue 17, 4: while a cycle is open HR sees completion, not provisional verdicts ("0" shows them).
        "HIDE_VERDICTS_WHILE_OPEN": _bool(env.get("OPSLADDER_HIDE_VERDICTS_WHILE_OPEN") or "1"),
        **mail_config(env),
        **oidc_config(env),
    }
    config.update(overrides)
    if "SQLALCHEMY_DATABASE_URI" in overrides:
        config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(overrides["SQLALCHEMY_DATABASE_URI"])
    if not config.get("SECRET_KEY"):
        config["SECRET_KEY"] = env.get("SECRET_KEY") or instance_secret_key(instance_path)
    return config
