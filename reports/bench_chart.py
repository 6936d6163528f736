"""Bench strength as a small grouped bar chart: per cycle, how many candidates for a role were ready now and ready
after development. One ReportLab ``Drawing`` (plain shapes), drawn into the panel pack and written as SVG for the
talent review page (``chart_svg``), as the radar is."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.graphics.shapes import Drawing, Line, Rect, String

from .chart_svg import svg_document
from .charts import GRID, INK, MUTED
from .fonts import register_fonts

from reportlab.lib import colors

#: Ready now (dark) and ready after development (light): 7.1:1 and 3.2:1 against white.
READY = colors.HexColor("#1F5FA8")
AFTER = colors.HexColor("#6C9BD2")


@dataclass(frozen=True)
class BenchBar:
    """One cycle: its name and the two counts."""

    cycle: str
    ready_now: int
    after_development: int


def _short(text: str, limit: int = 16) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def bench_drawing(bars: Sequence[BenchBar], legend: tuple[str, str], *, width: float = 420,
                  height: float = 180) -> Drawing:
    """The chart of ``bars`` (oldest first) with ``legend`` (the two bands' labels)."""
    regular, bold = register_fonts()
    drawing = Drawing(width, height)
    left, bottom, top = 28, 34, height - 22
    top_value = max([1] + [max(b.ready_now, b.after_development) for b in bars])
    scale = (top - bottom) / top_value
    drawing.add(Line(left, bottom, width - 6, bottom, strokeColor=INK, strokeWidth=0.8))
    for value in sorted({0, top_value // 2, top_value}):
        y = bottom + value * scale
        if value:
            drawing.add(Line(left, y, width - 6, y, strokeColor=GRID, strokeWidth=0.5))
        drawing.add(String(left - 4, y - 3, str(value), fontName=regular, fontSize=8, fillColor=MUTED,
                           textAnchor="end"))
    slot = (width - left - 6) / max(1, len(bars))
    bar = min(22.0, slot / 3)
    for i, item in enumerate(bars):
        x = left + i * slot + slot / 2
        for offset, value, colour in ((-bar, item.ready_now, READY), (0, item.after_development, AFTER)):
            if value:
                drawing.add(Rect(x + offset, bottom, bar, value * scale, fillColor=colour, strokeColor=None,
                                 strokeWidth=0))
            drawing.add(String(x + offset + bar / 2, bottom + value * scale + 2, str(value), fontName=regular,
                               fontSize=7.5, fillColor=INK, textAnchor="middle"))
        drawing.add(String(x, bottom - 12, _short(item.cycle, max(10, int(slot / 4.4))), fontName=regular, fontSize=7.5, fillColor=INK,
                           textAnchor="middle"))
    x = left
    for label, colour in zip(legend, (READY, AFTER)):
        drawing.add(Rect(x, height - 12, 9, 9, fillColor=colour, strokeColor=None, strokeWidth=0))
        drawing.add(String(x + 13, height - 11, label, fontName=bold, fontSize=8, fillColor=INK))
        x += 26 + 5.2 * len(label)
    return drawing


def bench_svg(bars: Sequence[BenchBar], legend: tuple[str, str], title: str) -> str:
    """The chart as an inline SVG element named ``title`` (the page gives the same figures as a table)."""
    return svg_document(bench_drawing(bars, legend), title)
