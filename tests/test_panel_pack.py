"""The panel pack PDF (reports/panel_pack.py) from hand-made plain data: the cover's slate, bench strength and the
optional grid, one page per candidate, and the optional reply; in English and German. No Flask, no database."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

from reports.bench_chart import BenchBar, bench_svg
from reports.panel_pack import PackCandidate, PackGrid, PanelPack, SlateLine, render_panel_pack
from reports.sample import sample_report
from rubrics import language

GRID = PackGrid("Readiness", "Performance", ("Not yet ready", "After development", "Ready now"),
                ("High", "Medium", "Low"), {(0, 2): ["Ana Alves", "Ben Bauer"], (1, 1): ["Cem Çelik"]})


def _pack(lang="en", *, grid=None, reply=None) -> PanelPack:
    with language.use(lang):
        results = [sample_report(seed).result for seed in range(2)]
    candidates = tuple(PackCandidate(f"Person {n}", "Spring 2026", r.band_label, r, unit="Hamburg",
                                     computed_verdict="Not yet ready" if n == 1 else "",
                                     flags=("Provisional band: Ready now",) if n == 1 else (),
                                     reply=reply if n == 0 else None)
                       for n, r in enumerate(results))
    return PanelPack("Head of Operations", ("Autumn 2025", "Spring 2026"), (("Ready now", 1), ("Ready after development", 1)),
                     (SlateLine("Person 0", "Ready now", "Spring 2026", date(2026, 5, 31)),), candidates,
                     bench=(BenchBar("Autumn 2025", 0, 2), BenchBar("Spring 2026", 1, 1)), language=lang, grid=grid)


def _text(pdf: bytes, tmp_path) -> list[str]:
    path = tmp_path / "pack.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True).stdout
    return [" ".join(page.split()) for page in out.split("\f") if page.strip()]


def test_cover_then_one_page_per_candidate(tmp_path):
    """The cover holds the slate and bench strength; each candidate has a page with verdict, evidence, priorities."""
    pages = _text(render_panel_pack(_pack()), tmp_path)
    assert len(pages) == 3
    cover = pages[0]
    assert "Panel pack" in pages[0] or "PANEL PACK" in cover
    assert "Succession slate" in cover and "Person 0 · Ready now · Spring 2026 · 31 May 2026" in cover
    assert "Bench strength over the last cycles" in cover and "Autumn 2025" in cover
    assert "Grid" not in cover  # no grid given: the section is left out
    assert "Person 1" in pages[2] and "Calibrated by HR; the computed verdict was Not yet ready." in pages[2]
    assert "Top development priorities" in pages[1] and "Flags" in pages[1] and "Provisional band" in pages[2]
    assert all("The candidate's reply" not in page for page in pages)


def test_the_grid_and_the_reply_are_drawn_when_given(tmp_path):
    """With a grid: its axes, its names, and "Nobody" in an empty cell; with a reply: the reply on the page."""
    pages = _text(render_panel_pack(_pack(grid=GRID, reply="I ask that my acting-up role be counted.")), tmp_path)
    cover = pages[0]
    assert "Grid" in cover and "Rows: Performance. Columns: Readiness." in cover
    assert "Ana Alves, Ben Bauer" in cover and "Cem Çelik" in cover and "Nobody" in cover
    assert "The candidate's reply" in pages[1] and "I ask that my acting-up role be counted." in pages[1]
    assert "The candidate's reply" not in pages[2]  # None for this one: left out, not an empty box


def test_an_empty_reply_is_still_a_section(tmp_path):
    """An empty reply ("") is the candidate's (empty) reply: the section is there; None leaves it out."""
    pages = _text(render_panel_pack(_pack(reply="")), tmp_path)
    assert "The candidate's reply" in pages[1]


def test_german(tmp_path):
    """The pack in German: its headings and the grid's empty cells."""
    pages = _text(render_panel_pack(_pack("de", grid=GRID, reply="Ich nehme Stellung.")), tmp_path)
    assert "GREMIENMAPPE" in pages[0] and "Nachfolgeplanung" in pages[0] and "Raster" in pages[0]
    assert "Niemand" in pages[0] and "Stellungnahme" in pages[1] and "Wichtigste Entwicklungsprioritäten" in pages[1]


def test_bench_chart_as_svg_for_the_page():
    """The page's bench chart: an inline SVG with its title, its counts as text, no inline style."""
    svg = bench_svg([BenchBar("Autumn 2025", 0, 2), BenchBar("Spring 2026", 3, 1)], ("Ready now", "Ready after development"),
                    "Bench strength")
    assert svg.startswith("<svg") and "<title>Bench strength</title>" in svg and "style=" not in svg
    assert ">3<" in svg and "Spring 2026" in svg


def test_plain_python():
    """The pack's modules import neither Flask nor SQLAlchemy."""
    code = ("import sys, reports.panel_pack, reports.bench_chart; "
            "assert 'flask' not in sys.modules and 'sqlalchemy' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)
