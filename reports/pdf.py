"""The PDF readiness report and the cycle's panel summary, with ReportLab platypus.

``render_report(ReportData) -> bytes`` and ``render_panel_summary(PanelData) -> bytes``; ``report_story``
and ``panel_story`` give the flowables, for tests. Styles, fonts and the radar grid are built once per
process; numbers go into table cells as plain strings, and text goes into ``TextBlock`` (reports/text.py)
rather than Paragraph: no markup is parsed, so user text needs no escaping, long words are broken and long
text splits across pages. "Page n of m" is drawn from a form filled in when the document is saved, so the
story is laid out only once.
"""

from __future__ import annotations

import io
from functools import lru_cache

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Spacer,
    Table,
    TableStyle,
)

from rubrics.readiness import INSUFFICIENT_EVIDENCE, PEERS_SHOWN, PEERS_SUPPRESSED, ReadinessResult, plural

from .anchor_sources import anchor_source_groups
from .charts import INK, MUTED, DrawingFlowable, heat_colour, radar_for, swatch
from .data import PanelData, ReportData
from .fonts import register_fonts
from .grid import Grid, GridStyle
from .text import TextBlock, TextStyle, width_of

NAVY = colors.HexColor("#1B3A5C")
TINT = colors.HexColor("#F3F5F8")
RULE = colors.HexColor("#D9DEE5")
PASS = colors.HexColor("#2E7D32")
FAIL = colors.HexColor("#B3261E")
BAND_COLOURS = {"best": colors.HexColor("#2E7D32"), "middle": colors.HexColor("#A15C00"),
                "worst": colors.HexColor("#B3261E"), INSUFFICIENT_EVIDENCE: colors.HexColor("#52606D")}
PAGE_FORM = "opsladder-page-count"
MARGIN = 18 * mm
DASH = "–"  # en dash for "no score"


# ---------------------------------------------------------------- styles, built once per process


@lru_cache(maxsize=1)
def styles() -> dict[str, TextStyle]:
    font, bold = register_fonts()
    base = TextStyle(font, bold, 9.5, 13.2, INK)
    return {
        "body": base,
        "small": base.but(size=8, leading=10.5, color=MUTED),
        "cell": base.but(size=8.3, leading=10.6),
        "h1": base.but(font=bold, size=15, leading=19, color=NAVY, space_before=4, space_after=8),
        "h2": base.but(font=bold, size=11, leading=14, color=NAVY, space_before=12, space_after=5),
        "h3": base.but(font=bold, size=9.5, leading=12.5, space_before=8, space_after=2),
        "kicker": base.but(font=bold, size=9, leading=12, color=MUTED),
        "cover_name": base.but(font=bold, size=28, leading=34, color=NAVY, space_after=6),
        "cover_role": base.but(size=15, leading=20, space_after=18),
        "band": base.but(font=bold, size=18, leading=23),
        "group": base.but(font=bold, size=8, leading=11, color=MUTED, space_before=3),
        "quote": base.but(size=9, leading=12.4, left_indent=10, space_after=3),
        "action": base.but(size=9, leading=12.4, left_indent=14, space_after=7),
        "item": base.but(size=9.2, leading=12.6, left_indent=10, space_after=2),
    }


def p(text: str, style: str = "body", **changes) -> TextBlock:
    """Plain text in a style; nothing in it is markup, so user text needs no escaping."""
    st = styles()[style]
    return TextBlock(((text, False),), st.but(**changes) if changes else st)


def pb(bold: str, rest: str = "", style: str = "body") -> TextBlock:
    """A bold lead-in followed by regular text."""
    return TextBlock(((bold, True), (rest, False)), styles()[style])


def num(value: float | None, digits: int = 1) -> str:
    return DASH if value is None else f"{value:.{digits}f}"


def fmt(value: float | None) -> str:
    """A level for a sentence: one decimal, or two where one would hide a difference (1.78, 0.33)."""
    if value is None:
        return DASH
    return f"{value:.1f}" if abs(value * 10 - round(value * 10)) < 1e-9 else f"{value:.2f}"


def signed(value: float | None) -> str:
    if value is None:
        return DASH
    text = f"{value:+.1f}"
    if text in ("+0.0", "-0.0"):
        return "0.0"
    return text.replace("-", "−")


def pct(value: float | None) -> str:
    return DASH if value is None else f"{value * 100:.1f}%"


