"""The web benchmark under load: gunicorn (2 sync workers) and wrk on loopback, and 50 concurrent raters on
PostgreSQL. Used by bench/web.py; every run is bounded (wrk for a fixed time, each rater a fixed script)."""

from __future__ import annotations

import http.cookiejar
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import web_data

ROOT = Path(__file__).resolve().parents[1]
USER_AGENT = "opsladder-bench"
PG_ADMIN_URL = os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn with 2 sync workers on a free loopback port, stopped on exit."""

    def __init__(self, app: str, env: dict, *, cwd: Path = ROOT, workers: int = 2):
        self.port = free_port()
        gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
        self.proc = subprocess.Popen([gunicorn, "--bind", f"127.0.0.1:{self.port}", "--workers", str(workers),
                                      "--timeout", "120", app], cwd=cwd, env={**os.environ, **env},
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.url = f"http://127.0.0.1:{self.port}"

    def wait(self, path: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"gunicorn stopped: {self.proc.stderr.read().decode()[-2000:]}")
            try:
                urllib.request.urlopen(self.url + path, timeout=5).read()
                return
            except OSError:
                time.sleep(0.3)
        raise SystemExit(f"gunicorn did not answer {path} in {timeout} s")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def app_env(url: str) -> dict:
    return {"DATABASE_URL": url, "SECRET_KEY": web_data.SECRET_KEY, "PYTHONPATH": str(ROOT), "REDIS_URL": "", "MAIL_DISPATCH": "off",
            "OPSLADDER_BASE_URL": "http://127.0.0.1/"}


class Browser:
    """A cookie-keeping HTTP client that signs in through the real form (with its CSRF token)."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)

    def request(self, path: str, data: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body, headers={"User-Agent": USER_AGENT})
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8", "replace")

    def sign_in(self, email: str, password: str = web_data.PASSWORD) -> None:
        _, page = self.request("/login")
        status, _ = self.request("/login", {"email": email, "password": password, "csrf_token": csrf(page)})
        if status != 302:
            raise RuntimeError(f"sign-in of {email} answered {status}")

    def cookie_header(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)


def csrf(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(url: str, *, seconds: int, connections: int = 8, cookie: str = "") -> dict:
    """wrk's requests/s, p50, p99 (ms) and count of errors (non-2xx/3xx answers and timeouts) for one URL."""
    headers = ["-H", f"User-Agent: {USER_AGENT}"] + (["-H", f"Cookie: {cookie}"] if cookie else [])
    # wrk's own timeout is 2 s: a slower answer (a busy machine) would count as no request at all.
    out = subprocess.run(["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{seconds}s", "--latency",
                          "--timeout", "20s", *headers, url], capture_output=True, text=True, timeout=seconds + 60).stdout
    latency = {m[0]: float(m[1]) * _UNITS[m[2]] for m in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)}
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    timeouts = re.search(r"Socket errors:.*timeout (\d+)", out)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    # No request finished within the run (a page slower than the run, or a machine far too busy): no latency either.
    return {"rps": rps, "p50": latency.get("50") if rps else None, "p99": latency.get("99") if rps else None,
            "errors": (int(errors.group(1)) if errors else 0) + (int(timeouts.group(1)) if timeouts else 0)}


#: The pages under load, in the order of the issue's table: (label, how many connections). The PDF is measured at
#: 4 connections, as in the issue; every other page at 8.
LOAD_PAGES = (("bare page (ceiling)", 8), ("sign-in page", 8), ("HR cycle list", 8), ("cycle dashboard", 8),
              ("rating sheet", 8), ("results page", 8), ("cycle overview", 8), ("PDF report", 4))


