"""The radar chart from plain shapes: one ReportLab ``Drawing`` describes it, drawn into the PDF by
reports/chart_pdf.py and written as SVG for the web page by reports/chart_svg.py.

Built from polygons, lines and strings rather than the SpiderChart widget, which is several times slower;
the grid (rings, spokes, axis labels) is built once per set of labels and reused.
"""

from __future__ import annotations

import math
from functools import lru_cache

from reportlab.graphics.shapes import Circle, Drawing, Group, Line, PolyLine, Polygon, Rect, String
from reportlab.lib import colors

from rubrics.readiness import ReadinessResult

from .chart_pdf import DrawingFlowable
from .chart_svg import svg_document
from .fonts import register_fonts
from .i18n import _
from .radar_labels import extent, place_labels

INK = colors.HexColor("#1F2933")
MUTED = colors.HexColor("#616E7C")  # 5.2:1 on white
GRID = colors.HexColor("#CBD2D9")
# Every line and label of the chart has at least 3:1 contrast on white (WCAG 1.4.11) and on the pale fill:
# decision 6.4:1, target 6.5:1, self 4.7:1 (the old #D08A00 was 2.87:1), level numbers 5.2:1.
DECISION = colors.HexColor("#1F5FA8")
DECISION_FILL = colors.HexColor("#DCE7F5")
TARGET = colors.HexColor("#B3261E")
SELF = colors.HexColor("#A86400")
SCALE_LABEL = MUTED
LEVELS = 5


def _axis_point(cx, cy, radius, index, count, value):
    angle = math.pi / 2 - 2 * math.pi * index / count
    r = radius * value / LEVELS
    return cx + r * math.cos(angle), cy + r * math.sin(angle)


@lru_cache(maxsize=32)
def _grid(labels: tuple[str, ...], cx: float, cy: float, radius: float, font_size: float,
          notes: tuple[tuple[int, str], ...] = ()) -> Group:
    """Rings at each level, spokes, level numbers and wrapped axis labels: the static part of a radar.

    An axis without a decision score gets a dashed spoke and its note under its label ("(no score)", or
    "(not shown)" in the candidate's copy), so that its absence is said, not only left out. ``notes`` is a
    tuple of (axis, note) pairs, so the grid can be cached.
    """
    unscored = dict(notes)
    font = register_fonts()[0]
    count = len(labels)
    group = Group()
    for level in range(1, LEVELS + 1):
        points = []
        for i in range(count):
            points += _axis_point(cx, cy, radius, i, count, level)
        group.add(Polygon(points, strokeColor=GRID, strokeWidth=0.5 if level < LEVELS else 0.8, fillColor=None))
    for i in range(count):
        x, y = _axis_point(cx, cy, radius, i, count, LEVELS)
        spoke = Line(cx, cy, x, y, strokeColor=MUTED if i in unscored else GRID, strokeWidth=0.5)
        if i in unscored:
            spoke.strokeDashArray = [1.5, 2]
        group.add(spoke)
    for level in range(1, LEVELS + 1):
        x, y = _axis_point(cx, cy, radius, 0, count, level)
        group.add(String(x + 2.5, y - 2.5, str(level), fontName=font, fontSize=font_size - 1, fillColor=SCALE_LABEL))
    # Labels above the centre grow upwards, labels below grow downwards, so none overlaps the rings; labels
    # that would overlap each other are moved apart (reports/radar_labels.py).
    for label in place_labels(labels, notes, cx, cy, radius, font_size, font, LEVELS):
        for k, line in enumerate(label.lines):
            muted = label.noted and k == len(label.lines) - 1
            group.add(String(label.x, label.top - k * label.lead, line, fontName=font, fontSize=font_size,
                             fillColor=MUTED if muted else INK, textAnchor=label.anchor))
    return group


