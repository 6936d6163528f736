"""The verdict page of the report: the verdict box (with Panel review's reasons and the evidence it rests on),
the calibrated verdict, the key figures, what each rater group did, every rule as applied, what holds the
verdict back; and the verdict on the cover."""

from __future__ import annotations

from functools import lru_cache

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table

from rubrics import language
from rubrics.readiness import (ASSESSOR, DIRECT_REPORT, FAILED, MANAGER, NOT_APPLICABLE, PASSED, PEER, PEERS_SUPPRESSED,
                               SELF, ReadinessResult)
from rubrics.readiness_candidate import withheld_note

from .data import ReportData
from .evidence import verdict_evidence_rows
from .grid import Grid, GridStyle
from .i18n import N_, _
from .layout import (FAIL, MARGIN, NAVY, NOT_APPLICABLE_INK, PASS, RULE, box, gap_text, kv_table, local,
                     long_date, p, pb, styles, verdict_colour)

#: How a rule's status is marked and said: never a tick for a rule that does not apply. The words are
#: English here (extracted with N_) and translated where they are shown.
STATUS_MARKS = {PASSED: ("✓", N_("Passed."), PASS), FAILED: ("✗", N_("Not met."), FAIL),
                NOT_APPLICABLE: ("–", N_("Not applicable."), NOT_APPLICABLE_INK)}
GROUP_NAMES = {MANAGER: N_("Managers"), PEER: N_("Peers"), DIRECT_REPORT: N_("Direct reports"),
               ASSESSOR: N_("Assessors"), SELF: N_("Self-assessment")}
GROUP_NOUNS = {MANAGER: N_("manager"), PEER: N_("peer")}
#: Said where the candidate's copy leaves a number out.
WITHHELD = N_("Not shown: it includes ratings kept anonymous.")
#: Stands for the engine's withheld note in a rule's detail: a mark only, the note is printed once, under the rules.
WITHHELD_MARK = N_("‡")


def status_word(status: str) -> str:
    """A rule's status in words, in the current language: "Passed." / "Bestanden."."""
    return _(STATUS_MARKS[status][1])


def cover_verdict(data: ReportData) -> Table:
    """The verdict on the cover: the computed one, and the panel's calibrated one when HR recorded it."""
    result = data.result
    colour = verdict_colour(result)
    role = result.target_role_name
    rows = [p(_("Verdict for %(role)s", role=role), "kicker"), p(result.band_label, "band", color=colour)]
    if result.is_panel_review:
        rows.append(p(_("Provisional band: %(band)s. The panel reviews the evidence.",
                        band=result.provisional_band_label), "small"))
    if data.calibration:
        rows[0] = p(_("Calibrated verdict for %(role)s", role=role), "kicker")
        rows[1] = p(data.calibration.band_label, "band", color=NAVY)
        rows.append(p(_("Computed verdict: %(band)s. The report shows both.", band=result.band_label), "small"))
    return box(rows, NAVY if data.calibration else colour)


def verdict_section(data: ReportData) -> list[Flowable]:
    """The verdict page: verdict box, calibration, figures, rules, what holds the verdict back."""
    result = data.result
    colour = verdict_colour(result)
    role = result.target_role_name
    heading = (_("Computed verdict for %(role)s", role=role) if data.calibration
               else _("Verdict for %(role)s", role=role))
    rows = [p(heading, "kicker"), p(result.band_label, "band", color=colour), p(result.summary)]
    if result.is_panel_review:
        rows.append(pb(_("Provisional band:") + " ", _(
            "%(band)s, what the rules give; the panel reviews the contested evidence before a band is given.",
            band=result.provisional_band_label)))
        rows.append(p(_("Why it goes to the panel"), "h3", space_before=4))
        rows += [p(f"• {reason}", "item") for reason in result.panel_review_reasons]
    if result.evidence_summary:
        rows.append(pb(_("Evidence:") + " ", result.evidence_summary))
    rows += verdict_evidence_rows(data)
    if data.for_hr and data.rests_on_flagged:
        rows.append(pb(_("Rater quality:") + " ", data.rests_on_flagged))
    if data.for_hr and data.not_counted:
        rows.append(pb(_("Sheets:") + " ", data.not_counted))
    if data.for_hr and result.uncounted_sheets:
        rows += uncounted_rows(result)
    story = [p(_("Verdict"), "h1"), box(rows, colour)]
    story += _calibration(data)
    story += [Spacer(1, 8), kv_table(_figures(result), col1=48 * mm)]
    if result.peer_mode == PEERS_SUPPRESSED:
        story.append(p(_(
            "Fewer peers than the anonymity threshold submitted: their ratings and comments are not shown as a "
            "group, so that no single peer's answer can be recovered."), "small"))
    story += _rules(result)
    story += _holding_back(result)
    return story