def band_colour(rank: int | None, band_count: int):
    """Green for the best band, red for the last, amber between, grey for insufficient evidence."""
    if rank is None:
        return BAND_COLOURS[INSUFFICIENT_EVIDENCE]
    if rank == 0:
        return BAND_COLOURS["best"]
    return BAND_COLOURS["worst"] if rank >= band_count - 1 else BAND_COLOURS["middle"]


# ---------------------------------------------------------------- page furniture


class _NumberedCanvas(Canvas):
    """A canvas that fills in the total page count, referenced on every page as a form, when saved."""

    def save(self):
        font, _ = register_fonts()
        self.beginForm(PAGE_FORM)
        self.setFont(font, 7.5)
        self.setFillColor(MUTED)
        self.drawString(0, 0, str(self.getPageNumber() - 1))
        self.endForm()
        super().save()


def _footer(canv, doc, left: str):
    font, _ = register_fonts()
    width, _ = doc.pagesize
    canv.setStrokeColor(RULE)
    canv.setLineWidth(0.5)
    canv.line(MARGIN, 12 * mm, width - MARGIN, 12 * mm)
    canv.setFont(font, 7.5)
    canv.setFillColor(MUTED)
    canv.drawString(MARGIN, 8 * mm, left)
    label = f"Page {canv.getPageNumber()} of "
    x = width - MARGIN - canv.stringWidth(label + "99", font, 7.5)
    canv.drawString(x, 8 * mm, label)
    canv.saveState()
    canv.translate(x + canv.stringWidth(label, font, 7.5), 8 * mm)
    canv.doForm(PAGE_FORM)
    canv.restoreState()


def _header(canv, doc, left: str, right: str = "Confidential"):
    font, bold = register_fonts()
    width, height = doc.pagesize
    canv.setFont(font, 7.5)
    canv.setFillColor(MUTED)
    room = width - 2 * MARGIN - canv.stringWidth(right.upper(), bold, 7.5) - 12
    canv.drawString(MARGIN, height - 11 * mm, fit_text(left, font, 7.5, room))
    canv.setFont(bold, 7.5)
    canv.setFillColor(FAIL)
    canv.drawRightString(width - MARGIN, height - 11 * mm, right.upper())
    canv.setStrokeColor(RULE)
    canv.setLineWidth(0.5)
    canv.line(MARGIN, height - 13 * mm, width - MARGIN, height - 13 * mm)


def fit_text(text: str, font: str, size: float, room: float) -> str:
    """The text, cut with an ellipsis where it would run past ``room`` points (for one-line furniture)."""
    if width_of(text, font, size) <= room:
        return text
    while text and width_of(text + "…", font, size) > room:
        text = text[:-1]
    return text.rstrip() + "…"


def _doc(buffer, pagesize, title: str, author: str, templates) -> BaseDocTemplate:
    doc = BaseDocTemplate(
        buffer,
        pagesize=pagesize,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=20 * mm,
        bottomMargin=18 * mm,
        title=title,
        author=author,
        creator="OpsLadder",
        subject="Promotion readiness",
        invariant=1,
    )
    doc.addPageTemplates(templates(doc))
    return doc


def _frame(doc, name: str) -> Frame:
    return Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id=name, leftPadding=0,
                 rightPadding=0, topPadding=0, bottomPadding=0)


# ---------------------------------------------------------------- the readiness report


def report_story(data: ReportData) -> list[Flowable]:
    """The report's flowables in order: cover, verdict, profile, competencies, development, comments, method."""
    story: list[Flowable] = []
    story += _cover(data)
    story += [NextPageTemplate("body"), PageBreak()]
    story += _verdict(data)
    story += _profile(data)
    story += _competency_table(data)
    story += _observations(data.result, for_hr=data.for_hr)
    story += _development(data.result)
    story += _comments(data.result)
    story += [PageBreak()]
    story += _methodology(data)
    return story