def _runs(values) -> list[list[int]]:
    """The axes with a score, as runs of neighbouring axes (cyclic); one run covering all means a closed ring.

    Lines join only neighbouring scored axes: a line from the axis before a missing one to the axis after
    it would cross the missing axis at some level, as if it had a score there.
    """
    count = len(values)
    scored = [i for i, v in enumerate(values) if v is not None]
    if len(scored) == count:
        return [list(range(count))]
    if not scored:
        return []
    start = next(i for i in range(count) if values[i] is not None and values[i - 1] is None)
    runs, run = [], []
    for k in range(count):
        i = (start + k) % count
        if values[i] is None:
            if run:
                runs.append(run)
            run = []
        else:
            run.append(i)
    if run:
        runs.append(run)
    return runs


def _coords(cx, cy, radius, values, axes) -> list[float]:
    points = []
    for i in axes:
        points += _axis_point(cx, cy, radius, i, len(values), values[i])
    return points


def _series(cx, cy, radius, values, stroke, width=1.6, dashed=False, markers=False) -> Group:
    """A score series: a closed ring when every axis has a score, else lines between neighbouring scores only."""
    group = Group()
    runs = _runs(values)
    closed = len(runs) == 1 and len(runs[0]) == len(values)
    for run in runs:
        points = _coords(cx, cy, radius, values, run)
        if closed and len(run) >= 3:
            shape = Polygon(points, strokeColor=stroke, strokeWidth=width, fillColor=None)
        elif len(run) >= 2:
            shape = PolyLine(points, strokeColor=stroke, strokeWidth=width)
        else:
            shape = None
        if shape is not None:
            if dashed:
                shape.strokeDashArray = [4, 2.5]
            group.add(shape)
        if markers:
            for k in range(0, len(points), 2):
                group.add(Circle(points[k], points[k + 1], 2.2, fillColor=stroke, strokeColor=colors.white,
                                 strokeWidth=0.6))
    return group


def _fill(cx, cy, radius, values) -> Group:
    """The pale area under the decision scores, when every axis has one.

    With an axis left out ("(not shown)", "(no score)") there is no area to fill: a fill would have to run
    to the centre at the gap, a dip to zero as if the left-out score were the lowest. The lines and their
    markers then carry the scores, broken at the gap.
    """
    group = Group()
    runs = _runs(values)
    if len(runs) == 1 and len(runs[0]) == len(values) and len(values) >= 3:
        group.add(Polygon(_coords(cx, cy, radius, values, runs[0]), strokeColor=None, fillColor=DECISION_FILL))
    return group


def radar_drawing(
    labels,
    required,
    decision,
    self_scores=None,
    *,
    target_label: str | None = None,
    withheld=(),
    width: float = 440,
    height: float = 330,
    font_size: float = 7.5,
) -> Drawing:
    """A radar of decision scores against the target profile, self drawn separately; None = no score.

    ``withheld`` are the axes whose score the candidate's copy leaves out: marked "(not shown)", not "(no score)".
    """
    font = register_fonts()[0]
    legend_h = 22
    decision = list(decision)
    not_shown, no_score = _("(not shown)"), _("(no score)")
    notes = tuple((i, not_shown if i in withheld else no_score) for i, v in enumerate(decision) if v is None)
    cx, cy, radius = _fit(tuple(labels), notes, width, height, legend_h, font_size)
    drawing = Drawing(width, height)
    # An opaque pale fill under the grid-coloured lines: no transparency, so PDF and SVG look the same.
    drawing.add(_fill(cx, cy, radius, decision))
    drawing.add(_grid(tuple(labels), cx, cy, radius, font_size, notes))
    drawing.add(_series(cx, cy, radius, list(required), TARGET, width=1.3, dashed=True))
    drawing.add(_series(cx, cy, radius, decision, DECISION, markers=True))
    entries = [(DECISION, _("Decision score"), False), (TARGET, target_label or _("Target profile"), True)]
    if self_scores is not None and any(v is not None for v in self_scores):
        drawing.add(_series(cx, cy, radius, list(self_scores), SELF, width=1.1, markers=True))
        entries.append((SELF, _("Self (not in the verdict)"), False))
    total = sum(22 + _width(text, font, font_size) for _colour, text, _dashed in entries) + 16 * (len(entries) - 1)
    x = max(2, (width - total) / 2)
    for colour, text, dashed in entries:
        line = Line(x, 8, x + 18, 8, strokeColor=colour, strokeWidth=2)
        if dashed:
            line.strokeDashArray = [4, 2.5]
        drawing.add(line)
        drawing.add(String(x + 22, 5.5, text, fontName=font, fontSize=font_size, fillColor=INK))
        x += 22 + _width(text, font, font_size) + 16
    return drawing


