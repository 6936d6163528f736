"""The report's competency table: per competency the required level, each shown rater group's score, the decision,
the gap, the coverage and notes. One column per group the result shows (``ReadinessResult.shown_groups``: self,
managers, peers, and from rubric 2026.12.4 direct reports and assessors where they took part)."""

from __future__ import annotations

from functools import lru_cache

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, Spacer

from rubrics.readiness import (DIRECT_REPORT, GROUP_LABELS, MANAGER, PEER, PEERS_SHOWN, PEERS_SUPPRESSED, SELF,
                               ReadinessResult)
from rubrics.readiness_candidate import withheld_note
from rubrics.readiness_numbers import display_error

from .charts import INK, heat_colour
from .data import ReportData
from .evidence import hides_group
from .fonts import register_fonts
from .grid import Grid, GridStyle
from .i18n import _, ngettext
from .layout import DASH, MARGIN, NAVY, RULE, gap_text, local, num, p, pb
from .text import TextStyle, width_of
from .words import break_points

#: Each group column's width before the headers are measured (a new group's column is as narrow as it can be).
GROUP_WIDTHS = {SELF: 10 * mm, MANAGER: 15.5 * mm, PEER: 11 * mm}
OTHER_GROUP_WIDTH = 12 * mm
#: The competency and number columns together, at most (while the competency column can give room): the rest,
#: about 29 mm, is the notes column's.
NUMBERS_WIDTH = 145 * mm


def table_groups(result: ReadinessResult) -> tuple[str, ...]:
    """The group columns of the table: the groups shown, and always a Peers column (starred when peers are not
    shown as a group, explained in the legend)."""
    groups = tuple(result.shown_groups)
    if PEER not in groups:
        index = groups.index(MANAGER) + 1 if MANAGER in groups else len(groups)
        groups = groups[:index] + (PEER,) + groups[index:]
    return groups


#: More group columns than this: the table is set tighter, and its notes follow it instead of a column.
NARROW_GROUPS = 3


@lru_cache(maxsize=4)
def _grid_style(group_count: int) -> GridStyle:
    font, bold = register_fonts()
    text = TextStyle(font, bold, 8.2, 10.4, INK)
    wide = group_count > NARROW_GROUPS
    return GridStyle(text=text, header=text.but(font=bold, size=7.0 if wide else 7.8), rule=RULE, header_rule=NAVY,
                     pad_x=2.4 if wide else 3.5, align=("L",) + ("C",) * (group_count + 4) + ("L",),
                     wrap=frozenset({0, group_count + 4, group_count + 5}), bold=frozenset({group_count + 2}))


def _group_cell(result: ReadinessResult, comp, group: str) -> str:
    """A group's score on a competency: a dagger where its levels exist but are held back (see the legend)."""
    found = next((g for g in comp.groups if g.group == group), None)
    if found is not None and found.is_suppressed:
        return f"{DASH}†"
    if group == PEER and comp.peers_suppressed and result.peer_mode == PEERS_SHOWN:
        return f"{DASH}†"
    return num(found.score if found is not None else None)


def _notes(comp, for_hr: bool) -> str:
    notes = []
    if comp.is_blind_spot:
        notes.append(_("Blind spot"))
    if comp.is_hidden_strength:
        notes.append(_("Hidden strength"))
    if comp.is_disagreement and for_hr:
        notes.append(_("Raters differ"))
    if comp.is_thin_evidence and for_hr:
        notes.append(_("Thin evidence"))
    if comp.is_borderline and for_hr:
        notes.append(_("Borderline ± %(error)s", error=display_error(comp.standard_error)))
    return ", ".join(notes)


def competency_table(data: ReportData) -> list[Flowable]:
    result = data.result
    groups = table_groups(result)
    labels = [GROUP_LABELS[g] + ("*" if g == PEER and result.peer_mode != PEERS_SHOWN else "") for g in groups]
    # A wide table (direct reports, assessors) has no room for a notes column: its notes follow it.
    wide = len(groups) > NARROW_GROUPS
    header = [_("Competency"), _("Required"), *labels, _("Decision"), _("Gap"), _("Coverage")]
    header += [] if wide else [_("Notes")]
    rows, backgrounds, notes = [], {}, []
    gap_column = len(groups) + 3
    for i, c in enumerate(result.competencies):
        rows.append([
            c.name + (" ★" if c.is_critical else ""),
            str(c.required),
            *(_group_cell(result, c, g) for g in groups),
            *((f"{DASH}‡", f"{DASH}‡") if withheld(result, c)
              else (local(c.decision_text), gap_text(c.decision_score, c.required))),
            _("%(rated)s of %(raters)s", rated=c.rated, raters=c.raters),
        ])
        if wide and _notes(c, data.for_hr):
            notes.append(f"{c.name}: {_notes(c, data.for_hr)}")
        elif not wide:
            rows[-1].append(_notes(c, data.for_hr))
        if c.gap is not None:
            backgrounds[(i, gap_column)] = heat_colour(c.gap)
    base = [54 * mm, 14 * mm, *(GROUP_WIDTHS.get(g, OTHER_GROUP_WIDTH) for g in groups), 14.5 * mm, 11 * mm, 15 * mm]
    widths = _column_widths(header, base, _grid_style(len(groups)), notes_column=not wide)
    table = Grid(header, rows, widths, _grid_style(len(groups)), backgrounds)
    story = [CondPageBreak(90 * mm), p(_("Competencies"), "h2"), table, Spacer(1, 4)]
    if notes:
        story += [pb(_("Notes:") + " ", "; ".join(notes) + ".", "small"), Spacer(1, 3)]
    return story + [p(_legend(data, groups), "small")]