def render_report(data: ReportData) -> bytes:
    """The readiness report of one candidate as PDF bytes."""
    buffer = io.BytesIO()
    footer = f"{data.framework_name} {data.framework_version} · rubric {data.content_hash[:12]}"
    header = f"Promotion readiness report · {data.candidate_name} · {data.target_role_name}"

    def cover_page(canv, doc):
        font, bold = register_fonts()
        width, height = doc.pagesize
        canv.setFillColor(NAVY)
        canv.rect(0, height - 34 * mm, width, 34 * mm, stroke=0, fill=1)
        canv.setFillColor(colors.white)
        canv.setFont(bold, 13)
        canv.drawString(MARGIN, height - 19 * mm, "OpsLadder")
        canv.setFont(font, 9)
        canv.drawString(MARGIN, height - 25 * mm, "Operations leadership readiness")
        canv.setFont(bold, 8)
        canv.drawRightString(width - MARGIN, height - 19 * mm, "CONFIDENTIAL")
        _footer(canv, doc, footer)

    def body_page(canv, doc):
        _header(canv, doc, header)
        _footer(canv, doc, footer)

    def templates(doc):
        return [
            PageTemplate("cover", [_frame(doc, "cover")], onPage=cover_page),
            PageTemplate("body", [_frame(doc, "body")], onPage=body_page),
        ]

    doc = _doc(buffer, A4, f"Readiness report: {data.candidate_name}", "OpsLadder", templates)
    doc.build(report_story(data), canvasmaker=_NumberedCanvas)
    return buffer.getvalue()


def _kv_table(rows, col1=42 * mm, style="cell", width=A4[0] - 2 * MARGIN) -> Grid:
    """Label / value pairs: bold labels, wrapping values, no rules."""
    text = styles()[style]
    grid_style = GridStyle(text=text, pad_x=0, pad_y=2, wrap=frozenset({0, 1}), bold=frozenset({0}))
    return Grid(None, rows, [col1, width - col1], grid_style)


def _cover(data: ReportData) -> list[Flowable]:
    when = data.assessed_on.strftime("%-d %B %Y")
    story = [
        Spacer(1, 32 * mm),
        p("PROMOTION READINESS REPORT", "kicker"),
        Spacer(1, 4 * mm),
        p(data.candidate_name, "cover_name"),
        p(f"{data.current_role_name} → {data.target_role_name}", "cover_role"),
        _kv_table([
            ("Cycle", data.cycle_name),
            ("Assessment date", when),
            ("Rubric", f"{data.framework_name}, version {data.framework_version}"),
            ("Generated", data.generated_at.strftime("%-d %B %Y, %H:%M %Z").strip()),
        ], style="body"),
        Spacer(1, 14 * mm),
    ]
    notice = Table([[pb(
        "Confidential.", " Prepared for the promotion panel and the candidate. It rests on the ratings "
        "submitted in this cycle and the rubric version named above; do not forward it.")]],
        colWidths=[A4[0] - 2 * MARGIN])
    notice.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, -1), TINT),
        ("LINEBEFORE", (0, 0), (0, -1), 3, FAIL),
        ("LEFTPADDING", (0, 0), (-1, -1), 10),
        ("TOPPADDING", (0, 0), (-1, -1), 8),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
    ]))
    story.append(notice)
    return story


def _box(rows, colour) -> Table:
    table = Table([[r] for r in rows], colWidths=[A4[0] - 2 * MARGIN])
    table.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, -1), TINT),
        ("LINEBEFORE", (0, 0), (0, -1), 4, colour),
        ("LEFTPADDING", (0, 0), (-1, -1), 12),
        ("RIGHTPADDING", (0, 0), (-1, -1), 12),
        ("TOPPADDING", (0, 0), (0, 0), 9),
        ("BOTTOMPADDING", (0, -1), (-1, -1), 10),
    ]))
    return table


