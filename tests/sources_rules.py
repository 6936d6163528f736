"""Rubric 2026.12.4's evidence-source rules for sheet tests, independent of the rubric file's exact data: direct
reports judge six competencies, one role-play exercise, situations at the requirement, the rater relationship.

``use_source_rules`` installs them as the cycle's pinned framework (the cache ``pinned_framework`` reads)."""

from __future__ import annotations

from dataclasses import replace

from assessment.framework import _pinned, pinned_framework
from rubrics.model import Exercise, RaterRelationshipRules

DIRECT_REPORT_COMPETENCIES = ("people_leadership", "communication", "planning_and_organising", "decision_making",
                              "change_and_technology", "crisis_management")
ROLE_PLAY = Exercise("role_play", "Role-play", "Play the shift lead who missed three handovers; note what the "
                     "candidate asks and agrees.", 45, {"people_leadership": (3, 4, 5), "communication": (2, 3, 4)})


def source_rules(framework):
    """``framework`` with the 2026.12.4 rules this file describes."""
    readiness = replace(framework.readiness, group_competencies={"direct_report": list(DIRECT_REPORT_COMPETENCIES)},
                        anonymity_thresholds={"direct_report": 3}, situations_required_at_requirement=True,
                        rater_relationship=RaterRelationshipRules())
    return replace(framework, readiness=readiness, exercises=(ROLE_PLAY,))


def use_source_rules(monkeypatch, cycle):
    """Make ``cycle`` (open) read the rules above in every language; the framework it reads now."""
    framework = source_rules(pinned_framework(cycle))
    for language in ("en", "de", None):
        monkeypatch.setitem(_pinned, (cycle.rubric_version.content_hash, language), framework)
    return framework
