"""The panel pack (issue 20, 1): one PDF for the promotion panel's meeting on a target role. A cover with the
succession slate, the bench strength and (when given) the grid, then one page per candidate: verdict, evidence
summary, radar, top development priorities, flags and (HR copy, when given) the candidate's reply.

Plain data in (the dataclasses below), PDF bytes out: no Flask, no database. ``grid`` and ``reply`` are filled in
by other parts of the product; None leaves their section out.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, PageBreak, PageTemplate, Spacer, Table, TableStyle

from rubrics import language
from rubrics.readiness import TOP_PRIORITIES, ReadinessResult

from .bench_chart import BenchBar, bench_drawing
from .charts import DrawingFlowable, radar_for
from .fonts import register_fonts
from .i18n import _
from .layout import (MARGIN, RULE, TINT, NumberedCanvas, box, draw_footer, draw_header, kv_table, long_date,
                     make_doc, make_frame, p, pb, stamp)

WIDTH = A4[0] - 2 * MARGIN


@dataclass(frozen=True)
class PackGrid:
    """A grid of people (the 9-box): ``cells`` maps (row, column), indices into ``y_labels`` (row 0 drawn at the
    top) and ``x_labels``, to the names in that cell; a cell not in it is empty."""

    x_title: str
    y_title: str
    x_labels: tuple[str, ...]
    y_labels: tuple[str, ...]
    cells: Mapping[tuple[int, int], Sequence[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class SlateLine:
    """One name on the succession slate."""

    name: str
    verdict: str
    cycle: str
    on: date | None = None


@dataclass(frozen=True)
class PackCandidate:
    """One candidate's page."""

    name: str
    cycle: str
    #: The verdict the panel works with (the calibrated one where HR calibrated), and the computed one when different.
    verdict: str
    result: ReadinessResult
    computed_verdict: str = ""
    unit: str = ""
    agreement: str = ""
    #: Things the panel must know: panel-review reasons, thin evidence, a pending calibration, flagged raters.
    flags: tuple[str, ...] = ()
    #: The candidate's right-of-reply text (HR copy only); None leaves the section out.
    reply: str | None = None


@dataclass(frozen=True)
class PanelPack:
    role_name: str
    cycles: tuple[str, ...]
    #: (label, count) of the slate's bands: ready now, ready after development.
    slate_counts: tuple[tuple[str, int], ...]
    slate: tuple[SlateLine, ...]
    candidates: tuple[PackCandidate, ...]
    bench: tuple[BenchBar, ...] = ()
    generated_at: datetime = field(default_factory=datetime.now)
    language: str = "en"
    unit: str = ""
    #: The grid on the cover; None leaves it out.
    grid: PackGrid | None = None


def render_panel_pack(data: PanelPack) -> bytes:
    """The panel pack as PDF bytes, in ``data.language``."""
    with language.use(data.language):
        return _render(data)


def _render(data: PanelPack) -> bytes:
    buffer = io.BytesIO()
    title = _("Panel pack · %(role)s", role=data.role_name)

    def page(canv, doc):
        draw_header(canv, doc, title, _("%(copy)s · Confidential", copy=_("HR / panel copy")))
        draw_footer(canv, doc, " · ".join(data.cycles))

    def templates(doc):
        return [PageTemplate("pack", [make_frame(doc, "pack")], onPage=page)]

    doc = make_doc(buffer, A4, title, "OpsLadder", templates)
    doc.build(pack_story(data), canvasmaker=NumberedCanvas)
    return buffer.getvalue()


def pack_story(data: PanelPack) -> list[Flowable]:
    """The cover, then one page per candidate."""
    story = _cover(data)
    for candidate in data.candidates:
        story += [PageBreak()] + candidate_page(candidate)
    return story


