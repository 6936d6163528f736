"""Exports of a cycle: every report PDF plus a panel summary as one ZIP (a job with progress), and the
scores as CSV or XLSX."""

from __future__ import annotations

import re
import time
import unicodedata
from collections.abc import Callable
from datetime import timezone
from pathlib import Path

import sqlalchemy as sa
from flask import current_app, url_for

from reports.bundle import write_zip
from reports.pdf import render_panel_summary, render_report
from rubrics import language

from .. import jobs
from ..extensions import db
from ..models import HAS_RESULTS, Assessment, Cycle, ExportJob, User, utcnow
from . import NotAllowed, history, readiness, results_store
from .talent_pack import PACK_KIND, pack_writer
from .audit import record_audit
from .open_cycle import hidden_text, verdicts_hidden
from .readiness import cycle_report_data, panel_data
from .translation import _
from .scores_export import (SCORE_COLUMNS, iter_scores_csv, scores_csv, scores_table,  # noqa: F401 (re-exported)
                            scores_xlsx, write_scores_xlsx)

EXPORT_KIND = "cycle_reports"
#: The reports' language rides on the job's kind ("cycle_reports:de"; a bare "cycle_reports" is each candidate in
#: their own language, "own"): the job table has no column of its own for it.
EXPORT_LANGUAGES = language.LANGUAGES
#: The scores of a large cycle as XLSX, made in the background.
SCORES_KIND = "scores_xlsx"
#: Computing (and storing) the readiness results of a whole cycle: no file, the overview once done.
RESULTS_KIND = "results"
#: What each kind of job makes: a word for its file name and audit line, and its file suffix.
JOB_FILES = {EXPORT_KIND: ("reports", ".zip"), SCORES_KIND: ("scores", ".xlsx"), PACK_KIND: ("panel-pack", ".pdf")}
MIMETYPES = {".zip": "application/zip", ".pdf": "application/pdf",
             ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
#: Seconds between two progress writes, so a fast export does not spend its time committing.
PROGRESS_INTERVAL = 0.3
#: The RQ task that runs an export job (``worker.run_export``), by name: the worker sits above the services.
EXPORT_TASK = "assessment.worker.run_export"


#: Letters that Unicode does not decompose into an ASCII base letter.
_TRANSLITERATE = str.maketrans({"Ł": "L", "ł": "l", "Ø": "O", "ø": "o", "Đ": "D", "đ": "d", "Þ": "Th", "þ": "th",
                                "ß": "ss", "Æ": "Ae", "æ": "ae", "Œ": "Oe", "œ": "oe", "ı": "i"})


def safe_filename(name: str) -> str:
    """A file name with only ASCII letters, digits, dots, dashes and underscores (Łukasz -> Lukasz)."""
    ascii_name = (unicodedata.normalize("NFKD", name.translate(_TRANSLITERATE))
                  .encode("ascii", "ignore").decode("ascii"))
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", ascii_name).strip("-.")
    return cleaned or "export"


def report_filename(assessment: Assessment) -> str:
    """The report's file name: readable, ASCII-only, unique within a cycle (the assessment id)."""
    return safe_filename(f"{assessment.id:04d}-{assessment.candidate.name}-readiness-report.pdf")


def exports_dir() -> Path:
    """Where finished exports are kept: ``EXPORTS_DIR``, by default ``instance/exports``."""
    path = Path(current_app.config.get("EXPORTS_DIR") or Path(current_app.instance_path) / "exports")
    path.mkdir(parents=True, exist_ok=True)
    return path


def candidate_count(cycle: Cycle) -> int:
    """How many candidates the cycle has (one query, without loading them)."""
    return db.session.scalar(sa.select(sa.func.count(Assessment.id)).where(Assessment.cycle_id == cycle.id,
                                                                          HAS_RESULTS))


def export_kind(lang: str | None) -> str:
    """The job kind of a reports export in ``lang`` ("en", "de"; "own" or None: each candidate in their own)."""
    if lang not in EXPORT_LANGUAGES:
        return EXPORT_KIND
    return f"{EXPORT_KIND}:{lang}"


def job_language(job: ExportJob) -> str | None:
    """The reports' language of an export job ("en", "de"), None when it names none (each candidate's own)."""
    kind, _sep, lang = job.kind.partition(":")
    return lang if kind == EXPORT_KIND and lang in EXPORT_LANGUAGES else None


def base_kind(job: ExportJob) -> str:
    """The job's kind without its language."""
    return job.kind.partition(":")[0]


def start_cycle_export(cycle: Cycle, *, actor: User, kind: str = EXPORT_KIND) -> ExportJob:
    """Queue the export of a cycle's reports (one ZIP; ``export_kind(lang)`` for a language), or of its scores
    as XLSX (``SCORES_KIND``); the caller commits and then dispatches the job."""
    if cycle.state == "draft":
        raise NotAllowed("A draft cycle has no ratings to report on yet.")
    if verdicts_hidden(cycle):
        raise NotAllowed(hidden_text())
    count = candidate_count(cycle)
    if not count:
        raise NotAllowed("This cycle has no candidates to export.")
    remove_expired_exports()
    job = ExportJob(cycle_id=cycle.id, requested_by_id=actor.id, kind=kind, state="queued",
                    progress_total=count + 1)
    db.session.add(job)
    db.session.flush()
    record_audit("export.start", job, f"{actor.name} started the export of the {JOB_FILES[base_kind(job)][0]} of "
                 f"{cycle.name}",
                 actor=actor, cycle_id=cycle.id, after={"candidates": count})
    return job


def results_job(cycle: Cycle, *, actor: User) -> tuple[ExportJob, bool]:
    """The job computing the cycle's missing results: the one already queued or running, else a new one
    (True: the caller commits and dispatches it). Not audited: it computes, it exports nothing."""
    running = db.session.scalar(sa.select(ExportJob).where(
        ExportJob.cycle_id == cycle.id, ExportJob.kind == RESULTS_KIND, ExportJob.state.in_(("queued", "running")))
        .order_by(ExportJob.id.desc()))
    if running is not None and not is_stalled(running):
        return running, False
    job = ExportJob(cycle_id=cycle.id, requested_by_id=actor.id, kind=RESULTS_KIND, state="queued",
                    progress_total=candidate_count(cycle))
    db.session.add(job)
    db.session.flush()
    return job, True


def _run_results_job(job: ExportJob, cycle: Cycle) -> None:

    try:
        results_store.refresh_cycle(cycle, readiness.compute_results, progress=_Progress(job))
    except Exception as exc:  # the job must end in a state the page can explain
        db.session.rollback()
        current_app.logger.exception("results job %s failed", job.id)
        job = db.session.get(ExportJob, job.id)
        job.state, job.finished_at = "failed", utcnow()
        job.error = f"Computing the results stopped: {type(exc).__name__}: {exc}"[:2000]
    else:
        job.state, job.finished_at, job.progress_done = "done", utcnow(), job.progress_total
    db.session.commit()


def remove_expired_exports() -> int:
    """Delete export files older than ``EXPORT_RETENTION_HOURS`` (confidential; they can be made again) and
    partial files left by a process that died; returns how many files were removed."""
    folder = exports_dir()
    now = time.time()
    keep = current_app.config.get("EXPORT_RETENTION_HOURS", 168) * 3600
    abandoned = current_app.config.get("EXPORT_JOB_TIMEOUT", 3600)
    removed = 0
    for path in folder.iterdir():
        if not path.is_file():
            continue
        age = now - path.stat().st_mtime
        if (path.suffix == ".part" and age > abandoned) or (path.suffix in MIMETYPES and age > keep):
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def record_download(job: ExportJob, *, actor: User) -> None:
    """Audit that someone took a copy of a cycle's reports out of the app."""
    what = JOB_FILES.get(base_kind(job), JOB_FILES[EXPORT_KIND])[0]
    record_audit("export.download", job, f"{actor.name} downloaded the export of the {what} ({job.file_path})",
                 actor=actor, cycle_id=job.cycle_id)


def recent_exports(cycle: Cycle, limit: int = 5) -> list[ExportJob]:
    """The cycle's latest export jobs, newest first."""
    return list(db.session.scalars(sa.select(ExportJob).where(ExportJob.cycle_id == cycle.id)
                                   .order_by(ExportJob.id.desc()).limit(limit)))


def is_stalled(job: ExportJob) -> bool:
    """Whether a queued or running job has outlived ``EXPORT_JOB_TIMEOUT``: whatever ran it has stopped."""
    if job.state not in ("queued", "running"):
        return False
    since = job.started_at or job.created_at
    if since.tzinfo is None:  # SQLite hands back naive datetimes; they were stored as UTC
        since = since.replace(tzinfo=timezone.utc)
    return (utcnow() - since).total_seconds() > current_app.config.get("EXPORT_JOB_TIMEOUT", 3600)


def job_status(job: ExportJob) -> dict:
    """What the progress page shows, as plain data (also the JSON status)."""

    percent = round(100 * job.progress_done / job.progress_total) if job.progress_total else 0
    return {"id": job.id, "state": job.state, "done": job.progress_done, "total": job.progress_total,
            "percent": percent, "error": job.error, "stalled": is_stalled(job),
            "download_url": url_for("results.download_export", job_id=job.id) if job.state == "done" else None}


def finished_file(job: ExportJob) -> Path | None:
    """The finished export's file, when the job is done and the file is still there."""
    if job.state != "done" or not job.file_path:
        return None
    path = exports_dir() / job.file_path
    return path if path.is_file() else None


class _Progress:
    """Writes a job's progress to its row, at most every PROGRESS_INTERVAL seconds (and always at the end)."""

    def __init__(self, job: ExportJob):
        self.job = job
        self.last = 0.0

    def __call__(self, done: int, total: int | None = None) -> None:
        self.job.progress_done = done
        if total is not None:
            self.job.progress_total = total
        now = time.monotonic()
        if now - self.last >= PROGRESS_INTERVAL or done == self.job.progress_total:
            self.last = now
            db.session.commit()


def run_export_job(job_id: int) -> None:
    """Run an export job to the end, writing progress to its row; a failure is recorded on the job, readably."""
    job = db.session.get(ExportJob, job_id)
    if job is None or job.state not in ("queued", "running"):
        return
    job.state, job.started_at, job.progress_done, job.error = "running", utcnow(), 0, None
    db.session.commit()
    cycle = db.session.get(Cycle, job.cycle_id)
    if job.kind == RESULTS_KIND:
        return _run_results_job(job, cycle)
    word, suffix = JOB_FILES.get(base_kind(job), JOB_FILES[EXPORT_KIND])
    name = safe_filename(f"{cycle.name}-{word}-{job.id}{suffix}")
    target = exports_dir() / name
    partial = target.with_suffix(suffix + ".part")
    if job.kind == SCORES_KIND:
        write = write_scores_xlsx
    elif job.kind == PACK_KIND:  # the talent review's panel pack: a role across cycles (talent_pack)
        write = pack_writer(job.params or {})
    else:
        write = partial_zip(job_language(job))
    try:
        # Text not tied to one candidate (the panel summary) is in the language of whoever asked for the export:
        # their account's, else the one the job was started in (dispatch_export passes the request's).
        requester = db.session.get(User, job.requested_by_id)
        asked = (requester.language if requester else None) or language.current()
        with partial.open("wb") as out, language.use(asked):
            write(cycle, out, progress=_Progress(job))
        partial.replace(target)
    except Exception as exc:  # the job must end in a state the page can explain, whatever went wrong
        db.session.rollback()
        partial.unlink(missing_ok=True)
        current_app.logger.exception("export job %s failed", job_id)
        job = db.session.get(ExportJob, job_id)
        job.state, job.finished_at = "failed", utcnow()
        job.error = f"The export stopped: {type(exc).__name__}: {exc}"[:2000]
        db.session.commit()
        return
    job.state, job.finished_at, job.file_path = "done", utcnow(), name
    job.progress_done = job.progress_total
    db.session.commit()



def dispatch_export(job: ExportJob) -> None:
    """Start a committed export job: enqueue it on RQ when ``REDIS_URL`` is set, else run it in a thread. The
    job writes its text (file headers, sheet names, results) in the language of the person who starts it."""
    app = current_app._get_current_object()
    lang = language.current()
    if not app.config.get("REDIS_URL"):
        jobs.start_thread(app, run_export, job.id, lang, name=f"export-{job.id}")
        return
    try:
        rq_job = jobs.rq_queue(app).enqueue(EXPORT_TASK, job.id, lang,
                                            job_timeout=app.config.get("EXPORT_JOB_TIMEOUT", 3600),
                                            result_ttl=3600, failure_ttl=86400)
    except Exception as exc:  # Redis down or misconfigured: say so on the job's page, not as a 500
        app.logger.exception("could not enqueue export job %s", job.id)
        job.state, job.finished_at = "failed", utcnow()
        job.error = _("The job queue could not be reached (%(error)s). Check that Redis is running at "
                      "REDIS_URL and that `opsladder worker` is started, then try again.", error=type(exc).__name__)
    else:
        job.rq_job_id = rq_job.id
    db.session.commit()


def run_export(job_id: int, lang: str | None = None) -> None:
    """What the export thread and the RQ task (``worker.run_export``) run, in an app context: the export job
    with this id, in ``lang`` (the language of the person who started it; English when not given)."""
    with language.use(lang):
        run_export_job(job_id)


PANEL_FILENAME = "00-panel-summary.pdf"


def partial_zip(lang: str | None):
    """``write_cycle_zip`` with the reports' language fixed (for a job); None: its default."""
    def write(cycle: Cycle, out, *, progress=None):
        if lang is None:
            return write_cycle_zip(cycle, out, progress=progress)
        return write_cycle_zip(cycle, out, progress=progress, lang=lang)
    return write


def cycle_export_items(cycle: Cycle, lang: str | None = None) -> tuple[bytes, list[tuple[str, object]]]:
    """A cycle's export: the panel summary PDF, and (file name, report data) of every report to render.

    ``lang``: "en" or "de" for every report, None or "own" for each candidate in their own language (their
    account's, else the current one). The panel summary is in ``lang``, else in the current language."""
    items = cycle_report_data(cycle, lang, trend=history.trend)
    panel_language = language.normalise(lang) or language.current()
    # The outcomes serve the panel summary when they were computed in its language (they hold text).
    same = all(data.language == panel_language for _, data in items)
    panel = render_panel_summary(panel_data(cycle, [outcome for outcome, _ in items] if same else None,
                                            lang=panel_language))
    return panel, [(report_filename(outcome.assessment), data) for outcome, data in items]


def write_cycle_zip(cycle: Cycle, out, *, progress: Callable[[int, int | None], None] | None = None,
                    workers: int | None = None, lang: str | None = None) -> int:
    """Write the panel summary and every report of the cycle into a ZIP on ``out``; returns the PDF count.

    Streamed by ``reports.bundle.write_zip``: each PDF goes into the archive as soon as it is made, so
    memory stays flat however large the cycle; ``workers`` (default ``EXPORT_WORKERS``, 1) render in parallel.
    ``lang`` as for ``cycle_export_items``.
    """

    panel, reports = cycle_export_items(cycle, lang)
    total = len(reports) + 1
    if progress:
        progress(1, total)
    workers = workers or current_app.config.get("EXPORT_WORKERS") or 1
    written = write_zip(reports, out, workers=workers, extra=[(PANEL_FILENAME, panel)],
                        progress=(lambda done, _total: progress(done + 1, total)) if progress else None)
    return written + 1


def write_cycle_files(cycle: Cycle, folder: Path, *, progress: Callable[[int, int | None], None] | None = None,
                      lang: str | None = None) -> int:
    """Write the panel summary and every report of the cycle as PDF files into ``folder``; returns the count."""

    panel, reports = cycle_export_items(cycle, lang)
    total = len(reports) + 1
    (folder / PANEL_FILENAME).write_bytes(panel)
    for done, (name, data) in enumerate(reports, 1):
        (folder / name).write_bytes(render_report(data))
        if progress:
            progress(done + 1, total)
    return total
