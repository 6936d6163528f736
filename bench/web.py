"""Benchmark of the web side at 50, 500 and 5,000 candidates (a benchmark, not a test: it prints figures).

    python bench/web.py                    # everything: in-process pages, exports, gunicorn + wrk, 50 raters on PostgreSQL
    python bench/web.py --sizes 50 --quick # a smoke run (what the test suite runs, without timing anything)
    python bench/web.py --skip-load --skip-raters   # in-process figures only

Measures, in one run (method and figures in docs/benchmarks.md):
  * in-process (Flask test client, signed in as HR), per size: median time of every HR page, the overview,
    the results page, the PDF, and the CSV/XLSX exports (each in a fresh child process: time and peak RSS),
    with the growth factor from 500 to 5,000; and the time to compute and store every result of the cycle;
  * under gunicorn (2 sync workers) with wrk on loopback at 8 connections (the PDF at 4): requests/s, p50 and p99
    of the sign-in page, the HR cycle list, the dashboard, the results page, the overview and the PDF at the
    largest size, and of a manager's rating sheet in an open cycle, beside a bare Flask + SQLAlchemy + Jinja page
    (bench/bare_app.py) served the same way in the same run;
  * one table of those pages: requests/s, p50, p99, the share of the bare page's requests/s, the in-process
    medians at each size and their growth 500 -> 5,000, and each of issue 19's targets, met or missed
    (bench/web_table.py);
  * 50 raters saving and submitting their sheets at once through gunicorn on PostgreSQL: errors, lost
    updates, p50/p99 (bench/web_load.py).
Every loop is bounded (a fixed number of repetitions, wrk for a fixed number of seconds); loopback only.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.append(str(ROOT / "bench"))  # after ROOT: bench/reports.py must not hide the reports package

import web_data  # noqa: E402
import web_table  # noqa: E402

#: The size of the open cycle whose rating sheet is measured (one sheet: the cycle's size does not matter to it).
SHEET_CYCLE = 50


def working_copy(size: int, folder: Path, log=print, *, state: str = "released") -> Path:
    """A copy of the cached data file to run against (the run writes: stored results, sign-ins, audit)."""
    target = folder / (f"run-{size}.db" if state == "released" else f"run-{size}-{state}.db")
    shutil.copyfile(web_data.cached_sqlite(size, log=log, state=state), target)
    return target


def _ids(app):
    import sqlalchemy as sa

    from assessment.extensions import db
    from assessment.models import Assessment, Cycle, RaterAssignment, User

    with app.app_context():
        cycle_id = db.session.scalar(sa.select(Cycle.id))
        assessment_id = db.session.scalar(sa.select(sa.func.min(Assessment.id)))
        sheet_id = db.session.scalar(sa.select(RaterAssignment.id).where(RaterAssignment.assessment_id == assessment_id,
                                                                         RaterAssignment.rater_group == "manager"))
        user_id = db.session.scalar(sa.select(User.id).where(User.role == "manager"))
    return cycle_id, assessment_id, sheet_id, user_id


def pages(cycle_id: int, assessment_id: int, sheet_id: int, user_id: int) -> list[tuple[str, str]]:
    """Every HR page (GET), the results page and the PDF, with the URLs measured. (The state-change and reopen
    confirmations answer a released cycle with a redirect, so they are not in the list.)"""
    c = f"/hr/cycles/{cycle_id}"
    return [
        ("HR: cycles", "/hr/cycles"), ("HR: dashboard", c), ("HR: dashboard, by completion, page 3",
                                                             f"{c}?sort=completion&dir=desc&page=3"),
        ("HR: dashboard, search", f"{c}?q=Nowak"), ("HR: edit cycle", f"{c}/edit"),
        ("HR: add candidate", f"{c}/candidates/new"),
        ("HR: import", f"{c}/import"), ("HR: assign raters", f"/hr/assessments/{assessment_id}"),
        ("HR: sheet (read-only)", f"/ratings/{sheet_id}"), ("HR: people", "/hr/people"),
        ("HR: person", f"/hr/people/{user_id}"), ("HR: audit trail", "/hr/audit"),
        ("HR: overview", f"/cycles/{cycle_id}/overview"),
        ("HR: overview, by competency, page 2", f"/cycles/{cycle_id}/overview?sort=c:strategic_planning&dir=desc&page=2"),
        ("HR: overview, one role", f"/cycles/{cycle_id}/overview?role=coo"),
        ("HR: talent review", "/hr/talent/head_of_operations"),
        ("HR: talent review, one unit, by score, page 3", "/hr/talent/head_of_operations?unit=Site%2003&sort=score&dir=desc"
                                                           "&p-not_yet_ready=3"),
        ("HR: talent grid", f"/hr/grid?role=head_of_operations&cycle={cycle_id}"),
        ("HR: talent grid, trend, a cell's page 2", f"/hr/grid?role=coo&axis=trend&cycle={cycle_id}&p.first=2"),
        ("HR: export reports (confirm)", f"/cycles/{cycle_id}/exports"),
        ("results page", f"/assessments/{assessment_id}/results"), ("report PDF", f"/assessments/{assessment_id}/report.pdf"),
    ]


def time_pages(path: Path, repeat: int, log=print) -> dict:
    """Median ms per page in-process, after computing the cycle's results (timed separately)."""
    app = web_data.app_for(f"sqlite:///{path}")
    ids = _ids(app)
    figures = {}
    try:
        from assessment.services import readiness, results_store
    except ImportError:  # code from before results were stored (bench/web.py run on an older tree)
        results_store = None
    with app.app_context():
        from assessment.extensions import db
        from assessment.models import Cycle

        cycle = db.session.get(Cycle, ids[0])
        started = time.perf_counter()
        count = results_store.refresh_cycle(cycle, readiness.compute_results, force=True) if results_store else 0
        figures["compute and store every result"] = (time.perf_counter() - started) * 1000
        log(f"    computed and stored {count} results in {figures['compute and store every result'] / 1000:.1f} s")
        db.session.remove()
    client = app.test_client()
    client.post("/login", data={"email": web_data.HR_EMAIL, "password": web_data.PASSWORD})
    for label, url in pages(*ids):
        figures[label] = median_ms(client, label, url, repeat)
    figures["sign-in page"] = median_ms(app.test_client(), "sign-in page", "/login", repeat)
    return figures


