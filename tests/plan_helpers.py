"""A released assessment with a development plan, for the plan tests (issue 20, part 3)."""

from __future__ import annotations

from datetime import timedelta

from assessment.extensions import db
from assessment.models import utcnow
from assessment.services.cycles import change_state
from assessment.services.plans import ActionInput, add_action, agree_plan, plan_version, start_plan
from assessment.services.ratings import save_sheet
from rubrics.sheet import RatingInput
from tests.sheets import sheet_of, with_evidence


def released(make, cycle=None, candidate=None):
    """A candidate whose manager and self sheets are submitted, in a released cycle; the candidate has a line
    manager (not their rater)."""
    cycle = cycle or make.cycle()
    assessment = make.assessment(cycle=cycle, candidate=candidate)
    for sheet in (sheet_of(assessment, "self"), sheet_of(assessment, "manager")):
        inputs = with_evidence(sheet, [RatingInput(c.id, 3) for c in make.framework.competencies])
        save_sheet(sheet, inputs, actor=sheet.rater, framework=make.framework, expected_version=sheet.version_id,
                   submit=True)
    if assessment.candidate.manager_id is None:
        assessment.candidate.manager_id = make.user("manager").id
    change_state(cycle, "closed", actor=None)
    change_state(cycle, "released", actor=None)
    db.session.commit()
    return assessment


def with_plan(make, hr, assessment=None, *, days: int = 30, owner=None):
    """A plan with one action (owned by the candidate unless ``owner``), due in ``days`` days."""
    assessment = assessment or released(make)
    plan = start_plan(assessment, actor=hr)
    competency = make.framework.competencies[0]
    action = add_action(plan, ActionInput(competency.id, "Lead the quarterly S&OP review", (owner or
                        assessment.candidate).id, utcnow().date() + timedelta(days=days), "mentor", "the COO"),
                        framework=make.framework, actor=hr)
    db.session.commit()
    return plan, action


def agree(plan, person):
    """``person`` agrees to ``plan`` as it is now (the version they read)."""
    return agree_plan(plan, actor=person, seen_version=plan_version(plan))
