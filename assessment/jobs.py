"""Running long exports: in a background thread by default, on RQ workers when ``REDIS_URL`` is set.

Both paths run the same function (``services.exports.run_export_job``) with its own app context, and
write the progress to the ``ExportJob`` row, so the page shows the same thing whichever runs it. A larger
organisation starts more ``opsladder worker`` processes; the code does not change.
"""

from __future__ import annotations

import signal
import threading

from flask import Flask, current_app, has_app_context

from rubrics import language

from .extensions import db
from .models import ExportJob, utcnow
from .services.translation import _

#: The RQ queue name; ``RQ_QUEUE`` in the config overrides it (tests use a unique name per run).
DEFAULT_QUEUE = "opsladder"

_threads: list[threading.Thread] = []


def queue_name(app: Flask) -> str:
    return app.config.get("RQ_QUEUE") or DEFAULT_QUEUE


def rq_queue(app: Flask):
    """The app's RQ queue on ``REDIS_URL``."""
    from redis import Redis
    from rq import Queue

    return Queue(queue_name(app), connection=Redis.from_url(app.config["REDIS_URL"]))


def dispatch_export(job: ExportJob) -> None:
    """Start a committed export job: enqueue it on RQ when ``REDIS_URL`` is set, else run it in a thread. The
    job writes its text (file headers, sheet names, results) in the language of the person who starts it."""
    app = current_app._get_current_object()
    lang = language.current()
    if app.config.get("REDIS_URL"):
        try:
            rq_job = rq_queue(app).enqueue(run_export, job.id, lang,
                                           job_timeout=app.config.get("EXPORT_JOB_TIMEOUT", 3600),
                                           result_ttl=3600, failure_ttl=86400)
        except Exception as exc:  # Redis down or misconfigured: say so on the job's page, not as a 500
            app.logger.exception("could not enqueue export job %s", job.id)
            job.state, job.finished_at = "failed", utcnow()
            job.error = _("The job queue could not be reached (%(error)s). Check that Redis is running at "
                          "REDIS_URL and that `opsladder worker` is started, then try again.",
                          error=type(exc).__name__)
        else:
            job.rq_job_id = rq_job.id
        db.session.commit()
        return
    thread = threading.Thread(target=_run_in_thread, args=(app, job.id, lang), name=f"export-{job.id}", daemon=True)
    _threads[:] = [t for t in _threads if t.is_alive()] + [thread]
    thread.start()


def _run_in_thread(app: Flask, job_id: int, lang: str | None = None) -> None:
    with app.app_context():
        try:
            run_export(job_id, lang)
        finally:
            db.session.remove()


def wait_for_threads(timeout: float = 120) -> None:
    """Wait for the in-process export threads started so far (tests and a clean shutdown use this)."""
    for thread in list(_threads):
        thread.join(timeout)


def run_export(job_id: int, lang: str | None = None) -> None:
    """The task an RQ worker (or the export thread) runs: the export job with this id, in an app context and
    in ``lang`` (the language of the person who started it; English when not given).

    Inside ``opsladder worker`` (or a test's worker) the app context already exists; a bare RQ worker
    started with ``rq worker`` has none, so the app is created from the environment.
    """
    from .services.exports import run_export_job

    with language.use(lang):
        if has_app_context():
            run_export_job(job_id)
            return
        from . import create_app

        with create_app().app_context():
            run_export_job(job_id)


def work(app: Flask, *, burst: bool = False) -> bool:
    """Run an RQ worker for the app's queue, in the app's context; returns when stopped (or idle, in burst)."""
    from redis import Redis
    from rq import Queue, Worker

    class AppWorker(Worker):
        """A forking worker whose work horse opens its own database connections."""

        def main_work_horse(self, job, queue):
            # Connections inherited through fork() must not be used by the child (SQLAlchemy's advice).
            db.engine.dispose(close=False)
            return super().main_work_horse(job, queue)

    connection = Redis.from_url(app.config["REDIS_URL"])
    worker = AppWorker([Queue(queue_name(app), connection=connection)], connection=connection)
    # RQ installs its own SIGINT/SIGTERM handlers and leaves them behind; a process that goes on after a
    # burst (a test run, an embedding script) must get its own back, or its child processes ignore SIGTERM.
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        return worker.work(burst=burst)
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)
