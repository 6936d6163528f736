"""Beyond one machine: two web processes and an RQ worker on one PostgreSQL and one Redis.

Web processes are stateless (the session is a signed cookie, files live in the shared EXPORTS_DIR), so an
export started through one process is followed and downloaded through the other while a separate worker
process makes it.
"""

from __future__ import annotations

import http.cookiejar
import io
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from assessment import create_app
from assessment.extensions import db
from tests.conftest import app_config, make_throwaway_database
from tests.factories import Factory
from tests.results_helpers import move_cycle, rated_assessment
from tests.test_results_exports import REDIS_URL, _redis_reason
from tests.test_serve import ROOT, _free_port

SECRET = "deploy-test-secret-key"


class Browser:
    """One person's browser: cookies kept, redirects not followed, forms posted with their CSRF token."""

    def __init__(self):
        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect)

    def request(self, url: str, data: dict | None = None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            response = self.opener.open(urllib.request.Request(url, data=body), timeout=60)
        except urllib.error.HTTPError as error:
            response = error
        with response:
            return response.status, response.headers, response.read()

    def post_form(self, page_url: str, data: dict, action: str | None = None):
        _, _, page = self.request(page_url)
        token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page).group(1).decode()
        return self.request(action or page_url, {**data, "csrf_token": token})


def _start(args, env, log: Path):
    return subprocess.Popen(args, cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)


def _wait_until_up(url: str, proc, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert proc.poll() is None, log.read_text()
        try:
            urllib.request.urlopen(url + "/login", timeout=2).read()
            return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"{url} did not answer in 60 s: {log.read_text()}")


@pytest.fixture
def deployment(tmp_path, tmp_path_factory):
    """Two gunicorn web processes and one RQ worker process, sharing one PostgreSQL, one Redis and EXPORTS_DIR."""
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent))
    if gunicorn is None:
        pytest.skip("gunicorn is not installed")
    if _redis_reason():
        pytest.skip(_redis_reason())
    url, drop = make_throwaway_database("postgresql", tmp_path_factory)
    queue = f"opsladder-deploy-{uuid.uuid4().hex[:8]}"
    env = dict(os.environ, DATABASE_URL=url, SECRET_KEY=SECRET, REDIS_URL=REDIS_URL, RQ_QUEUE=queue,
               EXPORTS_DIR=str(tmp_path / "shared-exports"), SCORES_XLSX_INLINE_MAX="0", PYTHONPATH=str(ROOT),
               OPSLADDER_BASE_URL="http://127.0.0.1/")
    processes = []
    try:
        subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env,
                       check=True, capture_output=True)
        app = create_app(app_config(url))
        with app.app_context():
            make = Factory(app)
            hr = make.user("hr", email="hr@deploy.example.com")
            cycle = make.cycle(name="Deploy round")
            for level in (2, 3, 4):
                rated_assessment(make, cycle=cycle, manager=level, peers=(3, 4, 5))
            move_cycle(cycle, "closed")
            ids = {"cycle": cycle.id, "hr": hr.email, "competencies": len(make.framework.competencies)}
            db.session.remove()
            db.engine.dispose()
        webs = []
        for name in ("web-a", "web-b"):
            port = _free_port()
            log = tmp_path / f"{name}.log"
            proc = _start([gunicorn, "--bind", f"127.0.0.1:{port}", "--workers", "1", "wsgi:app"], env, log)
            processes.append(proc)
            webs.append((f"http://127.0.0.1:{port}", proc, log))
        worker_log = tmp_path / "worker.log"
        processes.append(_start([sys.executable, "-m", "flask", "--app", "wsgi", "worker"], env, worker_log))
        for base, proc, log in webs:
            _wait_until_up(base, proc, log)
        yield {"a": webs[0][0], "b": webs[1][0], "ids": ids, "worker_log": worker_log, "exports": tmp_path}
    finally:
        for proc in processes:
            proc.terminate()
        for proc in processes:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
        from redis import Redis

        connection = Redis.from_url(REDIS_URL)
        for key in connection.scan_iter(f"rq:*{queue}*"):
            connection.delete(key)
        drop()


def _wait_for_job(browser: Browser, status_url: str, worker_log: Path) -> dict:
    import json

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        status, _, body = browser.request(status_url)
        assert status == 200, body
        state = json.loads(body)
        if state["state"] in ("done", "failed"):
            return state
        time.sleep(0.3)
    pytest.fail(f"the export did not finish in 120 s; worker log: {worker_log.read_text()}")


def test_an_export_started_on_one_web_process_is_downloaded_through_the_other(deployment):
    """HR signs in on A and starts the bulk export; a separate RQ worker makes it; B shows it done and serves
    the ZIP; the scores XLSX job goes the other way round (started on B, downloaded through A)."""
    a, b, ids = deployment["a"], deployment["b"], deployment["ids"]
    hr = Browser()
    status, _, _ = hr.post_form(f"{a}/login", {"email": ids["hr"], "password": Factory.PASSWORD})
    assert status == 302
    status, headers, _ = hr.post_form(f"{a}/cycles/{ids['cycle']}/exports", {})
    assert status == 302 and re.search(r"/exports/\d+$", headers["Location"])
    job_path = urllib.parse.urlsplit(headers["Location"]).path
    state = _wait_for_job(hr, f"{b}{job_path}/status", deployment["worker_log"])
    assert state["state"] == "done" and state["done"] == state["total"] == 4, state
    status, headers, body = hr.request(f"{b}{job_path}/download")
    assert status == 200 and headers["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        names = archive.namelist()
    assert len(names) == 4 and sum(name.endswith("-readiness-report.pdf") for name in names) == 3
    assert "Working on queue" in deployment["worker_log"].read_text()

    status, headers, _ = hr.request(f"{b}/cycles/{ids['cycle']}/scores.xlsx")
    assert status == 302 and headers["Location"].endswith(f"/cycles/{ids['cycle']}/exports/scores")
    status, headers, _ = hr.post_form(f"{b}/cycles/{ids['cycle']}/exports/scores", {})
    scores_path = urllib.parse.urlsplit(headers["Location"]).path
    assert _wait_for_job(hr, f"{a}{scores_path}/status", deployment["worker_log"])["state"] == "done"
    status, headers, body = hr.request(f"{a}{scores_path}/download")
    assert status == 200 and "spreadsheetml" in headers["Content-Type"]
    rows = list(load_workbook(io.BytesIO(body)).active.iter_rows(values_only=True))
    assert len(rows) == 1 + 3 * ids["competencies"] * 3  # header + 3 candidates x competencies x (manager, peer, self)
