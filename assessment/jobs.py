"""Background work, without knowing what the work is: the RQ queue, threads in an app context, the RQ worker.

Long exports and mail delivery run in a background thread by default, on RQ workers when ``REDIS_URL`` is set.
What runs is decided above this module: ``services.exports`` and ``mail.outbox`` hand over their functions (for
a thread) or the dotted name of a task in ``worker`` (for RQ), whose tasks make their app context. A larger
organisation starts more ``opsladder worker`` processes; the code does not change.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable

from flask import Flask
from redis import Redis
from rq import Queue, Worker

from .extensions import db

#: The RQ queue name; ``RQ_QUEUE`` in the config overrides it (tests use a unique name per run).
DEFAULT_QUEUE = "opsladder"

_threads: list[threading.Thread] = []


def queue_name(app: Flask) -> str:
    return app.config.get("RQ_QUEUE") or DEFAULT_QUEUE


def rq_queue(app: Flask) -> Queue:
    """The app's RQ queue on ``REDIS_URL``."""
    return Queue(queue_name(app), connection=Redis.from_url(app.config["REDIS_URL"]))


def start_thread(app: Flask, target: Callable, *args, name: str) -> threading.Thread:
    """Run ``target(*args)`` in a daemon thread, in an app context of ``app``; its database session is removed
    at the end. ``wait_for_threads`` waits for it."""
    thread = threading.Thread(target=_in_app_context, args=(app, target, args), name=name, daemon=True)
    _threads[:] = [t for t in _threads if t.is_alive()] + [thread]
    thread.start()
    return thread


def _in_app_context(app: Flask, target: Callable, args: tuple) -> None:
    with app.app_context():
        try:
            target(*args)
        finally:
            db.session.remove()


def wait_for_threads(timeout: float = 120) -> None:
    """Wait for the export threads started so far (tests and a clean shutdown use this)."""
    for thread in list(_threads):
        thread.join(timeout)


class AppWorker(Worker):
    """A forking worker whose work horse opens its own database connections."""

    def main_work_horse(self, job, queue):
        # Connections inherited through fork() must not be used by the child (SQLAlchemy's advice).
        db.engine.dispose(close=False)
        return super().main_work_horse(job, queue)


def work(app: Flask, *, burst: bool = False) -> bool:
    """Run an RQ worker for the app's queue, in the app's context; returns when stopped (or idle, in burst)."""
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
