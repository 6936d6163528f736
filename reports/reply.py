"""HR's copy only (issue 20, 4): the candidate's acknowledgement, reply and review requests, after the comments."""

from __future__ import annotations

from reportlab.platypus import CondPageBreak, Flowable
from reportlab.lib.units import mm

from .data import ReportData
from .i18n import N_, _
from .layout import p, pb, stamp


#: A review request's outcome in words.
OUTCOMES = {"open": N_("open, not answered yet"), "upheld": N_("verdict upheld (no change)"),
            "changed": N_("verdict changed through calibration"), "not_upheld": N_("request not upheld")}


def _lines(text: str) -> list[Flowable]:
    return [p(line.strip(), "quote") for line in text.splitlines() if line.strip()]


def reply_section(data: ReportData) -> list[Flowable]:
    """The section, or nothing in a copy that is not HR's (the candidate's reply is HR's record)."""
    reply = data.candidate_reply
    if not data.for_hr or reply is None:
        return []
    story = [CondPageBreak(40 * mm), p(_("The candidate's reply"), "h1"),
             p(_("Part of HR's record; never in a copy for anyone else."), "small")]
    story.append(p(_("Acknowledged on %(moment)s (read; no agreement implied).", moment=stamp(reply.acknowledged_at))
                   if reply.acknowledged_at else _("Not acknowledged."), "body"))
    if reply.text:
        story.append(p(_("Reply, version %(num)d of %(moment)s:", num=reply.version, moment=stamp(reply.updated_at)),
                       "h3"))
        story += _lines(reply.text)
    else:
        story.append(p(_("No reply written."), "body"))
    for asked, reason, outcome, resolution in reply.requests:
        story.append(pb(_("Review requested on %(moment)s", moment=stamp(asked)),
                        " · " + _(OUTCOMES.get(outcome, outcome)), "h3"))
        story += _lines(reason)
        if resolution:
            story += [p(_("HR's answer to the candidate:"), "body")] + _lines(resolution)
    return story