def _cover(data: PanelPack) -> list[Flowable]:
    facts = [(_("Cycles"), ", ".join(data.cycles)), (_("Candidates"), str(len(data.candidates))),
             (_("Generated"), stamp(data.generated_at))]
    if data.unit:
        facts.insert(1, (_("Unit"), data.unit))
    story = [p(_("Panel pack").upper(), "kicker"), p(data.role_name, "h1"), kv_table(facts),
             p(_("Succession slate"), "h2"),
             kv_table([(label, str(count)) for label, count in data.slate_counts], col1=70 * mm)]
    if data.slate:
        story.append(Spacer(1, 4))
        story += [pb(line.name, f" · {line.verdict} · {line.cycle}" + (f" · {long_date(line.on)}" if line.on else ""),
                     "item") for line in data.slate]
    else:
        story.append(p(_("Nobody is ready now or ready after development."), "item"))
    if data.bench:
        legend = tuple(label for label, _count in data.slate_counts[:2])
        story += [CondPageBreak(70 * mm), p(_("Bench strength over the last cycles"), "h2"),
                  DrawingFlowable(bench_drawing(data.bench, legend if len(legend) == 2 else ("", ""),
                                                width=WIDTH, height=55 * mm))]
    if data.grid is not None:
        story += [CondPageBreak(60 * mm)] + grid_section(data.grid)
    return story


def grid_section(grid: PackGrid) -> list[Flowable]:
    """The grid as a table: the y axis's labels down the left, the x axis's along the bottom, names in the cells."""
    font, bold = register_fonts()
    columns = len(grid.x_labels)
    first = 30 * mm
    cell_width = (WIDTH - first) / max(1, columns)
    rows = []
    for r, y_label in enumerate(grid.y_labels):
        cells = []
        for c in range(columns):
            names = list(grid.cells.get((r, c), ()))
            cells.append(p(", ".join(names) if names else _("Nobody"), "cell" if names else "small"))
        rows.append([p(y_label, "cell_head")] + cells)
    rows.append([p("", "small")] + [p(label, "cell_head") for label in grid.x_labels])
    table = Table(rows, colWidths=[first] + [cell_width] * columns)
    table.setStyle(TableStyle([
        ("GRID", (1, 0), (-1, len(grid.y_labels) - 1), 0.5, RULE),
        ("BACKGROUND", (1, 0), (-1, len(grid.y_labels) - 1), TINT),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    return [p(_("Grid"), "h2"), p(_("Rows: %(y)s. Columns: %(x)s.", y=grid.y_title, x=grid.x_title), "small"),
            Spacer(1, 3), table]


def candidate_page(c: PackCandidate) -> list[Flowable]:
    """One candidate: verdict, evidence summary, agreement, radar, top priorities, flags and reply."""
    result = c.result
    verdict = [pb(_("Verdict: "), c.verdict, "h3")]
    if c.computed_verdict:
        verdict.append(p(_("Calibrated by HR; the computed verdict was %(verdict)s.", verdict=c.computed_verdict),
                         "small"))
    facts = [(_("Cycle"), c.cycle)] + ([(_("Unit"), c.unit)] if c.unit else [])
    facts += [(_("Evidence"), result.evidence_summary or "–"), (_("Agreement"), c.agreement or "–")]
    story = [p(c.name, "h1"), box(verdict, colors.HexColor("#1B3A5C")), Spacer(1, 4), kv_table(facts),
             DrawingFlowable(radar_for(result, width=WIDTH, height=88 * mm)),
             p(_("Top development priorities"), "h2")]
    top = result.development_priorities[:TOP_PRIORITIES]
    story += [pb(f"{n}. {d.name}", " · " + _("next: level %(level)s %(label)s", level=d.next_level,
                                                label=d.next_level_label), "item") for n, d in enumerate(top, 1)]
    if not top:
        story.append(p(_("No competency is below the level the target role requires."), "item"))
    story.append(p(_("Flags"), "h2"))
    story += [p(f"• {flag}", "item") for flag in c.flags] or [p(_("None."), "item")]
    if c.reply is not None:
        story += [CondPageBreak(25 * mm), p(_("The candidate's reply"), "h2"), p(c.reply or "–", "quote")]
    return story
