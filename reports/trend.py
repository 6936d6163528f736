"""A person's trend per competency across cycles (issue 20, part 2): plain data, its words and its chart.

The caller (``assessment.services.history``) decides what is comparable: the same person, the same target role,
and a competency whose definition (its levels' anchors in the pinned snapshot) did not change between the two
rubric versions. Here the data is only put into words ("+1 level on Crisis management since Spring 2026") and
drawn: one small chart over all cycles, a row per competency, a line only between comparable cycles. The same
``Drawing`` goes into the PDF and, as SVG, onto the web page.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.graphics.shapes import Circle, Drawing, Line, PolyLine, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, Spacer

from .chart_pdf import DrawingFlowable
from .chart_svg import svg_document
from .charts import DECISION, GRID, INK, MUTED
from .fonts import register_fonts
from .grid import Grid, GridStyle
from .i18n import _, ngettext
from .layout import DASH, MARGIN, NAVY, RULE, number, p, styles
from .words import wrap_label

#: A competency's row: compared with the last cycle; no earlier cycle; new in this rubric version; redefined since
#: the earlier cycle; without a decision score in one of the two cycles; withheld from the candidate's copy (in
#: either cycle) to keep raters anonymous.
COMPARED, FIRST, ADDED, REDEFINED, UNRATED, WITHHELD = "compared", "first", "added", "redefined", "unrated", "withheld"
STATUSES = (COMPARED, FIRST, ADDED, REDEFINED, UNRATED, WITHHELD)


@dataclass(frozen=True)
class TrendPoint:
    """A competency's decision score in one cycle (None: none, or not shown); ``joined``: comparable with the
    point before it, so a line is drawn between the two."""

    cycle_name: str
    score: float | None
    joined: bool = False


@dataclass(frozen=True)
class CompetencyTrend:
    competency_id: str
    name: str
    required: int
    #: This cycle's decision score and the last comparable cycle's (None: none, or not compared).
    score: float | None
    previous: float | None
    status: str
    #: Every cycle of the person against the same target role, oldest first, this one last.
    points: tuple[TrendPoint, ...] = ()

    @property
    def change(self) -> float | None:
        """This cycle's decision score less the last cycle's, rounded to one decimal (None: not compared)."""
        if self.status != COMPARED or self.score is None or self.previous is None:
            return None
        return round(self.score - self.previous, 1) + 0.0


@dataclass(frozen=True)
class Trend:
    """The trend of one assessment: ``previous_cycle`` is the last cycle against the same target role ("" when
    this is the first); ``cycles`` every such cycle's name, oldest first, this one last."""

    target_role_name: str
    previous_cycle: str
    cycles: tuple[str, ...]
    rows: tuple[CompetencyTrend, ...]

    @property
    def has_history(self) -> bool:
        return bool(self.previous_cycle)


def level_text(value: float | None) -> str:
    """A decision score as the results page writes it, in the current language: "3", "2.5", "2.22" ("–": none)."""
    if value is None:
        return DASH
    digits = 0 if abs(value - round(value)) < 1e-9 else 1 if abs(value * 10 - round(value * 10)) < 1e-9 else 2
    return number(value, digits)


def signed_levels(change: float) -> str:
    """A change of level with its sign, in the current language: "+1", "−0.5" / "−0,5"; "0" for none."""
    if change == 0:
        return number(0, 0)
    text = number(abs(change), 0 if change == int(change) else 1)
    return ("+" if change > 0 else "−") + text


def change_text(row: CompetencyTrend, since: str) -> str:
    """The change of one competency in words, in the current language."""
    names = {"name": row.name, "cycle": since}
    if row.status == COMPARED:
        change = row.change
        if change == 0:
            return _("No change on %(name)s since %(cycle)s (%(score)s).", score=level_text(row.score), **names)
        return ngettext("%(change)s level on %(name)s since %(cycle)s.", "%(change)s levels on %(name)s since "
                        "%(cycle)s.", 1 if abs(change) == 1 else 2, change=signed_levels(change), **names)
    if row.status == ADDED:
        return _("%(name)s is new in this rubric version: not compared with %(cycle)s.", **names)
    if row.status == REDEFINED:
        return _("%(name)s was redefined since %(cycle)s (its levels changed): not compared.", **names)
    if row.status == WITHHELD:
        return _("%(name)s: not compared, to keep your raters anonymous.", **names)
    if row.status == UNRATED:
        return _("%(name)s: no decision score in one of the two cycles, so no change to tell.", **names)
    return _("%(name)s: first assessment against this role.", **names)


def trend_lines(trend: Trend) -> tuple[str, ...]:
    """Every competency's change in words (empty when there is no earlier cycle)."""
    if not trend.has_history:
        return ()
    return tuple(change_text(row, trend.previous_cycle) for row in trend.rows)


# ---------------------------------------------------------------- the chart

WIDTH, LABEL_WIDTH, ROW = 480.0, 150.0, 34.0
#: Room right of the last cycle: for its name (centred on it) and its scores' numbers.
RIGHT_ROOM = 52.0
#: A short red mark left of the first cycle at this cycle's required level; the scores in the trend's blue.
REQUIRED = colors.HexColor("#B3261E")


