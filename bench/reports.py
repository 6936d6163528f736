"""Benchmark of the PDF readiness reports (a benchmark, not a test: it prints figures, asserts nothing).

    python bench/reports.py                # 200 timed reports, 1,000-report ZIP export with 1 and 2 workers
    python bench/reports.py --quick        # 40 timed reports, 200-report exports
    python bench/reports.py --reports 500  # the export size
    python bench/reports.py --no-accel     # as if rl_accel were not installed (ReportLab's Python fallbacks)
    python bench/reports.py --lang de      # German only (default: English, then German)
    python bench/reports.py --quick --no-export  # the single reports only (report, floor, ratio)

Measures, in one run on this machine:
  * ms per full report (ReportData -> PDF bytes) for demo-like candidates in a warm process: median, p90;
  * the floor: a bare ``reportlab.pdfgen.canvas`` drawing of the same text (every string the report draws,
    read from its story: the anchor-source citations, the chart's labels, the page headers and footers too;
    same fonts, one ``drawString`` per wrapped line, no layout engine), and the ratio report / floor;
  * a ZIP export of N reports with one and with two worker processes: wall time, peak RSS, and RSS sampled
    as the export grows (flat when streaming works).
Each export runs in a fresh child process, so its peak memory is its own. Everything is measured for each
language (the report's data made and rendered in it: German text is longer and its words are hyphenated).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def rss_mb() -> float:
    """Current resident set size of this process, in MB (Linux /proc)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def report_text(data) -> tuple[list[str], list[str]]:
    """Every string the report draws, in order, and its page furniture (header, copy mark, footer).

    Read from the report's own story, so the floor draws exactly the report's text: the verdict, rules,
    tables, comments, methodology and the anchor-source citations, the chart's labels and legend too.
    """
    from reportlab.graphics.shapes import Group, String
    from reportlab.platypus import Table

    from reports.charts import DrawingFlowable
    from reports.grid import Grid
    from reports.i18n import _
    from reports.layout import footer_text
    from reports.pdf import report_story
    from reports.text import TextBlock
    from rubrics import language

    def walk(item, out):
        if isinstance(item, (list, tuple)):
            for part in item:
                walk(part, out)
        elif isinstance(item, str):
            out.append(item)
        elif isinstance(item, TextBlock):
            out.append(item.text)
        elif isinstance(item, Grid):
            for row in ([item.header] if item.header else []) + item.rows:
                out += [cell for cell in row if cell]
        elif isinstance(item, Table):
            walk(item._cellvalues, out)
        elif isinstance(item, DrawingFlowable):
            walk(item.drawing.contents, out)
        elif isinstance(item, Group):
            walk(item.contents, out)
        elif isinstance(item, String):
            out.append(item.text)

    with language.use(data.language):
        lines: list[str] = []
        walk(report_story(data), lines)
        furniture = [
            _("Promotion readiness report · %(candidate)s · %(role)s", candidate=data.candidate_name,
              role=data.target_role_name),
            _("%(copy)s · Confidential", copy=data.copy_label).upper(),
            footer_text(data.framework_name, data.framework_version, data.content_hash),
            _("Page %(page)s of", page="{page}"),
        ]
    return lines, furniture


def floor_pdf(text: tuple[list[str], list[str]]) -> bytes:
    """The report's text (``report_text``) drawn straight onto a canvas: one ``drawString`` per wrapped line,
    the same embedded fonts, the header and footer on every page; no platypus, no tables, no chart."""
    import io

    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    from reports.fonts import register_fonts

    font, bold = register_fonts()
    lines, (header, mark, footer, page_label) = text
    buffer = io.BytesIO()
    canv = Canvas(buffer, pagesize=A4, invariant=1)
    y, page = 0, 0
    for line in lines:
        for part in textwrap.wrap(line, 105) or [""]:
            if y < 60:
                if page:
                    canv.showPage()
                page += 1
                canv.setFont(font, 7.5)
                canv.drawString(50, 812, header)
                canv.drawRightString(545, 812, mark)
                canv.drawString(50, 25, footer)
                canv.drawRightString(545, 25, page_label.format(page=page))
                y = 790
            canv.setFont(font, 9)
            canv.drawString(50, y, part)
            y -= 12.5
    canv.showPage()
    canv.save()
    return buffer.getvalue()


def time_reports(count: int, lang: str) -> dict:
    from reports.pdf import render_report
    from reports.sample import sample_report

    datas = [sample_report(seed, lang=lang) for seed in range(count)]
    texts = [report_text(data) for data in datas]  # the floor's text, made before timing
    for data, text in list(zip(datas, texts))[:5]:  # warm: fonts, styles, radar grid, imports
        render_report(data)
        floor_pdf(text)
    wall, cpu, floor_wall, floor_cpu, pages, sizes = [], [], [], [], [], []
    for data, text in zip(datas, texts):
        t0, c0 = time.perf_counter(), time.process_time()
        pdf = render_report(data)
        wall.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
        sizes.append(len(pdf))
        pages.append(pdf.count(b"/Type /Page\n") or pdf.count(b"/Type /Page "))
        t0, c0 = time.perf_counter(), time.process_time()
        floor_pdf(text)
        floor_wall.append((time.perf_counter() - t0) * 1000)
        floor_cpu.append((time.process_time() - c0) * 1000)

    def p90(values):
        return statistics.quantiles(values, n=10)[-1]

    return {
        "count": count,
        "median_ms": statistics.median(wall),
        "p90_ms": p90(wall),
        "median_cpu_ms": statistics.median(cpu),
        "floor_median_ms": statistics.median(floor_wall),
        "floor_p90_ms": p90(floor_wall),
        "floor_median_cpu_ms": statistics.median(floor_cpu),
        "pages": statistics.median(pages),
        "avg_kb": statistics.mean(sizes) / 1024,
    }


