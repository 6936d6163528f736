"""The web benchmark script runs end to end at a tiny size (a smoke test: no timing is asserted)."""

import os
import subprocess
import sys

from tests.test_serve import ROOT


def test_web_benchmark_runs_at_a_tiny_size(tmp_path):
    """bench/web.py builds and caches its data (a released cycle, and an open one for the rating sheet), times every
    page and both exports, and prints the table of pages with the issue's targets."""
    env = dict(os.environ, OPSLADDER_BENCH_CACHE=str(tmp_path / "cache"))
    run = subprocess.run([sys.executable, str(ROOT / "bench" / "web.py"), "--sizes", "6", "--repeat", "1",
                          "--skip-load", "--skip-raters"], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr
    for label in ("compute and store every result", "HR: dashboard", "HR: overview", "results page", "report PDF",
                  "scores CSV (whole cycle)", "scores XLSX (whole cycle)"):
        assert label in run.stdout, run.stdout
    assert list((tmp_path / "cache").glob("*/cycle-6.db")), "the data file is cached for the next run"
    # The one table of issue 19: every page, its share of the bare page and its targets (not measured without load).
    table = run.stdout[run.stdout.index("x bare"):]
    for page in ("bare page (ceiling)", "sign-in page", "HR cycle list", "cycle dashboard", "rating sheet",
                 "results page", "cycle overview", "PDF report"):
        assert f"\n  {page}" in table, table
    assert "p99 < 30 ms: not measured" in table and "< 50 ms at 5,000: not measured" in table, table
