"""The PDF readiness report of one candidate, with ReportLab platypus.

``render_report(ReportData) -> bytes``; ``report_story`` gives the flowables, for tests. The panel summary
lives in ``reports.panel`` (re-exported here); what both share is in ``reports.layout``.
"""

from __future__ import annotations

import io

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import (CondPageBreak, Flowable, NextPageTemplate, PageBreak, PageTemplate, Spacer, Table,
                                TableStyle)

from rubrics import language
from rubrics.readiness import PEERS_SUPPRESSED, TOP_PRIORITIES, ReadinessResult

from .anchor_sources import anchor_source_groups
from .charts import DrawingFlowable, radar_for
from .competencies import competency_table
from .evidence import evidence_section, more_sources
from .data import ReportData
from .fonts import register_fonts
from .grid import Grid, GridStyle
from .i18n import N_, _, ngettext
from .layout import (FAIL, MARGIN, NAVY, RULE, TINT, NumberedCanvas, draw_footer, draw_header, fit_text,
                     footer_text, gap_text, kv_table, local, long_date, make_doc, make_frame, num, p, pb, stamp,
                     styles)
from .plan import plan_section
from .panel import panel_story, render_panel_summary
from .trend import trend_section
from .reply import reply_section
from .verdict import cover_verdict, rater_quality_section, verdict_section

__all__ = ["fit_text", "panel_story", "render_panel_summary", "render_report", "report_story", "styles"]

# ---------------------------------------------------------------- the readiness report


def report_story(data: ReportData) -> list[Flowable]:
    """The report's flowables in order: cover, verdict, profile, competencies, development, comments, method."""
    story: list[Flowable] = []
    story += _cover(data)
    story += [NextPageTemplate("body"), PageBreak()]
    story += verdict_section(data)
    story += _profile(data)
    story += competency_table(data)
    story += trend_section(data.trend)
    story += evidence_section(data)
    story += _observations(data.result, for_hr=data.for_hr)
    story += rater_quality_section(data)
    story += _development(data.result)
    story += plan_section(data.plan)
    story += _comments(data.result)
    story += reply_section(data)
    story += [PageBreak()]
    story += _methodology(data)
    return story


def render_report(data: ReportData) -> bytes:
    """The readiness report of one candidate as PDF bytes, in the report's language (``data.language``)."""
    with language.use(data.language):
        return _render_report(data)


def _render_report(data: ReportData) -> bytes:
    buffer = io.BytesIO()
    footer = footer_text(data.framework_name, data.framework_version, data.content_hash)
    header = _("Promotion readiness report · %(candidate)s · %(role)s", candidate=data.candidate_name,
               role=data.target_role_name)

    def cover_page(canv, doc):
        font, bold = register_fonts()
        width, height = doc.pagesize
        canv.setFillColor(NAVY)
        canv.rect(0, height - 34 * mm, width, 34 * mm, stroke=0, fill=1)
        canv.setFillColor(colors.white)
        canv.setFont(bold, 13)
        canv.drawString(MARGIN, height - 19 * mm, "OpsLadder")
        canv.setFont(font, 9)
        canv.drawString(MARGIN, height - 25 * mm, _("Operations leadership readiness"))
        canv.setFont(bold, 8)
        canv.drawRightString(width - MARGIN, height - 19 * mm, _("Confidential").upper())
        canv.setFont(font, 8)
        canv.drawRightString(width - MARGIN, height - 25 * mm, data.copy_label.upper())
        draw_footer(canv, doc, footer)

    def body_page(canv, doc):
        draw_header(canv, doc, header, _("%(copy)s · Confidential", copy=data.copy_label))
        draw_footer(canv, doc, footer)

    def templates(doc):
        return [
            PageTemplate("cover", [make_frame(doc, "cover")], onPage=cover_page),
            PageTemplate("body", [make_frame(doc, "body")], onPage=body_page),
        ]

    doc = make_doc(buffer, A4, _("Readiness report: %(candidate)s", candidate=data.candidate_name), "OpsLadder",
                   templates)
    doc.build(report_story(data), canvasmaker=NumberedCanvas)
    return buffer.getvalue()


#: What each copy holds, for the cover.
COPY_NOTES = {
    "hr": N_("For HR and the promotion panel: shows everything, including rater disagreement and rater quality. "
             "Do not give this copy to the candidate."),
    "candidate": N_("The candidate's own copy: numbers that could reveal a single rater's answer are left out."),
}


