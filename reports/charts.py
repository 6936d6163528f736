"""The radar chart from plain shapes: one ReportLab ``Drawing`` for the PDF and, as SVG, for the web page.

Built from polygons, lines and strings rather than the SpiderChart widget, which is several times slower;
the grid (rings, spokes, axis labels) is built once per set of labels and reused.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

from reportlab.graphics.shapes import Circle, Drawing, Group, Line, PolyLine, Polygon, Rect, String
from reportlab.lib import colors
from reportlab.platypus import Flowable

from rubrics.readiness import ReadinessResult

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
    """The pale area under the decision scores: the whole ring, or wedges between neighbouring scores only."""
    group = Group()
    runs = _runs(values)
    if len(runs) == 1 and len(runs[0]) == len(values) and len(values) >= 3:
        group.add(Polygon(_coords(cx, cy, radius, values, runs[0]), strokeColor=None, fillColor=DECISION_FILL))
        return group
    for run in runs:
        if len(run) >= 2:
            group.add(Polygon([cx, cy] + _coords(cx, cy, radius, values, run), strokeColor=None,
                              fillColor=DECISION_FILL))
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
    """The radar of a readiness result as an SVG document (for the results page)."""
    from reportlab.graphics import renderSVG

    from xml.sax.saxutils import escape

    svg = renderSVG.drawToString(radar_for(result, **options))
    # Drop the XML prolog and DOCTYPE so the SVG can be inlined into an HTML page; name the font as
    # browsers know it; give the image a role and a title for screen readers.
    svg = svg[svg.index("<svg"):].replace(
        "font-family: DejaVuSans", "font-family: 'DejaVu Sans', Verdana, sans-serif"
    )
    title = escape(_("Radar chart: decision scores against the levels required for %(role)s, with the "
                     "self-assessment drawn separately", role=result.target_role_name))
    svg = svg.replace("<title>...</title>", f"<title>{title}</title>", 1).replace("<desc>...</desc>", "", 1)
    svg = _STYLE_ATTRIBUTE.sub(_as_presentation_attributes, svg)
    head_end = svg.index(">")
    return svg[:head_end] + ' role="img"' + svg[head_end:]


#: ``style="..."`` attributes are inline CSS, which the site's Content-Security-Policy refuses; SVG's
#: presentation attributes (``stroke="..."``) say the same and are allowed.
_STYLE_ATTRIBUTE = re.compile(r'\sstyle="([^"]*)"')


def _as_presentation_attributes(match: re.Match) -> str:
    attributes = []
    for declaration in match.group(1).split(";"):
        name, _sep, value = declaration.partition(":")
        if name.strip() and value.strip():
            attributes.append(f' {name.strip()}="{value.strip()}"')
    return "".join(attributes)


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


class DrawingFlowable(Flowable):
    """A Drawing of plain shapes placed in a story and drawn straight onto the canvas.

    renderPDF walks every node with a full graphics-state diff (dash, joins, alpha ...); for the few
    shape kinds the charts use, a direct walk that only changes what differs is several times cheaper.
    The Drawing stays the one description of the chart (renderSVG draws the same object for the web).
    """

    def __init__(self, drawing: Drawing):
        super().__init__()
        self.drawing = drawing
        self.width, self.height = drawing.width, drawing.height

    def wrap(self, avail_width, avail_height):
        return self.width, self.height

    def draw(self):
        canv = self.canv
        canv.saveState()
        _draw_nodes(canv, self.drawing.contents, {})
        canv.restoreState()


def _state(canv, state, key, value, setter):
    if state.get(key, _UNSET) != value:
        setter(value)
        state[key] = value


_UNSET = object()


def _draw_nodes(canv, nodes, state):
    for node in nodes:
        if isinstance(node, Group):
            if tuple(node.transform) != (1, 0, 0, 1, 0, 0):
                raise ValueError("DrawingFlowable draws untransformed groups only")
            _draw_nodes(canv, node.contents, state)
            continue
        if isinstance(node, String):
            _state(canv, state, "fill", node.fillColor, canv.setFillColor)
            _state(canv, state, "font", (node.fontName, node.fontSize), lambda f: canv.setFont(*f))
            draw = {"start": canv.drawString, "middle": canv.drawCentredString, "end": canv.drawRightString}
            draw[node.textAnchor](node.x, node.y, node.text)
            continue
        stroke = node.strokeColor is not None and node.strokeWidth
        fill = getattr(node, "fillColor", None) is not None and not isinstance(node, (Line, PolyLine))
        if stroke:
            _state(canv, state, "stroke", node.strokeColor, canv.setStrokeColor)
            _state(canv, state, "width", node.strokeWidth, canv.setLineWidth)
            _state(canv, state, "dash", tuple(node.strokeDashArray or ()), lambda d: canv.setDash(list(d) or []))
        if fill:
            _state(canv, state, "fill", node.fillColor, canv.setFillColor)
        if isinstance(node, Line):
            canv.line(node.x1, node.y1, node.x2, node.y2)
        elif isinstance(node, Circle):
            canv.circle(node.cx, node.cy, node.r, stroke=int(bool(stroke)), fill=int(fill))
        elif isinstance(node, Rect):
            canv.rect(node.x, node.y, node.width, node.height, stroke=int(bool(stroke)), fill=int(fill))
        elif isinstance(node, (Polygon, PolyLine)):
            pts = node.points
            path = canv.beginPath()
            path.moveTo(pts[0], pts[1])
            for k in range(2, len(pts), 2):
                path.lineTo(pts[k], pts[k + 1])
            if isinstance(node, Polygon):
                path.close()
            canv.drawPath(path, stroke=int(bool(stroke)), fill=int(fill))
        else:
            raise TypeError(f"DrawingFlowable cannot draw {type(node).__name__}")
