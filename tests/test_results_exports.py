"""The bulk export of a cycle's reports: confirmation, the job in-process and on RQ, progress, download."""

import io
import os
import signal
import uuid
import zipfile

import pytest
import sqlalchemy as sa

from assessment import jobs
from assessment.extensions import db
from assessment.models import AuditEvent, ExportJob
from tests.results_helpers import move_cycle, rated_assessment

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/13")


@pytest.fixture
def exports_dir(app, tmp_path):
    app.config["EXPORTS_DIR"] = str(tmp_path / "exports")
    return tmp_path / "exports"


@pytest.fixture
def cycle(make):
    """A closed cycle with three candidates, one of them with a Unicode name."""
    cycle = make.cycle(name="Spring round")
    for name, level in (("Łukasz Nowak", 4), ("Zoë Müller-Šimić", 3), ("Aoife O'Brien", 2)):
        rated_assessment(make, cycle=cycle, manager=level, self_level=3, candidate=make.user(name=name))
    move_cycle(cycle, "closed")
    return cycle


def _check_zip(data: bytes, candidates: int) -> list[str]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.testzip() is None
    names = archive.namelist()
    pdfs = [n for n in names if n.endswith(".pdf")]
    assert len(pdfs) == candidates + 1 and any("panel" in n for n in pdfs)
    for name in pdfs:
        assert archive.read(name).startswith(b"%PDF")
    return names


def test_starting_an_export_asks_for_confirmation_first(client, auth, make, cycle, exports_dir):
    """GET shows what will be exported and a button; nothing is started until it is pressed."""
    auth.login(make.user("hr"))
    page = client.get(f"/cycles/{cycle.id}/exports").get_data(as_text=True)
    assert "3 candidates" in page and "Start the export" in page
    assert db.session.scalar(sa.select(sa.func.count(ExportJob.id))) == 0


def test_in_process_export_runs_to_a_downloadable_zip(client, auth, make, cycle, exports_dir):
    """Without REDIS_URL the job runs in a thread; the page then links to a ZIP of every report and the panel."""
    hr = make.user("hr")
    auth.login(hr)
    response = client.post(f"/cycles/{cycle.id}/exports")
    assert response.status_code == 302
    job = db.session.scalar(sa.select(ExportJob))
    assert response.headers["Location"].endswith(f"/exports/{job.id}") and job.rq_job_id is None
    jobs.wait_for_threads()
    db.session.expire_all()
    assert job.state == "done" and job.progress_done == job.progress_total == 4 and job.error is None
    page = client.get(f"/exports/{job.id}").get_data(as_text=True)
    assert "Download the ZIP" in page and 'http-equiv="refresh"' not in page
    download = client.get(f"/exports/{job.id}/download")
    assert download.status_code == 200 and download.mimetype == "application/zip"
    names = _check_zip(download.data, 3)
    assert all(name.isascii() for name in names)
    assert client.get(f"/exports/{job.id}/status").get_json()["state"] == "done"
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.kind == "export.start")).actor_id == hr.id


def test_a_running_export_refreshes_itself_and_reports_progress(client, auth, make, cycle, exports_dir):
    """While queued or running the page has a progress bar and a meta refresh; the JSON status agrees."""
    auth.login(make.user("hr"))
    job = ExportJob(cycle_id=cycle.id, requested_by_id=make.user("hr").id, kind="cycle_reports", state="running",
                    progress_done=1, progress_total=4)
    db.session.add(job)
    db.session.commit()
    page = client.get(f"/exports/{job.id}").get_data(as_text=True)
    assert '<meta http-equiv="refresh"' in page and '<progress id="export-progress" max="4" value="1"' in page
    assert "Download the ZIP" not in page
    assert client.get(f"/exports/{job.id}/status").get_json() == {
        "id": job.id, "state": "running", "done": 1, "total": 4, "percent": 25, "error": None, "stalled": False,
        "download_url": None}
    assert client.get(f"/exports/{job.id}/download").status_code == 404


