"""The demo's evidence beyond managers and peers (rubric 2026.12.4): a candidate's direct reports, where and how long
each high level was seen, how long each rater has known the candidate, and every candidate's track record (months in
leadership and in the current role). The exercise day is in ``demo_exercises``.

Built through the same services as the web pages, get-or-create like the rest of the demo (``assessment.demo``).
"""

from __future__ import annotations

import random

from rubrics import Framework
from rubrics.sheet import RatingInput

from .models import Assessment, RaterAssignment, User
from .services.assessments import assign_rater
from .services.ratings import scope_of
from .services.track_record import set_track_record

#: The team of the candidate with direct reports: shift and team leads who report to them.
TEAM = [
    ("chiara.bianchi@example.com", "Chiara Bianchi"),
    ("tomasz.wojcik@example.com", "Tomasz Wójcik"),
    ("amara.nwosu@example.com", "Amara Nwosu"),
]
#: Whose direct reports rate them (in the released spring cycle).
WITH_DIRECT_REPORTS = "lukasz.nowak@example.com"
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
#: How long and how closely each rater has known the candidate, in turn; the one rater of under three months is
#: the last peer of the candidate with direct reports (``SHORT_ACQUAINTANCE``).
RELATIONSHIPS = (("over_3_years", "weekly"), ("1_to_3_years", "daily"), ("3_to_12_months", "weekly"),
                 ("1_to_3_years", "monthly"))
SHORT_ACQUAINTANCE = ("under_3_months", "monthly")
#: Where high levels were seen, in turn, with how many weeks.
SITUATIONS = (("role", 104), ("acting_up", 12), ("project", 26), ("role", 52), ("acting_up", 26))


def track_record(assessment: Assessment, hr: User) -> None:
    """The candidate's months in leadership and in the current role, when not recorded yet."""
    months = TRACK_RECORDS.get(assessment.candidate.email)
    if months and assessment.leadership_months is None and assessment.cycle.state != "released":
        set_track_record(assessment, *months, actor=hr)


def direct_reports(assessment: Assessment, team: list[User], hr: User) -> list[RaterAssignment]:
    """The candidate's direct reports as raters (added with the candidate, so without a reason)."""
    mine = {a.rater_id: a for a in assessment.assignments}
    return [mine.get(person.id) or assign_rater(assessment, person, "direct_report", actor=hr, initial=True)
            for person in team]


def relationship(assignment: RaterAssignment, number: int, *, short: bool = False) -> tuple[str, str]:
    return SHORT_ACQUAINTANCE if short else RELATIONSHIPS[(assignment.id + number) % len(RELATIONSHIPS)]


def with_situations(framework: Framework, assignment: RaterAssignment, inputs: list[RatingInput],
                    rng: random.Random) -> list[RatingInput]:
    """Where and how long each level at or above the target requirement was seen, when the sheet asks it; direct
    reports see their lead in the role."""
    if not scope_of(assignment, framework).asks_situations:
        return inputs
    role = framework.role(assignment.assessment.target_role)
    out = []
    for item in inputs:
        if isinstance(item.value, int) and item.value >= role.requirement(item.competency_id).required:
            seen_in, weeks = (("role", 78) if assignment.rater_group == "direct_report"
                              else SITUATIONS[rng.randrange(len(SITUATIONS))])
            item = RatingInput(item.competency_id, item.value, item.evidence, seen_in, weeks)
        out.append(item)
    return out