def _legend(data: ReportData, groups: tuple[str, ...]) -> str:
    result = data.result
    if set(groups) <= {SELF, MANAGER, PEER}:
        legend = _(
            "★ critical for the target role. Decision = weighted mean of managers (weight "
            "2) and peers (weight 1); self never counts. Gap = decision − required. Coverage: managers and peers "
            "who gave a level, of those counted. “–”: no score (not observed is not a low score).")
    else:
        legend = _(
            "★ critical for the target role. Decision = weighted mean of the rater groups other than self, each "
            "with its weight for that competency (see the methodology); self never counts. Gap = decision − "
            "required. Coverage: raters other than self who gave a level, of those counted. “–”: no score (not "
            "observed is not a low score).")
    if result.peer_mode != PEERS_SHOWN:
        # Say what happened: "2 peers were asked; none submitted", never "no peers were asked" when some were.
        legend += (" *" + _("Peers are shown only when at least the anonymity threshold of peers submitted.")
                   if result.peer_mode == PEERS_SUPPRESSED else f" *{result.group_count(PEER).text}")
    elif result.has_suppressed_peer_groups:
        legend += " †" + ngettext(
            "Fewer than %(num)d peer gave a level on this competency: their levels and comments on it are not "
            "shown, to keep them anonymous.",
            "Fewer than %(num)d peers gave a level on this competency: their levels and comments on it are not "
            "shown, to keep them anonymous.", result.peer_anonymity_threshold)
    if hides_group(result, DIRECT_REPORT):
        legend += " †" + _("Fewer direct reports than their anonymity threshold (%(num)s) gave a level on this "
                           "competency: their levels and comments on it are not shown, to keep them anonymous.",
                           num=result.direct_report_anonymity_threshold)
    if data.for_hr and any(c.is_withheld_from_candidate for c in result.competencies):
        legend += " " + _("Peers not shown still count in the decision score; the candidate's copy leaves out the "
                          "numbers that depend on them.")
    if data.for_hr and any(c.is_thin_evidence or c.is_borderline for c in result.competencies):
        legend += " " + _("Thin evidence: a critical competency rated by too few counted managers and peers, or "
                          "by no manager. Borderline: the decision is within its standard error (±) of the "
                          "requirement, with raters on both sides; when it decides the band, the verdict goes to "
                          "the panel.")
    if any(withheld(result, c) for c in result.competencies):
        legend += f" ‡{withheld_note()}"
    return legend


def _column_widths(header, base, style: GridStyle, notes_column: bool = True) -> list[float]:
    """The score table's column widths: each number column at least as wide as its header's longest word, or
    the longer half of it hyphenated once ("Führungs-/kräfte"), so no header is cut mid-word; the room comes
    from the competency column (down to 38 mm), as does a column for a further rater group; the notes column
    takes what is left."""
    face = style.header
    widths = list(base)
    for col in range(1, len(base)):
        need = max(header_word_width(word, face.bold, face.size) for word in header[col].split()) + 2 * style.pad_x
        widths[col] = max(widths[col], need + 0.5)
    if not notes_column:  # the competency column takes what is left
        widths[0] = A4[0] - 2 * MARGIN - sum(widths[1:])
        return widths
    widths[0] = max(38 * mm, widths[0] - max(0.0, sum(widths) - NUMBERS_WIDTH))
    widths.append(A4[0] - 2 * MARGIN - sum(widths))
    return widths


def header_word_width(word: str, font: str, size: float) -> float:
    """The width a header word needs: whole, or as its two halves at its most even hyphenation point."""
    whole = width_of(word, font, size)
    if len(word) <= 9:
        return whole
    halves = [max(width_of(word[:k] + "-", font, size), width_of(word[k:], font, size)) for k in break_points(word)]
    return min([whole, *halves])


def withheld(result: ReadinessResult, comp) -> bool:
    """The candidate's copy withholds this competency's decision score and gap (they depend on hidden peers)."""
    return result.is_candidate_view and comp.is_withheld_from_candidate