@lru_cache(maxsize=32)
def _fit(labels, notes, width, height, legend_h, font_size) -> tuple[float, float, float]:
    """Centre and radius of the rings such that every label stays within the drawing, above the legend: long
    labels (German compounds in three lines, "(no score)" notes) shrink the rings rather than run out of it."""
    font = register_fonts()[0]
    cx, cy = width / 2, legend_h + (height - legend_h) / 2
    radius = min(width / 2 - 95, (height - legend_h) / 2 - 30)
    if not labels:
        return cx, cy, radius
    for _attempt in range(6):
        low, high = extent(place_labels(labels, notes, cx, cy, radius, font_size, font, LEVELS))
        over_top, over_bottom = max(0.0, high - (height - 1)), max(0.0, legend_h + 2 - low)
        if not over_top and not over_bottom:
            break
        radius -= (over_top + over_bottom) / 2 + 0.5
        cy += (over_bottom - over_top) / 2
    return cx, cy, radius


def _width(text, font, size):
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return stringWidth(text, font, size)


def radar_for(result: ReadinessResult, **options) -> Drawing:
    """The radar of a readiness result: its competencies, decision scores, required levels and self."""
    comps = result.competencies
    return radar_drawing(
        [c.name for c in comps],
        [c.required for c in comps],
        [c.decision_score for c in comps],
        [c.self_score for c in comps],
        target_label=_("Required: %(role)s", role=result.target_role_name),
        withheld=frozenset(i for i, c in enumerate(comps) if result.is_candidate_view and c.is_withheld_from_candidate),
        **options,
    )


def radar_svg(result: ReadinessResult, **options) -> str:
    """The radar of a readiness result as an inline SVG element (for the results page): the same drawing as the
    PDF's, written directly (reports/chart_svg.py), with a title and a description for screen readers."""
    title = _("Radar chart: decision scores against the levels required for %(role)s, with the "
              "self-assessment drawn separately", role=result.target_role_name)
    return svg_document(radar_for(result, **options), title, _left_out(result))


def _left_out(result: ReadinessResult) -> str:
    """Which axes have no decision score drawn, in words ("" when every axis has one)."""
    hidden = [c.name for c in result.competencies if c.decision_score is None and result.is_candidate_view
              and c.is_withheld_from_candidate]
    unscored = [c.name for c in result.competencies if c.decision_score is None and c.name not in hidden]
    words = []
    if hidden:
        words.append(_("Not shown in this copy: %(names)s.", names=", ".join(hidden)))
    if unscored:
        words.append(_("No decision score: %(names)s.", names=", ".join(unscored)))
    return " ".join(words)


def heat_colour(gap: float | None):
    """The heat-map colour of a gap (decision - required): green at or above, amber within one, red below."""
    if gap is None:
        return colors.HexColor("#E4E7EB")
    if gap >= 0:
        return colors.HexColor("#C6E7C9") if gap < 1 else colors.HexColor("#9BD3A2")
    if gap >= -1:
        return colors.HexColor("#FBE3A6")
    return colors.HexColor("#F4B6AE")


def swatch(colour, size: float = 8) -> Drawing:
    """A small colour square for a legend."""
    drawing = Drawing(size, size)
    drawing.add(Rect(0, 0, size, size, fillColor=colour, strokeColor=GRID, strokeWidth=0.4))
    return drawing


__all__ = ["DrawingFlowable", "heat_colour", "radar_drawing", "radar_for", "radar_svg", "swatch"]
