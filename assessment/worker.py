"""The tasks an RQ worker runs, each in an app context: the entry point of background work, on top of the house.

``opsladder worker`` (``jobs.work``) runs them inside the app it was started with; a bare ``rq worker`` has no app,
so the task makes one from the environment. The queues name these tasks by their dotted path
(``services.exports.EXPORT_TASK``, ``mail.outbox.DELIVERY_TASK``): a name, not an import. Besides ``wsgi`` and
the ``opsladder`` command this is the only place that creates the app; nothing below the factory imports it
(docs/architecture.md).
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext

from flask import has_app_context

from .app import create_app
from .mail.outbox import deliver
from .services import exports


def _app_context() -> AbstractContextManager:
    return nullcontext() if has_app_context() else create_app().app_context()


def run_export(job_id: int, lang: str | None = None) -> None:
    """The export job with this id, in ``lang`` (the language of the person who started it)."""
    with _app_context():
        exports.run_export(job_id, lang)


def deliver_mail(ids: list[int]) -> int:
    """Deliver these messages (and any others that are due)."""
    with _app_context():
        return deliver(ids, include_due=True)