def uncounted_rows(result: ReadinessResult) -> list[Flowable]:
    """HR's copy: each submitted sheet that does not count as a rater, by group and with the reason (no names)."""
    groups = {MANAGER: _("Manager"), PEER: _("Peer")}
    rows = [p(_("Sheets that do not count"), "h3", space_before=4)]
    rows += [p(f"• {groups.get(u.group, u.group_label)}: {u.reason}", "item") for u in result.uncounted_sheets]
    return rows


def _calibration(data: ReportData) -> list[Flowable]:
    cal = data.calibration
    if not cal:
        return []
    when = long_date(cal.at)
    # Who calibrated is for HR; the candidate's version says when only (as on their results page).
    recorded = (_("Recorded by %(by)s on %(date)s. The computed verdict above is kept beside it.", by=cal.by,
                  date=when) if data.for_hr
                else _("Recorded on %(date)s. The computed verdict above is kept beside it.", date=when))
    return [Spacer(1, 6), box([
        p(_("Proposed calibration: not in force until a second HR person approves it") if cal.is_proposed
          else _("Calibrated verdict (recorded by HR)"), "kicker"),
        p(cal.band_label, "band", color=NAVY),
        pb((_("Rationale:") if data.for_hr else _("Note from HR:")) + " ", cal.rationale),
        *([pb(_("Reason:") + " ", cal.reason)] if data.for_hr and cal.reason else []),
        *([pb(_("Panel:") + " ", cal.panel)] if data.for_hr and cal.panel else []),
        p(recorded, "small"),
    ], NAVY)]


def attainment_text(result: ReadinessResult) -> str:
    """Weighted attainment with its coverage ("100% of the 8 of 12 scored"), or why it is not shown."""
    if result.weighted_attainment is not None:
        return result.attainment_text
    if result.is_candidate_view and any(c.is_withheld_from_candidate for c in result.competencies):
        return _(WITHHELD)
    return _("– (no competency has a manager or peer score)")


def _figures(result: ReadinessResult) -> list[tuple[str, str]]:
    shortfall = result.largest_critical_shortfall
    figures = [(_("Weighted attainment"), attainment_text(result)),
               (_("Largest critical shortfall"),
                result.largest_critical_shortfall_text if shortfall is not None or not result.is_candidate_view
                else _(WITHHELD))]
    for group in (MANAGER, PEER, DIRECT_REPORT, ASSESSOR, SELF):
        # Direct reports and the assessors' consensus only where the candidate has them (rubric 2026.12.4).
        if group in (MANAGER, PEER, SELF) or result.sheet_counts.get(group) or result.group_count(group).assigned:
            figures.append((_(GROUP_NAMES[group]), result.group_count(group).text))
    return figures


@lru_cache(maxsize=1)
def _rules_style() -> GridStyle:
    cell = styles()["cell"]
    return GridStyle(text=cell, header=cell.but(font=cell.bold, size=8), rule=RULE, header_rule=NAVY,
                     wrap=frozenset({1, 2}), columns={0: cell.but(font=cell.bold, size=10)})


def failing_text(rule, result: ReadinessResult) -> str:
    """ "Failing: A, B." for a failed rule whose detail does not name the competencies failing it already."""
    ids = {c.competency_id: c.name for c in result.competencies}
    names = [ids[i] for i in rule.competencies if i in ids]
    if names and rule.status == FAILED and not all(name in rule.detail for name in names):
        return _("Failing: %(names)s.", names=", ".join(names))
    return ""


