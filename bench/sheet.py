"""Benchmark of the rating sheet in-process: a manager's editable sheet (15 competencies, draft answers on
some) beside the bare Flask + SQLAlchemy + Jinja page (bench/bare_app.py) on the same database file.

    python bench/sheet.py                  # median ms of each, and the sheet's share of the bare page's speed
    python bench/sheet.py --profile        # ... and the sheet's top functions under cProfile
    python bench/sheet.py --repeat 20      # fewer repetitions (a smoke run)

A benchmark, not a test: it prints figures. Every loop is bounded; nothing leaves the machine.
"""

from __future__ import annotations

import argparse
import cProfile
import importlib
import os
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.append(str(ROOT / "bench"))  # after ROOT: bench/reports.py must not hide the reports package

import web_data  # noqa: E402


def sheet_world(folder: Path):
    """An app on a migrated SQLite file in ``folder`` with a manager's sheet in an open cycle, a few answers
    saved as a draft; (app, database path, sheet id, rater's e-mail)."""
    from flask_migrate import upgrade

    from assessment.extensions import db
    from assessment.services.ratings import save_sheet
    from rubrics.sheet import RatingInput
    from tests.factories import Factory
    from tests.sheets import sheet_of

    path = folder / "sheet.db"
    app = web_data.app_for(f"sqlite:///{path}")
    with app.app_context():
        upgrade()
        make = Factory(app)
        sheet = sheet_of(make.assessment(), "manager")
        inputs = [RatingInput(c.id, 3, "Led the quarterly planning round.", None, None)
                  for c in make.framework.competencies[:4]]
        save_sheet(sheet, inputs, actor=sheet.rater, framework=make.framework, expected_version=sheet.version_id,
                   submit=False)
        db.session.commit()
        ids = sheet.id, sheet.rater.email
        db.session.remove()
    return app, path, *ids


def timed(client, url: str, repeat: int) -> tuple[float, float]:
    """Median ms of ``repeat`` GETs of ``url`` after one warm-up request: (processor time, wall time). The
    processor time of this one thread is the steadier figure on a shared, busy machine."""
    cpu, wall = [], []
    for _ in range(repeat + 1):
        started, started_cpu = time.perf_counter(), time.thread_time()
        response = client.get(url)
        body = response.get_data()
        cpu.append((time.thread_time() - started_cpu) * 1000)
        wall.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200 or not body:
            raise SystemExit(f"{url} answered {response.status_code}")
    return statistics.median(cpu[1:]), statistics.median(wall[1:])


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--profile", action="store_true", help="print the sheet's top functions under cProfile")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        app, path, sheet_id, email = sheet_world(Path(folder))
        client = app.test_client()
        client.post("/login", data={"email": email, "password": "correct-horse-battery"})
        url = f"/ratings/{sheet_id}"
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
        bare = importlib.import_module("bare_app").app.test_client()
        (sheet_cpu, sheet_wall), (bare_cpu, bare_wall) = timed(client, url, args.repeat), timed(bare, "/bare", args.repeat)
        size = len(client.get(url).get_data())
        print("median ms per request         processor   wall")
        print(f"rating sheet (15 competencies) {sheet_cpu:8.2f} {sheet_wall:6.2f}   ({size / 1024:.0f} KiB)")
        print(f"bare page                      {bare_cpu:8.2f} {bare_wall:6.2f}")
        print(f"sheet at {bare_cpu / sheet_cpu:.0%} of the bare page's speed by processor time, {bare_wall / sheet_wall:.0%} "
              "by wall time (target: at least 33%)")
        if args.profile:
            profile = cProfile.Profile()
            profile.enable()
            for _ in range(min(args.repeat, 50)):
                client.get(url).get_data()
            profile.disable()
            pstats.Stats(profile).sort_stats(os.environ.get("SORT", "cumulative")).print_stats(35)


if __name__ == "__main__":
    main()
