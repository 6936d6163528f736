"""The PDF writer of the charts: a ``Drawing`` of plain shapes placed in a story and drawn straight onto the canvas.

The charts (reports/charts.py) describe themselves once, as a ReportLab ``Drawing`` of plain shapes (groups,
lines, polylines, polygons, circles, rectangles, strings); this module draws that description into the PDF, and
reports/chart_svg.py writes the same description as SVG for the web page.
"""

from __future__ import annotations

from reportlab.graphics.shapes import Circle, Drawing, Group, Line, PolyLine, Polygon, Rect, String
from reportlab.platypus import Flowable


class DrawingFlowable(Flowable):
    """A Drawing of plain shapes placed in a story and drawn straight onto the canvas.

    renderPDF walks every node with a full graphics-state diff (dash, joins, alpha ...); for the few
    shape kinds the charts use, a direct walk that only changes what differs is several times cheaper.
    The Drawing stays the one description of the chart (reports/chart_svg.py writes it for the web).
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