def export_child(count: int, workers: int, lang: str) -> dict:
    """Run in a fresh process: export ``count`` reports to a ZIP on disk, sampling RSS as it grows."""
    from reports.bundle import write_zip
    from reports.sample import sample_reports

    samples = {}
    marks = {count * k // 4 for k in range(1, 5)}

    def progress(done, total):
        if done in marks:
            samples[done] = round(rss_mb(), 1)

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "reports.zip"
        start = time.perf_counter()
        with open(path, "wb") as fileobj:
            written = write_zip(sample_reports(count, lang=lang), fileobj, workers=workers, total=count,
                                progress=progress)
        seconds = time.perf_counter() - start
        size = path.stat().st_size
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {
        "workers": workers,
        "reports": written,
        "seconds": seconds,
        "per_report_ms": seconds / written * 1000,
        "peak_rss_mb": own,
        "peak_worker_rss_mb": children if workers > 1 else None,
        "rss_samples_mb": samples,
        "zip_mb": size / 1024 / 1024,
    }


def run_export(count: int, workers: int, no_accel: bool, lang: str) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--export-child", str(count), "--workers", str(workers), "--lang", lang]
        + (["--no-accel"] if no_accel else []),
        check=True, capture_output=True, text=True, cwd=ROOT,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def machine() -> str:
    import reportlab

    try:
        import _rl_accel  # noqa: F401

        accel = "rl_accel C extension"
    except ImportError:
        accel = "no rl_accel (pure Python fallbacks)"
    model = ""
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (f"{model or platform.processor()} x {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"ReportLab {reportlab.Version}, {accel}, load average {load:.2f} at start")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reports", type=int, default=None, help="reports in each ZIP export (default 1000)")
    parser.add_argument("--timed", type=int, default=None, help="reports timed one by one (default 200)")
    parser.add_argument("--quick", action="store_true", help="40 timed reports and 200-report exports")
    parser.add_argument("--no-accel", action="store_true", help="hide rl_accel, to measure what it brings")
    parser.add_argument("--no-export", action="store_true", help="time single reports only, no ZIP export")
    parser.add_argument("--export-child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--workers", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--lang", choices=("en", "de"), action="append", default=None,
                        help="the reports' language (repeatable; default: en, then de)")
    args = parser.parse_args(argv)
    if args.no_accel:
        # Before ReportLab is imported: its rl_accel shim then falls back to pure Python.
        sys.modules["_rl_accel"] = None
    languages = args.lang or ["en", "de"]
    if args.export_child:
        print(json.dumps(export_child(args.export_child, args.workers, languages[0])))
        return
    timed = args.timed or (40 if args.quick else 200)
    exported = args.reports or (200 if args.quick else 1000)

    print(f"Machine: {machine()}")
    for lang in languages:
        report_language(lang, timed, 0 if args.no_export else exported, args.no_accel)
    print("\nTargets: median under 30 ms and within 2.5x of the floor; 1,000 reports under 20 s with two workers.")


def report_language(lang: str, timed: int, exported: int, no_accel: bool) -> None:
    """The figures of one language."""
    from rubrics.language import LANGUAGE_NAMES

    print(f"\n=== Reports in {LANGUAGE_NAMES[lang]} ({lang}) ===")
    t = time_reports(timed, lang)
    print(f"\nSingle reports, warm process ({t['count']} demo-like candidates, avg {t['avg_kb']:.0f} KB, "
          f"median {t['pages']:.0f} pages)")
    print(f"  {'':34}{'median':>10}{'p90':>10}")
    print(f"  {'full report (data -> PDF bytes)':34}{t['median_ms']:>8.1f}ms{t['p90_ms']:>8.1f}ms")
    print(f"  {'floor (bare canvas, same text)':34}{t['floor_median_ms']:>8.1f}ms{t['floor_p90_ms']:>8.1f}ms")
    print(f"  {'ratio report / floor':34}{t['median_ms'] / t['floor_median_ms']:>9.2f}x")
    print(f"  {'full report, CPU time':34}{t['median_cpu_ms']:>8.1f}ms")
    print(f"  {'floor, CPU time':34}{t['floor_median_cpu_ms']:>8.1f}ms")
    # CPU time is what to read on a shared machine: other processes stretch wall time, not CPU time.
    print(f"  {'ratio report / floor, CPU time':34}{t['median_cpu_ms'] / t['floor_median_cpu_ms']:>9.2f}x")
    if not exported:
        return

    print(f"\nZIP export of {exported} reports (streamed; each run in a fresh process)")
    print(f"  {'workers':>8}{'wall':>10}{'per report':>12}{'peak RSS':>11}{'worker RSS':>12}  RSS at 25/50/75/100%")
    for workers in (1, 2):
        e = run_export(exported, workers, no_accel, lang)
        worker = f"{e['peak_worker_rss_mb']:.0f} MB" if e["peak_worker_rss_mb"] else "-"
        samples = " / ".join(f"{v:.0f}" for _, v in sorted(e["rss_samples_mb"].items(), key=lambda kv: int(kv[0])))
        print(f"  {workers:>8}{e['seconds']:>9.1f}s{e['per_report_ms']:>10.1f}ms{e['peak_rss_mb']:>8.0f} MB"
              f"{worker:>12}  {samples} MB")


if __name__ == "__main__":
    main()
