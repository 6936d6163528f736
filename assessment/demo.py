"""A realistic demo organisation, built through the same services as the web pages.

Every step is get-or-create, so running the demo twice adds nothing.
"""

from __future__ import annotations

import os
import random
from datetime import date
from typing import NamedTuple

import sqlalchemy as sa

from rubrics import NOT_OBSERVED, Framework
from rubrics.sheet import RatingInput, evidence_required

from .demo_evidence import evidence_for
from .demo_history import build_history
from .demo_exercises import ASSESSORS, WITH_EXERCISE_DAY, exercise_day
from .demo_grid import performance_demo
from .demo_people import place_people
from .demo_plans import demo_plan
from .demo_reply import reply_and_review
from .demo_sources import TEAM, WITH_DIRECT_REPORTS, direct_reports, relationship, track_record, with_situations
from .extensions import db
from .models import Assessment, Cycle, RaterAssignment, User
from .services.assessments import add_assessment, assign_rater
from .services.cycles import change_state, create_cycle
from .services.ratings import save_sheet, scope_of
from .services.users import create_user, find_user

DEMO_PASSWORD = os.environ.get("OPSLADDER_DEMO_PASSWORD", "demo-password-2026")

HR = [("ingrid.halvorsen@example.com", "Ingrid Halvorsen")]
MANAGERS = [
    ("margaret.okafor@example.com", "Margaret Okafor"),
    ("rafael.ortega@example.com", "Rafael Ortega"),
    ("katrin.schaefer@example.com", "Katrin Schäfer"),
]
#: Peers: operations colleagues who work beside the candidates and are no candidates themselves. A candidate for
#: the same role would be a rival, whose sheet is a conflict of interest and does not count until HR clears it.
COLLEAGUES = [
    ("hannah.weber@example.com", "Hannah Weber"),
    ("kwame.asante@example.com", "Kwame Asante"),
    ("priya.nair@example.com", "Priya Nair"),
]
# (e-mail, name, current role, strength against the target profile, self-view bias)
CANDIDATES = [
    ("lukasz.nowak@example.com", "Łukasz Nowak", "operations_manager", 0.2, 0.0),
    ("zoe.muller-simic@example.com", "Zoë Müller-Šimić", "operations_manager", -0.4, 0.8),
    ("aoife.obrien@example.com", "Aoife O'Brien", "operations_manager", -1.2, 0.3),
    ("mehmet.yilmaz@example.com", "Mehmet Yılmaz", "operations_manager", -0.1, -0.9),
    ("nguyen.thi.lan@example.com", "Nguyễn Thị Lan", "operations_manager", -0.6, 0.0),
    ("soren.ostergaard@example.com", "Søren Østergaard", "head_of_operations", 0.1, 0.2),
    ("jose.alvarez@example.com", "José Álvarez", "head_of_operations", -0.8, 1.0),
    ("ayse.demir@example.com", "Ayşe Demir", "head_of_operations", -0.3, -0.2),
    ("bjorn.thorsson@example.com", "Björn Þórsson", "head_of_operations", -1.5, 0.0),
]


#: Demo people who read OpsLadder (and get their reports) in German: a manager and a candidate.
GERMAN_SPEAKING = frozenset({"katrin.schaefer@example.com", "zoe.muller-simic@example.com"})


def _user(email: str, name: str, role: str) -> User:
    user = find_user(email) or create_user(email, name, role, DEMO_PASSWORD, actor=None)
    if email in GERMAN_SPEAKING and user.language is None:
        # Their own choice, once made, is kept: running the demo again changes nothing.
        user.language = "de"
    return user


def _cycle(name: str, instructions: str, starts_on: date, ends_on: date, hr: User) -> tuple[Cycle, bool]:
    cycle = db.session.scalar(sa.select(Cycle).where(Cycle.name == name))
    if cycle is not None:
        return cycle, False
    return create_cycle(name, actor=hr, instructions=instructions, starts_on=starts_on, ends_on=ends_on), True


def _assessment(cycle: Cycle, candidate: User, current_role: str, framework: Framework, hr: User) -> Assessment:
    found = db.session.scalar(sa.select(Assessment).where(Assessment.cycle_id == cycle.id,
                                                          Assessment.candidate_id == candidate.id))
    if found is not None:
        return found
    target = framework.next_role(current_role).id
    return add_assessment(cycle, candidate, current_role, target, framework=framework, actor=hr)


