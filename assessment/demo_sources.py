"""The demo's evidence beyond managers and peers (rubric 2026.12.4): every candidate's track record (months in
leadership and in the current role), checked against the target role's eligibility rule.

Built through the same services as the web pages, get-or-create like the rest of the demo (``assessment.demo``).
"""

from __future__ import annotations

from .models import Assessment, User
from .services.track_record import set_track_record

#: Candidate e-mail -> (months in leadership roles, months in the current role). Aoife O'Brien has led people for
#: 44 months, short of the 60 the Head of Operations rule asks: the rule is "not met" beside her verdict.
TRACK_RECORDS = {
    "lukasz.nowak@example.com": (74, 30),
    "zoe.muller-simic@example.com": (66, 26),
    "aoife.obrien@example.com": (44, 20),
    "mehmet.yilmaz@example.com": (81, 40),
    "nguyen.thi.lan@example.com": (62, 14),
    "soren.ostergaard@example.com": (128, 48),
    "jose.alvarez@example.com": (101, 30),
    "ayse.demir@example.com": (112, 36),
    "bjorn.thorsson@example.com": (97, 25),
}


def track_record(assessment: Assessment, hr: User) -> None:
    """The candidate's months in leadership and in the current role, when not recorded yet."""
    months = TRACK_RECORDS.get(assessment.candidate.email)
    if months and assessment.leadership_months is None and assessment.cycle.state != "released":
        set_track_record(assessment, *months, actor=hr)