def _verdict(data: ReportData) -> list[Flowable]:
    result = data.result
    colour = band_colour(result.band_rank, len(result.band_order))
    heading = "Computed verdict" if data.calibration else "Verdict"
    story = [p("Verdict", "h1")]
    story.append(_box([
        p(f"{heading} for {result.target_role_name}", "kicker"),
        p(result.band_label, "band", color=colour),
        p(result.summary),
    ], colour))
    if data.calibration:
        cal = data.calibration
        when = cal.at.strftime("%-d %B %Y")
        story += [Spacer(1, 6), _box([
            p("Calibrated verdict (recorded by HR)", "kicker"),
            p(cal.band_label, "band", color=NAVY),
            pb("Rationale: ", cal.rationale),
            # Who calibrated is for HR; the candidate's version says when only (as on their results page).
            p(f"Recorded {f'by {cal.by} ' if data.for_hr else ''}on {when}. The computed verdict above is kept "
              "beside it.", "small"),
        ], NAVY)]
    counts = result.sheet_counts
    figures = [
        ("Weighted attainment", pct(result.weighted_attainment)),
        ("Largest critical shortfall", fmt(result.largest_critical_shortfall)),
        ("Submitted sheets", f"{counts.get('self', 0)} self, {plural(counts.get('manager', 0), 'manager')}, "
                             f"{plural(counts.get('peer', 0), 'peer')}"),
    ]
    story += [Spacer(1, 8), _kv_table(figures, col1=48 * mm)]
    if result.peer_mode == PEERS_SUPPRESSED:
        story.append(p(
            "Fewer peers than the anonymity threshold submitted: their ratings and comments are not shown and "
            "do not count, so that no single peer's answer can be recovered.", "small"))

    story.append(p("Rules", "h2"))
    if not result.is_sufficient:
        story.append(p("An evidence rule failed, so no band is given; the band conditions below are shown "
                       "for information only.", "small", space_after=4))
    rows = [["✓" if rule.passed else "✗", rule.text, rule.detail] for rule in result.rules]
    colours = {(i, 0): PASS if rule.passed else FAIL for i, rule in enumerate(result.rules)}
    story.append(Grid(["", "Rule", "Result"], rows, [7 * mm, 78 * mm, A4[0] - 2 * MARGIN - 85 * mm],
                      _rules_style(), colours=colours))

    # In the best band nothing holds the verdict back; shortfalls are still worth listing.
    held = result.band_rank != 0
    story.append(p("What holds the verdict back" if held else "Still below the required level", "h2"))
    if result.holding_back:
        for s in result.holding_back:
            crit = " (critical)" if s.is_critical else ""
            story.append(pb(
                s.name, f"{crit}: {fmt(s.score)} against {s.required} required, {fmt(s.shortfall)} short", "item"))
    elif not result.is_sufficient:
        story.append(p("No competency with a score is below the required level: the failed evidence rule above "
                       "holds the verdict back.", "item"))
    else:
        story.append(p("No competency with a score is below the required level.", "item"))
    return story


@lru_cache(maxsize=1)
def _rules_style() -> GridStyle:
    cell = styles()["cell"]
    return GridStyle(text=cell, header=cell.but(font=cell.bold, size=8), rule=RULE, header_rule=NAVY,
                     wrap=frozenset({1, 2}), columns={0: cell.but(font=cell.bold, size=10)})


def _profile(data: ReportData) -> list[Flowable]:
    result = data.result
    # The profile and the competency table share a page: the chart and the numbers it draws.
    return [PageBreak(), p("Profile", "h1"), p(
        "Decision scores (managers and peers) against the levels the target role requires; the self-assessment "
        "is drawn separately and does not count. Axes without a decision score are skipped.", "small"),
        Spacer(1, 2), DrawingFlowable(radar_for(result, width=170 * mm, height=100 * mm))]


@lru_cache(maxsize=1)
def _grid_style() -> GridStyle:
    font, bold = register_fonts()
    text = TextStyle(font, bold, 8.2, 10.4, INK)
    return GridStyle(text=text, header=text.but(font=bold, size=7.8), rule=RULE, header_rule=NAVY, pad_x=3.5,
                     align=("L", "C", "C", "C", "C", "C", "C", "C", "L"), wrap=frozenset({0, 8}),
                     bold=frozenset({5}))


