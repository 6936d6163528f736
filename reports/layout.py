"""What the report and the panel summary share: colours, text styles, number formats and page furniture.

Styles and fonts are built once per process. Text goes into ``TextBlock`` (reports/text.py) rather than
Paragraph: no markup is parsed, so user text needs no escaping. "Page n of m" is drawn from a form filled in
when the document is saved, so a story is laid out only once.
"""

from __future__ import annotations

import re
from functools import lru_cache

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, Table, TableStyle

from rubrics import language
from rubrics.readiness import INSUFFICIENT_EVIDENCE, PANEL_REVIEW, display_gap, display_score

from .charts import INK, MUTED
from .fonts import register_fonts
from .grid import Grid, GridStyle
from .i18n import _
from .text import TextBlock, TextStyle, draw_string, width_of

NAVY = colors.HexColor("#1B3A5C")
TINT = colors.HexColor("#F3F5F8")
RULE = colors.HexColor("#D9DEE5")
PASS = colors.HexColor("#2E7D32")
FAIL = colors.HexColor("#B3261E")
BAND_COLOURS = {"best": colors.HexColor("#2E7D32"), "middle": colors.HexColor("#A15C00"),
                "worst": colors.HexColor("#B3261E"), INSUFFICIENT_EVIDENCE: colors.HexColor("#52606D"),
                PANEL_REVIEW: colors.HexColor("#5B3A8C")}
NOT_APPLICABLE_INK = colors.HexColor("#616E7C")
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
        "cell_head": base.but(font=bold, size=7.8, leading=10),
        "legend": base.but(size=7.5, leading=9, color=MUTED),
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


def number(value: float, digits: int = 1) -> str:
    """``rubrics.language.number`` in the current language, remembered: Babel's formatting costs about 50 µs a
    call, and a report prints a hundred numbers, mostly the same few levels."""
    return _number(value, digits, language.current())


@lru_cache(maxsize=8192)
def _number(value: float, digits: int, lang: str) -> str:
    with language.use(lang):
        return language.number(value, digits)


def num(value: float | None, digits: int = 1) -> str:
    """A number in the report's language: "3.5" / "3,5"."""
    return DASH if value is None else number(value, digits)


def fmt(value: float | None) -> str:
    """A level for a sentence: one decimal, or two where one would hide a difference (1.78, 0.33)."""
    if value is None:
        return DASH
    return number(value, 1 if abs(value * 10 - round(value * 10)) < 1e-9 else 2)


_PLAIN_NUMBER = re.compile(r"([+-]?)(\d+)\.(\d+)")


def local(text: str) -> str:
    """A number the engine printed ("3.9", "-0.1", "+0.3") in the report's language ("3,9", "−0,1"), the same
    digits; text that is not such a number (a dash, a number already localised) is left as it is."""
    return _local(text, language.current())


@lru_cache(maxsize=8192)
def _local(text: str, lang: str) -> str:
    match = _PLAIN_NUMBER.fullmatch(text)
    if not match:
        return text
    sign, whole, decimals = match.groups()
    shown = _number(float(f"{whole}.{decimals}"), len(decimals), lang)
    return {"-": "−", "+": "+"}.get(sign, "") + shown


def decision_text(score: float | None, required: float | None) -> str:
    """A decision score as printed: never rounded across its requirement (3.967 of 4 is 3.9, not 4.0)."""
    return local(display_score(score, required))


def gap_text(score: float | None, required: float | None) -> str:
    """The gap printed beside ``decision_text``: that score minus the requirement, with a real minus sign."""
    return DASH if score is None or required is None else _gap_text(score, required, language.current())


@lru_cache(maxsize=8192)
def _gap_text(score: float, required: float, lang: str) -> str:
    """Remembered per language, like ``number``: a report prints a few dozen gaps, mostly the same few."""
    with language.use(lang):
        return local(display_gap(score, required)).replace("-", "−")


def signed(value: float | None) -> str:
    if value is None:
        return DASH
    text = number(abs(value), 1)
    if text == number(0, 1):
        return text
    return ("+" if value > 0 else "−") + text