def rule_detail(rule) -> str:
    """A rule's detail as printed: in the candidate's copy the engine's long "not shown" sentence becomes a
    short mark, explained once under the rules."""
    return rule.detail.replace(withheld_note(), _(WITHHELD_MARK)).strip()


def rules_withhold(result: ReadinessResult) -> bool:
    """Some rule's detail is withheld in this (the candidate's) copy."""
    return any(withheld_note() in rule.detail for rule in result.rules)


def rule_result_text(rule, result: ReadinessResult) -> str:
    """What a rule's result says: its status in words, its detail, and the competencies failing it."""
    parts = [status_word(rule.status), rule_detail(rule), failing_text(rule, result)]
    return " ".join(part for part in parts if part)


def _rules(result: ReadinessResult) -> list[Flowable]:
    story = [p(_("Rules"), "h2")]
    if not result.is_sufficient:
        story.append(p(_("An evidence rule was not met, so no band is given; the band conditions below do not "
                         "apply."), "small", space_after=4))
    rows = [[STATUS_MARKS[rule.status][0], rule.text, rule_result_text(rule, result)] for rule in result.rules]
    colours = {(i, 0): STATUS_MARKS[rule.status][2] for i, rule in enumerate(result.rules)}
    story.append(Grid(["", _("Rule"), _("Result")], rows, [7 * mm, 78 * mm, A4[0] - 2 * MARGIN - 85 * mm],
                      _rules_style(), colours=colours))
    legend = _("✓ passed · ✗ not met · – not applicable (the rule does not apply to this candidate or this "
               "outcome).")
    if rules_withhold(result):
        legend += f" ‡{withheld_note()}"
    story.append(p(legend, "small", space_before=3))
    return story


def _holding_back(result: ReadinessResult) -> list[Flowable]:
    # In the best band nothing holds the verdict back; shortfalls are still worth listing.
    held = result.band_rank != 0
    story = [p(_("What holds the verdict back") if held else _("Still below the required level"), "h2")]
    if result.holding_back:
        for s in result.holding_back:
            crit = " " + _("(critical)") if s.is_critical else ""
            # The shortfall as printed agrees with the score as printed (3.967 of 4: 3.9, 0.1 short).
            short = gap_text(s.score, s.required).lstrip("−-")
            line = _("%(score)s against %(required)s required, %(short)s short", score=local(s.score_text),
                     required=s.required, short=short)
            story.append(pb(s.name, crit + ": " + line, "item"))
    elif not result.is_sufficient:
        story.append(p(_("No competency with a score is below the required level: the evidence rule that was not "
                         "met holds the verdict back."), "item"))
    elif result.is_panel_review:
        story.append(p(_("No competency with a score is below the required level: the contested evidence above "
                         "holds the verdict back until the panel has reviewed it."), "item"))
    else:
        story.append(p(_("No competency with a score is below the required level."), "item"))
    return story


def rater_quality_section(data: ReportData) -> list[Flowable]:
    """HR's copy only: this candidate's raters flagged by rater quality across the cycle, explained."""
    if not data.for_hr:
        return []
    story = [p(_("Rater quality (HR copy only)"), "h2"),
             p(_("Flags look at each rater across the whole cycle, against the other raters of the same candidates. "
                 "A flag says where the verdict may reflect the rater more than the candidate; from rubric "
                 "2026.12.3 a verdict that rests for half or more of its decision weight on raters flagged "
                 "lenient, severe or straight-lining goes to Panel review (under older rubrics a flag never "
                 "changes the verdict)."), "small", space_after=3)]
    if data.rater_notes is None:
        story.append(p(_("Rater quality is not assessed for this cycle: its rubric version has no rater-quality "
                         "rules."), "item"))
    elif not data.rater_notes:
        story.append(p(_("No rater of this candidate is flagged as lenient, severe, central-tending or "
                         "straight-lining."), "item"))
    for note in data.rater_notes or ():
        group = _(GROUP_NOUNS[note.group]) if note.group in GROUP_NOUNS else note.group
        story.append(pb(note.rater, " " + _("(%(group)s, %(share)s of the decision weight)", group=group,
                                            share=language.percent(note.share, 0)), "item"))
        story += [pb(f"{label}: ", explanation, "quote") for label, explanation in note.flags]
    return story