def median_ms(client, label: str, url: str, repeat: int) -> float:
    """The median time of ``repeat`` GETs of ``url`` (after one more that warms caches and is not counted)."""
    times = []
    for _ in range(repeat + 1):
        started = time.perf_counter()
        response = client.get(url)
        body = response.get_data()
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200 or not body:
            raise SystemExit(f"{label}: {url} answered {response.status_code}")
    return statistics.median(times[1:])


def time_sheet(path: Path, repeat: int) -> float:
    """In-process median of a manager's own sheet in an open cycle (the form, not yet started)."""
    import sqlalchemy as sa

    from assessment.extensions import db
    from assessment.models import RaterAssignment, User

    app = web_data.app_for(f"sqlite:///{path}")
    with app.app_context():
        email, sheet_id = db.session.execute(
            sa.select(User.email, RaterAssignment.id).join(User, User.id == RaterAssignment.rater_id)
            .where(RaterAssignment.rater_group == "manager").order_by(RaterAssignment.id).limit(1)).one()
    client = app.test_client()
    client.post("/login", data={"email": email, "password": web_data.PASSWORD})
    return median_ms(client, "rating sheet", f"/ratings/{sheet_id}", repeat)


def time_export(path: Path, fmt: str) -> dict:
    """CSV or XLSX of the whole cycle in a fresh child process: seconds, peak RSS, RSS before, size."""
    out = subprocess.run([sys.executable, __file__, "--export-child", fmt, str(path)], capture_output=True,
                         text=True, timeout=900)
    if out.returncode:
        raise SystemExit(out.stderr)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _export_child(fmt: str, path: str) -> None:
    import sqlalchemy as sa

    from assessment.extensions import db
    from assessment.models import Cycle
    from assessment.services import exports

    app = web_data.app_for(f"sqlite:///{path}")
    with app.app_context():
        cycle = db.session.scalar(sa.select(Cycle))
        try:
            from assessment.services import readiness, results_store

            results_store.refresh_cycle(cycle, readiness.compute_results)
        except ImportError:  # an older tree: nothing stored
            pass
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        started = time.perf_counter()
        if fmt == "csv" and hasattr(exports, "iter_scores_csv"):
            size = sum(len(chunk.encode()) for chunk in exports.iter_scores_csv(cycle))
        elif fmt == "csv":
            size = len(exports.scores_csv(cycle).encode())
        elif hasattr(exports, "write_scores_xlsx"):
            with tempfile.TemporaryFile() as out:
                exports.write_scores_xlsx(cycle, out, progress=lambda done, total: None)
                size = out.tell()
        else:
            size = len(exports.scores_xlsx(cycle))
        seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "before_mb": before, "bytes": size}))


