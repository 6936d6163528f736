"""The demo's history across cycles (issue 20, part 2): Aoife O'Brien, assessed for Head of Operations in the
released "Spring 2026 promotion round" (three peers: nothing withheld from her copy), was assessed for the same role
twice before (Spring and Autumn 2025), so her Spring 2026 results page and reports show the trend: crisis
management up since Autumn 2025, budget authority down, the rest about where they were. Get-or-create, like the
rest of the demo."""

from __future__ import annotations

import math
from datetime import date, datetime, time, timedelta, timezone

import sqlalchemy as sa

from rubrics import Framework
from rubrics.sheet import RatingInput

from .demo_evidence import evidence_for
from .extensions import db
from .models import Assessment, Cycle, RaterAssignment, User
from .services.assessments import add_assessment, assign_rater
from .services.cycles import change_state, create_cycle
from .services.ratings import save_sheet, scope_of
from .services.readiness import assess
from .services.track_record import set_track_record
from .services.users import find_user

WHO = "aoife.obrien@example.com"
LATEST = "Spring 2026 promotion round"
RISES, FALLS = "crisis_management", "budget_authority"
#: The earlier cycles, oldest first: (name, start, end, how many levels below (+) or above (−) today's score the
#: rising and the falling competency were then).
EARLIER = (("Spring 2025 promotion round", date(2025, 3, 1), date(2025, 4, 15), 2, -1),
           ("Autumn 2025 promotion round", date(2025, 10, 1), date(2025, 11, 15), 1, -1))
KNOWN = ("1_to_3_years", "weekly")


def build_history(framework: Framework, hr: User, manager: User, peers: list[User]) -> bool:
    """The two earlier cycles of the demo's person with history (released; one manager and three peers, who
    rate alike); returns whether anything was created."""
    person = find_user(WHO)
    latest = db.session.scalar(sa.select(Assessment).join(Cycle).where(Cycle.name == LATEST,
                                                                       Assessment.candidate_id == getattr(person, "id", None)))
    if latest is None or latest.cycle.state != "released":
        return False
    scores = {c.competency_id: c.decision_score for c in assess(latest, framework=framework).result.competencies}
    created = False
    for name, starts_on, ends_on, below, above in EARLIER:
        if db.session.scalar(sa.select(Cycle.id).where(Cycle.name == name)) is not None:
            continue
        cycle = create_cycle(name, actor=hr, starts_on=starts_on, ends_on=ends_on,
                             instructions="Rate what you have seen over the last twelve months.")
        change_state(cycle, "open", actor=hr, framework=framework)
        assessment = add_assessment(cycle, person, latest.current_role, latest.target_role, framework=framework,
                                    actor=hr)
        _track_record(assessment, latest, starts_on, hr)
        sheets = [assign_rater(assessment, manager, "manager", actor=hr, initial=True)]
        sheets += [assign_rater(assessment, peer, "peer", actor=hr, initial=True) for peer in peers]
        levels = _levels(framework, latest.target_role, scores, below, above)
        for sheet in sheets + [a for a in assessment.assignments if a.rater_group == "self"]:
            _rate(sheet, framework, levels)
        change_state(cycle, "closed", actor=hr)
        change_state(cycle, "released", actor=hr)
        # Dated as the cycle ran, not as the demo was built (the history page shows the release date).
        cycle.opened_at, cycle.closed_at = _moment(starts_on), _moment(ends_on)
        cycle.released_at = _moment(ends_on + timedelta(days=14))
        created = True
    return created


def _track_record(assessment: Assessment, latest: Assessment, starts_on: date, hr: User) -> None:
    """The months in leadership and in the current role then: as recorded in Spring 2026, less the months since."""
    since = (latest.cycle.starts_on.year - starts_on.year) * 12 + latest.cycle.starts_on.month - starts_on.month
    if latest.leadership_months is not None and latest.current_role_months is not None:
        set_track_record(assessment, max(0, latest.leadership_months - since),
                         max(0, latest.current_role_months - since), actor=hr)


def _moment(day: date) -> datetime:
    return datetime.combine(day, time(9), tzinfo=timezone.utc)


def _levels(framework: Framework, target: str, scores: dict, below: int, above: int) -> dict[str, int]:
    """Today's decision score of each competency as a whole level, the rising one ``below`` lower (at least 1)
    and the falling one ``above`` higher (at most 5): then Spring 2026 is up on one and down on the other."""
    role = framework.role(target)
    levels = {}
    for comp in framework.competencies:
        score = scores.get(comp.id)
        score = role.requirement(comp.id).required if score is None else score
        if comp.id == RISES:
            level = math.floor(score) - below
        elif comp.id == FALLS:
            level = math.ceil(score) - above
        else:
            level = round(score)
        levels[comp.id] = min(5, max(1, level))
    return levels


def _rate(sheet: RaterAssignment, framework: Framework, levels: dict[str, int]) -> None:
    """Submit the sheet with these levels, evidence on each, and where each level at the requirement was seen."""
    scope = scope_of(sheet, framework)
    role = framework.role(sheet.assessment.target_role)
    inputs = []
    for cid in scope.competencies:
        value = levels[cid]
        seen = ("role", 52) if scope.asks_situations and value >= role.requirement(cid).required else (None, None)
        inputs.append(RatingInput(cid, value, evidence_for(cid, value), *seen))
    save_sheet(sheet, inputs, actor=sheet.rater, framework=framework, expected_version=sheet.version_id,
               submit=True, relationship=KNOWN if sheet.rater_group != "self" else None)
