"""Exports of a cycle: every report PDF plus a panel summary as one ZIP (a job with progress), and the
scores as CSV or XLSX."""

from __future__ import annotations

import csv
import io
import re
import time
import unicodedata
from collections.abc import Callable
from datetime import timezone
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from rubrics.readiness import verdict_label

from ..extensions import db
from ..framework import pinned_framework
from ..models import Assessment, Cycle, ExportJob, User, utcnow
from . import NotAllowed
from .audit import record_audit

EXPORT_KIND = "cycle_reports"
#: Seconds between two progress writes, so a fast export does not spend its time committing.
PROGRESS_INTERVAL = 0.3


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


def start_cycle_export(cycle: Cycle, *, actor: User) -> ExportJob:
    """Queue the export of a cycle's reports (one ZIP); the caller commits and then dispatches the job."""
    if cycle.state == "draft":
        raise NotAllowed("A draft cycle has no ratings to report on yet.")
    count = db.session.scalar(sa.select(sa.func.count(Assessment.id)).where(Assessment.cycle_id == cycle.id))
    if not count:
        raise NotAllowed("This cycle has no candidates to export.")
    remove_expired_exports()
    job = ExportJob(cycle_id=cycle.id, requested_by_id=actor.id, kind=EXPORT_KIND, state="queued",
                    progress_total=count + 1)
    db.session.add(job)
    db.session.flush()
    record_audit("export.start", job, f"{actor.name} started the export of the reports of {cycle.name}",
                 actor=actor, cycle_id=cycle.id, after={"candidates": count})
    return job


def remove_expired_exports() -> int:
    """Delete export files older than ``EXPORT_RETENTION_HOURS`` (confidential; they can be made again) and
    partial files left by a process that died; returns how many files were removed."""
    folder = exports_dir()
    now = time.time()
    keep = current_app.config.get("EXPORT_RETENTION_HOURS", 168) * 3600
    abandoned = current_app.config.get("EXPORT_JOB_TIMEOUT", 3600)
    removed = 0
    for path in folder.glob("*.zip*"):
        age = now - path.stat().st_mtime
        if (path.suffix == ".part" and age > abandoned) or (path.suffix == ".zip" and age > keep):
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def record_download(job: ExportJob, *, actor: User) -> None:
    """Audit that someone took a copy of a cycle's reports out of the app."""
    record_audit("export.download", job, f"{actor.name} downloaded the export of the reports ({job.file_path})",
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
    from flask import url_for

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
    name = safe_filename(f"{cycle.name}-reports-{job.id}.zip")
    target = exports_dir() / name
    partial = target.with_suffix(".zip.part")
    try:
        with partial.open("wb") as out:
            write_cycle_zip(cycle, out, progress=_Progress(job))
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


PANEL_FILENAME = "00-panel-summary.pdf"


def cycle_export_items(cycle: Cycle) -> tuple[bytes, list[tuple[str, object]]]:
    """A cycle's export: the panel summary PDF, and (file name, report data) of every report to render."""
    from reports.pdf import render_panel_summary

    from .readiness import cycle_report_data, panel_data

    items = cycle_report_data(cycle)
    panel = render_panel_summary(panel_data(cycle, [outcome for outcome, _ in items]))
    return panel, [(report_filename(outcome.assessment), data) for outcome, data in items]


def write_cycle_zip(cycle: Cycle, out, *, progress: Callable[[int, int | None], None] | None = None,
                    workers: int | None = None) -> int:
    """Write the panel summary and every report of the cycle into a ZIP on ``out``; returns the PDF count.

    Streamed by ``reports.bundle.write_zip``: each PDF goes into the archive as soon as it is made, so
    memory stays flat however large the cycle; ``workers`` (default ``EXPORT_WORKERS``, 1) render in parallel.
    """
    from reports.bundle import write_zip

    panel, reports = cycle_export_items(cycle)
    total = len(reports) + 1
    if progress:
        progress(1, total)
    workers = workers or current_app.config.get("EXPORT_WORKERS") or 1
    written = write_zip(reports, out, workers=workers, extra=[(PANEL_FILENAME, panel)],
                        progress=(lambda done, _total: progress(done + 1, total)) if progress else None)
    return written + 1


def write_cycle_files(cycle: Cycle, folder: Path, *, progress: Callable[[int, int | None], None] | None = None) -> int:
    """Write the panel summary and every report of the cycle as PDF files into ``folder``; returns the count."""
    from reports.pdf import render_report

    panel, reports = cycle_export_items(cycle)
    total = len(reports) + 1
    (folder / PANEL_FILENAME).write_bytes(panel)
    for done, (name, data) in enumerate(reports, 1):
        (folder / name).write_bytes(render_report(data))
        if progress:
            progress(done + 1, total)
    return total


# --- scores as CSV / XLSX --------------------------------------------------------------------------------

SCORE_COLUMNS = ("cycle", "candidate", "current_role", "target_role", "competency_id", "competency",
                 "rater_group", "score", "rated", "coverage", "decision_score", "required", "gap",
                 "computed_band", "calibrated_band", "weighted_attainment", "proposed_band", "provisional_band",
                 "scored")

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def scores_table(cycle: Cycle) -> list[tuple]:
    """One row per candidate x competency x rater group shown (self / manager / peer or others)."""
    from .readiness import assess_cycle

    framework = pinned_framework(cycle)
    rows = []
    for outcome in assess_cycle(cycle):
        assessment, result = outcome.assessment, outcome.result
        calibrated = verdict_label(framework.readiness, outcome.calibration.band_id) if outcome.calibration else ""
        # A proposal awaiting its second HR approval is not in force: its own column, never calibrated_band.
        proposed = verdict_label(framework.readiness, outcome.proposal.band_id) if outcome.proposal else ""
        for comp in result.competencies:
            for group in comp.groups:
                rows.append((cycle.name, assessment.candidate.name, framework.role(assessment.current_role).name,
                             framework.role(assessment.target_role).name, comp.competency_id, comp.name,
                             group.group, _round(group.score), group.rated, group.coverage,
                             _round(comp.decision_score), comp.required, _round(comp.gap), result.band_label,
                             calibrated, _round(result.weighted_attainment), proposed,
                             # Panel review carries the band the rules give; the attainment's coverage.
                             result.provisional_band_label if result.is_panel_review else "",
                             f"{result.scored_count} of {result.competency_count}"))
    return rows


def _round(value):
    return None if value is None else round(float(value), 2)


def _csv_cell(value):
    # A spreadsheet would run a text cell starting with one of these as a formula.
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return "" if value is None else value


def scores_csv(cycle: Cycle) -> str:
    """The scores table as CSV text, safe to open in a spreadsheet (no cell is taken for a formula)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(SCORE_COLUMNS)
    for row in scores_table(cycle):
        writer.writerow([_csv_cell(value) for value in row])
    return buffer.getvalue()


def scores_xlsx(cycle: Cycle) -> bytes:
    """The scores table as an XLSX workbook; text cells are stored as text, never as formulas."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import TYPE_STRING

    workbook = Workbook(write_only=False)
    sheet = workbook.active
    sheet.title = "Scores"
    sheet.append(SCORE_COLUMNS)
    for row in scores_table(cycle):
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = TYPE_STRING  # "=..." stays text
    sheet.freeze_panes = "A2"
    for column, width in zip("ABCDEFGHIJKLMNOP", (26, 24, 20, 20, 28, 30, 10, 8, 8, 10, 10, 9, 8, 20, 20, 12)):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
