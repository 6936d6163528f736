"""Sign-in under attack: an atomic throttle (exactly the limit evaluated, even in parallel), locks per account
and address, the same work for known and unknown addresses, and a ``next=`` that cannot break the redirect."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa

from assessment.extensions import db
from assessment.models import LoginThrottle
from assessment.services import signin, users
from tests.factories import Factory
from tests.test_sessions import browser


@pytest.fixture
def evaluated(monkeypatch):
    """How many passwords were checked (against a real hash or the dummy one)."""
    calls = []
    lock = threading.Lock()
    original = users.check_password_hash

    def counting(password_hash, password):
        with lock:
            calls.append(password_hash)
        return original(password_hash, password)

    monkeypatch.setattr(users, "check_password_hash", counting)
    return calls


def _attempt(app, email, password, address="10.0.0.1"):
    return browser(app).post("/login", data={"email": email, "password": password},
                             environ_base={"REMOTE_ADDR": address})


@pytest.mark.parametrize("threads", [30])
def test_parallel_guesses_evaluate_exactly_the_limit_then_lock(app, make, evaluated, threads):
    """30 wrong passwords at once: exactly LOGIN_MAX_FAILURES are checked, the rest refused, no 500, no lost count."""
    user = make.user("hr")
    limit = app.config["LOGIN_MAX_FAILURES"]
    barrier = threading.Barrier(threads)
    email = user.email  # read here: the threads have no app context to load it in

    def guess(n):
        barrier.wait()
        return _attempt(app, email, f"wrong-guess-{n}").status_code

    with ThreadPoolExecutor(max_workers=threads) as pool:
        statuses = list(pool.map(guess, range(threads)))
    assert sorted(set(statuses)) == [401, 429], statuses
    assert statuses.count(401) == limit and statuses.count(429) == threads - limit
    assert len(evaluated) == limit
    db.session.expire_all()
    pair = db.session.scalar(sa.select(LoginThrottle).where(LoginThrottle.key.startswith("pair:")))
    assert pair.failures == threads and pair.locked_until is not None
    assert _attempt(app, user.email, Factory.PASSWORD).status_code == 429  # locked, even with the right one
    assert len(evaluated) == limit


def test_sequential_guesses_lock_after_the_limit(app, make, evaluated):
    """On every database: the limit of wrong passwords is checked, then even the right one is refused."""
    user = make.user("manager")
    limit = app.config["LOGIN_MAX_FAILURES"]
    statuses = [_attempt(app, user.email, "wrong-guess").status_code for _ in range(limit + 2)]
    assert statuses == [401] * limit + [429, 429] and len(evaluated) == limit
    response = _attempt(app, user.email, Factory.PASSWORD)
    assert response.status_code == 429 and "Try again in 15 minutes" in response.get_data(as_text=True)


def test_a_lock_holds_one_address_only_so_nobody_locks_hr_out(app, make):
    """Five guesses from an attacker's address do not stop HR signing in from the office."""
    user = make.user("hr")
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        _attempt(app, user.email, "wrong-guess", address="203.0.113.9")
    assert _attempt(app, user.email, Factory.PASSWORD, address="203.0.113.9").status_code == 429
    assert _attempt(app, user.email, Factory.PASSWORD, address="192.0.2.10").status_code == 302


def test_guessing_one_account_from_many_addresses_is_limited(app, make):
    """Distributed guessing: past LOGIN_MAX_FAILURES_PER_ACCOUNT failures from anywhere, the account locks."""
    app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"] = 3
    user = make.user("hr")
    for n in range(3):
        _attempt(app, user.email, "wrong-guess", address=f"198.51.100.{n}")
    response = _attempt(app, user.email, Factory.PASSWORD, address="198.51.100.200")
    assert response.status_code == 429 and "this account" in response.get_data(as_text=True)


def test_successful_sign_ins_do_not_use_up_an_address(app, make):
    """An office behind one address: many good sign-ins never reach the per-address limit."""
    app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 3
    people = [make.user("manager") for _ in range(5)]
    assert [_attempt(app, p.email, Factory.PASSWORD).status_code for p in people] == [302] * 5


def test_a_success_clears_the_accounts_counters(app, make):
    """Four wrong, one right: the next wrong guesses start again from zero."""
    user = make.user("manager")
    limit = app.config["LOGIN_MAX_FAILURES"]
    for _ in range(limit - 1):
        _attempt(app, user.email, "wrong-guess")
    assert _attempt(app, user.email, Factory.PASSWORD).status_code == 302
    assert [_attempt(app, user.email, "wrong-guess").status_code for _ in range(limit)] == [401] * limit


@pytest.mark.parametrize("who", ["unknown", "no_password", "wrong_password"])
def test_every_failed_sign_in_checks_one_password_hash(app, make, evaluated, who):
    """Unknown address, account without a password, wrong password: the same work (one hash check), 401."""
    user = make.user("candidate", password=None if who == "no_password" else Factory.PASSWORD)
    email = "nobody.here@example.com" if who == "unknown" else user.email
    response = _attempt(app, email, "wrong-guess")
    assert response.status_code == 401 and len(evaluated) == 1
    assert evaluated[0].startswith(("scrypt:", "pbkdf2:"))


def test_the_client_address_is_cleaned_before_it_becomes_a_key():
    """A forged X-Forwarded-For (behind the proxy) cannot put a NUL or a long string into the throttle table."""
    assert signin.clean_address("10.0.0.1\x00; DROP") == "10.0.0.1D"
    assert signin.clean_address("") == "unknown" and len(signin.clean_address("1" * 500)) == 64


@pytest.mark.parametrize("target, expected", [
    ("/hr/people?q=x", "/hr/people?q=x"),
    ("/x\r\nSet-Cookie: evil=1", "/"),
    ("/x%0d%0aSet-Cookie:%20evil=1", "/x%0d%0aSet-Cookie:%20evil=1"),  # still encoded: a harmless path
    ("//evil.example.com/", "/"),
    ("/\\evil.example.com/", "/"),
    ("https://evil.example.com/", "/"),
    ("javascript:alert(1)", "/"),
    ("/\x00", "/"),
])
def test_next_is_a_path_on_this_site_or_home(app, make, target, expected):
    """After sign-in, next= is followed only as a local path; CR/LF and other sites go home, never a 500."""
    user = make.user("hr")
    response = browser(app).post("/login", query_string={"next": target},
                                 data={"email": user.email, "password": Factory.PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == expected
