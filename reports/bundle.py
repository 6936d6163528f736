"""Many reports into one ZIP, streamed: each PDF is written into the archive as soon as it is rendered.

``write_zip(items, fileobj, workers=1, progress=callback)`` takes (archive name, ReportData) pairs, from a
list or a generator, renders them in this process or in a pool of worker processes, and never holds more
than a small window of PDFs in memory, so memory stays flat however long the export grows. The callers
(the web's export job, the CLI, the benchmark) only build the items and report progress.
"""

from __future__ import annotations

import multiprocessing
import os
import tempfile
import zipfile
from collections import deque
from collections.abc import Callable, Iterable

from .data import ReportData
from .fonts import register_fonts
from .pdf import render_report, styles

#: Rendered PDFs waiting for the writer, per worker: bounds memory while keeping every worker busy.
WINDOW_PER_WORKER = 4


def _render(item: tuple[str, ReportData]) -> tuple[str, bytes]:
    name, data = item
    return name, render_report(data)


def _render_to_file(item: tuple[str, ReportData], path: str) -> tuple[str, str]:
    """In a worker: render to a file and return its path, so the PDF never crosses the pipe.

    Tens of kilobytes per report unpickled in the pool's result thread left the parent's memory
    growing with the export (allocator arenas); a file handed over by name keeps it flat.
    """
    name, data = item
    with open(path, "wb") as out:
        out.write(render_report(data))
    return name, path


def _warm():
    """Load fonts and styles once in each worker, before the first report is timed."""
    register_fonts()
    styles()


def write_zip(
    items: Iterable[tuple[str, ReportData]],
    fileobj,
    *,
    workers: int = 1,
    total: int | None = None,
    progress: Callable[[int, int | None], None] | None = None,
    extra: Iterable[tuple[str, bytes]] = (),
) -> int:
    """Render each (name, data) to PDF and write it into a ZIP on ``fileobj``; return how many were written.

    ``extra`` holds ready-made files (for example the panel summary) written first. ``progress(done,
    total)`` is called after each report; ``total`` defaults to ``len(items)`` when items has a length.
    PDFs are stored, not deflated: they are compressed already and deflating again costs time for nothing.
    """
    if total is None and hasattr(items, "__len__"):
        total = len(items)
    done = 0
    with zipfile.ZipFile(fileobj, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, payload in extra:
            archive.writestr(name, payload)
        for name, pdf in _rendered(items, workers):
            if isinstance(pdf, bytes):
                archive.writestr(name, pdf)
            else:
                archive.write(pdf, arcname=name)
                os.unlink(pdf)
            done += 1
            if progress is not None:
                progress(done, total)
    return done


def _rendered(items, workers: int):
    """(name, PDF bytes or the path of a PDF file) in the order of the items, a small window in flight."""
    if workers <= 1:
        for item in items:
            yield _render(item)
        return
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    window = workers * WINDOW_PER_WORKER
    with tempfile.TemporaryDirectory(prefix="opsladder-export-") as tmp, context.Pool(
        workers, initializer=_warm
    ) as pool:
        pending: deque = deque()
        for index, item in enumerate(items):
            path = os.path.join(tmp, f"{index}.pdf")
            pending.append(pool.apply_async(_render_to_file, (item, path)))
            if len(pending) >= window:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()