def serve_and_load(db_path: Path, sheet_db: Path, *, seconds: int) -> dict[str, dict]:
    """Requests/s, p50 and p99 of every page of ``LOAD_PAGES`` (the bare page too) under gunicorn, each after a
    second of warming both workers; the rating sheet is a manager's own sheet in an open cycle (``sheet_db``), every
    other page HR's at the size of ``db_path``. Returns {label: wrk's figures}, or {} without wrk."""
    if shutil.which("wrk") is None:
        print("\n  wrk is not installed (make bench installs it from Debian): load figures skipped")
        return {}
    ids = _first_ids(db_path)
    rater_email, sheet_id = _first_sheet(sheet_db)
    url = f"sqlite:///{db_path}"
    with Server("wsgi:app", app_env(url)) as app, Server("wsgi:app", app_env(f"sqlite:///{sheet_db}")) as sheets, \
            Server("bare_app:app", {"DATABASE_URL": url}, cwd=ROOT / "bench") as bare:
        for server, path in ((app, "/login"), (sheets, "/login"), (bare, "/bare")):
            server.wait(path)
        hr, rater = Browser(app.url), Browser(sheets.url)
        hr.sign_in(web_data.HR_EMAIL)
        rater.sign_in(rater_email)
        cookie = hr.cookie_header()
        urls = {"bare page (ceiling)": (bare.url + "/bare", ""), "sign-in page": (app.url + "/login", ""),
                "HR cycle list": (app.url + "/hr/cycles", cookie),
                "cycle dashboard": (f"{app.url}/hr/cycles/{ids['cycle']}", cookie),
                "rating sheet": (f"{sheets.url}/ratings/{sheet_id}", rater.cookie_header()),
                "results page": (f"{app.url}/assessments/{ids['assessment']}/results", cookie),
                "cycle overview": (f"{app.url}/cycles/{ids['cycle']}/overview", cookie),
                "PDF report": (f"{app.url}/assessments/{ids['assessment']}/report.pdf", cookie)}
        status, _page = rater.request(f"/ratings/{sheet_id}")
        if status != 200:
            raise SystemExit(f"the rater's sheet answered {status}")
        print(f"\n  under gunicorn (2 sync workers), wrk {seconds} s per URL, {ids['size']} candidates "
              f"(the rating sheet: an open cycle's sheet, not yet started)")
        figures = {}
        for label, connections in LOAD_PAGES:
            target, cookie_value = urls[label]
            wrk(target, seconds=1, connections=connections, cookie=cookie_value)  # warm both workers
            figures[label] = result = wrk(target, seconds=seconds, connections=connections, cookie=cookie_value)
            result["connections"] = connections
            print(f"    {label:24}{result['rps']:8.0f} req/s  p50 {result['p50'] or 0:6.1f} ms  "
                  f"p99 {result['p99'] or 0:6.1f} ms  errors {result['errors']}")
    return figures


def _first_ids(db_path: Path) -> dict:
    import sqlalchemy as sa

    engine = sa.create_engine(f"sqlite:///{db_path}")
    with engine.connect() as conn:
        ids = {"cycle": conn.scalar(sa.text("SELECT min(id) FROM cycles")),
               "assessment": conn.scalar(sa.text("SELECT min(id) FROM assessments")),
               "size": conn.scalar(sa.text("SELECT count(*) FROM assessments"))}
    engine.dispose()
    return ids


def _first_sheet(db_path: Path) -> tuple[str, int]:
    """The e-mail of a manager and the id of their first sheet, in an open cycle's data file."""
    import sqlalchemy as sa

    engine = sa.create_engine(f"sqlite:///{db_path}")
    with engine.connect() as conn:
        email, sheet_id = conn.execute(sa.text(
            "SELECT u.email, r.id FROM rater_assignments r JOIN users u ON u.id = r.rater_id "
            "WHERE r.rater_group = 'manager' ORDER BY r.id LIMIT 1")).one()
    engine.dispose()
    return email, sheet_id


# --- 50 raters at once on PostgreSQL ---------------------------------------------------------------------


def _throwaway_postgres():
    import sqlalchemy as sa

    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"opsladder_bench_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.engine.make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)

    def drop():
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url, drop


def _answers(framework, rater: int, sheet: int, final: bool) -> dict[str, str]:
    """A rater's levels: a draft first, then different final levels, so a lost save shows."""
    return {c.id: str(1 + (rater + sheet + index + (2 if final else 0)) % 5)
            for index, c in enumerate(framework.competencies)}