def pct(value: float | None) -> str:
    return DASH if value is None else language.percent(value, 1)


def long_date(value) -> str:
    """A date in the report's language: "15 April 2026" / "15. April 2026"."""
    return language.long_date(value)


def stamp(value) -> str:
    """A moment in UTC in the report's language: "15 April 2026, 09:00 UTC" / "15. April 2026, 09:00 UTC"."""
    from datetime import timezone

    from babel.dates import format_time

    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc)
    return _("%(date)s, %(time)s UTC", date=language.long_date(value),
             time=format_time(value, "HH:mm", locale=language.locale()))


def footer_text(name: str, version: str, content_hash: str) -> str:
    """The footer's left part: the rubric and its hash."""
    return _("%(name)s %(version)s · rubric %(hash)s", name=name, version=version, hash=content_hash[:12])


def verdict_colour(result):
    """The colour of a result's verdict: its band's, violet for Panel review, grey for insufficient evidence."""
    if result.band_id == PANEL_REVIEW:
        return BAND_COLOURS[PANEL_REVIEW]
    return band_colour(result.band_rank, len(result.band_order))


def band_colour(rank: int | None, band_count: int):
    """Green for the best band, red for the last, amber between, grey for insufficient evidence."""
    if rank is None:
        return BAND_COLOURS[INSUFFICIENT_EVIDENCE]
    if rank == 0:
        return BAND_COLOURS["best"]
    return BAND_COLOURS["worst"] if rank >= band_count - 1 else BAND_COLOURS["middle"]


# ---------------------------------------------------------------- page furniture


class NumberedCanvas(Canvas):
    """A canvas that fills in the total page count, referenced on every page as a form, when saved."""

    def save(self):
        font = register_fonts()[0]
        self.beginForm(PAGE_FORM)
        self.setFont(font, 7.5)
        self.setFillColor(MUTED)
        self.drawString(0, 0, str(self.getPageNumber() - 1))
        self.endForm()
        super().save()


def draw_footer(canv, doc, left: str):
    font = register_fonts()[0]
    width = doc.pagesize[0]
    canv.setStrokeColor(RULE)
    canv.setLineWidth(0.5)
    canv.line(MARGIN, 12 * mm, width - MARGIN, 12 * mm)
    canv.setFont(font, 7.5)
    canv.setFillColor(MUTED)
    draw_string(canv, MARGIN, 8 * mm, left, font, 7.5)
    label = _("Page %(page)s of", page=canv.getPageNumber()) + " "
    x = width - MARGIN - canv.stringWidth(label + "99", font, 7.5)
    canv.drawString(x, 8 * mm, label)
    canv.saveState()
    canv.translate(x + canv.stringWidth(label, font, 7.5), 8 * mm)
    canv.doForm(PAGE_FORM)
    canv.restoreState()


def draw_header(canv, doc, left: str, right: str):
    font, bold = register_fonts()
    width, height = doc.pagesize
    canv.setFont(font, 7.5)
    canv.setFillColor(MUTED)
    room = width - 2 * MARGIN - canv.stringWidth(right.upper(), bold, 7.5) - 12
    draw_string(canv, MARGIN, height - 11 * mm, fit_text(left, font, 7.5, room), font, 7.5)
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


def make_doc(buffer, pagesize, title: str, author: str, templates) -> BaseDocTemplate:
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
        subject=_("Promotion readiness"),
        invariant=1,
    )
    doc.addPageTemplates(templates(doc))
    return doc


def make_frame(doc, name: str) -> Frame:
    return Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id=name, leftPadding=0,
                 rightPadding=0, topPadding=0, bottomPadding=0)


def kv_table(rows, col1=42 * mm, style="cell", width=A4[0] - 2 * MARGIN) -> Grid:
    """Label / value pairs: bold labels, wrapping values, no rules."""
    text = styles()[style]
    grid_style = GridStyle(text=text, pad_x=0, pad_y=2, wrap=frozenset({0, 1}), bold=frozenset({0}))
    return Grid(None, rows, [col1, width - col1], grid_style)


def box(rows, colour) -> Table:
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
