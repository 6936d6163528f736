"""(issue 21) Schemathesis (4.x) against the live API: the app served on 127.0.0.1 in a thread, on the test
database (SQLite and PostgreSQL), and the ``schemathesis run`` command pointed at its /api/v1/openapi.json.

Every operation is exercised with a valid token (all scopes) and with none, with all of schemathesis' checks:
no server error, every status code, content type, header and body as the document says, invalid data refused,
valid data accepted, and a missing token refused. Examples are limited so that a run takes about a minute.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from assessment.extensions import db
from tests.api_helpers import token_for
from tests.conftest import app_config, running_app
from tests.factories import Factory

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
CONFIG = Path(__file__).with_name("schemathesis.toml")
MAX_EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "12"))


@pytest.fixture
def served(database_url):
    """The app served in a thread, with data to find (cycles in each state, a candidate with raters)."""
    # running_app empties every table afterwards: the next test must not find this fixture's token and people.
    with running_app(app_config(database_url, API_RATE_LIMIT="100000 per minute", MAIL_DISPATCH="off")) as app:
        make = Factory(app)
        make.assessment(cycle=make.cycle(state="draft"), peers=1)
        make.assessment(cycle=make.cycle(state="open"))
        make.cycle(state="closed")
        secret, _hr = token_for(make, name="Schemathesis")
        db.session.remove()
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_port}", secret
        finally:
            server.shutdown()
            thread.join(timeout=5)
            db.session.remove()


def run_schemathesis(url: str, *headers: str, tmp_path: Path, examples: int = MAX_EXAMPLES
                     ) -> subprocess.CompletedProcess:
    command = [str(SCHEMATHESIS), "--config-file", str(CONFIG), "run", f"{url}/api/v1/openapi.json", "--checks", "all",
               "--max-examples", str(examples), "--seed", "21", "--workers", "1", "--no-color",
               "--generation-database", "none", "--request-timeout", "30", "--suppress-health-check", "all",
               "--report", "junit", "--report-dir", str(tmp_path)]
    for header in headers:
        command += ["-H", header]
    return subprocess.run(command, capture_output=True, text=True, timeout=900, cwd=tmp_path)


def test_every_operation_with_a_token_conforms_and_never_fails(served, tmp_path):
    url, secret = served
    run = run_schemathesis(url, f"Authorization: Bearer {secret}", tmp_path=tmp_path)
    assert run.returncode == 0, run.stdout[-20000:] + run.stderr[-4000:]
    assert "No issues found" in run.stdout or "passed" in run.stdout


def test_every_operation_without_a_token_conforms_and_never_fails(served, tmp_path):
    url, _secret = served
    run = run_schemathesis(url, tmp_path=tmp_path, examples=4)  # every answer is the same 401
    assert run.returncode == 0, run.stdout[-20000:] + run.stderr[-4000:]