def _competency_table(data: ReportData) -> list[Flowable]:
    result = data.result
    peers_col = "Peers" if result.peer_mode == PEERS_SHOWN else "Peers*"
    header = ["Competency", "Required", "Self", "Managers", peers_col, "Decision", "Gap", "Coverage", "Notes"]
    rows, backgrounds = [], {}
    for i, c in enumerate(result.competencies):
        notes = []
        if c.is_blind_spot:
            notes.append("Blind spot")
        if c.is_hidden_strength:
            notes.append("Hidden strength")
        if c.is_disagreement and data.for_hr:
            notes.append("Raters differ")
        rows.append([
            c.name + (" ★" if c.is_critical else ""),
            str(c.required),
            num(c.self_score),
            num(c.manager_score),
            # A dagger, not a bare dash: the peers' levels exist but are held back (see the legend).
            f"{DASH}†" if c.peers_suppressed and result.peer_mode == PEERS_SHOWN else num(c.peer_score),
            num(c.decision_score),
            signed(c.gap),
            f"{c.rated} of {c.raters}",
            ", ".join(notes),
        ])
        if c.gap is not None:
            backgrounds[(i, 6)] = heat_colour(c.gap)
    widths = [54 * mm, 14 * mm, 10 * mm, 15.5 * mm, 11 * mm, 14.5 * mm, 11 * mm, 15 * mm]
    widths.append(A4[0] - 2 * MARGIN - sum(widths))
    table = Grid(header, rows, widths, _grid_style(), backgrounds)
    legend = (
        "★ critical for the target role. Decision = weighted mean of managers (weight "
        "2) and peers (weight 1); self never counts. Gap = decision − required. Coverage: managers and peers "
        "who gave a level, of those counted. “–”: no score (not observed is not a low score)."
    )
    if result.peer_mode != PEERS_SHOWN:
        legend += (" *Peers are shown only when at least the anonymity threshold of peers submitted."
                   if result.peer_mode == PEERS_SUPPRESSED else " *No peers were asked.")
    elif result.has_suppressed_peer_groups:
        legend += (f" †Fewer than {result.peer_anonymity_threshold} peers gave a level on this competency: their "
                   "levels and comments on it are left out of everything, to keep them anonymous.")
    return [CondPageBreak(90 * mm), p("Competencies", "h2"), table, Spacer(1, 4), p(legend, "small")]


def _listing(title: str, items, empty: str) -> list[Flowable]:
    story = [CondPageBreak(20 * mm), p(title, "h2")]
    story += [pb(bold, rest, "item") for bold, rest in items] or [p(empty, "item")]
    return story


def _observations(result: ReadinessResult, *, for_hr: bool) -> list[Flowable]:
    story = []
    story += _listing(
        "Strengths",
        [(c.name, f": {num(c.decision_score)} against {c.required} required ({signed(c.gap)})")
         for c in result.strengths[:6]],
        "No competency reaches the required level yet.",
    )
    story += _listing(
        "Blind spots",
        [(c.name, f": self {num(c.self_score)}, managers and peers {num(c.decision_score)}")
         for c in result.blind_spots],
        "None: the self-assessment is nowhere well above the others' view.",
    )
    story += _listing(
        "Hidden strengths",
        [(c.name, f": self {num(c.self_score)}, managers and peers {num(c.decision_score)}")
         for c in result.hidden_strengths],
        "None: the self-assessment is nowhere well below the others' view.",
    )
    # Spread is for HR only: with two managers, mean and spread give both managers' levels away.
    if result.disagreements and for_hr:
        story += _listing(
            "Rater disagreement",
            [(c.name, f": levels {num(c.spread, 0)} apart across {c.rated} raters")
             for c in result.disagreements],
            "",
        )
    return story


def _development(result: ReadinessResult) -> list[Flowable]:
    story = [CondPageBreak(60 * mm), p("Development priorities", "h1")]
    if not result.development_priorities:
        story.append(p("No competency is below the level the target role requires.", "body"))
        return story
    story.append(p("In order of priority: critical competencies first, then by weighted shortfall. The "
                   "behavioural anchor of the next level is the concrete action to work towards.", "small"))
    story.append(Spacer(1, 4))
    for n, d in enumerate(result.development_priorities, start=1):
        crit = " · critical" if d.is_critical else ""
        # A conditional break, not KeepTogether: the same effect here at a fraction of the layout cost.
        story += [
            CondPageBreak(16 * mm),
            pb(f"{n}. {d.name}", f"{crit} · {fmt(d.shortfall)} short · next: level {d.next_level} "
               f"{d.next_level_label}"),
            p(d.action, "action"),
        ]
    return story


def _comments(result: ReadinessResult) -> list[Flowable]:
    story = [CondPageBreak(50 * mm), p("Rater comments", "h1")]
    note = "Grouped by rater group, never by rater, and in alphabetical order within a group."
    if result.peer_mode == PEERS_SUPPRESSED:
        note += " Peer comments are not shown: fewer peers submitted than the anonymity threshold."
    elif result.has_suppressed_peer_groups:
        note += (f" Peer comments on a competency are shown only where at least {result.peer_anonymity_threshold} "
                 "peers gave a level on it.")
    story.append(p(note, "small"))
    if not result.comments:
        story.append(p("No comments were written.", "body"))
        return story
    current = None
    for block in result.comments:
        if block.competency_id != current:
            current = block.competency_id
            # A conditional break keeps a heading with its first comments (cheaper than keepWithNext).
            story += [CondPageBreak(22 * mm), p(block.competency_name, "h3")]
        story.append(p(block.group_label, "group"))
        for text in block.texts:
            # A comment's own paragraphs stay paragraphs; the quotes open and close the whole comment.
            paras = [line.strip() for line in text.splitlines() if line.strip()] or [""]
            paras[0] = "“" + paras[0]
            paras[-1] = paras[-1] + "”"
            story += [p(para, "quote", space_after=0) for para in paras[:-1]] + [p(paras[-1], "quote")]
    return story