def _rate(browser: Browser, framework, rater: int, sheets: list[int], log: list, errors: list) -> None:
    def timed(path, data=None, expect=(200, 302)):
        started = time.perf_counter()
        status, page = browser.request(path, data)
        log.append((time.perf_counter() - started) * 1000)
        if status not in expect:
            errors.append(f"{path}: {status}")
        return page

    for number, sheet_id in enumerate(sheets):
        for final in (False, True):
            page = timed(f"/ratings/{sheet_id}", expect=(200,))
            version = re.search(r'name="version"[^>]*value="(\d+)"', page)
            if version is None:
                errors.append(f"/ratings/{sheet_id}: no form")
                break
            data = {"csrf_token": csrf(page), "version": version.group(1), "action": "submit" if final else "save",
                    # How long and how closely the rater knows the candidate, and where each level was seen: a
                    # submitted sheet must say so (issue 18).
                    "known_for": "1_to_3_years", "closeness": "weekly"}
            for comp_id, level in _answers(framework, rater, number, final).items():
                data[f"level_{comp_id}"] = level
                data[f"evidence_{comp_id}"] = f"Seen by rater {rater} in the quarterly review."
                data.update({f"seen_in_{comp_id}": "role", f"seen_for_{comp_id}": "6", f"seen_unit_{comp_id}": "months"})
            if final:
                data["confirm"] = "y"
            timed(f"/ratings/{sheet_id}", data, expect=(302,))


def concurrent_raters(*, raters: int = 50) -> None:
    """``raters`` people save a draft and then submit each of their sheets, all at once, through gunicorn on
    PostgreSQL; then every sheet is checked against what its rater sent last."""
    import sqlalchemy as sa

    try:
        url, drop = _throwaway_postgres()
    except Exception as exc:  # no PostgreSQL here: say so, measure the rest
        print(f"\n  PostgreSQL not reachable ({type(exc).__name__}): concurrent raters skipped")
        return
    try:
        web_data.build(url, raters, state="open", submitted=False)
        engine = sa.create_engine(url)
        with engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT u.email, r.id FROM rater_assignments r JOIN users u ON u.id = "
                                        "r.rater_id WHERE u.role = 'candidate' ORDER BY u.id, r.id")).all()
        people: dict[str, list[int]] = {}
        for email, sheet_id in rows:
            people.setdefault(email, []).append(sheet_id)
        app = web_data.app_for(url)
        with app.app_context():
            from assessment.framework import current_framework

            framework = current_framework()
        with Server("wsgi:app", app_env(url)) as server:
            server.wait("/login")
            browsers = []
            for email in people:
                browser = Browser(server.url)
                browser.sign_in(email)
                browsers.append(browser)
            log: list[float] = []
            errors: list[str] = []
            start = threading.Barrier(len(browsers))

            def run(index, browser, sheets):
                start.wait()
                _rate(browser, framework, index, sheets, log, errors)

            threads = [threading.Thread(target=run, args=(i, b, s)) for i, (b, s) in
                       enumerate(zip(browsers, people.values()))]
            started = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=600)
            wall = time.perf_counter() - started
        lost = _lost_updates(engine, framework, people)
        engine.dispose()
        log.sort()
        p99 = log[min(len(log) - 1, int(len(log) * 0.99))]
        print(f"\n  {len(people)} raters at once on PostgreSQL (gunicorn, 2 sync workers): {sum(map(len, people.values()))} "
              f"sheets, {len(log)} requests in {wall:.1f} s; errors {len(errors)}, lost updates {lost}; "
              f"p50 {statistics.median(log):.0f} ms, p99 {p99:.0f} ms")
        for error in errors[:5]:
            print(f"    {error}")
    finally:
        drop()


def _lost_updates(engine, framework, people: dict[str, list[int]]) -> int:
    """Sheets whose stored, submitted levels are not exactly what their rater submitted last."""
    import sqlalchemy as sa

    lost = 0
    with engine.connect() as conn:
        for rater, sheets in enumerate(people.values()):
            for number, sheet_id in enumerate(sheets):
                status, revision = conn.execute(sa.text("SELECT status, revision FROM rater_assignments WHERE id = :i"),
                                                {"i": sheet_id}).one()
                stored = dict(conn.execute(sa.text(
                    "SELECT competency_id, level FROM ratings WHERE assignment_id = :i AND revision = :r"),
                    {"i": sheet_id, "r": revision}).all())
                expected = {k: int(v) for k, v in _answers(framework, rater, number, True).items()}
                lost += status != "submitted" or stored != expected
    return lost