def _assign(assessment: Assessment, rater: User, group: str, hr: User) -> RaterAssignment:
    for assignment in assessment.assignments:
        if assignment.rater_id == rater.id:
            return assignment
    return assign_rater(assessment, rater, group, actor=hr, initial=True)  # added with the candidate


def _fill(assignment: RaterAssignment, framework: Framework, target: str, strength: float, rng: random.Random,
          *, share: float = 1.0, submit: bool, observed: int | None = None, short: bool = False) -> None:
    """Rate a share of the competencies the sheet asks around the target profile; submit when asked and complete.
    ``observed``: the rater saw only the first so many competencies and marks the rest "not observed" (a sheet that
    gives too few levels to count as a rater); ``short``: the rater has known the candidate under three months."""
    if assignment.status != "not_started":
        return
    profile = framework.role(target)
    asked = set(scope_of(assignment, framework).competencies)
    competencies = [comp for comp in framework.competencies if comp.id in asked]
    inputs = []
    for i, comp in enumerate(competencies):
        if i >= round(share * len(competencies)):
            inputs.append(RatingInput(comp.id, None, ""))
            continue
        if rng.random() < 0.05:
            value = NOT_OBSERVED
        else:
            value = min(5, max(1, round(profile.requirement(comp.id).required + strength + rng.uniform(-0.7, 0.7))))
        if observed is not None and i >= observed:
            value = NOT_OBSERVED
        # Evidence where the rubric asks for it, and on most other ratings; always about this competency.
        needs = framework.readiness.needs_evidence(value)
        evidence = evidence_for(comp.id, value) if value == NOT_OBSERVED or needs or rng.random() < 0.6 else ""
        inputs.append(RatingInput(comp.id, value, evidence))
    # The rules of 2026.12.3 also ask for evidence at or above a critical requirement and far from the own mean.
    needed = evidence_required(framework, profile, {item.competency_id: item.value for item in inputs})
    inputs = [RatingInput(item.competency_id, item.value, evidence_for(item.competency_id, item.value))
              if item.competency_id in needed and not item.evidence else item for item in inputs]
    # Where the high levels were seen, from a generator of the sheet's own: the levels stay as they were.
    inputs = with_situations(framework, assignment, inputs, random.Random(f"opsladder-demo-seen-{assignment.id}"))
    known = relationship(assignment, len(inputs), short=short) if assignment.rater_group != "self" else None
    save_sheet(assignment, inputs, actor=assignment.rater, framework=framework,
               expected_version=assignment.version_id, submit=submit and share >= 1.0, relationship=known)


def build_demo(framework: Framework) -> tuple[list[tuple[str, str, str]], bool]:
    """Create the demo organisation; returns the logins and whether anything was created."""
    before = db.session.scalar(sa.select(sa.func.count(User.id)))
    hr = _user(*HR[0], "hr")
    managers = [_user(email, name, "manager") for email, name in MANAGERS]
    colleagues = [_user(email, name, "manager") for email, name in COLLEAGUES]
    # Team leads who report to a candidate, and trained assessors (issue 18): manager accounts too.
    team = [_user(email, name, "manager") for email, name in TEAM]
    assessors = [_user(email, name, "manager") for email, name in ASSESSORS]
    people = DemoPeople(hr, managers, colleagues, team, assessors)
    candidates = [(_user(email, name, "candidate"), role, strength, bias)
                  for email, name, role, strength, bias in CANDIDATES]
    place_people([hr, *managers, *colleagues, *team, *assessors, *(c for c, *_ in candidates)])

    # A past cycle, released, every sheet submitted: its results pages and reports have something to show.
    past, past_new = _cycle("Spring 2026 promotion round",
                            "Rate what you have seen over the last twelve months; use “Not observed” freely.",
                            date(2026, 3, 1), date(2026, 4, 15), hr)
    if past_new:
        change_state(past, "open", actor=hr, framework=framework)
        _populate(past, framework, people, candidates[:3] + candidates[5:7], complete=True)
        change_state(past, "closed", actor=hr)
        change_state(past, "released", actor=hr)
    reply_and_review(past)  # issue 20, 4: a reply and an open review request
    demo_plan(past, framework, hr, managers[0])  # issue 20, 3: a plan in progress

    # The current cycle, open: some sheets submitted, some in draft, some not started.
    current, current_new = _cycle("Autumn 2026 promotion round",
                                  "Please rate each candidate against the behaviours you have observed since "
                                  "April. Evidence is required for levels 1 and 5, for “Not observed”, for a level at "
                                  "or above the requirement on a critical competency, and for a level two or more "
                                  "away from your own average.",
                                  date(2026, 10, 1), date(2026, 12, 15), hr)
    if current_new:
        change_state(current, "open", actor=hr, framework=framework)
    _populate(current, framework, people, candidates, complete=False)
    history_new = build_history(framework, hr, managers[0], colleagues)  # issue 20: three cycles of one person
    performance_demo(hr)  # issue 20: the talent grid's performance ratings

    db.session.flush()
    created = past_new or current_new or history_new or db.session.scalar(sa.select(sa.func.count(User.id))) != before
    logins = [("hr", hr.email, hr.name)] + [("manager", m.email, m.name)
                                            for m in managers + colleagues + team + assessors] + \
             [("candidate", c.email, c.name) for c, *_ in candidates]
    return logins, created