def test_a_job_running_past_the_time_limit_is_shown_as_stalled(client, auth, make, cycle, exports_dir, app):
    """A job whose runner died stops refreshing and offers a restart instead of spinning forever."""
    from datetime import timedelta

    from assessment.models import utcnow

    hr = make.user("hr")
    job = ExportJob(cycle_id=cycle.id, requested_by_id=hr.id, kind="cycle_reports", state="running",
                    progress_done=1, progress_total=4, started_at=utcnow() - timedelta(hours=2))
    db.session.add(job)
    db.session.commit()
    auth.login(hr)
    page = client.get(f"/exports/{job.id}").get_data(as_text=True)
    assert "has not finished in the time allowed" in page and 'http-equiv="refresh"' not in page
    assert client.get(f"/exports/{job.id}/status").get_json()["stalled"] is True


def test_a_failed_export_shows_a_readable_error_and_leaves_no_file(client, auth, make, cycle, exports_dir,
                                                                  monkeypatch):
    """An error inside the export marks the job failed with its message; no partial file is left behind."""
    from assessment.services import exports

    def broken(cycle, out, *, progress=None):
        out.write(b"half a zip")
        raise OSError("disk full")

    monkeypatch.setattr(exports, "write_cycle_zip", broken)
    auth.login(make.user("hr"))
    client.post(f"/cycles/{cycle.id}/exports")
    jobs.wait_for_threads()
    job = db.session.scalar(sa.select(ExportJob))
    db.session.refresh(job)
    assert job.state == "failed" and "disk full" in job.error
    page = client.get(f"/exports/{job.id}").get_data(as_text=True)
    assert "The export failed." in page and "disk full" in page and "start the export again" in page
    assert not list(exports_dir.iterdir())


@pytest.mark.parametrize("role", ["manager", "candidate"])
def test_only_hr_exports(client, auth, make, cycle, exports_dir, role):
    """Managers and candidates cannot start, watch or download exports."""
    hr = make.user("hr")
    job = ExportJob(cycle_id=cycle.id, requested_by_id=hr.id, kind="cycle_reports", state="done")
    db.session.add(job)
    db.session.commit()
    auth.login(make.user(role))
    assert client.post(f"/cycles/{cycle.id}/exports").status_code == 403
    for url in (f"/exports/{job.id}", f"/exports/{job.id}/status", f"/exports/{job.id}/download"):
        assert client.get(url).status_code == 403


def test_exporting_a_draft_or_empty_cycle_is_refused(client, auth, make, exports_dir):
    """A cycle without candidates cannot be exported; the user is told why."""
    cycle = make.cycle(state="closed")
    auth.login(make.user("hr"))
    response = client.post(f"/cycles/{cycle.id}/exports", follow_redirects=True)
    assert "no candidates to export" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(ExportJob.id))) == 0


def _redis_reason():
    try:
        from redis import Redis

        Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
        return None
    except Exception as exc:  # any failure means: no Redis here
        return f"Redis not reachable at {REDIS_URL}: {type(exc).__name__}"


@pytest.fixture
def redis_app(app, exports_dir):
    """The app configured for RQ on the test Redis, with a queue name of its own; the queue is removed after."""
    reason = _redis_reason()
    if reason:
        pytest.skip(reason)
    app.config.update(REDIS_URL=REDIS_URL, RQ_QUEUE=f"opsladder-test-{uuid.uuid4().hex[:10]}")
    queue = jobs.rq_queue(app)
    # An RQ worker run in this process replaces the SIGTERM/SIGINT handlers; later tests need the defaults
    # (a process pool's terminate() relies on SIGTERM killing its workers).
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    yield app
    for sig, handler in handlers.items():
        signal.signal(sig, handler)
    queue.empty()
    for registry in (queue.finished_job_registry, queue.failed_job_registry, queue.started_job_registry):
        for job_id in registry.get_job_ids():
            registry.remove(job_id, delete_job=True)
    queue.delete(delete_jobs=True)


