"""The demo's exercise day (rubric 2026.12.4): two assessment-centre exercises for one candidate with two trained
assessors, both assessors' sheets of each exercise submitted, and their wash-up consensus, one competency resolved
after the assessors stood two levels apart. Built through the exercise and wash-up services."""

from __future__ import annotations

import random
from datetime import date
from statistics import median_low

from rubrics import NOT_OBSERVED, Framework
from rubrics.sheet import RatingInput, exercise_levels

from .demo_evidence import evidence_for
from .models import Assessment, RaterAssignment, User
from .services.exercises import mark_assessor, schedule_exercise
from .services.ratings import save_sheet, scope_of
from .services.wash_up import ConsensusAnswer, consensus_version, save_consensus, wash_up_rows

#: Trained assessors who run the exercise day.
ASSESSORS = [
    ("elena.petrova@example.com", "Elena Petrova"),
    ("david.cohen@example.com", "David Cohen"),
]
#: Who has the exercise day (in the released spring cycle), and its exercises.
WITH_EXERCISE_DAY = "jose.alvarez@example.com"
EXERCISE_DAY = ("board_presentation", "case_analysis")
#: The competency on which the two assessors first stand two levels apart (the wash-up records how they resolved it).
CONTESTED = "strategic_planning"


def exercise_day(assessment: Assessment, framework: Framework, assessors: list[User], strength: float,
                 hr: User) -> None:
    """Two exercises with both assessors, both sheets of each submitted, and their consensus agreed in the wash-up
    (one competency two levels apart, resolved). Needs the cycle open."""
    for person in assessors:
        if not person.is_assessor:
            mark_assessor(person, True, actor=hr)
    scheduled = {(a.rater_id, a.exercise_id) for a in assessment.assignments if a.rater_group == "assessor"}
    for number, exercise_id in enumerate(EXERCISE_DAY):
        missing = [p for p in assessors if (p.id, exercise_id) not in scheduled]
        if missing:
            schedule_exercise(assessment, exercise_id, missing, framework=framework, actor=hr,
                              scheduled_on=date(2026, 3, 10 + number),
                              reason="Exercise day agreed with the promotion panel after the cycle opened.")
    rng = random.Random(f"opsladder-demo-exercises-{assessment.id}")
    for sheet in (a for a in assessment.assignments if a.rater_group == "assessor"):
        _assessor_sheet(sheet, framework, strength, rng, first=sheet.rater_id == assessors[0].id)
    if not consensus_version(assessment):
        save_consensus(assessment, _consensus(assessment, framework), framework=framework, actor=assessors[0],
                       expected_version="")


def _assessor_sheet(sheet: RaterAssignment, framework: Framework, strength: float, rng: random.Random, *,
                    first: bool) -> None:
    """An assessor's exercise sheet: levels the exercise can show, around the target profile; on the contested
    competency of the board presentation the first assessor sees 5 and the second 3."""
    if sheet.status != "not_started":
        return
    role = framework.role(sheet.assessment.target_role)
    inputs = []
    for cid in scope_of(sheet, framework).competencies:
        levels = exercise_levels(framework, sheet.exercise_id, cid)
        wanted = round(role.requirement(cid).required + strength + rng.uniform(-0.6, 0.6))
        if cid == CONTESTED and sheet.exercise_id == "board_presentation":
            wanted = 5 if first else 3
        value = min(levels, key=lambda level: (abs(level - wanted), level))
        inputs.append(RatingInput(cid, value, evidence_for(cid, value)))
    save_sheet(sheet, inputs, actor=sheet.rater, framework=framework, expected_version=sheet.version_id,
               submit=True)


def _consensus(assessment: Assessment, framework: Framework) -> dict[str, ConsensusAnswer]:
    """One level per competency within the assessors' levels (the lower middle one), with a reason; where they
    stood two levels or more apart, how they resolved it."""
    answers = {}
    for row in wash_up_rows(assessment, framework):
        levels = sorted(v for v in row.levels if isinstance(v, int))
        if not levels:
            answers[row.competency_id] = ConsensusAnswer(NOT_OBSERVED, "Neither exercise gave room to show it.")
            continue
        value = 4 if row.competency_id == CONTESTED else median_low(levels)
        reason = (f"Seen at {value} in {len(row.observations)} observations across the exercises; the behaviours of "
                  f"level {value} came up repeatedly.")
        resolution = ("David saw the plan as a budget exercise (3); Elena saw the trade-offs between investment, cost "
                      "and service argued for the whole organisation (5). Re-reading the notes together, the plan "
                      "covered several departments but not the long-term strategy: both agree on 4."
                      if row.resolve else "")
        answers[row.competency_id] = ConsensusAnswer(value, reason, resolution)
    return answers