class DemoPeople(NamedTuple):
    hr: User
    managers: list[User]
    colleagues: list[User]
    team: list[User]
    assessors: list[User]


def _populate(cycle: Cycle, framework: Framework, people: DemoPeople, candidates: list, *, complete: bool) -> None:
    hr, managers, colleagues = people.hr, people.managers, people.colleagues
    rng = random.Random(f"opsladder-demo-{cycle.name}")
    for index, (candidate, role, strength, bias) in enumerate(candidates):
        assessment = _assessment(cycle, candidate, role, framework, hr)
        track_record(assessment, hr)
        target = assessment.target_role
        sheets = [_assign(assessment, managers[index % len(managers)], "manager", hr)]
        if index % 3 == 0:
            sheets.append(_assign(assessment, managers[(index + 1) % len(managers)], "manager", hr))
        # Every other candidate has enough peers to show them as a group (the anonymity threshold is 3).
        peers = colleagues if index % 2 == 0 else [colleagues[index % len(colleagues)]]
        sheets += [_assign(assessment, peer, "peer", hr) for peer in peers]
        self_sheet = next(a for a in assessment.assignments if a.rater_group == "self")
        if complete:
            for number, sheet in enumerate(sheets):
                # The first candidate's last peer saw only four competencies: a sheet that does not count as a
                # rater (rubric 2026.12.3), which the results page lists with its reason. Their first peer has
                # known them under three months (issue 18), which HR sees marked.
                few = 4 if index == 0 and number == len(sheets) - 1 else None
                _fill(sheet, framework, target, strength, rng, submit=True, observed=few,
                      short=candidate.email == WITH_DIRECT_REPORTS and sheet.rater_group == "peer"
                      and sheet.rater_id == colleagues[0].id)
            _fill(self_sheet, framework, target, strength + bias, rng, submit=True)
            _more_sources(assessment, framework, people, strength)
            continue
        # Open cycle: a spread of progress, so that every status shows on the dashboard.
        stage = index % 4
        if stage in (0, 1):
            _fill(sheets[0], framework, target, strength, rng, submit=True)
        elif stage == 2:
            _fill(sheets[0], framework, target, strength, rng, share=0.5, submit=False)
        if stage in (0, 2) and len(sheets) > 1:
            _fill(sheets[1], framework, target, strength, rng, submit=True)
        if stage in (0, 1, 3):
            _fill(self_sheet, framework, target, strength + bias, rng, submit=stage != 3)


def _more_sources(assessment: Assessment, framework: Framework, people: DemoPeople, strength: float) -> None:
    """Issue 18 in the released cycle: one candidate's direct reports rate them; another has an exercise day."""
    if assessment.candidate.email == WITH_DIRECT_REPORTS:
        rng = random.Random(f"opsladder-demo-team-{assessment.id}")
        for sheet in direct_reports(assessment, people.team, people.hr):
            _fill(sheet, framework, assessment.target_role, strength + 0.4, rng, submit=True)
    if assessment.candidate.email == WITH_EXERCISE_DAY:
        # The exercises show what the role has not given room for yet: levels above the day-to-day view.
        exercise_day(assessment, framework, people.assessors, strength + 1.2, people.hr)