def machine() -> str:
    cpus = os.cpu_count()
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor())
    load = " / ".join(f"{v:.1f}" for v in os.getloadavg())
    return f"{model}, {cpus} cores, load {load}; Python {platform.python_version()}"


def print_table(sizes, figures) -> None:
    labels = list(figures[sizes[0]])
    head = "".join(f"{size:>10}" for size in sizes)
    growth = 500 in sizes and 5000 in sizes
    print(f"\n  {'median ms (in-process)':44}{head}" + ("   5000/500" if growth else ""))
    for label in labels:
        cells = "".join(f"{figures[size][label]:10.1f}" if label in figures[size] else f"{'·':>10}" for size in sizes)
        ratio = f"{figures[5000][label] / figures[500][label]:10.2f}x" if growth and label in figures[5000] else ""
        print(f"  {label:44}{cells}{ratio}")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[50, 500, 5000])
    parser.add_argument("--repeat", type=int, default=None, help="requests per page (default 15, 7 at 5,000)")
    parser.add_argument("--quick", action="store_true", help="3 requests per page, 2 s of wrk per URL")
    parser.add_argument("--skip-load", action="store_true", help="no gunicorn + wrk")
    parser.add_argument("--skip-raters", action="store_true", help="no 50 concurrent raters on PostgreSQL")
    parser.add_argument("--skip-xlsx-from", type=int, default=None,
                        help="leave out the XLSX from this size up (for an older, quadratic tree)")
    parser.add_argument("--export-child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.export_child:
        return _export_child(*args.export_child)
    print(f"OpsLadder web benchmark, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}\n  {machine()}")
    with tempfile.TemporaryDirectory(prefix="opsladder-bench-run-") as tmp:
        folder = Path(tmp)
        figures, paths = {}, {}
        for size in args.sizes:
            print(f"\n  {size} candidates")
            paths[size] = working_copy(size, folder)
            repeat = args.repeat or (3 if args.quick else 7 if size >= 5000 else 15)
            figures[size] = time_pages(paths[size], repeat)
            for fmt in ("csv", "xlsx"):
                if fmt == "xlsx" and args.skip_xlsx_from and size >= args.skip_xlsx_from:
                    figures[size]["scores XLSX (whole cycle)"] = float("nan")
                    continue
                export = time_export(paths[size], fmt)
                figures[size][f"scores {fmt.upper()} (whole cycle)"] = export["seconds"] * 1000
                print(f"    scores {fmt.upper()}: {export['seconds']:.2f} s, {export['bytes'] / 1e6:.1f} MB, "
                      f"peak RSS {export['peak_mb']:.0f} MB (before: {export['before_mb']:.0f} MB)")
        sheet_db = working_copy(SHEET_CYCLE, folder, state="open")
        figures[args.sizes[0]][web_table.ROWS[4][1]] = time_sheet(sheet_db, args.repeat or (3 if args.quick else 15))
        print_table(args.sizes, figures)
        load = {}
        if not args.skip_load:
            import web_load

            load = web_load.serve_and_load(paths[max(args.sizes)], sheet_db, seconds=2 if args.quick else 8)
        web_table.print_summary(args.sizes, figures, load, sheet_size=SHEET_CYCLE)
        if not args.skip_raters:
            import web_load

            web_load.concurrent_raters(raters=10 if args.quick else 50)
    print(f"\n  machine at the end: {machine()}")


if __name__ == "__main__":
    main()
