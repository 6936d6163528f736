"""A 2026.12.4-style framework for engine tests of the rater groups, grafted onto the shipped rubric's competencies
and roles with ``dataclasses.replace`` (so the rubric's own edits never move these tests): direct reports judge six
competencies, people leadership weighs them as managers, direct reports are shown from three, and two exercises
show five competencies to the assessors. ``assessment`` builds sheets that count (written evidence, varied levels).
"""

from __future__ import annotations

from dataclasses import replace

from rubrics import load_framework
from rubrics.model import Exercise
from rubrics.readiness import RaterSheet
from tests.engine_sheets import with_written_evidence

SHIPPED = load_framework()
ROLE = "head_of_operations"
DIRECT_REPORT_JUDGES = ("people_leadership", "communication", "planning_and_organising", "change_and_technology",
                        "crisis_management", "performance_metrics")
EXERCISES = (
    Exercise("board_presentation", "Board presentation", "Observe the plan and the answers.", 60,
             {"strategic_planning": [3, 4, 5], "communication": [3, 4, 5], "stakeholder_relations": [4, 5]}),
    Exercise("role_play", "Role-play", "Observe the conversation.", 45,
             {"people_leadership": [2, 3, 4, 5], "communication": [2, 3, 4]}),
)
ASSESSOR_JUDGES = ("strategic_planning", "communication", "stakeholder_relations", "people_leadership")


def groups_framework(base=SHIPPED, **changes):
    rules = replace(base.readiness,
                    rater_group_weights={"manager": 2, "peer": 1, "direct_report": 1, "assessor": 2},
                    group_competencies={"direct_report": list(DIRECT_REPORT_JUDGES)},
                    competency_group_weights={"people_leadership": {"manager": 2, "peer": 1, "direct_report": 2,
                                                                    "assessor": 2}},
                    anonymity_thresholds={"direct_report": 3}, **changes)
    return replace(base, readiness=rules, exercises=EXERCISES)


FW = groups_framework()
IDS = [c.id for c in FW.competencies]
REQUIRED = {r.competency_id: r.required for r in FW.role(ROLE).requirements}


def levels(shift=0, only=None, **overrides):
    """The role's requirements, alternately one above (so no sheet is one level throughout), moved by ``shift``."""
    ids = only if only is not None else IDS
    out = {cid: max(1, min(5, REQUIRED[cid] + shift + (k % 2))) for k, cid in enumerate(ids)}
    out.update(overrides)
    return out


def sheet(key, group, ratings, comments=None, fw=FW):
    return with_written_evidence(fw, ROLE, [RaterSheet(key, group, ratings, comments or {})])[0]


def consensus(ratings, fw=FW):
    return sheet("assessor-consensus", "assessor", ratings,
                 {cid: "Seen in the board presentation." for cid in ratings}, fw)


def direct_reports(n, shift=0, fw=FW, **overrides):
    return [sheet(f"direct_report-{k + 1}", "direct_report", levels(shift, DIRECT_REPORT_JUDGES, **overrides),
                  fw=fw) for k in range(n)]