def _y(row_top: float, score: float, row_height: float = ROW) -> float:
    """A level 1..5 inside a row: 1 at its foot, 5 below its top (room for the number above a point)."""
    return row_top - row_height + 4 + (score - 1) / 4 * (row_height - 15)


def trend_drawing(trend: Trend) -> Drawing:
    """The chart over all cycles: a row per competency (its name, a red mark at this cycle's required level, then
    its decision score in each cycle, a line between comparable cycles), the cycles' names on top. Names are wrapped
    (hyphenated where a word is too long), never cut."""
    font, bold = register_fonts()
    count = max(1, len(trend.cycles))
    left, right = LABEL_WIDTH + 40, WIDTH - RIGHT_ROOM
    step = (right - left) / max(1, count - 1)
    xs = [left + step * k for k in range(count)] if count > 1 else [(left + right) / 2]
    room = min(step - 6 if count > 1 else right - left, 2 * RIGHT_ROOM - 4)
    heads = [wrap_label(name, max(8, int(room / 4.0))) for name in trend.cycles]
    head = 8 + 8.5 * max((len(lines) for lines in heads), default=1)
    names = [wrap_label(row.name, 36) for row in trend.rows]
    rows = [max(ROW, 6 + 8.5 * len(lines)) for lines in names]
    height = head + sum(rows) + 4
    drawing = Drawing(WIDTH, height)
    for x, lines in zip(xs, heads):
        for k, line in enumerate(lines):
            drawing.add(String(x, height - 9 - 8.5 * k, line, fontName=bold, fontSize=7, fillColor=INK,
                               textAnchor="middle"))
    top = height - head
    for row, lines, row_height in zip(trend.rows, names, rows):
        drawing.add(Line(0, top - row_height, WIDTH, top - row_height, strokeColor=GRID, strokeWidth=0.4))
        first = top - row_height / 2 + 4.25 * (len(lines) - 1) - 2.5
        for k, line in enumerate(lines):
            drawing.add(String(0, first - 8.5 * k, line, fontName=font, fontSize=7.5, fillColor=INK))
        level = _y(top, row.required, row_height)
        drawing.add(Line(left - 22, level, left - 12, level, strokeColor=REQUIRED, strokeWidth=1.6))
        _points(drawing, row, xs, top, row_height, font)
        top -= row_height
    return drawing


def _points(drawing: Drawing, row: CompetencyTrend, xs, top: float, row_height: float, font: str) -> None:
    last = None
    for x, point in zip(xs, row.points):
        if point.score is None:
            last = None
            continue
        y = _y(top, point.score, row_height)
        if point.joined and last is not None:
            drawing.add(PolyLine([last[0], last[1], x, y], strokeColor=DECISION, strokeWidth=1.4))
        drawing.add(Circle(x, y, 2.2, fillColor=DECISION, strokeColor=colors.white, strokeWidth=0.5))
        drawing.add(String(x, y + 4, level_text(point.score), fontName=font, fontSize=6.5, fillColor=MUTED,
                           textAnchor="middle"))
        last = (x, y)


def trend_description(trend: Trend) -> str:
    """What the chart shows, for a screen reader: each competency's scores by cycle."""
    parts = []
    for row in trend.rows:
        scores = ", ".join(f"{p.cycle_name} {level_text(p.score)}" for p in row.points if p.score is not None)
        parts.append(f"{row.name}: {scores or '–'}")
    return "; ".join(parts)


def trend_svg(trend: Trend) -> str:
    """The chart as an inline SVG element for the web page."""
    return svg_document(trend_drawing(trend), _("Decision score per competency in each cycle against %(role)s",
                                                role=trend.target_role_name), trend_description(trend))


# ---------------------------------------------------------------- the PDF


def trend_section(trend: Trend | None) -> list[Flowable]:
    """The report's section "Since the last cycle": per competency the last cycle's decision score, this one's
    and the change in words, then the chart over all cycles (nothing without an earlier cycle)."""
    if trend is None or not trend.has_history:
        return []
    cell = styles()["cell"]
    width = A4[0] - 2 * MARGIN
    header = [_("Competency"), trend.previous_cycle, _("This cycle"), _("Change")]
    rows = [[row.name, level_text(row.previous), level_text(row.score), change_text(row, trend.previous_cycle)]
            for row in trend.rows]
    widths = [44 * mm, 28 * mm, 18 * mm, width - 90 * mm]
    style = GridStyle(text=cell, header=cell.but(font=cell.bold, size=8), rule=RULE, header_rule=NAVY,
                      wrap=frozenset({0, 1, 3}), align=("L", "R", "R", "L"))
    note = _("Decision scores against %(role)s in this cycle and in %(cycle)s, the last cycle against the same role. "
             "A competency added to the rubric or redefined since then is not compared.",
             role=trend.target_role_name, cycle=trend.previous_cycle)
    drawing = trend_drawing(trend)  # WIDTH fits the page's text width
    return [CondPageBreak(60 * mm), p(_("Since the last cycle"), "h2"), p(note, "small"), Grid(header, rows, widths,
            style), Spacer(1, 4), CondPageBreak(drawing.height + 8 * mm),
            p(_("Decision score per competency in each cycle"), "h3"), DrawingFlowable(drawing)]
