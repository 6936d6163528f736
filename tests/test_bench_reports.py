"""The reports benchmark's floor draws the report's own text (bench/reports.py), so that report / floor is honest:
the same words, the anchor-source citations included (no timing asserted)."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
from pathlib import Path

import pytest

from reports.pdf import render_report
from reports.sample import sample_report

SCRIPT = Path(__file__).resolve().parents[1] / "bench" / "reports.py"


def bench():
    spec = importlib.util.spec_from_file_location("bench_reports", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def words(pdf: bytes, tmp_path, name: str) -> list[str]:
    path = tmp_path / name
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout.split()


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) not installed")
@pytest.mark.parametrize("lang", ["en", "de"])
def test_the_floor_draws_the_reports_text(lang, tmp_path):
    module = bench()
    data = sample_report(0, lang=lang)
    lines, _furniture = module.report_text(data)
    text = "\n".join(lines)
    for source in data.anchor_sources:
        assert source.quote in text
    for comp in data.result.competencies:
        assert comp.name in text
    report = words(render_report(data), tmp_path, "report.pdf")
    floor = words(module.floor_pdf(module.report_text(data)), tmp_path, "floor.pdf")
    # Within 3%: what differs is layout's own (table headers repeated across pages, "Page n of m").
    assert abs(len(floor) - len(report)) <= 0.03 * len(report), (len(floor), len(report))
