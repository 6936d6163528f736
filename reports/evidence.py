"""What the evidence behind a verdict looks like (rubric 2026.12.4), in words shared by the results page and the PDF:
how far raters agree (rwg, HR only), the situation each decisive level rests on ("level 4 seen in the board
presentation exercise"), the role's eligibility rule (met / not met / not known: it informs the panel and never
changes the band), and raters who have known the candidate only briefly (HR only)."""

from __future__ import annotations

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable

from rubrics.readiness import ASSESSOR, DIRECT_REPORT, FAILED, PASSED, ReadinessResult
from rubrics.readiness_agreement import display_agreement
from rubrics.readiness_model import AGREEMENT_LABELS

from .data import ReportData
from .grid import Grid, GridStyle
from .i18n import _, ngettext
from .layout import MARGIN, NAVY, RULE, p, pb, styles

#: An eligibility check's mark: met, not met, or not known (the candidate's months were not entered); the engine's
#: text says which in words.
ELIGIBILITY_MARKS = {PASSED: "✓", FAILED: "✗"}
NOT_KNOWN = "?"


def agreement_text(value: float | None, level: str) -> str:
    """ "raters agree (rwg 0.82)" (the engine's words), for HR; "too few raters for an index" without one."""
    if value is None or level not in AGREEMENT_LABELS:
        return _("too few raters for an index")
    return _("%(words)s (rwg %(value)s)", words=AGREEMENT_LABELS[level], value=index_text(value))


def index_text(value: float) -> str:
    """An index to print as the engine does (two decimals, rounded down: never across a threshold), with a real
    minus sign ("0.69", "−0.40")."""
    return display_agreement(value).replace("-", "−")


def overall_agreement_text(result: ReadinessResult) -> str:
    """The overall agreement line for HR: "Raters agree: mean rwg 0.78 over 11 competencies."; "" without one."""
    if result.agreement is None or result.agreement_level not in AGREEMENT_LABELS:
        return ""
    count = sum(1 for c in result.competencies if c.agreement is not None)
    words = AGREEMENT_LABELS[result.agreement_level]
    return ngettext("%(words)s: mean rwg %(value)s over %(num)d competency.",
                    "%(words)s: mean rwg %(value)s over %(num)d competencies.", count,
                    words=words[:1].upper() + words[1:], value=index_text(result.agreement))


def eligibility_lines(result: ReadinessResult) -> tuple[tuple[str, str, str], ...]:
    """Each part of the eligibility rule as (status id, mark, "At least 60 months in leadership roles: 48, not
    met."); () when the rubric has no rule for the role."""
    return tuple((check.status, ELIGIBILITY_MARKS.get(check.status, NOT_KNOWN), check.text)
                 for check in result.eligibility)


def eligibility_note() -> str:
    return _("The track record informs the panel; it never changes the band.")


def short_acquaintance_text(result: ReadinessResult, min_months: int | None) -> str:
    """HR only: "1 counted rater has known the candidate for less than 3 months." ("" when none)."""
    if not result.short_acquaintance_raters or not min_months:
        return ""
    return ngettext("%(num)d counted rater has worked with the candidate for less than %(months)s months.",
                    "%(num)d counted raters have worked with the candidate for less than %(months)s months.",
                    result.short_acquaintance_raters, months=min_months)


def situations(result: ReadinessResult) -> tuple[tuple[str, str], ...]:
    """(competency name, what its decisive levels rest on) for each competency with a recorded situation."""
    return tuple((c.name, c.situation_text) for c in result.competencies if c.situation_text)


def more_sources(result: ReadinessResult) -> bool:
    """Direct reports or the assessors' consensus took part: words that name "managers and peers" say "sources"."""
    return bool(result.sheet_counts.get(DIRECT_REPORT) or result.sheet_counts.get(ASSESSOR))


def hides_group(result: ReadinessResult, group: str) -> bool:
    """Some competency does not show this (anonymous) group: too few of them gave a level there."""
    return any(g.group == group and g.is_suppressed for c in result.competencies for g in c.groups)


def has_agreement(result: ReadinessResult) -> bool:
    return any(c.agreement_level for c in result.competencies) or result.agreement is not None


# --- the PDF ------------------------------------------------------------------------------------------------


def verdict_evidence_rows(data: ReportData) -> list[Flowable]:
    """Rows of the verdict box: the eligibility rule beside the verdict, and for HR the overall agreement and the
    raters known only briefly."""
    result = data.result
    rows = []
    if result.eligibility:
        rows.append(p(_("Eligibility (track record)"), "h3", space_before=4))
        rows += [p(f"{mark} {text}", "item") for _status, mark, text in eligibility_lines(result)]
        rows.append(p(eligibility_note(), "small"))
    if data.for_hr and (overall := overall_agreement_text(result)):
        rows.append(pb(_("Agreement:") + " ", overall))
    if data.for_hr and (short := short_acquaintance_text(result, data.short_acquaintance_months)):
        rows.append(pb(_("Short acquaintance:") + " ", short))
    return rows


def evidence_section(data: ReportData) -> list[Flowable]:
    """Per competency, what its levels rest on, and for HR how far the raters agree: one grid (nothing when the
    result has neither, as for a rubric before 2026.12.4)."""
    result = data.result
    show_agreement = data.for_hr and has_agreement(result)
    seen = dict(situations(result))
    if not show_agreement and not seen:
        return []
    cell = styles()["cell"]
    width = A4[0] - 2 * MARGIN
    if show_agreement:
        header = [_("Competency"), _("Agreement"), _("What the levels rest on")]
        rows = [[c.name, agreement_text(c.agreement, c.agreement_level), seen.get(c.name, "–")]
                for c in result.competencies]
        widths = [44 * mm, 52 * mm, width - 96 * mm]
    else:
        header = [_("Competency"), _("What the levels rest on")]
        rows = [[name, text] for name, text in seen.items()]
        widths = [44 * mm, width - 44 * mm]
    style = GridStyle(text=cell, header=cell.but(font=cell.bold, size=8), rule=RULE, header_rule=NAVY,
                      wrap=frozenset(range(len(header))))
    note = _("Where and for how long each level at or above the requirement was seen, as the raters recorded it; "
             "assessors' levels come from the exercises of their wash-up consensus.")
    if show_agreement:
        note += " " + _("Agreement (HR copy only): the rwg index of the counted levels, 1 when all raters give the "
                        "same level, 0 when they spread as if at random; shown only where enough raters gave a level.")
    return [CondPageBreak(40 * mm), p(_("Evidence behind the levels"), "h2"), Grid(header, rows, widths, style),
            p(note, "small", space_before=3)]
