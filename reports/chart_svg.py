"""The SVG writer of the charts: the same ``Drawing`` the PDF draws (reports/chart_pdf.py), written as an SVG
document for the web page.

ReportLab's renderSVG walks a drawing through a DOM with a full graphics-state diff per node and took about a
third of the results page's time; the charts use a handful of plain shapes, which this writes directly, one
element each. The result can be inlined into a page: no XML prolog or DOCTYPE, no ``style`` attributes (inline
CSS, which the site's Content-Security-Policy refuses) but presentation attributes, the y axis turned the way
SVG counts it (down from the top), a ``role="img"`` and a title for screen readers.
"""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from reportlab.graphics.shapes import Circle, Drawing, Group, Line, PolyLine, Polygon, Rect, String

#: The chart's font as browsers know it (the PDF embeds DejaVu Sans; the page may not have it).
FONT_FAMILY = "'DejaVu Sans', Verdana, sans-serif"
_ANCHORS = {"start": "start", "middle": "middle", "end": "end"}


def svg_document(drawing: Drawing, title: str, description: str = "") -> str:
    """``drawing`` as an inline SVG element with ``title`` as its accessible name and ``description``, if any."""
    width, height = drawing.width, drawing.height
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{_n(width)}" height="{_n(height)}" '
             f'viewBox="0 0 {_n(width)} {_n(height)}" role="img" font-family="{FONT_FAMILY}">',
             f"<title>{escape(title)}</title>"]
    if description:
        parts.append(f"<desc>{escape(description)}</desc>")
    _write(parts, drawing.contents, height)
    parts.append("</svg>")
    return "\n".join(parts)


def _write(parts: list[str], nodes, height: float) -> None:
    for node in nodes:
        if isinstance(node, Group):
            if tuple(node.transform) != (1, 0, 0, 1, 0, 0):
                raise ValueError("the SVG writer draws untransformed groups only")
            _write(parts, node.contents, height)
        elif isinstance(node, String):
            parts.append(_text(node, height))
        elif isinstance(node, Line):
            parts.append(f'<line x1="{_n(node.x1)}" y1="{_n(height - node.y1)}" x2="{_n(node.x2)}" '
                         f'y2="{_n(height - node.y2)}"{_paint(node, fill=False)}/>')
        elif isinstance(node, Circle):
            parts.append(f'<circle cx="{_n(node.cx)}" cy="{_n(height - node.cy)}" r="{_n(node.r)}"{_paint(node)}/>')
        elif isinstance(node, Rect):
            parts.append(f'<rect x="{_n(node.x)}" y="{_n(height - node.y - node.height)}" width="{_n(node.width)}" '
                         f'height="{_n(node.height)}"{_paint(node)}/>')
        elif isinstance(node, (Polygon, PolyLine)):
            tag = "polygon" if isinstance(node, Polygon) else "polyline"
            pts = node.points
            points = " ".join(f"{_n(pts[k])},{_n(height - pts[k + 1])}" for k in range(0, len(pts), 2))
            parts.append(f'<{tag} points="{points}"{_paint(node, fill=tag == "polygon")}/>')
        else:
            raise TypeError(f"the SVG writer cannot draw {type(node).__name__}")


def _text(node: String, height: float) -> str:
    bold = ' font-weight="bold"' if node.fontName.endswith("-Bold") else ""
    return (f'<text x="{_n(node.x)}" y="{_n(height - node.y)}" font-size="{_n(node.fontSize)}" '
            f'fill="{_colour(node.fillColor)}" text-anchor="{_ANCHORS[node.textAnchor]}"{bold}>'
            f"{escape(node.text)}</text>")


def _paint(node, fill: bool = True) -> str:
    """Stroke and fill as presentation attributes: "none" where the shape has none."""
    stroke = node.strokeColor if node.strokeWidth else None
    attributes = f' stroke="{_colour(stroke)}"'
    if stroke is not None:
        attributes += f' stroke-width="{_n(node.strokeWidth)}"'
        if node.strokeDashArray:
            attributes += f" stroke-dasharray={quoteattr(' '.join(_n(d) for d in node.strokeDashArray))}"
    colour = getattr(node, "fillColor", None) if fill else None
    return attributes + f' fill="{_colour(colour)}"'


def _colour(colour) -> str:
    if colour is None:
        return "none"
    return "#%02x%02x%02x" % (round(colour.red * 255), round(colour.green * 255), round(colour.blue * 255))


def _n(value: float) -> str:
    """A coordinate with two decimals at most: "220", "176.5", "260.73"."""
    text = f"{value:.2f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