def test_with_redis_the_export_is_enqueued_and_run_by_an_rq_worker(client, auth, make, cycle, redis_app):
    """With REDIS_URL the job goes on the app's RQ queue; a burst worker runs it to a complete ZIP."""
    from rq import SimpleWorker

    auth.login(make.user("hr"))
    client.post(f"/cycles/{cycle.id}/exports")
    job = db.session.scalar(sa.select(ExportJob))
    assert job.state == "queued" and job.rq_job_id
    queue = jobs.rq_queue(redis_app)
    assert queue.job_ids == [job.rq_job_id]
    page = client.get(f"/exports/{job.id}").get_data(as_text=True)
    assert "Waiting for a worker" in page
    SimpleWorker([queue], connection=queue.connection).work(burst=True)
    db.session.expire_all()
    assert job.state == "done", job.error
    _check_zip(client.get(f"/exports/{job.id}/download").data, 3)


def test_opsladder_worker_runs_queued_exports(runner, client, auth, make, cycle, redis_app):
    """`opsladder worker --burst` (a forking worker) takes a queued export and finishes it."""
    auth.login(make.user("hr"))
    client.post(f"/cycles/{cycle.id}/exports")
    job = db.session.scalar(sa.select(ExportJob))
    before = signal.getsignal(signal.SIGTERM)
    result = runner.invoke(args=["worker", "--burst"])
    assert result.exit_code == 0, result.output
    assert signal.getsignal(signal.SIGTERM) is before, "the worker gives the process its handlers back"
    db.session.expire_all()
    assert job.state == "done", job.error
    _check_zip(client.get(f"/exports/{job.id}/download").data, 3)


def test_an_unreachable_queue_fails_the_job_with_a_clear_message(client, auth, make, cycle, exports_dir, app):
    """With REDIS_URL pointing nowhere the job is marked failed, and its page says what to check."""
    app.config.update(REDIS_URL="redis://127.0.0.1:1/0")
    auth.login(make.user("hr"))
    response = client.post(f"/cycles/{cycle.id}/exports", follow_redirects=True)
    job = db.session.scalar(sa.select(ExportJob))
    assert job.state == "failed" and job.rq_job_id is None
    assert "The job queue could not be reached" in response.get_data(as_text=True)


def test_opsladder_worker_without_redis_says_what_to_set(runner, app):
    """Without REDIS_URL the worker command stops with a clear message."""
    result = runner.invoke(args=["worker"])
    assert result.exit_code != 0 and "REDIS_URL is not set" in result.output


def test_downloading_an_export_is_audited(client, auth, make, cycle, exports_dir):
    """Taking a copy of a cycle's reports out of the app leaves an audit event naming who did it."""
    hr = make.user("hr")
    auth.login(hr)
    client.post(f"/cycles/{cycle.id}/exports")
    jobs.wait_for_threads()
    job = db.session.scalar(sa.select(ExportJob))
    assert client.get(f"/exports/{job.id}/download").status_code == 200
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.kind == "export.download"))
    assert event.actor_id == hr.id and event.subject_id == job.id and event.cycle_id == cycle.id


def test_old_exports_and_abandoned_partial_files_are_removed(app, make, cycle, exports_dir):
    """Starting an export deletes ZIPs past the retention time and .part files of dead jobs, and keeps the rest."""
    import os
    import time

    from assessment.services.exports import exports_dir as folder, start_cycle_export

    base = folder()
    old_zip, new_zip = base / "old.zip", base / "new.zip"
    dead_part, live_part = base / "dead.zip.part", base / "live.zip.part"
    for path in (old_zip, new_zip, dead_part, live_part):
        path.write_bytes(b"x")
    long_ago = time.time() - 30 * 24 * 3600
    os.utime(old_zip, (long_ago, long_ago))
    os.utime(dead_part, (long_ago, long_ago))
    start_cycle_export(cycle, actor=make.user("hr"))
    assert not old_zip.exists() and not dead_part.exists()
    assert new_zip.exists() and live_part.exists()
