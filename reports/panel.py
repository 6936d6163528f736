"""The cycle's panel summary (landscape): verdict counts and the candidates x competencies heat-map."""

from __future__ import annotations

import io

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageTemplate, Spacer, Table, TableStyle

from rubrics import language

from .charts import INK, MUTED, heat_colour, swatch
from .data import PanelData
from .fonts import register_fonts
from .i18n import _, ngettext
from .layout import (MARGIN, NAVY, RULE, NumberedCanvas, decision_text, draw_footer, draw_header, make_doc,
                     make_frame, footer_text, p, stamp)



class VerticalText(Flowable):
    """A column header turned 90 degrees, so twelve competency names fit above narrow score columns."""

    def __init__(self, text: str, height: float, size: float = 7.2):
        super().__init__()
        self.text, self.height_, self.size = text, height, size

    def wrap(self, avail_width, avail_height):
        return self.size * 1.3, self.height_

    def draw(self):
        font = register_fonts()[0]
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
    return [
        p(_("Panel summary").upper(), "kicker"),
        p(data.cycle_name, "h1"),
        p(ngettext("%(num)d candidate · %(name)s %(version)s · generated %(when)s",
                   "%(num)d candidates · %(name)s %(version)s · generated %(when)s", len(data.rows),
                   name=data.framework_name, version=data.framework_version, when=stamp(data.generated_at)),
          "small"),
        p(_("Verdicts"), "h2"),
        _verdict_counts(data, font, bold),
        p(_("Decision scores against the required level"), "h2"),
        _heat_map(data, font, bold),
        Spacer(1, 6),
        _legend(font),
        p(_("Each cell is the candidate's decision score (managers and peers); the colour is its gap to the "
            "level the candidate's target role requires. Verdict: computed → calibrated by HR, where HR recorded "
            "one; Panel review gives the band the rules would give; ⚑ the verdict rests mainly on a rater "
            "flagged by rater quality (see the cycle overview)."),
          "small"),
    ]


def _verdict_counts(data: PanelData, font: str, bold: str) -> Table:
    """How many candidates have each verdict, computed and after HR's calibration."""
    computed, final = {}, {}
    for row in data.rows:
        computed[row.band_label] = computed.get(row.band_label, 0) + 1
        label = row.calibrated_label or row.band_label
        final[label] = final.get(label, 0) + 1
    counts = [[_("Verdict"), _("Computed"), _("After HR calibration")]]
    counts += [[p(label, "cell"), str(computed.get(label, 0)), str(final.get(label, 0))] for _id, label in data.bands]
    counts.append([_("Candidates"), str(len(data.rows)), str(len(data.rows))])
    # Number columns as wide as their (German: longer) headers.
    widths = [60 * mm] + [max(base, pdf_width(head, bold, 8.2) + 8)
                          for base, head in zip((25 * mm, 38 * mm), counts[0][1:])]
    table = Table(counts, colWidths=widths, hAlign="LEFT")
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, 0), bold, 8.2),
        ("FONT", (0, 1), (-1, -1), font, 8.6),
        ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, NAVY),
        ("LINEBELOW", (0, 1), (-1, -2), 0.3, RULE),
        ("LINEABOVE", (0, -1), (-1, -1), 0.8, NAVY),
        ("FONT", (0, -1), (-1, -1), bold, 8.6),
    ]))
    return table


def _heat_map(data: PanelData, font: str, bold: str) -> Table:
    """Candidates x competencies: each cell the decision score, coloured by its gap to the required level."""
    names = [name for _id, name in data.competencies]
    header_h = max(pdf_width(n, font, 7.2) for n in names) + 6
    header = [p(_("Candidate"), "cell_head"), p(_("Target role"), "cell_head"), p(_("Verdict"), "cell_head")]
    header += [VerticalText(n, header_h) for n in names]
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
        verdict = row.band_label + (" " + _("(provisional: %(band)s)", band=row.provisional_label)
                                    if row.provisional_label else "")
        verdict += (f" → {row.calibrated_label}" if row.calibrated_label else "") + (
            " " + _("(proposed: %(band)s, not in force)", band=row.proposed_label) if row.proposed_label else "") + (
            " ⚑" if row.rests_on_flagged else "")
        if row.calibration_reason or row.calibration_panel:
            verdict += " (" + "; ".join(filter(None, (row.calibration_reason, row.calibration_panel and _(
                "panel: %(members)s", members=row.calibration_panel)))) + ")"
        cells = [p(row.candidate_name, "cell"), p(row.target_role_name, "cell"), p(verdict, "cell")]
        for j, (score, required) in enumerate(zip(row.scores, row.required), start=3):
            cells.append(decision_text(score, required))
            gap = score - required if score is not None and required is not None else None
            style.append(("BACKGROUND", (j, i), (j, i), heat_colour(gap)))
        rows.append(cells)
    width = landscape(A4)[0] - 2 * MARGIN
    fixed = [44 * mm, 34 * mm, 40 * mm]
    cell = (width - sum(fixed)) / max(1, len(names))
    heat = Table(rows, colWidths=fixed + [cell] * len(names), repeatRows=1)
    heat.setStyle(TableStyle(style))
    return heat


def _legend(font: str) -> Table:
    keys = [(0.0, _("at or above required")), (1.0, _("a level or more above")), (-0.5, _("up to one level short")),
            (-2, _("more than one level short")), (None, _("no score"))]
    legend = [[cell for gap, text in keys for cell in (swatch(heat_colour(gap)), p(text, "legend"))]]
    legend_table = Table(legend, hAlign="LEFT", colWidths=[4 * mm, 40 * mm, 4 * mm, 40 * mm, 4 * mm, 40 * mm,
                                                           4 * mm, 46 * mm, 4 * mm, 30 * mm])
    legend_table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), font, 7.5), ("TEXTCOLOR", (0, 0), (-1, -1), MUTED),
                                      ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("LEFTPADDING", (0, 0), (-1, -1), 2)]))
    return legend_table


def pdf_width(text: str, font: str, size: float) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return stringWidth(text, font, size)


def render_panel_summary(data: PanelData) -> bytes:
    """A cycle's panel summary (verdict counts and the candidates x competencies heat-map) as PDF bytes, in the
    summary's language (``data.language``)."""
    with language.use(data.language):
        return _render_panel_summary(data)


def _render_panel_summary(data: PanelData) -> bytes:
    buffer = io.BytesIO()
    footer = footer_text(data.framework_name, data.framework_version, data.content_hash)

    def page(canv, doc):
        draw_header(canv, doc, _("Panel summary · %(cycle)s", cycle=data.cycle_name),
                    _("%(copy)s · Confidential", copy=_("HR / panel copy")))
        draw_footer(canv, doc, footer)

    def templates(doc):
        return [PageTemplate("panel", [make_frame(doc, "panel")], onPage=page)]

    doc = make_doc(buffer, landscape(A4), _("Panel summary: %(cycle)s", cycle=data.cycle_name), "OpsLadder",
                   templates)
    doc.build(panel_story(data), canvasmaker=NumberedCanvas)
    return buffer.getvalue()
