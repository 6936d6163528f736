"""The radar chart on the results page (SVG) and in the PDF: a competency whose score the candidate's copy leaves
out (peers kept anonymous) is drawn as not shown, never as a dip to zero; the SVG is the PDF's drawing written
directly, inlinable and accessible."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections import Counter

import pytest
from reportlab.graphics.shapes import Circle, Group, Line, PolyLine, Polygon, String

from reports.charts import DECISION, DECISION_FILL, DrawingFlowable, radar_for, radar_svg
from reports.pdf import report_story
from reports.sample import sample_report
from rubrics import language

SVG = "{http://www.w3.org/2000/svg}"
NOT_SHOWN = {"en": "(not shown)", "de": "(nicht angezeigt)"}
#: Seed 4's candidate copy leaves three competencies out (their peers are fewer than the anonymity threshold).
SEED = 4


def hidden_report(lang: str):
    data = sample_report(SEED, lang=lang, audience="candidate")
    hidden = [i for i, c in enumerate(data.result.competencies) if c.is_withheld_from_candidate]
    assert hidden and len(hidden) < len(data.result.competencies) - 2
    assert all(data.result.competencies[i].decision_score is None for i in hidden)
    return data, hidden


def _hex(colour) -> str:
    return "#%02x%02x%02x" % tuple(round(getattr(colour, c) * 255) for c in ("red", "green", "blue"))


def _points(text: str) -> list[tuple[float, float]]:
    return [tuple(float(v) for v in pair.split(",")) for pair in text.split()]


def svg_chart(svg: str):
    """(centre, decision shapes as (tag, points), decision markers, texts) of an SVG radar, in SVG coordinates."""
    root = ET.fromstring(svg)
    lines = [el for el in root.iter(f"{SVG}line")]
    centre = Counter((float(el.get("x1")), float(el.get("y1"))) for el in lines).most_common(1)[0][0]
    shapes = [(el.tag.removeprefix(SVG), _points(el.get("points"))) for el in root.iter()
              if el.tag in (f"{SVG}polygon", f"{SVG}polyline")
              and (el.get("stroke") == _hex(DECISION) or el.get("fill") == _hex(DECISION_FILL))]
    markers = [(float(el.get("cx")), float(el.get("cy"))) for el in root.iter(f"{SVG}circle")
               if el.get("fill") == _hex(DECISION)]
    texts = [(el.text, float(el.get("x")), float(el.get("y"))) for el in root.iter(f"{SVG}text")]
    return centre, shapes, markers, texts, root


def drawing_chart(drawing):
    """The same of a ReportLab drawing (the PDF's), in its coordinates (y up)."""
    nodes = []

    def walk(items):
        for n in items:
            if isinstance(n, Group):
                walk(n.contents)
            else:
                nodes.append(n)

    walk(drawing.contents)
    centre = Counter((n.x1, n.y1) for n in nodes if isinstance(n, Line)).most_common(1)[0][0]
    shapes = [("polygon" if isinstance(n, Polygon) else "polyline", list(zip(n.points[::2], n.points[1::2])))
              for n in nodes if isinstance(n, (Polygon, PolyLine))
              and (n.strokeColor == DECISION or getattr(n, "fillColor", None) == DECISION_FILL)]
    markers = [(n.cx, n.cy) for n in nodes if isinstance(n, Circle) and n.fillColor == DECISION]
    texts = [(n.text, n.x, n.y) for n in nodes if isinstance(n, String)]
    return centre, shapes, markers, texts


def axis_of(point, centre, count, flip: bool) -> int:
    """The axis a point lies nearest to (axis 0 points up, the others clockwise)."""
    dx, dy = point[0] - centre[0], (centre[1] - point[1]) if flip else (point[1] - centre[1])
    angle = math.atan2(dy, dx)
    return round((math.pi / 2 - angle) / (2 * math.pi / count)) % count


def assert_not_shown_as_zero(centre, shapes, markers, texts, hidden, count, lang, flip):
    for tag, points in shapes:
        for point in points:
            assert math.dist(point, centre) > 1, f"a decision {tag} runs to the centre: a dip to zero"
    assert shapes, "the scored axes are still drawn"
    assert all(tag == "polyline" for tag, _ in shapes), "with an axis left out the decision line is broken"
    drawn = {axis_of(p, centre, count, flip) for _, points in shapes for p in points}
    drawn |= {axis_of(p, centre, count, flip) for p in markers}
    assert not drawn & set(hidden), "no decision point on an axis left out"
    notes = [(x, y) for text, x, y in texts if text == NOT_SHOWN[lang]]
    assert len(notes) == len(hidden)
    assert {axis_of(p, centre, count, flip) for p in notes} == set(hidden), "each note sits by its own axis"


@pytest.mark.parametrize("lang", ["en", "de"])
def test_a_hidden_competency_is_a_gap_marked_not_shown_on_the_web_page(lang):
    data, hidden = hidden_report(lang)
    with language.use(lang):
        svg = radar_svg(data.result)
    centre, shapes, markers, texts, root = svg_chart(svg)
    assert_not_shown_as_zero(centre, shapes, markers, texts, hidden, len(data.result.competencies), lang, True)
    desc = root.find(f"{SVG}desc").text
    for i in hidden:
        assert data.result.competencies[i].name in desc


@pytest.mark.parametrize("lang", ["en", "de"])
def test_a_hidden_competency_is_a_gap_marked_not_shown_in_the_pdf(lang):
    data, hidden = hidden_report(lang)
    with language.use(lang):
        charts = [f for f in report_story(data) if isinstance(f, DrawingFlowable)]
    assert len(charts) == 1
    chart = drawing_chart(charts[0].drawing)
    assert_not_shown_as_zero(*chart, hidden, len(data.result.competencies), lang, False)


def test_a_full_ring_is_still_filled_and_closed():
    result = sample_report(3).result  # HR's copy: every axis scored
    centre, shapes, _markers, _texts, _root = svg_chart(radar_svg(result))
    assert sorted(tag for tag, _ in shapes) == ["polygon", "polygon"], "the fill and the closed decision ring"
    assert all(len(points) == len(result.competencies) for _, points in shapes)


@pytest.mark.parametrize("seed, audience", [(0, "hr"), (4, "candidate")])
def test_the_svg_is_the_pdf_drawing_written_directly(seed, audience):
    """Every shape and string of the PDF's drawing is in the SVG, where the y axis runs down; no inline style
    (the Content-Security-Policy refuses it), no prolog, so it can be inlined."""
    result = sample_report(seed, audience=audience).result
    drawing = radar_for(result)
    svg = radar_svg(result)
    assert svg.startswith("<svg") and "style=" not in svg and "<?xml" not in svg
    root = ET.fromstring(svg)
    assert root.get("role") == "img" and root.find(f"{SVG}title").text.startswith("Radar chart")
    _centre, _shapes, _markers, texts, _root = svg_chart(svg)
    strings = drawing_chart(drawing)[3]
    assert [t for t, _, _ in texts] == [t for t, _, _ in strings]
    for (_, x, y), (_, sx, sy) in zip(texts, strings):
        assert x == pytest.approx(sx, abs=0.01) and y == pytest.approx(drawing.height - sy, abs=0.01)
