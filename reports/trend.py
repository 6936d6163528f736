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
from .layout import DASH, MARGIN, NAVY, RULE, fit_text, fmt, number, p, styles

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
            return _("No change on %(name)s since %(cycle)s (%(score)s).", score=fmt(row.score), **names)
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

WIDTH, LABEL_WIDTH, ROW, HEAD = 480.0, 150.0, 22.0, 24.0
#: A faint line at the required level of this cycle; the scores in the trend's blue.
REQUIRED = colors.HexColor("#B3261E")


def _y(row_top: float, score: float) -> float:
    """A level 1..5 inside a row: 1 at its foot, 5 near its top."""
    return row_top - ROW + 3 + (score - 1) / 4 * (ROW - 8)


def trend_drawing(trend: Trend) -> Drawing:
    """The chart over all cycles: a row per competency (its name, then its decision score in each cycle, a line
    between comparable cycles, a faint mark at the required level), the cycles' names on top."""
    font, bold = register_fonts()
    count = max(1, len(trend.cycles))
    height = HEAD + ROW * len(trend.rows) + 4
    drawing = Drawing(WIDTH, height)
    left, right = LABEL_WIDTH + 14, WIDTH - 24
    step = (right - left) / max(1, count - 1)
    xs = [left + step * k for k in range(count)] if count > 1 else [(left + right) / 2]
    room = max(40.0, step - 4) if count > 1 else right - left
    for x, name in zip(xs, trend.cycles):
        drawing.add(String(x, height - 12, fit_text(name, bold, 7, room), fontName=bold, fontSize=7,
                           fillColor=INK, textAnchor="middle"))
    for index, row in enumerate(trend.rows):
        top = height - HEAD - ROW * index
        drawing.add(Line(0, top - ROW, WIDTH, top - ROW, strokeColor=GRID, strokeWidth=0.4))
        drawing.add(String(0, top - ROW / 2 - 3, fit_text(row.name, font, 7.5, LABEL_WIDTH), fontName=font,
                           fontSize=7.5, fillColor=INK))
        level = _y(top, row.required)
        drawing.add(Line(left - 6, level, right + 6, level, strokeColor=REQUIRED, strokeWidth=0.5,
                         strokeDashArray=[2, 2]))
        _points(drawing, row, xs, top, font)
    return drawing


def _points(drawing: Drawing, row: CompetencyTrend, xs, top: float, font: str) -> None:
    last = None
    for x, point in zip(xs, row.points):
        if point.score is None:
            last = None
            continue
        y = _y(top, point.score)
        if point.joined and last is not None:
            drawing.add(PolyLine([last[0], last[1], x, y], strokeColor=DECISION, strokeWidth=1.4))
        drawing.add(Circle(x, y, 2.2, fillColor=DECISION, strokeColor=colors.white, strokeWidth=0.5))
        drawing.add(String(x + 4, y - 2.5, fmt(point.score), fontName=font, fontSize=6.5, fillColor=MUTED))
        last = (x, y)


def trend_description(trend: Trend) -> str:
    """What the chart shows, for a screen reader: each competency's scores by cycle."""
    parts = []
    for row in trend.rows:
        scores = ", ".join(f"{p.cycle_name} {fmt(p.score)}" for p in row.points if p.score is not None)
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
    rows = [[row.name, fmt(row.previous) if row.previous is not None else DASH,
             fmt(row.score) if row.score is not None else DASH, change_text(row, trend.previous_cycle)]
            for row in trend.rows]
    widths = [44 * mm, 22 * mm, 20 * mm, width - 86 * mm]
    style = GridStyle(text=cell, header=cell.but(font=cell.bold, size=8), rule=RULE, header_rule=NAVY,
                      wrap=frozenset({0, 1, 3}), align=("L", "R", "R", "L"))
    note = _("Decision scores against %(role)s in this cycle and in %(cycle)s, the last cycle against the same role. "
             "A competency added to the rubric or redefined since then is not compared.",
             role=trend.target_role_name, cycle=trend.previous_cycle)
    drawing = trend_drawing(trend)  # WIDTH fits the page's text width
    return [CondPageBreak(60 * mm), p(_("Since the last cycle"), "h2"), p(note, "small"), Grid(header, rows, widths,
            style), Spacer(1, 4), CondPageBreak(drawing.height + 8 * mm),
            p(_("Decision score per competency in each cycle"), "h3"), DrawingFlowable(drawing)]