def _cover(data: ReportData) -> list[Flowable]:
    story = [
        Spacer(1, 26 * mm),
        p(_("Promotion readiness report").upper(), "kicker"),
        Spacer(1, 4 * mm),
        p(data.candidate_name, "cover_name"),
        p(f"{data.current_role_name} → {data.target_role_name}", "cover_role"),
        kv_table([
            (_("Copy"), data.copy_label),
            (_("Cycle"), data.cycle_name),
            (_("Assessment date"), long_date(data.assessed_on)),
            (_("Rubric"), _("%(name)s, version %(version)s", name=data.framework_name,
                            version=data.framework_version)),
            (_("Generated"), stamp(data.generated_at)),
        ], style="body"),
        Spacer(1, 10 * mm),
    ]
    story += [cover_verdict(data), Spacer(1, 10 * mm)]
    rests = _("It rests on the ratings submitted in this cycle and the rubric version named above; do not "
              "forward it.")
    notice = Table([[pb(_("Confidential. %(copy)s.", copy=data.copy_label),
                        " " + _(COPY_NOTES[data.audience]) + " " + rests)]],
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


def _profile(data: ReportData) -> list[Flowable]:
    result = data.result
    # The profile and the competency table share a page: the chart and the numbers it draws.
    note = (_("Decision scores (every source but self, weighted) against the levels the target role requires; the "
              "self-assessment is drawn separately and does not count. Axes without a decision score are skipped.")
            if more_sources(result) else
            _("Decision scores (managers and peers) against the levels the target role requires; the self-assessment "
              "is drawn separately and does not count. Axes without a decision score are skipped."))
    return [PageBreak(), p(_("Profile"), "h1"), p(note, "small"),
        Spacer(1, 2), DrawingFlowable(radar_for(result, width=170 * mm, height=100 * mm))]


def _listing(title: str, items, empty: str) -> list[Flowable]:
    story = [CondPageBreak(20 * mm), p(title, "h2")]
    story += [pb(bold, rest, "item") for bold, rest in items] or [p(empty, "item")]
    return story


def strengths(result: ReadinessResult):
    """Competencies strictly above their requirement: one at it is met, not a strength."""
    return tuple(c for c in result.strengths if c.gap is not None and c.gap > 0)


def _observations(result: ReadinessResult, *, for_hr: bool) -> list[Flowable]:
    story = []
    story += _listing(
        _("Strengths"),
        [(c.name, ": " + _("%(score)s against %(required)s required (%(gap)s)",
                           score=local(c.decision_text), required=c.required,
                           gap=gap_text(c.decision_score, c.required)))
         for c in strengths(result)[:6]],
        _("No competency is above the required level: meeting it is not yet a strength."),
    )
    story += _listing(
        _("Blind spots"),
        [(c.name, ": " + _self_against_others(c, more_sources(result))) for c in result.blind_spots],
        _("None: the self-assessment is nowhere well above the others' view."),
    )
    story += _listing(
        _("Hidden strengths"),
        [(c.name, ": " + _self_against_others(c, more_sources(result))) for c in result.hidden_strengths],
        _("None: the self-assessment is nowhere well below the others' view."),
    )
    # Spread is for HR only: with two managers, mean and spread give both managers' levels away.
    if result.disagreements and for_hr:
        story += _listing(
            _("Rater disagreement"),
            [(c.name, ": " + ngettext("levels %(spread)s apart across %(num)d rater",
                                      "levels %(spread)s apart across %(num)d raters", c.rated,
                                      spread=num(c.spread, 0)))
             for c in result.disagreements],
            "",
        )
    return story


def _self_against_others(c, others: bool = False) -> str:
    if others:
        return _("self %(own)s, the other sources %(decision)s", own=num(c.self_score), decision=local(c.decision_text))
    return _("self %(own)s, managers and peers %(decision)s", own=num(c.self_score),
             decision=local(c.decision_text))


def _development(result: ReadinessResult) -> list[Flowable]:
    story = [CondPageBreak(60 * mm), p(_("Development priorities"), "h1")]
    if not result.development_priorities:
        story.append(p(_("No competency is below the level the target role requires."), "body"))
    else:
        story.append(p(_("In order of priority: critical competencies first, then by weighted shortfall. The first "
                         "%(top)s come with the behavioural anchor of the next level, the concrete action to work "
                         "towards; any others are listed briefly after them.", top=TOP_PRIORITIES), "small"))
        story.append(Spacer(1, 4))
    for n, d in enumerate(result.top_development_priorities, start=1):
        # A conditional break, not KeepTogether: the same effect here at a fraction of the layout cost.
        story += [CondPageBreak(16 * mm), pb(f"{n}. {d.name}", _priority_line(d)), p(d.action, "action")]
    if result.further_development_priorities:
        story += [CondPageBreak(14 * mm), p(_("Further priorities, briefly"), "h3")]
        story += [pb(f"{n}. {d.name}", _priority_line(d), "item")
                  for n, d in enumerate(result.further_development_priorities, start=TOP_PRIORITIES + 1)]
    if result.development_notes:
        # Every candidate gets these, a ready one too: blind spots and competencies met with no margin.
        story += [CondPageBreak(20 * mm), p(_("Development notes"), "h2"),
                  p(_("Worth working on even where nothing is short: blind spots, and competencies just at the "
                      "required level."), "small")]
        story += [p(f"• {note.text}", "item") for note in result.development_notes]
    return story


def _priority_line(d) -> str:
    crit = " · " + _("critical") if d.is_critical else ""
    return crit + " · " + _("%(short)s short · next: level %(level)s %(label)s", short=d.shortfall_text,
                            level=d.next_level, label=d.next_level_label)


def _comments(result: ReadinessResult) -> list[Flowable]:
    story = [CondPageBreak(50 * mm), p(_("Rater comments"), "h1")]
    note = _("Grouped by rater group, never by rater, and in alphabetical order within a group.")
    if result.peer_mode == PEERS_SUPPRESSED:
        note += " " + _("Peer comments are not shown: fewer peers submitted than the anonymity threshold.")
    elif result.has_suppressed_peer_groups:
        note += " " + ngettext("Peer comments on a competency are shown only where at least %(num)d peer gave a "
                               "level on it.", "Peer comments on a competency are shown only where at least "
                               "%(num)d peers gave a level on it.", result.peer_anonymity_threshold)
    story.append(p(note, "small"))
    if not result.comments:
        story.append(p(_("No comments were written."), "body"))
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
    story = [p(_("Methodology"), "h1"), p(_("Rating scale"), "h2")]
    rows = [[str(s.level), s.label, s.summary] for s in data.scale]
    rows.append(["–", data.not_observed_label, data.not_observed_summary])
    cell = styles()["cell"]
    scale_style = GridStyle(text=cell, rule=RULE, wrap=frozenset({1, 2}), bold=frozenset({0, 1}))
    story.append(Grid(None, rows, [8 * mm, 24 * mm, A4[0] - 2 * MARGIN - 32 * mm], scale_style))
    if data.best_fit:
        story.append(p(data.best_fit))
    story.append(p(_("How the verdict is reached"), "h2"))
    story += [p(line, "item") for line in data.rules_text]
    if data.sources_text:
        story += [CondPageBreak(30 * mm), p(_("Sources of evidence and their weights"), "h2")]
        story += [p(line, "item") for line in data.sources_text]
    if not data.for_hr:
        story.append(p(_("Rater disagreement is reviewed by HR; this copy does not show it, so that no single "
                         "rater's level can be worked out."), "small"))
    if data.challenges_text:
        story += [CondPageBreak(30 * mm), p(_("When a verdict is challenged"), "h2")]
        story += [p(line, "item") for line in data.challenges_text]
    story += [CondPageBreak(45 * mm), p(_("Rubric"), "h2")]
    story.append(kv_table([
        (_("Framework"), data.framework_name),
        (_("Version"), data.framework_version),
        (_("Content hash (SHA-256)"), data.content_hash),
    ], col1=46 * mm))
    story.append(p(_("Sources the rubric cites"), "h2"))
    story += [pb(s.title, f" ({s.file})", "item") for s in data.sources]
    if data.anchor_sources:
        story += [p(_("What each anchor rests on"), "h2"), p(_(ANCHOR_SOURCES_NOTE), "small", space_after=4)]
        # One grid per competency, its name in the header, so that the name repeats when a grid splits.
        cell = styles()["cell"].but(size=7.4, leading=9.2)
        style = GridStyle(text=cell, header=cell.but(font=cell.bold), rule=RULE, wrap=frozenset({1}), pad_y=2.2,
                          align=("C", "L"))
        for name, rows in anchor_source_groups(data.anchor_sources):
            story.append(Grid([_("Level"), name], rows, [11 * mm, A4[0] - 2 * MARGIN - 11 * mm], style))
    return story


ANCHOR_SOURCES_NOTE = N_(
    "Each quote is copied word for word from its source (named by the number its file starts with, as listed "
    "above), in the source's language, and shown on the rating sheet under the anchor of its level. “all”: the "
    "quote supports the competency as a whole, or states a requirement the source gives both roles. Levels 1 and 2 "
    "sit below an Operations Manager, whom no source describes; a level without a quote is a step of scope of our "
    "own.")