def _methodology(data: ReportData) -> list[Flowable]:
    story = [p("Methodology", "h1"), p("Rating scale", "h2")]
    rows = [[str(s.level), s.label, s.summary] for s in data.scale]
    rows.append(["–", data.not_observed_label, data.not_observed_summary])
    cell = styles()["cell"]
    scale_style = GridStyle(text=cell, rule=RULE, wrap=frozenset({2}), bold=frozenset({0, 1}))
    story.append(Grid(None, rows, [8 * mm, 24 * mm, A4[0] - 2 * MARGIN - 32 * mm], scale_style))
    story.append(p("How the verdict is reached", "h2"))
    story += [p(line, "item") for line in data.rules_text]
    if not data.for_hr:
        story.append(p("Rater disagreement is reviewed by HR; this copy does not show it, so that no single "
                       "rater's level can be worked out.", "small"))
    story.append(p("Rubric", "h2"))
    story.append(_kv_table([
        ("Framework", data.framework_name),
        ("Version", data.framework_version),
        ("Content hash (SHA-256)", data.content_hash),
    ], col1=46 * mm))
    story.append(p("Sources the rubric cites", "h2"))
    story += [pb(s.title, f" ({s.file})", "item") for s in data.sources]
    if data.anchor_sources:
        story += [p("What each anchor rests on", "h2"), p(ANCHOR_SOURCES_NOTE, "small", space_after=4)]
        # One grid per competency, its name in the header, so that the name repeats when a grid splits.
        cell = styles()["cell"].but(size=7.4, leading=9.2)
        style = GridStyle(text=cell, header=cell.but(font=cell.bold), rule=RULE, wrap=frozenset({1}), pad_y=2.2,
                          align=("C", "L"))
        for name, rows in anchor_source_groups(data.anchor_sources):
            story.append(Grid(["Level", name], rows, [11 * mm, A4[0] - 2 * MARGIN - 11 * mm], style))
    return story


ANCHOR_SOURCES_NOTE = (
    "Each quote is copied word for word from its source (named by the number its file starts with, as listed "
    "above), in the source's language, and shown on the rating sheet under the anchor of its level. “all”: the "
    "quote supports the competency as a whole, or states a requirement the source gives both roles. Levels 1 and 2 "
    "sit below an Operations Manager, whom no source describes; a level without a quote is a step of scope of our "
    "own.")


# ---------------------------------------------------------------- the panel summary


class VerticalText(Flowable):
    """A column header turned 90 degrees, so twelve competency names fit above narrow score columns."""

    def __init__(self, text: str, height: float, size: float = 7.2):
        super().__init__()
        self.text, self.height_, self.size = text, height, size

    def wrap(self, avail_width, avail_height):
        return self.size * 1.3, self.height_

    def draw(self):
        font, _ = register_fonts()
        canv = self.canv
        canv.saveState()
        canv.setFont(font, self.size)
        canv.setFillColor(INK)
        canv.translate(self.size * 1.0, 0)
        canv.rotate(90)
        canv.drawString(0, 0, self.text)
        canv.restoreState()


def panel_story(data: PanelData) -> list[Flowable]:
    """The panel summary's flowables: title, verdict counts, the heat-map and its legend."""
    font, bold = register_fonts()
    story = [
        p("PANEL SUMMARY", "kicker"),
        p(data.cycle_name, "h1"),
        p(f"{len(data.rows)} candidates · {data.framework_name} {data.framework_version} · generated "
          f"{data.generated_at.strftime('%-d %B %Y, %H:%M %Z').strip()}", "small"),
        p("Verdicts", "h2"),
    ]
    computed, final = {}, {}
    for row in data.rows:
        computed[row.band_label] = computed.get(row.band_label, 0) + 1
        label = row.calibrated_label or row.band_label
        final[label] = final.get(label, 0) + 1
    counts = [["Verdict", "Computed", "After HR calibration"]]
    counts += [[label, str(computed.get(label, 0)), str(final.get(label, 0))] for _, label in data.bands]
    counts.append(["Candidates", str(len(data.rows)), str(len(data.rows))])
    table = Table(counts, colWidths=[60 * mm, 25 * mm, 38 * mm], hAlign="LEFT")
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, 0), bold, 8.2),
        ("FONT", (0, 1), (-1, -1), font, 8.6),
        ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, NAVY),
        ("LINEBELOW", (0, 1), (-1, -2), 0.3, RULE),
        ("LINEABOVE", (0, -1), (-1, -1), 0.8, NAVY),
        ("FONT", (0, -1), (-1, -1), bold, 8.6),
    ]))
    story += [table, p("Decision scores against the required level", "h2")]

    names = [name for _, name in data.competencies]
    header_h = max(pdf_width(n, font, 7.2) for n in names) + 6
    header = ["Candidate", "Target role", "Verdict"] + [VerticalText(n, header_h) for n in names]
    rows = [header]
    style = [
        ("FONT", (0, 0), (2, 0), bold, 7.8),
        ("FONT", (0, 1), (-1, -1), font, 7.8),
        ("VALIGN", (0, 0), (2, 0), "BOTTOM"),
        ("VALIGN", (0, 1), (-1, -1), "MIDDLE"),
        ("ALIGN", (3, 1), (-1, -1), "CENTER"),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, NAVY),
        ("LINEBELOW", (0, 1), (-1, -1), 0.3, colors.white),
        ("LINEAFTER", (2, 1), (-1, -1), 0.6, colors.white),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    for i, row in enumerate(data.rows, start=1):
        verdict = row.band_label + (f" → {row.calibrated_label}" if row.calibrated_label else "")
        cells = [p(row.candidate_name, "cell"), p(row.target_role_name, "cell"), p(verdict, "cell")]
        for j, (score, required) in enumerate(zip(row.scores, row.required), start=3):
            cells.append(num(score))
            gap = score - required if score is not None and required is not None else None
            style.append(("BACKGROUND", (j, i), (j, i), heat_colour(gap)))
        rows.append(cells)
    width = landscape(A4)[0] - 2 * MARGIN
    fixed = [44 * mm, 34 * mm, 40 * mm]
    cell = (width - sum(fixed)) / max(1, len(names))
    heat = Table(rows, colWidths=fixed + [cell] * len(names), repeatRows=1)
    heat.setStyle(TableStyle(style))
    story.append(heat)
    legend = [[swatch(heat_colour(0.0)), "at or above required", swatch(heat_colour(1.0)), "a level or more above",
               swatch(heat_colour(-0.5)), "up to one level short", swatch(heat_colour(-2)), "more than one level short",
               swatch(heat_colour(None)), "no score"]]
    legend_table = Table(legend, hAlign="LEFT", colWidths=[4 * mm, 34 * mm, 4 * mm, 34 * mm, 4 * mm, 34 * mm,
                                                           4 * mm, 40 * mm, 4 * mm, 20 * mm])
    legend_table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), font, 7.5), ("TEXTCOLOR", (0, 0), (-1, -1), MUTED),
                                      ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("LEFTPADDING", (0, 0), (-1, -1), 2)]))
    story += [Spacer(1, 6), legend_table,
              p("Each cell is the candidate's decision score (managers and peers); the colour is its gap to the level "
                "the candidate's target role requires. Verdict: computed → calibrated by HR, where HR recorded one.",
                "small")]
    return story


def pdf_width(text: str, font: str, size: float) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return stringWidth(text, font, size)


def render_panel_summary(data: PanelData) -> bytes:
    """A cycle's panel summary (verdict counts and the candidates x competencies heat-map) as PDF bytes."""
    buffer = io.BytesIO()
    footer = f"{data.framework_name} {data.framework_version} · rubric {data.content_hash[:12]}"

    def page(canv, doc):
        _header(canv, doc, f"Panel summary · {data.cycle_name}")
        _footer(canv, doc, footer)

    def templates(doc):
        return [PageTemplate("panel", [_frame(doc, "panel")], onPage=page)]

    doc = _doc(buffer, landscape(A4), f"Panel summary: {data.cycle_name}", "OpsLadder", templates)
    doc.build(panel_story(data), canvasmaker=_NumberedCanvas)
    return buffer.getvalue()
